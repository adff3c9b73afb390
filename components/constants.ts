/**
 * Names that the platform stack, the tenant stacks and the policy pack must spell the same way.
 */

/** The Pulumi project name, and the prefix of every component's type token. */
export const PROJECT = "airflow-platform";

/** The namespace of the platform's own workloads (tenant provisioning Jobs, admin credential). */
export const PLATFORM_NAMESPACE = "airflow-platform";

/** The namespace of the EFK logging stack. */
export const LOGGING_NAMESPACE = "logging";

/** The namespace of the ingress controller that fronts tenant webservers. */
export const INGRESS_NAMESPACE = "ingress-nginx";

/** The Kubernetes Secret in {@link PLATFORM_NAMESPACE} that holds the database administrator. */
export const DATABASE_ADMIN_SECRET = "cloudsql-admin";

/** Namespaces no tenant may take: Kubernetes' own, GKE's, and the platform's. */
export const RESERVED_NAMESPACES: readonly string[] = [
    "default",
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "gke-managed-system",
    "gke-managed-cim",
    "gmp-system",
    "gmp-public",
    PLATFORM_NAMESPACE,
    LOGGING_NAMESPACE,
    INGRESS_NAMESPACE,
];

/** Namespace prefixes reserved for Kubernetes and GKE. */
export const RESERVED_NAMESPACE_PREFIXES: readonly string[] = ["kube-", "gke-", "gmp-"];

/** The node label that marks the tenant node pool; tenant pods select it. */
export const TENANT_POOL_LABEL = { key: "airflow-platform/pool", value: "tenants" } as const;

/** The taint on the tenant node pool; only tenant pods tolerate it. */
export const TENANT_POOL_TAINT = {
    key: "airflow-platform/tenants",
    value: "true",
    effect: "NO_SCHEDULE",
    /** The same effect as Kubernetes spells it in a toleration. */
    kubernetesEffect: "NoSchedule",
} as const;

/** The label every tenant namespace carries; policies find tenant namespaces by it. */
export const TENANT_LABEL = "airflow-platform/tenant";

/** The label naming the workspace a tenant belongs to. */
export const WORKSPACE_LABEL = "airflow-platform/workspace";

/** IAP's TCP forwarding range: the only source of SSH to the bastion in the default mode. */
export const IAP_TCP_FORWARDING_RANGE = "35.235.240.0/20";
