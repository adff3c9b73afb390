import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GKE_NODE_TAG } from "./network";
import { TENANT_POOL_LABEL, TENANT_POOL_TAINT } from "./constants";
import { InvalidArgumentError, requireIntegerInRange, requireNonEmpty } from "./validation";

/** The size and shape of one node pool. */
export interface NodePoolSettings {
    /** Compute Engine machine type. Default `e2-standard-4`. Shared-core types (e2-micro/small/medium) cannot run gVisor. */
    machineType?: string;
    /** Minimum nodes per zone, 0-100. Default 1. */
    minNodesPerZone?: number;
    /** Maximum nodes per zone, at least `minNodesPerZone`, at most 100. Default 3. */
    maxNodesPerZone?: number;
    /** Boot disk size in GB, 20-2000. Default 100. */
    diskSizeGb?: number;
}

/** What distinguishes the two pools. */
export type PoolRole = "platform" | "tenants";

const SHARED_CORE = /^(e2-(micro|small|medium)|f1-micro|g1-small)$/;

/** Validates one pool's settings; `field` names the argument in errors. */
export function validatePoolSettings(
    field: string,
    role: PoolRole,
    settings: NodePoolSettings = {},
): Required<NodePoolSettings> {
    const machineType = requireNonEmpty(
        `${field}.machineType`,
        settings.machineType ?? "e2-standard-4",
    );
    if (role === "tenants" && SHARED_CORE.test(machineType)) {
        throw new InvalidArgumentError(
            `${field}.machineType`,
            machineType,
            "a machine type that is not shared-core (GKE Sandbox does not run on e2-micro, e2-small or e2-medium)",
        );
    }
    const minNodesPerZone = requireIntegerInRange(
        `${field}.minNodesPerZone`,
        settings.minNodesPerZone ?? 1,
        0,
        100,
    );
    const maxNodesPerZone = requireIntegerInRange(
        `${field}.maxNodesPerZone`,
        settings.maxNodesPerZone ?? 3,
        Math.max(1, minNodesPerZone),
        100,
    );
    const diskSizeGb = requireIntegerInRange(
        `${field}.diskSizeGb`,
        settings.diskSizeGb ?? 100,
        20,
        2000,
    );
    return { machineType, minNodesPerZone, maxNodesPerZone, diskSizeGb };
}

/**
 * The arguments of a hardened node pool: the dedicated node service account, the GKE metadata
 * server (Workload Identity), shielded nodes with secure boot, Container-Optimized OS, a CMEK
 * boot disk, autoscaling, auto-repair and auto-upgrade. The tenant pool is also labelled,
 * tainted and sandboxed with gVisor, so tenant code never shares a kernel with platform pods.
 */
export function nodePoolArgs(
    role: PoolRole,
    settings: Required<NodePoolSettings>,
    cluster: gcp.container.Cluster,
    serviceAccountEmail: pulumi.Input<string>,
    diskKeyId: pulumi.Input<string>,
): gcp.container.NodePoolArgs {
    const tenants = role === "tenants";
    return {
        cluster: cluster.id,
        location: cluster.location,
        autoscaling: {
            minNodeCount: settings.minNodesPerZone,
            maxNodeCount: settings.maxNodesPerZone,
            locationPolicy: "BALANCED",
        },
        management: { autoRepair: true, autoUpgrade: true },
        upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
        nodeConfig: {
            machineType: settings.machineType,
            imageType: "COS_CONTAINERD",
            diskType: "pd-balanced",
            diskSizeGb: settings.diskSizeGb,
            bootDiskKmsKey: diskKeyId,
            serviceAccount: serviceAccountEmail,
            // Access is governed by IAM roles on the service account, not by scopes.
            oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
            // Pods see the GKE metadata server, never the node's credentials:
            // https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity
            workloadMetadataConfig: { mode: "GKE_METADATA" },
            shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
            metadata: { "disable-legacy-endpoints": "true" },
            tags: [GKE_NODE_TAG],
            labels: tenants
                ? { [TENANT_POOL_LABEL.key]: TENANT_POOL_LABEL.value }
                : { "airflow-platform/pool": "platform" },
            taints: tenants
                ? [
                      {
                          key: TENANT_POOL_TAINT.key,
                          value: TENANT_POOL_TAINT.value,
                          effect: TENANT_POOL_TAINT.effect,
                      },
                  ]
                : [],
            // gVisor: https://cloud.google.com/kubernetes-engine/docs/concepts/sandbox-pods
            sandboxConfig: tenants ? { type: "GVISOR" } : undefined,
        },
    };
}
