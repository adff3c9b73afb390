import { GCP } from "../../policies/types";
import { controlPlanePolicies } from "../../policies/control-plane";
import { compliantCluster } from "./compliant";
import { proveDeclarations, proveResourcePolicies, UNSET } from "./harness";

describe("policies/control-plane", () => {
    proveDeclarations(controlPlanePolicies);

    proveResourcePolicies({
        policies: controlPlanePolicies,
        type: GCP.cluster,
        compliant: compliantCluster,
        cases: [
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
            { path: "enableLegacyAbac", value: true, expect: "gke-no-legacy-abac" },
            { path: "masterAuth.username", value: "admin", expect: "gke-no-basic-auth" },
            {
                path: "masterAuth.clientCertificateConfig.issueClientCertificate",
                value: true,
                expect: "gke-no-client-certificate",
            },
        ],
    });
});
