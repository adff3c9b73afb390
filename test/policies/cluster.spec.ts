import { clusterPolicies } from "../../policies/cluster";
import { GCP } from "../../policies/types";
import { proveDeclarations, proveResourcePolicies, UNSET } from "./harness";

/** A cluster as the platform declares it. */
export function compliantCluster(): Record<string, unknown> {
    return {
        location: "us-east1",
        privateClusterConfig: {
            enablePrivateNodes: true,
            enablePrivateEndpoint: true,
            masterIpv4CidrBlock: "172.16.0.0/28",
            masterGlobalAccessConfig: { enabled: false },
        },
        masterAuthorizedNetworksConfig: {
            cidrBlocks: [{ cidrBlock: "10.0.16.0/28", displayName: "bastion" }],
            gcpPublicCidrsAccessEnabled: false,
            privateEndpointEnforcementEnabled: true,
        },
        controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: false } },
        masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
        enableLegacyAbac: false,
        rbacBindingConfig: {
            enableInsecureBindingSystemAuthenticated: false,
            enableInsecureBindingSystemUnauthenticated: false,
        },
        workloadIdentityConfig: { workloadPool: "my-project.svc.id.goog" },
        datapathProvider: "ADVANCED_DATAPATH",
        enableShieldedNodes: true,
        databaseEncryption: {
            state: "ENCRYPTED",
            keyName: "projects/p/locations/us-east1/keyRings/r/cryptoKeys/k",
        },
        releaseChannel: { channel: "REGULAR" },
        securityPostureConfig: { mode: "BASIC", vulnerabilityMode: "VULNERABILITY_BASIC" },
        loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] },
        removeDefaultNodePool: true,
        deletionProtection: true,
    };
}

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
            {
                path: "privateClusterConfig.enablePrivateEndpoint",
                value: false,
                expect: "gke-private-endpoint",
            },
            {
                path: "privateClusterConfig.enablePrivateEndpoint",
                value: UNSET,
                expect: "gke-private-endpoint",
            },
            {
                path: "controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic",
                value: true,
                expect: "gke-private-endpoint",
            },
            {
                path: "privateClusterConfig.masterGlobalAccessConfig.enabled",
                value: true,
                expect: "gke-control-plane-regional-access",
            },
            {
                path: "masterAuthorizedNetworksConfig",
                value: UNSET,
                expect: "gke-master-authorized-networks",
            },
            {
                path: "masterAuthorizedNetworksConfig.cidrBlocks.0.cidrBlock",
                value: "0.0.0.0/0",
                expect: "gke-master-authorized-networks",
            },
            {
                path: "masterAuthorizedNetworksConfig.cidrBlocks.1",
                value: { cidrBlock: "198.51.100.0/24" },
                expect: "gke-master-authorized-networks",
            },
            {
                path: "masterAuthorizedNetworksConfig.privateEndpointEnforcementEnabled",
                value: false,
                expect: "gke-master-authorized-networks",
            },
            {
                path: "masterAuthorizedNetworksConfig.privateEndpointEnforcementEnabled",
                value: UNSET,
                expect: "gke-master-authorized-networks",
            },
            {
                path: "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled",
                value: true,
                expect: "gke-no-google-public-access",
            },
            {
                path: "rbacBindingConfig.enableInsecureBindingSystemAuthenticated",
                value: true,
                expect: "gke-no-insecure-rbac-bindings",
            },
            {
                path: "rbacBindingConfig.enableInsecureBindingSystemUnauthenticated",
                value: true,
                expect: "gke-no-insecure-rbac-bindings",
            },
            {
                path: "rbacBindingConfig",
                value: UNSET,
                expect: ["gke-no-insecure-rbac-bindings", "gke-no-insecure-rbac-bindings"],
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
            { path: "enableLegacyAbac", value: true, expect: "gke-no-legacy-abac" },
            { path: "masterAuth.username", value: "admin", expect: "gke-no-basic-auth" },
            {
                path: "masterAuth.clientCertificateConfig.issueClientCertificate",
                value: true,
                expect: "gke-no-client-certificate",
            },
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
