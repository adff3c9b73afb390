/**
 * The tenant's namespace and what bounds it: Pod Security Admission `restricted`, a
 * ResourceQuota that forbids LoadBalancer and NodePort Services, and a LimitRange so that a
 * container declared without resources still gets requests and limits.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { TENANT_LABEL, WORKSPACE_LABEL } from "./constants";
import { ResolvedTenantSpec } from "./tenant-args";

/** The Pod Security Admission level, for enforce, audit and warn alike. */
export const POD_SECURITY_LEVEL = "restricted";

/** Defaults for a container that declares no resources; kept small so quotas go further. */
export const CONTAINER_DEFAULTS = {
    request: { cpu: "250m", memory: "512Mi" },
    limit: { cpu: "1", memory: "2Gi" },
} as const;

/** Labels every tenant object carries, so policies and operators can find them. */
export function tenantLabels(args: ResolvedTenantSpec): Record<string, string> {
    return {
        [TENANT_LABEL]: args.name,
        [WORKSPACE_LABEL]: args.workspace,
        "app.kubernetes.io/managed-by": "pulumi",
    };
}

export interface TenantNamespace {
    namespace: k8s.core.v1.Namespace;
    /** The namespace name as an Output, so dependants wait for the namespace. */
    name: pulumi.Output<string>;
    quota: k8s.core.v1.ResourceQuota;
    limits: k8s.core.v1.LimitRange;
}

/** Creates the namespace, its quota and its limit range as children of `parent`. */
export function createTenantNamespace(
    args: ResolvedTenantSpec,
    parent: pulumi.Resource,
): TenantNamespace {
    const labels = tenantLabels(args);
    // https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces
    const podSecurity = Object.fromEntries(
        ["enforce", "audit", "warn"].flatMap((mode) => [
            [`pod-security.kubernetes.io/${mode}`, POD_SECURITY_LEVEL],
            [`pod-security.kubernetes.io/${mode}-version`, "latest"],
        ]),
    );
    const namespace = new k8s.core.v1.Namespace(
        `${args.name}-namespace`,
        { metadata: { name: args.name, labels: { ...labels, ...podSecurity } } },
        { parent },
    );
    const name = namespace.metadata.name;

    const r = args.resources;
    const quota = new k8s.core.v1.ResourceQuota(
        `${args.name}-quota`,
        {
            metadata: { name: "tenant-quota", namespace: name, labels },
            spec: {
                hard: {
                    "requests.cpu": String(r.cpu),
                    "limits.cpu": String(r.cpu),
                    "requests.memory": `${r.memoryGi}Gi`,
                    "limits.memory": `${r.memoryGi}Gi`,
                    pods: String(r.pods),
                    persistentvolumeclaims: String(r.persistentVolumeClaims),
                    "requests.storage": `${r.storageGi}Gi`,
                    // A tenant is reached only through the shared ingress controller.
                    "services.loadbalancers": "0",
                    "services.nodeports": "0",
                },
            },
        },
        { parent },
    );

    const limits = new k8s.core.v1.LimitRange(
        `${args.name}-limits`,
        {
            metadata: { name: "tenant-limits", namespace: name, labels },
            spec: {
                limits: [
                    {
                        type: "Container",
                        defaultRequest: { ...CONTAINER_DEFAULTS.request },
                        default: { ...CONTAINER_DEFAULTS.limit },
                    },
                ],
            },
        },
        { parent },
    );

    return { namespace, name, quota, limits };
}
