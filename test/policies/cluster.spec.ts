import { GCP } from "../../policies/types";
import { clusterPolicies } from "../../policies/cluster";
import { compliantCluster } from "./compliant";
import { proveDeclarations, proveResourcePolicies, UNSET } from "./harness";

describe("policies/cluster", () => {
    proveDeclarations(clusterPolicies);

    proveResourcePolicies({
        policies: clusterPolicies,
        type: GCP.cluster,
        compliant: compliantCluster,
        cases: [
            { path: "location", value: "us-central1", expect: "gke-cluster-location" },
            { path: "location", value: "us-east1-b", expect: "gke-cluster-location" },
            { path: "location", value: UNSET, expect: "gke-cluster-location" },
            {
                path: "location",
                value: "europe-west1",
                expect: [],
                config: { "gke-cluster-location": { region: "europe-west1" } },
                also: [],
            },
            {
                path: "privateClusterConfig.enablePrivateNodes",
                value: false,
                expect: "gke-private-nodes",
            },
            {
                path: "privateClusterConfig.enablePrivateNodes",
                value: UNSET,
                expect: "gke-private-nodes",
            },
            { path: "workloadIdentityConfig", value: UNSET, expect: "gke-workload-identity" },
            {
                path: "workloadIdentityConfig.workloadPool",
                value: "",
                expect: "gke-workload-identity",
            },
            { path: "datapathProvider", value: "LEGACY_DATAPATH", expect: "gke-network-policy" },
            { path: "datapathProvider", value: UNSET, expect: "gke-network-policy" },
            {
                path: "datapathProvider",
                value: UNSET,
                expect: [],
                also: [["networkPolicy", { enabled: true, provider: "CALICO" }]],
            },
            { path: "enableShieldedNodes", value: false, expect: "gke-shielded-nodes" },
            { path: "enableShieldedNodes", value: UNSET, expect: [] },
            { path: "databaseEncryption", value: UNSET, expect: "gke-secrets-encryption" },
            {
                path: "databaseEncryption.state",
                value: "DECRYPTED",
                expect: "gke-secrets-encryption",
            },
            { path: "databaseEncryption.keyName", value: UNSET, expect: "gke-secrets-encryption" },
            { path: "releaseChannel", value: UNSET, expect: "gke-release-channel" },
            { path: "releaseChannel.channel", value: "UNSPECIFIED", expect: "gke-release-channel" },
            { path: "loggingService", value: "none", expect: "gke-logging-monitoring" },
            { path: "monitoringService", value: "none", expect: "gke-logging-monitoring" },
            { path: "loggingConfig.enableComponents", value: [], expect: "gke-logging-monitoring" },
            {
                path: "monitoringConfig.enableComponents",
                value: ["APISERVER"],
                expect: "gke-logging-monitoring",
            },
            { path: "networkingMode", value: "ROUTES", expect: "gke-vpc-native" },
            { path: "networkingMode", value: "VPC_NATIVE", expect: [] },
            { path: "deletionProtection", value: false, expect: "gke-deletion-protection" },
            { path: "deletionProtection", value: UNSET, expect: [] },
            {
                path: "removeDefaultNodePool",
                value: false,
                expect: "gke-default-node-pool-removed",
            },
            {
                path: "removeDefaultNodePool",
                value: UNSET,
                expect: "gke-default-node-pool-removed",
            },
            {
                path: "securityPostureConfig.mode",
                value: "DISABLED",
                expect: "gke-security-posture",
            },
            {
                path: "securityPostureConfig.vulnerabilityMode",
                value: "VULNERABILITY_DISABLED",
                expect: "gke-security-posture",
            },
        ],
    });
});
