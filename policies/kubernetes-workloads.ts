/**
 * Kubernetes workloads declared by the program: every container meets the Pod Security
 * "restricted" profile (except in the declared exempt namespaces, which still meet "baseline"),
 * runs with limits from a pinned image, and nothing is exposed outside the ingress layer.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import {
    EXEMPT_NAMESPACES_CONFIG,
    INGRESS_NAMESPACE_CONFIG,
    PolicyMeta,
    UNKNOWN,
    field,
    list,
    plain,
    resourcePolicy,
} from "./lib";
import { K8S, WORKLOAD_POD_SPEC_PATHS } from "./types";

const WORKLOADS = Object.keys(WORKLOAD_POD_SPEC_PATHS);

/** A container of a pod template, named for messages. */
interface Container {
    label: string;
    spec: unknown;
}

function podSpecOf(type: string, props: Record<string, unknown>): unknown {
    return field(props, ...WORKLOAD_POD_SPEC_PATHS[type]);
}

function containersOf(podSpec: unknown): Container[] {
    const found: Container[] = [];
    for (const kind of ["initContainers", "containers", "ephemeralContainers"]) {
        const items = list(podSpec, kind);
        if (items === UNKNOWN) {
            continue;
        }
        items.forEach((spec, index) => {
            if (spec !== UNKNOWN) {
                const name = field(spec, "name");
                found.push({
                    label: `${kind}[${index}]${typeof name === "string" ? ` (${name})` : ""}`,
                    spec,
                });
            }
        });
    }
    return found;
}

function namespaceOf(props: Record<string, unknown>): unknown {
    return field(props, "metadata", "namespace") ?? "default";
}

/**
 * A policy over every container of every workload kind. `exemptable` policies belong to the
 * restricted profile and do not apply in the configured exempt namespaces.
 */
function containerPolicy(
    meta: PolicyMeta,
    exemptable: boolean,
    check: (container: Container, podSpec: unknown) => string | undefined,
): ResourceValidationPolicy {
    const withConfig: PolicyMeta = exemptable
        ? { ...meta, config: { ...meta.config, exemptNamespaces: EXEMPT_NAMESPACES_CONFIG } }
        : meta;
    return resourcePolicy(withConfig, WORKLOADS, (props, args: ResourceValidationArgs, config) => {
        if (
            exemptable &&
            ((config.exemptNamespaces as string[]) ?? []).includes(String(namespaceOf(props)))
        ) {
            return args.notApplicable("The namespace is exempt from Pod Security restricted");
        }
        const podSpec = podSpecOf(args.type, props);
        if (podSpec === UNKNOWN || podSpec === undefined) {
            return;
        }
        return containersOf(podSpec)
            .map((container) => check(container, podSpec))
            .filter((message): message is string => message !== undefined);
    });
}

/** A container's security setting, falling back to the pod's where Kubernetes does. */
function effective(container: Container, podSpec: unknown, key: string): unknown {
    const own = field(container.spec, "securityContext", key);
    return own !== undefined ? own : field(podSpec, "securityContext", key);
}

export const runAsNonRoot = containerPolicy(
    {
        name: "k8s-run-as-non-root",
        description: "Containers run as a non-root user.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Pod Security Standards",
            reference: "restricted: runAsNonRoot",
            title: "Containers must be required to run as non-root users.",
        },
    },
    true,
    (container, podSpec) => {
        const nonRoot = effective(container, podSpec, "runAsNonRoot");
        const user = effective(container, podSpec, "runAsUser");
        if (nonRoot === UNKNOWN || user === UNKNOWN) {
            return undefined;
        }
        // Pod Security restricted asks for runAsNonRoot itself; a non-zero runAsUser alone
        // does not satisfy it.
        if (user === 0 || nonRoot !== true) {
            return `${container.label} may run as root: set securityContext.runAsNonRoot to true (and a non-zero runAsUser) on the container or the pod.`;
        }
        return undefined;
    },
);

export const noPrivilegeEscalation = containerPolicy(
    {
        name: "k8s-no-privilege-escalation",
        description: "Containers cannot gain more privileges than they start with.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Pod Security Standards",
            reference: "restricted: allowPrivilegeEscalation",
            title: "Privilege escalation must not be allowed.",
        },
    },
    true,
    (container) => {
        // Kubernetes allows escalation unless told otherwise.
        const allowed = field(container.spec, "securityContext", "allowPrivilegeEscalation");
        if (allowed !== UNKNOWN && allowed !== false) {
            return `${container.label}: set securityContext.allowPrivilegeEscalation to false.`;
        }
        return undefined;
    },
);

export const noPrivileged = containerPolicy(
    {
        name: "k8s-no-privileged",
        description: "No container runs privileged, in any namespace.",
        enforcementLevel: "mandatory",
        severity: "critical",
        control: {
            framework: "Pod Security Standards",
            reference: "baseline: privileged",
            title: "Privileged pods disable most security mechanisms and must be disallowed.",
        },
    },
    false,
    (container) =>
        field(container.spec, "securityContext", "privileged") === true
            ? `${container.label} is privileged and owns the node: remove securityContext.privileged.`
            : undefined,
);

