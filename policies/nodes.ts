/**
 * GKE nodes: the identity they run as, what pods can learn from the metadata server, how they
 * boot, how they are kept patched, and how their disks are encrypted. The node settings of a
 * node pool and of a cluster's own (default) node config are judged alike.
 * https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { TENANT_POOL_LABEL, TENANT_POOL_TAINT } from "../components/constants";
import { UNKNOWN, field, list, PolicyMeta, resourcePolicy } from "./lib";
import { GCP } from "./types";

/**
 * The node settings of a pool or cluster; `undefined` when a cluster declares none (its default
 * pool is then judged by gke-default-node-pool-removed).
 */
function nodeConfigOf(type: string, props: Record<string, unknown>): unknown {
    return type === GCP.nodePool ? (field(props, "nodeConfig") ?? {}) : field(props, "nodeConfig");
}

/** A policy on node settings, applied to node pools and to clusters that declare node settings. */
function nodePolicy(meta: PolicyMeta, check: (nodeConfig: unknown) => string | undefined) {
    return resourcePolicy(meta, [GCP.nodePool, GCP.cluster], (props, args) => {
        const nodeConfig = nodeConfigOf(args.type, props);
        if (nodeConfig === UNKNOWN || nodeConfig === undefined || nodeConfig === null) {
            return;
        }
        return check(nodeConfig);
    });
}

function isDefaultComputeAccount(email: string): boolean {
    return email === "default" || /-compute@developer\.gserviceaccount\.com$/.test(email);
}

export const nodeServiceAccount = nodePolicy(
    {
        name: "gke-node-service-account",
        description:
            "GKE nodes run as a dedicated service account, not the Compute Engine default.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.2.1",
            title: "Ensure GKE clusters are not running using the Compute Engine default service account.",
        },
    },
    (nodeConfig) => {
        const email = field(nodeConfig, "serviceAccount");
        if (email !== UNKNOWN && (typeof email !== "string" || isDefaultComputeAccount(email))) {
            return "The Compute Engine default account holds Editor on the project: set nodeConfig.serviceAccount to the dedicated node service account.";
        }
        return undefined;
    },
);

export const nodeMetadataServer = nodePolicy(
    {
        name: "gke-node-metadata-server",
        description:
            "GKE nodes expose the GKE metadata server to pods, never the node's credentials.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.4.2",
            title: "Ensure the GKE Metadata Server is Enabled.",
        },
    },
    (nodeConfig) => {
        const mode = field(nodeConfig, "workloadMetadataConfig", "mode");
        if (mode !== UNKNOWN && mode !== "GKE_METADATA") {
            return 'Set nodeConfig.workloadMetadataConfig.mode to "GKE_METADATA" so that pods cannot read the node\'s credentials.';
        }
        return undefined;
    },
);

export const nodeLegacyMetadata = nodePolicy(
    {
        name: "gke-node-legacy-metadata-disabled",
        description: "GKE nodes do not serve the legacy Compute Engine metadata endpoints.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GKE",
            reference: "5.4.1",
            title: "Ensure legacy Compute Engine instance metadata APIs are Disabled.",
        },
    },
    (nodeConfig) => {
        const value = field(nodeConfig, "metadata", "disable-legacy-endpoints");
        if (value !== undefined && value !== UNKNOWN && String(value).toLowerCase() !== "true") {
            return 'Set nodeConfig.metadata["disable-legacy-endpoints"] to "true" (or leave it unset).';
        }
        return undefined;
    },
);

export const nodeSecureBoot = nodePolicy(
    {
        name: "gke-node-secure-boot",
        description: "GKE nodes boot with Secure Boot.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GKE",
            reference: "5.5.7",
            title: "Ensure Secure Boot for Shielded GKE Nodes is Enabled.",
        },
    },
    (nodeConfig) => {
        // Secure boot is off unless set.
        const enabled = field(nodeConfig, "shieldedInstanceConfig", "enableSecureBoot");
        if (enabled !== UNKNOWN && enabled !== true) {
            return "Set nodeConfig.shieldedInstanceConfig.enableSecureBoot to true so that only signed boot components run.";
        }
        return undefined;
    },
);

export const nodeIntegrityMonitoring = nodePolicy(
    {
        name: "gke-node-integrity-monitoring",
        description: "GKE nodes have integrity monitoring.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GKE",
            reference: "5.5.6",
            title: "Ensure Integrity Monitoring for Shielded GKE Nodes is Enabled.",
        },
    },
    (nodeConfig) => {
        if (field(nodeConfig, "shieldedInstanceConfig", "enableIntegrityMonitoring") === false) {
            return "Set nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring to true (or leave it unset).";
        }
        return undefined;
    },
);

