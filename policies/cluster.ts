/**
 * The GKE cluster: where it runs, who can reach its control plane, and how it protects what it
 * stores. A field left unset is judged by the provider's default.
 * https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { UNKNOWN, field, isPrivateCidr, list, REGION_CONFIG, resourcePolicy } from "./lib";
import { GCP } from "./types";

const CLUSTER = [GCP.cluster];

export const clusterLocation = resourcePolicy(
    {
        name: "gke-cluster-location",
        description: "GKE clusters are regional clusters in the platform's region.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "region",
            title: "All data stays in the platform's region.",
        },
        config: { region: REGION_CONFIG },
    },
    CLUSTER,
    (props, _args, config) => {
        const location = field(props, "location");
        if (location !== UNKNOWN && location !== config.region) {
            return `The cluster's location must be the region "${config.region}" (a regional cluster), not ${JSON.stringify(location)}: set location to "${config.region}".`;
        }
        return undefined;
    },
);

export const privateNodes = resourcePolicy(
    {
        name: "gke-private-nodes",
        description: "GKE nodes have internal addresses only.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.6.5",
            title: "Ensure clusters are created with Private Nodes.",
        },
    },
    CLUSTER,
    (props) => {
        const enabled = field(props, "privateClusterConfig", "enablePrivateNodes");
        if (enabled !== UNKNOWN && enabled !== true) {
            return "Nodes must have no external address: set privateClusterConfig.enablePrivateNodes to true.";
        }
        return undefined;
    },
);

export const privateEndpoint = resourcePolicy(
    {
        name: "gke-private-endpoint",
        description: "The GKE control plane is reachable on its private endpoint only.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.6.4",
            title: "Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled.",
        },
    },
    CLUSTER,
    (props) => {
        const messages: string[] = [];
        const enabled = field(props, "privateClusterConfig", "enablePrivateEndpoint");
        if (enabled !== UNKNOWN && enabled !== true) {
            messages.push(
                "The control plane must have no public endpoint: set privateClusterConfig.enablePrivateEndpoint to true.",
            );
        }
        const dnsExternal = field(
            props,
            "controlPlaneEndpointsConfig",
            "dnsEndpointConfig",
            "allowExternalTraffic",
        );
        if (dnsExternal === true) {
            messages.push(
                "The control plane's DNS endpoint must not admit traffic from outside the VPC: set controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic to false.",
            );
        }
        return messages;
    },
);

export const masterAuthorizedNetworks = resourcePolicy(
    {
        name: "gke-master-authorized-networks",
        description: "The control plane admits only the configured private networks.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.6.3",
            title: "Ensure Control Plane Authorized Networks is Enabled.",
        },
    },
    CLUSTER,
    (props) => {
        const config = field(props, "masterAuthorizedNetworksConfig");
        if (config === UNKNOWN) {
            return;
        }
        if (config === undefined || config === null) {
            return "Set masterAuthorizedNetworksConfig with the private ranges that may reach the control plane (the bastion's subnet).";
        }
        const messages: string[] = [];
        // Without enforcement on the private endpoint, any address in the VPC (a tenant pod
        // included) reaches the control plane.
        const enforced = field(config, "privateEndpointEnforcementEnabled");
        if (enforced !== UNKNOWN && enforced !== true) {
            messages.push(
                "The authorized networks must also guard the private endpoint: set masterAuthorizedNetworksConfig.privateEndpointEnforcementEnabled to true.",
            );
        }
        const blocks = list(config, "cidrBlocks");
        if (blocks === UNKNOWN) {
            return messages;
        }
        for (const cidr of blocks.map((block) => field(block, "cidrBlock"))) {
            if (typeof cidr === "string" && !isPrivateCidr(cidr)) {
                messages.push(
                    `The authorized network ${cidr} is not a private range: list only private ranges (such as the bastion's subnet) in masterAuthorizedNetworksConfig.cidrBlocks.`,
                );
            }
        }
        return messages;
    },
);

export const noGooglePublicCidrs = resourcePolicy(
    {
        name: "gke-no-google-public-access",
        description: "Google Cloud's public addresses cannot reach the control plane.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GKE",
            reference: "5.6.3",
            title: "Ensure Control Plane Authorized Networks is Enabled.",
        },
    },
    CLUSTER,
    (props) => {
        if (
            field(props, "masterAuthorizedNetworksConfig", "gcpPublicCidrsAccessEnabled") === true
        ) {
            return "Any Google Cloud VM could reach the control plane: set masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled to false.";
        }
        return undefined;
    },
);

export const controlPlaneRegionalAccess = resourcePolicy(
    {
        name: "gke-control-plane-regional-access",
        description: "The private endpoint is reachable from the cluster's region only.",
        enforcementLevel: "advisory",
        severity: "low",
        control: {
            framework: "CIS GKE",
            reference: "5.6.4",
            title: "Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled.",
        },
    },
    CLUSTER,
    (props) => {
        if (field(props, "privateClusterConfig", "masterGlobalAccessConfig", "enabled") === true) {
            return "Set privateClusterConfig.masterGlobalAccessConfig.enabled to false unless clients in other regions must reach the control plane.";
        }
        return undefined;
    },
);

export const noInsecureRbacBindings = resourcePolicy(
    {
        name: "gke-no-insecure-rbac-bindings",
        description:
            "GKE refuses RBAC bindings to system:authenticated and system:unauthenticated.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "4.1.9",
            title: "Avoid non-default bindings to system:unauthenticated.",
        },
    },
    CLUSTER,
    (props) => {
        const messages: string[] = [];
        for (const key of [
            "enableInsecureBindingSystemAuthenticated",
            "enableInsecureBindingSystemUnauthenticated",
        ]) {
            const value = field(props, "rbacBindingConfig", key);
            if (value !== UNKNOWN && value !== false) {
                messages.push(
                    `Any Google account could be granted access through such a binding: set rbacBindingConfig.${key} to false.`,
                );
            }
        }
        return messages;
    },
);

export const workloadIdentity = resourcePolicy(
    {
        name: "gke-workload-identity",
        description: "GKE clusters enable Workload Identity.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.2.2",
            title: "Prefer using dedicated GCP Service Accounts and Workload Identity.",
        },
    },
    CLUSTER,
    (props) => {
        const pool = field(props, "workloadIdentityConfig", "workloadPool");
        if (pool !== UNKNOWN && !(typeof pool === "string" && pool.endsWith(".svc.id.goog"))) {
            return 'Pods must not borrow the node\'s identity: set workloadIdentityConfig.workloadPool to "<project>.svc.id.goog".';
        }
        return undefined;
    },
);

export const networkPolicyEnforcement = resourcePolicy(
    {
        name: "gke-network-policy",
        description: "GKE clusters enforce Kubernetes NetworkPolicies (Dataplane V2 counts).",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.6.7",
            title: "Ensure Network Policy is Enabled and set as appropriate.",
        },
    },
    CLUSTER,
    (props) => {
        const datapath = field(props, "datapathProvider");
        const enabled = field(props, "networkPolicy", "enabled");
        if (datapath === UNKNOWN || enabled === UNKNOWN) {
            return;
        }
        if (datapath !== "ADVANCED_DATAPATH" && enabled !== true) {
            return 'Tenant NetworkPolicies are only enforced with Dataplane V2 or Calico: set datapathProvider to "ADVANCED_DATAPATH" (or networkPolicy.enabled to true).';
        }
        return undefined;
    },
);

export const shieldedNodes = resourcePolicy(
    {
        name: "gke-shielded-nodes",
        description: "GKE clusters use Shielded GKE Nodes.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.5.5",
            title: "Ensure Shielded GKE Nodes are Enabled.",
        },
    },
    CLUSTER,
    (props) => {
        // The provider enables shielded nodes unless told otherwise.
        if (field(props, "enableShieldedNodes") === false) {
            return "Nodes must prove their identity to the control plane: set enableShieldedNodes to true.";
        }
        return undefined;
    },
);

export const secretsEncryption = resourcePolicy(
    {
        name: "gke-secrets-encryption",
        description:
            "Kubernetes Secrets are encrypted at the application layer with a Cloud KMS key.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.3.1",
            title: "Ensure Kubernetes Secrets are encrypted using keys managed in Cloud KMS.",
        },
    },
    CLUSTER,
    (props) => {
        const state = field(props, "databaseEncryption", "state");
        const keyName = field(props, "databaseEncryption", "keyName");
        if (state === UNKNOWN || keyName === UNKNOWN) {
            return;
        }
        if (state !== "ENCRYPTED" || typeof keyName !== "string" || keyName === "") {
            return 'Secrets must be encrypted with the platform\'s KMS key: set databaseEncryption to { state: "ENCRYPTED", keyName: <the GKE secrets key> }.';
        }
        return undefined;
    },
);

export const noLegacyAbac = resourcePolicy(
    {
        name: "gke-no-legacy-abac",
        description: "GKE clusters authorize with RBAC only, not legacy ABAC.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.8.3",
            title: "Ensure Legacy Authorization (ABAC) is Disabled.",
        },
    },
    CLUSTER,
    (props) => {
        if (field(props, "enableLegacyAbac") === true) {
            return "Legacy ABAC grants broad static permissions: set enableLegacyAbac to false.";
        }
        return undefined;
    },
);

export const noBasicAuth = resourcePolicy(
    {
        name: "gke-no-basic-auth",
        description: "GKE clusters accept no static username and password.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.8.1",
            title: "Ensure Basic Authentication using static passwords is Disabled (numbered 5.8.1 in editions before 1.4).",
        },
    },
    CLUSTER,
    (props) => {
        const username = field(props, "masterAuth", "username");
        const password = field(props, "masterAuth", "password");
        if (
            (typeof username === "string" && username !== "") ||
            (typeof password === "string" && password !== "")
        ) {
            return "Basic authentication must stay off: remove masterAuth.username and masterAuth.password.";
        }
        return undefined;
    },
);

export const noClientCertificate = resourcePolicy(
    {
        name: "gke-no-client-certificate",
        description: "GKE clusters issue no client certificate.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.8.1",
            title: "Ensure authentication using Client Certificates is Disabled.",
        },
    },
    CLUSTER,
    (props) => {
        if (
            field(props, "masterAuth", "clientCertificateConfig", "issueClientCertificate") === true
        ) {
            return "A client certificate is a credential that cannot be revoked: set masterAuth.clientCertificateConfig.issueClientCertificate to false.";
        }
        return undefined;
    },
);

export const releaseChannel = resourcePolicy(
    {
        name: "gke-release-channel",
        description: "GKE clusters follow a release channel so that security patches arrive.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GKE",
            reference: "5.5.4",
            title: "Automate GKE version management using Release Channels.",
        },
    },
    CLUSTER,
    (props) => {
        const channel = field(props, "releaseChannel", "channel");
        if (
            channel !== UNKNOWN &&
            !["RAPID", "REGULAR", "STABLE", "EXTENDED"].includes(String(channel))
        ) {
            return 'Set releaseChannel.channel to "REGULAR" (or RAPID, STABLE, EXTENDED) so that GKE keeps the cluster patched.';
        }
        return undefined;
    },
);

export const loggingAndMonitoring = resourcePolicy(
    {
        name: "gke-logging-monitoring",
        description: "GKE clusters send logs and metrics to Cloud Logging and Cloud Monitoring.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GKE",
            reference: "5.7.1",
            title: "Ensure Logging and Cloud Monitoring is Enabled.",
        },
    },
    CLUSTER,
    (props) => {
        const messages: string[] = [];
        if (field(props, "loggingService") === "none") {
            messages.push(
                'Set loggingService to "logging.googleapis.com/kubernetes" (or leave it unset).',
            );
        }
        if (field(props, "monitoringService") === "none") {
            messages.push(
                'Set monitoringService to "monitoring.googleapis.com/kubernetes" (or leave it unset).',
            );
        }
        const logged = list(props, "loggingConfig", "enableComponents");
        if (
            field(props, "loggingConfig") !== undefined &&
            logged !== UNKNOWN &&
            !logged.includes("SYSTEM_COMPONENTS")
        ) {
            messages.push(
                'loggingConfig.enableComponents must include "SYSTEM_COMPONENTS" (and "WORKLOADS").',
            );
        }
        const monitored = list(props, "monitoringConfig", "enableComponents");
        if (
            field(props, "monitoringConfig", "enableComponents") !== undefined &&
            monitored !== UNKNOWN &&
            !monitored.includes("SYSTEM_COMPONENTS")
        ) {
            messages.push('monitoringConfig.enableComponents must include "SYSTEM_COMPONENTS".');
        }
        return messages;
    },
);

export const vpcNative = resourcePolicy(
    {
        name: "gke-vpc-native",
        description:
            "GKE clusters are VPC-native, so pod addresses are subject to the VPC's firewall and flow logs.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GKE",
            reference: "5.6.2",
            title: "Ensure use of VPC-native clusters.",
        },
    },
    CLUSTER,
    (props) => {
        if (field(props, "networkingMode") === "ROUTES") {
            return 'Set networkingMode to "VPC_NATIVE" with ipAllocationPolicy naming the pod and service ranges.';
        }
        return undefined;
    },
);

export const clusterDeletionProtection = resourcePolicy(
    {
        name: "gke-deletion-protection",
        description: "GKE clusters cannot be deleted by accident.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "nothing-is-lost",
            title: "Clusters, databases and keys are protected against deletion.",
        },
    },
    CLUSTER,
    (props) => {
        // The provider protects a cluster unless told otherwise.
        if (field(props, "deletionProtection") === false) {
            return "Set deletionProtection to true; turn it off deliberately only in the change that deletes the cluster.";
        }
        return undefined;
    },
);

export const defaultNodePoolRemoved = resourcePolicy(
    {
        name: "gke-default-node-pool-removed",
        description:
            "GKE clusters drop the default node pool in favour of managed, hardened pools.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GKE",
            reference: "5.2.1",
            title: "Ensure GKE clusters are not running using the Compute Engine default service account.",
        },
    },
    CLUSTER,
    (props) => {
        const removed = field(props, "removeDefaultNodePool");
        if (removed !== UNKNOWN && removed !== true) {
            return "The default pool runs as the Compute Engine default service account: set removeDefaultNodePool to true and declare node pools separately.";
        }
        return undefined;
    },
);

export const securityPosture = resourcePolicy(
    {
        name: "gke-security-posture",
        description:
            "GKE clusters keep the security posture dashboard and vulnerability scanning on.",
        enforcementLevel: "advisory",
        severity: "low",
        control: {
            framework: "Platform",
            reference: "patching",
            title: "Known vulnerabilities in workloads are reported.",
        },
    },
    CLUSTER,
    (props) => {
        const messages: string[] = [];
        if (field(props, "securityPostureConfig", "mode") === "DISABLED") {
            messages.push('Set securityPostureConfig.mode to "BASIC" (or "ENTERPRISE").');
        }
        if (
            field(props, "securityPostureConfig", "vulnerabilityMode") === "VULNERABILITY_DISABLED"
        ) {
            messages.push(
                'Set securityPostureConfig.vulnerabilityMode to "VULNERABILITY_BASIC" (or "VULNERABILITY_ENTERPRISE").',
            );
        }
        return messages;
    },
);

export const clusterPolicies: ResourceValidationPolicy[] = [
    clusterLocation,
    privateNodes,
    privateEndpoint,
    controlPlaneRegionalAccess,
    masterAuthorizedNetworks,
    noGooglePublicCidrs,
    noInsecureRbacBindings,
    workloadIdentity,
    networkPolicyEnforcement,
    shieldedNodes,
    secretsEncryption,
    noLegacyAbac,
    noBasicAuth,
    noClientCertificate,
    releaseChannel,
    loggingAndMonitoring,
    clusterDeletionProtection,
    defaultNodePoolRemoved,
    vpcNative,
    securityPosture,
];