export const dropAllCapabilities = containerPolicy(
    {
        name: "k8s-drop-all-capabilities",
        description:
            "Containers drop every Linux capability and add back at most NET_BIND_SERVICE.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Pod Security Standards",
            reference: "restricted: capabilities",
            title: "Containers must drop ALL capabilities, and are only permitted to add back NET_BIND_SERVICE.",
        },
    },
    true,
    (container) => {
        const drop = list(container.spec, "securityContext", "capabilities", "drop");
        const add = list(container.spec, "securityContext", "capabilities", "add");
        if (drop === UNKNOWN || add === UNKNOWN) {
            return undefined;
        }
        const extra = add.filter((c) => c !== UNKNOWN && c !== "NET_BIND_SERVICE");
        if (!drop.includes("ALL") || extra.length > 0) {
            return `${container.label}: set securityContext.capabilities.drop to ["ALL"] and add nothing but NET_BIND_SERVICE${extra.length ? ` (it adds ${extra.join(", ")})` : ""}.`;
        }
        return undefined;
    },
);

export const seccompProfile = containerPolicy(
    {
        name: "k8s-seccomp-profile",
        description: "Containers run under the runtime's default seccomp profile (or a local one).",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Pod Security Standards",
            reference: "restricted: seccompProfile",
            title: "Seccomp profile must be explicitly set to one of the allowed values.",
        },
    },
    true,
    (container, podSpec) => {
        const type = field(container.spec, "securityContext", "seccompProfile", "type");
        const effectiveType =
            type !== undefined ? type : field(podSpec, "securityContext", "seccompProfile", "type");
        if (
            effectiveType !== UNKNOWN &&
            effectiveType !== "RuntimeDefault" &&
            effectiveType !== "Localhost"
        ) {
            return `${container.label}: set securityContext.seccompProfile.type to "RuntimeDefault" on the pod or the container.`;
        }
        return undefined;
    },
);

export const readOnlyRootFilesystem = containerPolicy(
    {
        name: "k8s-read-only-root-filesystem",
        description: "Containers mount their root filesystem read-only.",
        enforcementLevel: "advisory",
        severity: "low",
        control: {
            framework: "Platform",
            reference: "tenant-isolation",
            title: "A compromised container cannot change its own code.",
        },
    },
    true,
    (container) => {
        const readOnly = field(container.spec, "securityContext", "readOnlyRootFilesystem");
        if (readOnly !== UNKNOWN && readOnly !== true) {
            return `${container.label}: set securityContext.readOnlyRootFilesystem to true and mount an emptyDir where it must write.`;
        }
        return undefined;
    },
);

export const noServiceAccountToken = resourcePolicy(
    {
        name: "k8s-no-default-token-mount",
        description:
            "Pods that do not call the Kubernetes API do not mount a service account token.",
        enforcementLevel: "advisory",
        severity: "low",
        control: {
            framework: "CIS GKE",
            reference: "4.1.5",
            title: "Ensure that Service Account Tokens are only mounted where necessary.",
        },
    },
    WORKLOADS,
    (props, args) => {
        const podSpec = podSpecOf(args.type, props);
        const automount = field(podSpec, "automountServiceAccountToken");
        const account = field(podSpec, "serviceAccountName");
        // A pod with its own service account is presumed to need its token.
        if (automount === undefined && (account === undefined || account === "default")) {
            return "Set automountServiceAccountToken to false, or give the pod its own service account if it calls the API.";
        }
        return undefined;
    },
);

export const resourceLimits = containerPolicy(
    {
        name: "k8s-resource-limits",
        description: "Containers declare CPU and memory limits.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "tenant-isolation",
            title: "One tenant cannot starve another.",
        },
    },
    false,
    (container) => {
        const missing = ["cpu", "memory"].filter(
            (r) => field(container.spec, "resources", "limits", r) === undefined,
        );
        return missing.length > 0
            ? `${container.label}: set resources.limits.${missing.join(" and resources.limits.")}.`
            : undefined;
    },
);

export const noLatestImage = containerPolicy(
    {
        name: "k8s-no-latest-image",
        description: "Container images are pinned to a version or digest, never latest.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "pinned-versions",
            title: "What runs is what was reviewed.",
        },
    },
    false,
    (container) => {
        const image = field(container.spec, "image");
        if (typeof image !== "string" || image.includes("@sha256:")) {
            return undefined;
        }
        const lastSegment = image.split("/").pop() ?? image;
        const tag = lastSegment.includes(":") ? lastSegment.split(":").pop() : undefined;
        if (tag === undefined || tag === "latest") {
            return `${container.label} uses ${image}: pin the image to a version tag or a digest.`;
        }
        return undefined;
    },
);