export const nodeImage = nodePolicy(
    {
        name: "gke-node-image",
        description: "GKE nodes run Container-Optimized OS with containerd.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GKE",
            reference: "5.5.1",
            title: "Ensure Container-Optimized OS (cos_containerd) is used for GKE node images.",
        },
    },
    (nodeConfig) => {
        const image = field(nodeConfig, "imageType");
        if (
            image !== undefined &&
            image !== UNKNOWN &&
            String(image).toUpperCase() !== "COS_CONTAINERD"
        ) {
            return `The node image ${JSON.stringify(image)} is not Container-Optimized OS: set nodeConfig.imageType to "COS_CONTAINERD".`;
        }
        return undefined;
    },
);

export const nodeDiskEncryption = nodePolicy(
    {
        name: "gke-node-cmek-disks",
        description: "GKE node boot disks are encrypted with the platform's KMS key.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GKE",
            reference: "5.9.1",
            title: "Enable Customer-Managed Encryption Keys (CMEK) for GKE Persistent Disks.",
        },
    },
    (nodeConfig) => {
        const key = field(nodeConfig, "bootDiskKmsKey");
        if (key !== UNKNOWN && (typeof key !== "string" || key === "")) {
            return "Set nodeConfig.bootDiskKmsKey to the platform's disk key.";
        }
        return undefined;
    },
);

function managementPolicy(meta: PolicyMeta, key: "autoRepair" | "autoUpgrade", what: string) {
    return resourcePolicy(meta, [GCP.nodePool], (props) => {
        // The provider turns both on unless told otherwise.
        if (field(props, "management", key) === false) {
            return `Set management.${key} to true (or leave it unset) so that ${what}.`;
        }
        return undefined;
    });
}

export const nodeAutoRepair = managementPolicy(
    {
        name: "gke-node-auto-repair",
        description: "GKE node pools repair unhealthy nodes automatically.",
        enforcementLevel: "mandatory",
        severity: "low",
        control: {
            framework: "CIS GKE",
            reference: "5.5.2",
            title: "Ensure Node Auto-Repair is enabled for GKE nodes.",
        },
    },
    "autoRepair",
    "broken nodes are replaced",
);

export const nodeAutoUpgrade = managementPolicy(
    {
        name: "gke-node-auto-upgrade",
        description: "GKE node pools upgrade automatically.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GKE",
            reference: "5.5.3",
            title: "Ensure Node Auto-Upgrade is enabled for GKE nodes.",
        },
    },
    "autoUpgrade",
    "nodes receive security patches",
);

export const tenantPoolSandboxed = resourcePolicy(
    {
        name: "gke-tenant-pool-sandboxed",
        description:
            "The tenant node pool runs pods in gVisor and is tainted for tenant pods only.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.10.3",
            title: "Consider GKE Sandbox for running untrusted workloads.",
        },
    },
    [GCP.nodePool],
    (props, args) => {
        const poolLabel = field(props, "nodeConfig", "labels", TENANT_POOL_LABEL.key);
        if (poolLabel !== TENANT_POOL_LABEL.value) {
            return args.notApplicable("Not the tenant node pool");
        }
        const messages: string[] = [];
        const sandbox = field(props, "nodeConfig", "sandboxConfig", "type");
        if (sandbox !== UNKNOWN && String(sandbox).toUpperCase() !== "GVISOR") {
            messages.push(
                'Tenant code must not share a kernel with the node: set nodeConfig.sandboxConfig.type to "GVISOR".',
            );
        }
        const taints = list(props, "nodeConfig", "taints");
        const tainted =
            taints === UNKNOWN ||
            taints.some(
                (taint) =>
                    taint === UNKNOWN ||
                    (field(taint, "key") === TENANT_POOL_TAINT.key &&
                        field(taint, "effect") === TENANT_POOL_TAINT.effect),
            );
        if (!tainted) {
            messages.push(
                `Only tenant pods may land on the tenant pool: add the taint ${TENANT_POOL_TAINT.key}=${TENANT_POOL_TAINT.value}:${TENANT_POOL_TAINT.effect} to nodeConfig.taints.`,
            );
        }
        return messages;
    },
);

export const nodePolicies: ResourceValidationPolicy[] = [
    nodeServiceAccount,
    nodeMetadataServer,
    nodeLegacyMetadata,
    nodeSecureBoot,
    nodeIntegrityMonitoring,
    nodeImage,
    nodeDiskEncryption,
    nodeAutoRepair,
    nodeAutoUpgrade,
    tenantPoolSandboxed,
];
