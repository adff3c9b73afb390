import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Bastion, BastionMode, bastionSshSources } from "./bastion";
import { Cluster } from "./cluster";
import { DATABASE_ADMIN_SECRET, PLATFORM_NAMESPACE, PROJECT } from "./constants";
import { Database, DatabaseArgs } from "./database";
import { Keys, KeysArgs } from "./keys";
import { Logging, LoggingArgs } from "./logging";
import { Network, NetworkArgs } from "./network";
import { hostEgress, kubeDnsEgress } from "./network-policy-rules";
import { NodePoolSettings } from "./node-pool";
import { configuredRegion } from "./region";
import { requireRegion } from "./validation";

export interface PlatformArgs {
    /** The platform's region. Must be the configured region (default us-east1). */
    region: string;
    /** Address ranges and NAT; see {@link NetworkArgs}. The SSH sources follow from `bastion`. */
    network: Omit<NetworkArgs, "region" | "sshSourceRanges">;
    /** KMS rotation and protection level; see {@link KeysArgs}. */
    keys?: Omit<KeysArgs, "region">;
    /** How operators reach the bastion; see {@link Bastion}. */
    bastion?: {
        mode?: BastionMode;
        authorizedNetworks?: string[];
        machineType?: string;
        zone?: string;
    };
    /** Release channel, node pools and the kubeconfig's optional proxy. */
    cluster?: {
        releaseChannel?: "RAPID" | "REGULAR" | "STABLE";
        platformPool?: NodePoolSettings;
        tenantPool?: NodePoolSettings;
        proxyUrl?: string;
    };
    /** Cloud SQL settings; see {@link DatabaseArgs}. */
    database?: Omit<
        DatabaseArgs,
        "region" | "network" | "privateServiceConnection" | "encryptionKeyId" | "keyGrants"
    >;
    /** Retention and size of the EFK logging stack; see {@link LoggingArgs}. */
    logging?: Omit<LoggingArgs, "provider">;
    /**
     * Whether to declare the objects inside the cluster (the platform namespace, the
     * administrator's Secret, the logging stack). Default true. The first deployment sets it
     * to false: the private endpoint is reachable only through the bastion, which that same
     * deployment creates.
     */
    inCluster?: boolean;
}

/**
 * The whole platform layer: network and NAT, keys, the private cluster, the bastion, Cloud SQL,
 * the EFK logging stack, and the platform's own namespace holding the database administrator's
 * credential, which the tenant provisioning Jobs use so that it never enters a tenant's
 * namespace or state.
 */
export class Platform extends pulumi.ComponentResource {
    public readonly network: Network;
    public readonly keys: Keys;
    public readonly cluster: Cluster;
    public readonly bastion: Bastion;
    public readonly database: Database;
    /** The platform's namespace; absent while `inCluster` is false. */
    public readonly platformNamespace?: k8s.core.v1.Namespace;
    /** The administrator's credential in that namespace; absent while `inCluster` is false. */
    public readonly databaseAdminSecret?: k8s.core.v1.Secret;
    /** The EFK stack; absent while `inCluster` is false. */
    public readonly logging?: Logging;

    constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        const region = requireRegion("region", args.region, configuredRegion());
        const bastionMode = args.bastion?.mode ?? "iap";

        super(`${PROJECT}:index:Platform`, name, {}, opts);

        this.network = new Network(
            name,
            {
                ...args.network,
                region,
                sshSourceRanges: bastionSshSources(bastionMode, args.bastion?.authorizedNetworks),
            },
            { parent: this },
        );

        this.keys = new Keys(name, { ...args.keys, region }, { parent: this });

        this.bastion = new Bastion(
            `${name}-bastion`,
            {
                ...args.bastion,
                mode: bastionMode,
                region,
                subnetwork: this.network.bastionSubnet.id,
                diskKeyId: this.keys.diskKey.id,
            },
            { parent: this, dependsOn: this.keys.grants },
        );

        this.cluster = new Cluster(
            name,
            {
                ...args.cluster,
                region,
                network: this.network.network.id,
                subnetwork: this.network.nodeSubnet.id,
                podRangeName: this.network.podRangeName,
                serviceRangeName: this.network.serviceRangeName,
                masterCidr: args.network.masterCidr,
                masterAuthorizedNetworks: [args.network.bastionCidr],
                secretsKeyId: this.keys.kubernetesSecretsKey.id,
                diskKeyId: this.keys.diskKey.id,
                dependsOn: this.keys.grants,
            },
            { parent: this },
        );

        this.database = new Database(
            name,
            {
                ...args.database,
                region,
                network: this.network.network.id,
                privateServiceConnection: this.network.privateServiceConnection,
                encryptionKeyId: this.keys.cloudSqlKey.id,
                keyGrants: this.keys.grants,
            },
            { parent: this },
        );

        if (args.inCluster ?? true) {
            const inCluster = this.deployInCluster(name, args);
            this.platformNamespace = inCluster.namespace;
            this.databaseAdminSecret = inCluster.adminSecret;
            this.logging = inCluster.logging;
        } else {
            pulumi.log.info(
                "inCluster is false: only the Google Cloud layer is declared; open the bastion tunnel, set kubernetesProxyUrl and inCluster, then run again",
                this,
            );
        }

        this.registerOutputs({
            clusterName: this.cluster.cluster.name,
            databaseInstanceName: this.database.instance.name,
        });
    }

    /** The platform's own objects inside the cluster. */
    private deployInCluster(name: string, args: PlatformArgs) {
        const k8sOpts = { parent: this, provider: this.cluster.provider };
        const namespace = new k8s.core.v1.Namespace(
            PLATFORM_NAMESPACE,
            {
                metadata: {
                    name: PLATFORM_NAMESPACE,
                    labels: {
                        "app.kubernetes.io/part-of": PROJECT,
                        "pod-security.kubernetes.io/enforce": "restricted",
                        "pod-security.kubernetes.io/audit": "restricted",
                        "pod-security.kubernetes.io/warn": "restricted",
                    },
                },
            },
            k8sOpts,
        );
        const adminSecret = new k8s.core.v1.Secret(
            DATABASE_ADMIN_SECRET,
            {
                metadata: {
                    name: DATABASE_ADMIN_SECRET,
                    namespace: namespace.metadata.name,
                },
                type: "Opaque",
                stringData: {
                    username: this.database.adminUser.name,
                    password: this.database.adminPassword,
                    host: this.database.privateIp,
                    sslmode: "require",
                },
            },
            k8sOpts,
        );

        this.isolatePlatformNamespace(name, namespace, k8sOpts);

        const logging = new Logging(
            name,
            { ...args.logging, provider: this.cluster.provider },
            { parent: this },
        );
        return { namespace, adminSecret, logging };
    }

    /**
     * The platform namespace runs only provisioning Jobs: nothing may connect in, and they may
     * reach only DNS and the database.
     */
    private isolatePlatformNamespace(
        name: string,
        platformNamespace: k8s.core.v1.Namespace,
        opts: pulumi.CustomResourceOptions,
    ): void {
        const namespace = platformNamespace.metadata.name;
        const policy = (suffix: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
            new k8s.networking.v1.NetworkPolicy(
                `${name}-platform-${suffix}`,
                { metadata: { name: suffix, namespace }, spec },
                opts,
            );
        policy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        policy("allow-dns", {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [kubeDnsEgress()],
        });
        policy("allow-database", {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [hostEgress(this.database.privateIp, 5432)],
        });
    }
}