export const noHostNamespaces = resourcePolicy(
    {
        name: "k8s-no-host-namespaces",
        description: "Pods do not share the node's network, process or IPC namespaces.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Pod Security Standards",
            reference: "baseline: host namespaces",
            title: "Sharing the host namespaces must be disallowed.",
        },
    },
    WORKLOADS,
    (props, args) => {
        const podSpec = podSpecOf(args.type, props);
        return ["hostNetwork", "hostPID", "hostIPC"]
            .filter((key) => field(podSpec, key) === true)
            .map((key) => `Remove ${key}: true from the pod spec.`);
    },
);

export const noHostPath = resourcePolicy(
    {
        name: "k8s-no-host-path",
        description: "Pods mount no host paths, except in the declared exempt namespaces.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Pod Security Standards",
            reference: "baseline: hostPath volumes",
            title: "HostPath volumes must be forbidden.",
        },
        config: { exemptNamespaces: EXEMPT_NAMESPACES_CONFIG },
    },
    WORKLOADS,
    (props, args, config) => {
        if (((config.exemptNamespaces as string[]) ?? []).includes(String(namespaceOf(props)))) {
            return args.notApplicable("The namespace is exempt from Pod Security restricted");
        }
        const volumes = list(podSpecOf(args.type, props), "volumes");
        if (volumes === UNKNOWN) {
            return;
        }
        return volumes
            .filter((volume) => volume !== UNKNOWN && field(volume, "hostPath") !== undefined)
            .map(
                (volume) =>
                    `The volume ${String(field(volume, "name"))} mounts a host path: use an emptyDir, a ConfigMap or a PersistentVolumeClaim.`,
            );
    },
);

const PUBLIC_SERVICE_TYPES = ["LoadBalancer", "NodePort"];

/** Where Helm values ask for a public Service: any `type` of LoadBalancer or NodePort under a key naming a service. */
function publicServicesInValues(value: unknown, path: string[] = []): string[] {
    if (typeof value !== "object" || value === null) {
        return [];
    }
    const found: string[] = [];
    for (const [key, item] of Object.entries(value)) {
        const here = [...path, key];
        if (
            key === "type" &&
            PUBLIC_SERVICE_TYPES.includes(String(item)) &&
            path.some((p) => /service/i.test(p))
        ) {
            found.push(`values.${here.join(".")} = ${String(item)}`);
        }
        found.push(...publicServicesInValues(item, here));
    }
    return found;
}

export const noPublicService = resourcePolicy(
    {
        name: "k8s-no-public-service",
        description:
            "No LoadBalancer or NodePort Service exists outside the ingress layer, declared directly or through Helm values.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Platform",
            reference: "tenant-isolation",
            title: "Tenants are reached only through the platform's ingress.",
        },
        config: { ingressNamespace: INGRESS_NAMESPACE_CONFIG },
    },
    [K8S.service, K8S.helmRelease, K8S.helmChart],
    (props, args, config) => {
        const helm = args.type !== K8S.service;
        const namespace = helm ? (field(props, "namespace") ?? "default") : namespaceOf(props);
        if (namespace === UNKNOWN || namespace === config.ingressNamespace) {
            return undefined;
        }
        const fix = `use a ClusterIP Service behind the ingress in "${config.ingressNamespace}"`;
        if (helm) {
            return publicServicesInValues(plain(field(props, "values"))).map(
                (where) => `${where} in "${String(namespace)}" bypasses the ingress layer: ${fix}.`,
            );
        }
        const type = field(props, "spec", "type");
        if (PUBLIC_SERVICE_TYPES.includes(String(type))) {
            return `A ${String(type)} Service in "${String(namespace)}" bypasses the ingress layer: ${fix}.`;
        }
        return undefined;
    },
);

const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export const helmPinnedVersion = resourcePolicy(
    {
        name: "k8s-helm-pinned-version",
        description: "Helm charts from a repository are installed at an exact version.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "pinned-versions",
            title: "What runs is what was reviewed.",
        },
    },
    [K8S.helmRelease, K8S.helmChart],
    (props, args) => {
        const chart = field(props, "chart");
        const repo = field(props, "repositoryOpts", "repo");
        const fromRepository =
            repo !== undefined ||
            (typeof chart === "string" &&
                (chart.startsWith("oci://") || /^[^./][^/]*\/[^/]+$/.test(chart)));
        if (!fromRepository) {
            return args.notApplicable(
                "A chart from a local path is pinned by the repository itself",
            );
        }
        const version = field(props, "version");
        if (version !== UNKNOWN && !(typeof version === "string" && EXACT_VERSION.test(version))) {
            return `Set version to an exact chart version (such as "1.15.0"), not ${JSON.stringify(version ?? "unset")}.`;
        }
        return undefined;
    },
);

export const workloadPolicies: ResourceValidationPolicy[] = [
    runAsNonRoot,
    noPrivilegeEscalation,
    noPrivileged,
    dropAllCapabilities,
    seccompProfile,
    readOnlyRootFilesystem,
    noServiceAccountToken,
    resourceLimits,
    noLatestImage,
    noHostNamespaces,
    noHostPath,
    noPublicService,
    helmPinnedVersion,
];
