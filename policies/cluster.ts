/**
 * The GKE cluster: where it runs, how its workloads are identified and isolated, how it protects
 * what it stores, and how it is kept patched and observed. Who may reach the control plane is
 * judged in control-plane.ts. A field left unset is judged by the provider's default.
 * https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { UNKNOWN, field, list, REGION_CONFIG, resourcePolicy } from "./lib";
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
    workloadIdentity,
    networkPolicyEnforcement,
    shieldedNodes,
    secretsEncryption,
    releaseChannel,
    loggingAndMonitoring,
    vpcNative,
    clusterDeletionProtection,
    defaultNodePoolRemoved,
    securityPosture,
];
