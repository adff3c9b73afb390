/**
 * Tenant isolation: every tenant namespace (found by its tenant label) enforces Pod Security
 * "restricted", denies all ingress and egress by default, and has a quota and default limits;
 * RBAC grants no wildcards, no `pods/exec` and nothing to cluster-admin or the anonymous groups.
 * https://kubernetes.io/docs/concepts/security/multi-tenancy/
 */
import {
    PolicyResource,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { TENANT_LABEL } from "../components/constants";
import { UNKNOWN, field, list, PolicyMeta, resourcePolicy, StackFinding, stackPolicy } from "./lib";
import { K8S } from "./types";

const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

function isTenantNamespace(props: Record<string, unknown>): boolean {
    const label = field(props, "metadata", "labels", TENANT_LABEL);
    return label !== undefined && label !== null;
}

export const tenantPodSecurity = resourcePolicy(
    {
        name: "tenant-namespace-pod-security",
        description: "Tenant namespaces enforce the Pod Security restricted profile.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "4.2.1",
            title: "Ensure that the cluster enforces Pod Security Standard Baseline profile or stricter for all namespaces.",
        },
    },
    [K8S.namespace],
    (props, args) => {
        if (!isTenantNamespace(props)) {
            return args.notApplicable("Not a tenant namespace");
        }
        const level = field(props, "metadata", "labels", ENFORCE_LABEL);
        if (level !== UNKNOWN && level !== "restricted") {
            return `Label the namespace ${ENFORCE_LABEL}: restricted so that the API server refuses pods that could escape it.`;
        }
        return undefined;
    },
);

/** The tenant namespaces of the stack with their names, where the name is known. */
function tenantNamespaces(args: StackValidationArgs): { resource: PolicyResource; name: string }[] {
    return args.resources
        .filter((r) => r.type === K8S.namespace && isTenantNamespace(r.props))
        .map((resource) => ({ resource, name: field(resource.props, "metadata", "name") }))
        .filter(
            (ns): ns is { resource: PolicyResource; name: string } => typeof ns.name === "string",
        );
}

/**
 * The resources of a type in a namespace. One whose namespace is unknown during preview may be
 * in it, so it counts: unknown is never a violation.
 */
function inNamespace(args: StackValidationArgs, type: string, namespace: string): PolicyResource[] {
    return args.resources.filter((r) => {
        const where = field(r.props, "metadata", "namespace");
        return r.type === type && (where === namespace || where === UNKNOWN);
    });
}

/** A stack policy that checks each tenant namespace on its own. */
function perTenantPolicy(
    meta: PolicyMeta,
    check: (args: StackValidationArgs, namespace: string) => string | undefined,
): StackValidationPolicy {
    return stackPolicy(meta, (args) => {
        const namespaces = tenantNamespaces(args);
        if (namespaces.length === 0) {
            return args.notApplicable("The stack declares no tenant namespace");
        }
        const findings: StackFinding[] = [];
        for (const { resource, name } of namespaces) {
            const message = check(args, name);
            if (message !== undefined) {
                findings.push({ message, urn: resource.urn });
            }
        }
        return findings;
    });
}

/**
 * Whether a NetworkPolicy selects every pod and admits nothing in the given direction; UNKNOWN
 * when a field it depends on is unknown until the update.
 */
function deniesAll(
    policy: PolicyResource,
    direction: "Ingress" | "Egress",
): boolean | typeof UNKNOWN {
    const spec = field(policy.props, "spec");
    const selector = field(spec, "podSelector");
    const labels = field(selector, "matchLabels");
    const expressions = list(selector, "matchExpressions");
    const types = list(spec, "policyTypes");
    const rules = list(spec, direction === "Ingress" ? "ingress" : "egress");
    if ([spec, selector, labels, expressions, types, rules].includes(UNKNOWN)) {
        return UNKNOWN;
    }
    const selectsAll =
        (labels === undefined || labels === null || Object.keys(labels as object).length === 0) &&
        (expressions as unknown[]).length === 0;
    return (
        selectsAll && (types as unknown[]).includes(direction) && (rules as unknown[]).length === 0
    );
}

function defaultDenyPolicy(direction: "Ingress" | "Egress") {
    const lower = direction.toLowerCase();
    return perTenantPolicy(
        {
            name: `tenant-default-deny-${lower}`,
            description: `Every tenant namespace has a NetworkPolicy that denies all ${lower} by default.`,
            enforcementLevel: "mandatory",
            severity: "high",
            control: {
                framework: "CIS GKE",
                reference: "4.3.2",
                title: "Ensure that all Namespaces have Network Policies defined.",
            },
        },
        (args, namespace) =>
            inNamespace(args, K8S.networkPolicy, namespace).some(
                (p) => deniesAll(p, direction) !== false,
            )
                ? undefined
                : `Add to "${namespace}" a NetworkPolicy with podSelector {}, policyTypes ["${direction}"] and no ${lower} rules, then allow only what the tenant needs.`,
    );
}

export const tenantDefaultDenyIngress = defaultDenyPolicy("Ingress");
export const tenantDefaultDenyEgress = defaultDenyPolicy("Egress");

export const tenantResourceQuota = perTenantPolicy(
    {
        name: "tenant-resource-quota",
        description: "Every tenant namespace has a ResourceQuota.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "tenant-isolation",
            title: "One tenant cannot starve another.",
        },
    },
    (args, namespace) =>
        inNamespace(args, K8S.resourceQuota, namespace).length > 0
            ? undefined
            : `Add a ResourceQuota to "${namespace}" that caps its CPU, memory, pods and Services.`,
);

