import * as assert from "assert";
import { TENANT_POOL_LABEL, TENANT_POOL_TAINT } from "../../components/constants";
import { nodePolicies } from "../../policies/nodes";
import { GCP } from "../../policies/types";
import {
    proveDeclarations,
    proveResourcePolicies,
    resource,
    run,
    UNSET,
    violated,
} from "./harness";

/** A node pool as the platform declares its tenant pool. */
export function compliantNodePool(): Record<string, unknown> {
    return {
        cluster: "projects/p/locations/us-east1/clusters/platform",
        location: "us-east1",
        management: { autoRepair: true, autoUpgrade: true },
        nodeConfig: {
            machineType: "n2-standard-8",
            imageType: "COS_CONTAINERD",
            bootDiskKmsKey: "projects/p/locations/us-east1/keyRings/r/cryptoKeys/disks",
            serviceAccount: "platform-nodes@p.iam.gserviceaccount.com",
            workloadMetadataConfig: { mode: "GKE_METADATA" },
            shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
            metadata: { "disable-legacy-endpoints": "true" },
            labels: { [TENANT_POOL_LABEL.key]: TENANT_POOL_LABEL.value },
            taints: [
                {
                    key: TENANT_POOL_TAINT.key,
                    value: TENANT_POOL_TAINT.value,
                    effect: TENANT_POOL_TAINT.effect,
                },
            ],
            sandboxConfig: { type: "GVISOR" },
        },
    };
}

describe("policies/nodes", () => {
    proveDeclarations(nodePolicies);

    describe("node pools", () => {
        proveResourcePolicies({
            policies: nodePolicies,
            type: GCP.nodePool,
            compliant: compliantNodePool,
            cases: [
                {
                    path: "nodeConfig.serviceAccount",
                    value: UNSET,
                    expect: "gke-node-service-account",
                },
                {
                    path: "nodeConfig.serviceAccount",
                    value: "default",
                    expect: "gke-node-service-account",
                },
                {
                    path: "nodeConfig.serviceAccount",
                    value: "123456789-compute@developer.gserviceaccount.com",
                    expect: "gke-node-service-account",
                },
                {
                    path: "nodeConfig.workloadMetadataConfig.mode",
                    value: "GCE_METADATA",
                    expect: "gke-node-metadata-server",
                },
                {
                    path: "nodeConfig.workloadMetadataConfig",
                    value: UNSET,
                    expect: "gke-node-metadata-server",
                },
                {
                    path: ["nodeConfig", "metadata", "disable-legacy-endpoints"],
                    value: "false",
                    expect: "gke-node-legacy-metadata-disabled",
                },
                {
                    path: "nodeConfig.shieldedInstanceConfig.enableSecureBoot",
                    value: false,
                    expect: "gke-node-secure-boot",
                },
                {
                    path: "nodeConfig.shieldedInstanceConfig",
                    value: UNSET,
                    expect: "gke-node-secure-boot",
                },
                {
                    path: "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring",
                    value: false,
                    expect: "gke-node-integrity-monitoring",
                },
                {
                    path: "nodeConfig.imageType",
                    value: "UBUNTU_CONTAINERD",
                    expect: "gke-node-image",
                },
                { path: "nodeConfig.imageType", value: UNSET, expect: [] },
                { path: "nodeConfig.bootDiskKmsKey", value: UNSET, expect: "gke-node-cmek-disks" },
                { path: "management.autoRepair", value: false, expect: "gke-node-auto-repair" },
                { path: "management.autoUpgrade", value: false, expect: "gke-node-auto-upgrade" },
                { path: "management", value: UNSET, expect: [] },
                {
                    path: "nodeConfig.sandboxConfig",
                    value: UNSET,
                    expect: "gke-tenant-pool-sandboxed",
                },
                { path: "nodeConfig.taints", value: [], expect: "gke-tenant-pool-sandboxed" },
            ],
        });

        it("asks no sandbox of the platform pool", async () => {
            let props = compliantNodePool();
            delete (props.nodeConfig as Record<string, unknown>).sandboxConfig;
            props = {
                ...props,
                nodeConfig: {
                    ...(props.nodeConfig as object),
                    labels: { "airflow-platform/pool": "platform" },
                    taints: [],
                },
            };
            const evaluation = await run(nodePolicies, [resource(GCP.nodePool, props)]);
            assert.deepStrictEqual(violated(evaluation), []);
        });

        it("judges a pool with no node settings by the provider's defaults", async () => {
            const evaluation = await run(nodePolicies, [resource(GCP.nodePool, { cluster: "c" })]);
            assert.deepStrictEqual(violated(evaluation), [
                "gke-node-cmek-disks",
                "gke-node-metadata-server",
                "gke-node-secure-boot",
                "gke-node-service-account",
            ]);
        });
    });

    describe("a cluster's own node settings", () => {
        it("are judged like a pool's when declared, and ignored when not", async () => {
            const weak = { nodeConfig: { serviceAccount: "default" } };
            const declared = await run(nodePolicies, [resource(GCP.cluster, weak)]);
            assert.ok(violated(declared).includes("gke-node-service-account"));
            const none = await run(nodePolicies, [resource(GCP.cluster, {})]);
            assert.deepStrictEqual(violated(none), []);
        });
    });
});
