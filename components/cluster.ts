import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "./constants";
import { isValidProxyUrl, renderKubeconfig } from "./kubeconfig";
import { NodePoolSettings, nodePoolArgs, validatePoolSettings } from "./node-pool";
import { configuredRegion } from "./region";
import {
    InvalidArgumentError,
    requireOneOf,
    requirePrivateCidr,
    requireRegion,
} from "./validation";

/** The roles a node needs to write logs and metrics and pull images, and nothing more. */
export const NODE_SERVICE_ACCOUNT_ROLES = [
    "roles/container.defaultNodeServiceAccount",
    "roles/artifactregistry.reader",
];

export interface ClusterArgs {
    /** Region of the regional cluster. Must be the configured region (default us-east1). */
    region: string;
    /** The VPC's id. */
    network: pulumi.Input<string>;
    /** The node subnet's id. */
    subnetwork: pulumi.Input<string>;
    /** Name of the node subnet's secondary range for pods. */
    podRangeName: string;
    /** Name of the node subnet's secondary range for Services. */
    serviceRangeName: string;
    /** The control plane's private /28. */
    masterCidr: string;
    /**
     * Ranges admitted to the private endpoint: the bastion subnet. Private ranges only, at least
     * one; Google's public ranges are never admitted.
     */
    masterAuthorizedNetworks: string[];
    /** KMS key that encrypts Kubernetes Secrets in etcd. */
    secretsKeyId: pulumi.Input<string>;
    /** KMS key that encrypts node boot disks. */
    diskKeyId: pulumi.Input<string>;
    /** GKE release channel: RAPID, REGULAR or STABLE. Default REGULAR. */
    releaseChannel?: "RAPID" | "REGULAR" | "STABLE";
    /** The pool for platform services (logging, ingress, provisioning Jobs). */
    platformPool?: NodePoolSettings;
    /** The pool for tenant workloads: labelled, tainted and sandboxed. */
    tenantPool?: NodePoolSettings;
    /** Optional proxy for the kubeconfig, e.g. `socks5://localhost:8888` over a bastion tunnel. */
    proxyUrl?: string;
    /** Resources the cluster must wait for, such as the KMS grants to GKE's service agent. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * A private, regional GKE cluster: private nodes and a private endpoint reachable only from the
 * bastion subnet, Workload Identity, Dataplane V2, shielded nodes, KMS-encrypted Secrets, no
 * legacy authentication, and two hardened node pools. Exposes a Kubernetes provider whose
 * kubeconfig authenticates with gke-gcloud-auth-plugin.
 */
export class Cluster extends pulumi.ComponentResource {
    public readonly cluster: gcp.container.Cluster;
    public readonly nodeServiceAccount: gcp.serviceaccount.Account;
    public readonly platformPool: gcp.container.NodePool;
    public readonly tenantPool: gcp.container.NodePool;
    /** A kubeconfig (secret) that authenticates with gke-gcloud-auth-plugin. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly provider: k8s.Provider;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const region = requireRegion("region", args.region, configuredRegion());
        requirePrivateCidr("masterCidr", args.masterCidr, 28);
        if (
            !Array.isArray(args.masterAuthorizedNetworks) ||
            args.masterAuthorizedNetworks.length === 0
        ) {
            throw new InvalidArgumentError(
                "masterAuthorizedNetworks",
                args.masterAuthorizedNetworks,
                "at least one private range (the bastion subnet)",
            );
        }
        args.masterAuthorizedNetworks.forEach((cidr, i) =>
            requirePrivateCidr(`masterAuthorizedNetworks[${i}]`, cidr, 8),
        );
        const releaseChannel = requireOneOf("releaseChannel", args.releaseChannel ?? "REGULAR", [
            "RAPID",
            "REGULAR",
            "STABLE",
        ]);
        const platformPool = validatePoolSettings("platformPool", "platform", args.platformPool);
        const tenantPool = validatePoolSettings("tenantPool", "tenants", args.tenantPool);
        if (args.proxyUrl !== undefined && !isValidProxyUrl(args.proxyUrl)) {
            throw new InvalidArgumentError(
                "proxyUrl",
                args.proxyUrl,
                "an http://, https:// or socks5:// URL such as socks5://localhost:8888",
            );
        }

        super(`${PROJECT}:index:Cluster`, name, {}, opts);

        // A dedicated node identity instead of the Compute Engine default account (CIS GKE 5.2.1).
        this.nodeServiceAccount = new gcp.serviceaccount.Account(
            `${name}-nodes`,
            {
                accountId: `${name}-nodes`.slice(0, 30),
                displayName: "GKE nodes of the Airflow platform",
            },
            { parent: this },
        );
        const project = gcp.organizations.getProjectOutput({}, { parent: this });
        const roleGrants = NODE_SERVICE_ACCOUNT_ROLES.map(
            (role) =>
                new gcp.projects.IAMMember(
                    `${name}-nodes-${role.split("/")[1]}`,
                    {
                        project: project.apply((p) => p.projectId ?? ""),
                        role,
                        member: this.nodeServiceAccount.member,
                    },
                    { parent: this },
                ),
        );

        this.cluster = new gcp.container.Cluster(
            name,
            {
                location: region,
                network: args.network,
                subnetwork: args.subnetwork,
                networkingMode: "VPC_NATIVE",
                ipAllocationPolicy: {
                    clusterSecondaryRangeName: args.podRangeName,
                    servicesSecondaryRangeName: args.serviceRangeName,
                },
                privateClusterConfig: {
                    enablePrivateNodes: true,
                    enablePrivateEndpoint: true,
                    masterIpv4CidrBlock: args.masterCidr,
                    masterGlobalAccessConfig: { enabled: false },
                },
                masterAuthorizedNetworksConfig: {
                    cidrBlocks: args.masterAuthorizedNetworks.map((cidrBlock) => ({
                        cidrBlock,
                        displayName: "bastion",
                    })),
                    gcpPublicCidrsAccessEnabled: false,
                    privateEndpointEnforcementEnabled: true,
                },
                // The DNS endpoint would bypass the authorized networks; keep it off the internet.
                controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: false } },
                masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
                enableLegacyAbac: false,
                rbacBindingConfig: {
                    enableInsecureBindingSystemAuthenticated: false,
                    enableInsecureBindingSystemUnauthenticated: false,
                },
                workloadIdentityConfig: {
                    workloadPool: pulumi.interpolate`${project.projectId}.svc.id.goog`,
                },
                // Dataplane V2 enforces NetworkPolicy natively:
                // https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2
                datapathProvider: "ADVANCED_DATAPATH",
                enableShieldedNodes: true,
                // https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets
                databaseEncryption: { state: "ENCRYPTED", keyName: args.secretsKeyId },
                releaseChannel: { channel: releaseChannel },
                securityPostureConfig: { mode: "BASIC", vulnerabilityMode: "VULNERABILITY_BASIC" },
                loggingConfig: {
                    enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS", "APISERVER"],
                },
                monitoringConfig: {
                    enableComponents: ["SYSTEM_COMPONENTS"],
                    managedPrometheus: { enabled: true },
                },
                maintenancePolicy: {
                    recurringWindow: {
                        startTime: "2026-01-03T03:00:00Z",
                        endTime: "2026-01-03T09:00:00Z",
                        recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
                    },
                },
                // The default pool is replaced by the two hardened pools below. While it briefly
                // exists it still uses the dedicated account and the GKE metadata server.
                removeDefaultNodePool: true,
                initialNodeCount: 1,
                nodeConfig: {
                    serviceAccount: this.nodeServiceAccount.email,
                    oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                    workloadMetadataConfig: { mode: "GKE_METADATA" },
                    shieldedInstanceConfig: {
                        enableSecureBoot: true,
                        enableIntegrityMonitoring: true,
                    },
                    imageType: "COS_CONTAINERD",
                    bootDiskKmsKey: args.diskKeyId,
                },
                deletionProtection: true,
                resourceLabels: { platform: PROJECT },
            },
            {
                parent: this,
                dependsOn: [...roleGrants, ...(args.dependsOn ?? [])],
                ignoreChanges: ["nodeConfig"],
            },
        );

        const pool = (role: "platform" | "tenants", settings: typeof platformPool) =>
            new gcp.container.NodePool(
                `${name}-${role}`,
                nodePoolArgs(
                    role,
                    settings,
                    this.cluster,
                    this.nodeServiceAccount.email,
                    args.diskKeyId,
                ),
                { parent: this },
            );
        this.platformPool = pool("platform", platformPool);
        this.tenantPool = pool("tenants", tenantPool);

        this.kubeconfig = pulumi.secret(
            pulumi
                .all([this.cluster.name, this.cluster.endpoint, this.cluster.masterAuth])
                .apply(([clusterName, endpoint, masterAuth]) =>
                    renderKubeconfig({
                        name: clusterName,
                        endpoint,
                        caCertificate: masterAuth.clusterCaCertificate ?? "",
                        proxyUrl: args.proxyUrl,
                    }),
                ),
        );
        this.provider = new k8s.Provider(
            name,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true },
            { parent: this, dependsOn: [this.platformPool] },
        );

        this.registerOutputs({
            clusterName: this.cluster.name,
            endpoint: this.cluster.endpoint,
            kubeconfig: this.kubeconfig,
        });
    }
}