export const tenantLimitRange = perTenantPolicy(
    {
        name: "tenant-limit-range",
        description: "Every tenant namespace has a LimitRange giving containers default limits.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "tenant-isolation",
            title: "One tenant cannot starve another.",
        },
    },
    (args, namespace) =>
        inNamespace(args, K8S.limitRange, namespace).length > 0
            ? undefined
            : `Add a LimitRange to "${namespace}" with default container requests and limits.`,
);

const ROLES = [K8S.role, K8S.clusterRole];
const BINDINGS = [K8S.roleBinding, K8S.clusterRoleBinding];

export const roleNoWildcards = resourcePolicy(
    {
        name: "k8s-role-no-wildcards",
        description: "Roles name their API groups, resources and verbs instead of using wildcards.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "4.1.3",
            title: "Minimize wildcard use in Roles and ClusterRoles.",
        },
    },
    ROLES,
    (props) => {
        const rules = list(props, "rules");
        if (rules === UNKNOWN) {
            return;
        }
        return rules.flatMap((rule, index) =>
            ["apiGroups", "resources", "verbs"]
                .filter((key) => {
                    const values = list(rule, key);
                    return values !== UNKNOWN && values.includes("*");
                })
                .map((key) => `rules[${index}].${key} contains "*": list exactly what is needed.`),
        );
    },
);

export const roleNoPodExec = resourcePolicy(
    {
        name: "k8s-role-no-pod-exec",
        description: "No Role lets its holder exec or attach into pods.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Platform",
            reference: "tenant-isolation",
            title: "No one gets a shell in a tenant's pods, where its secrets live.",
        },
    },
    ROLES,
    (props) => {
        const rules = list(props, "rules");
        if (rules === UNKNOWN) {
            return;
        }
        return rules.flatMap((rule, index) => {
            const resources = list(rule, "resources");
            return resources === UNKNOWN
                ? []
                : resources
                      .filter((r) => r === "pods/exec" || r === "pods/attach")
                      .map(
                          (r) =>
                              `rules[${index}] grants ${String(r)}: remove it; read logs through the logging stack instead.`,
                      );
        });
    },
);

export const noClusterAdminBinding = resourcePolicy(
    {
        name: "k8s-no-cluster-admin-binding",
        description: "Nothing the program declares binds the cluster-admin role.",
        enforcementLevel: "mandatory",
        severity: "critical",
        control: {
            framework: "CIS GKE",
            reference: "4.1.1",
            title: "Ensure that the cluster-admin role is only used where required.",
        },
    },
    BINDINGS,
    (props) => {
        if (field(props, "roleRef", "name") === "cluster-admin") {
            return "Bind a role that grants only what the subject needs, not cluster-admin.";
        }
        return undefined;
    },
);

/** Kubernetes' built-in roles that grant `pods/exec` (and read Secrets) in the bound namespace. */
const BUILT_IN_EXEC_ROLES = ["admin", "edit"];

export const tenantNoBuiltInExecRoles = resourcePolicy(
    {
        name: "tenant-no-exec-through-built-in-roles",
        description:
            "Tenant bindings do not grant the built-in admin or edit ClusterRoles, which include pods/exec.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Platform",
            reference: "tenant-isolation",
            title: "No one gets a shell in a tenant's pods, where its secrets live.",
        },
        config: {
            allowedClusterRoles: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    "Built-in ClusterRoles a tenant binding may grant despite pods/exec (for example edit), as a deliberate exception.",
            },
        },
    },
    [K8S.roleBinding],
    (props, args, config) => {
        const tenant = field(props, "metadata", "labels", TENANT_LABEL);
        if (tenant === undefined) {
            return args.notApplicable("Not a tenant binding");
        }
        if (tenant === UNKNOWN) {
            return undefined;
        }
        const kind = field(props, "roleRef", "kind");
        const name = field(props, "roleRef", "name");
        const allowed = (config.allowedClusterRoles as string[]) ?? [];
        if (
            kind === "ClusterRole" &&
            BUILT_IN_EXEC_ROLES.includes(String(name)) &&
            !allowed.includes(String(name))
        ) {
            return `The built-in ClusterRole "${String(name)}" lets its holder exec into pods and read Secrets: bind a tenant Role without pods/exec (or "view"), or list "${String(name)}" in this policy's allowedClusterRoles deliberately.`;
        }
        return undefined;
    },
);

const ANONYMOUS_SUBJECTS = ["system:anonymous", "system:unauthenticated", "system:authenticated"];

export const noAnonymousBinding = resourcePolicy(
    {
        name: "k8s-no-anonymous-binding",
        description:
            "No binding grants anything to the anonymous user or the (un)authenticated groups.",
        enforcementLevel: "mandatory",
        severity: "critical",
        control: {
            framework: "CIS GKE",
            reference: "4.1.9",
            title: "Avoid non-default bindings to system:unauthenticated.",
        },
    },
    BINDINGS,
    (props) => {
        const subjects = list(props, "subjects");
        if (subjects === UNKNOWN) {
            return;
        }
        return subjects
            .map((subject) => field(subject, "name"))
            .filter((name) => ANONYMOUS_SUBJECTS.includes(String(name)))
            .map(
                (name) =>
                    `Remove the subject ${String(name)}: bind named users, groups or service accounts only.`,
            );
    },
);

export const tenantIsolationPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    tenantPodSecurity,
    tenantDefaultDenyIngress,
    tenantDefaultDenyEgress,
    tenantResourceQuota,
    tenantLimitRange,
    roleNoWildcards,
    roleNoPodExec,
    tenantNoBuiltInExecRoles,
    noClusterAdminBinding,
    noAnonymousBinding,
];
