import * as assert from "assert";
import { Cluster, ClusterArgs, NODE_SERVICE_ACCOUNT_ROLES } from "../components/cluster";
import { TENANT_POOL_LABEL, TENANT_POOL_TAINT } from "../components/constants";
import { InvalidArgumentError } from "../components/validation";
import { PlannedResource, RunResult } from "../tools/engine";
import { all, at, one, prodPlatform, useBareMocks } from "./support/harness";

describe("Cluster", () => {
    let run: RunResult;
    let resources: PlannedResource[];
    let cluster: PlannedResource;
    const field = (path: string) => at(cluster.inputs, path);
    before(async () => {
        run = await prodPlatform();
        resources = run.resources;
        cluster = one(resources, "gcp:container/cluster:Cluster");
    });

    it("is regional in us-east1", () => assert.strictEqual(field("location"), "us-east1"));

    it("has private nodes and a private endpoint", () => {
        assert.strictEqual(field("privateClusterConfig.enablePrivateNodes"), true);
        assert.strictEqual(field("privateClusterConfig.enablePrivateEndpoint"), true);
        assert.strictEqual(field("privateClusterConfig.masterIpv4CidrBlock"), "172.16.0.0/28");
        assert.strictEqual(field("privateClusterConfig.masterGlobalAccessConfig.enabled"), false);
        assert.strictEqual(
            field("controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic"),
            false,
        );
    });

    it("admits only the bastion subnet to the API, and no Google public range", () => {
        assert.deepStrictEqual(field("masterAuthorizedNetworksConfig.cidrBlocks"), [
            { cidrBlock: "10.0.16.0/28", displayName: "bastion" },
        ]);
        assert.strictEqual(
            field("masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled"),
            false,
        );
        assert.strictEqual(
            field("masterAuthorizedNetworksConfig.privateEndpointEnforcementEnabled"),
            true,
        );
    });

    it("uses Workload Identity, Dataplane V2 and shielded nodes", () => {
        assert.strictEqual(
            field("workloadIdentityConfig.workloadPool"),
            "REPLACE-WITH-YOUR-GCP-PROJECT-ID.svc.id.goog",
        );
        assert.strictEqual(field("datapathProvider"), "ADVANCED_DATAPATH");
        assert.strictEqual(field("enableShieldedNodes"), true);
        assert.strictEqual(field("networkingMode"), "VPC_NATIVE");
    });

    it("encrypts Secrets with the platform's KMS key", () => {
        const key = one(resources, "gcp:kms/cryptoKey:CryptoKey", "platform-kubernetes-secrets");
        assert.deepStrictEqual(field("databaseEncryption"), {
            state: "ENCRYPTED",
            keyName: key.id,
        });
        const grant = all(resources, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").find(
            (g) => g.inputs.cryptoKeyId === key.id,
        )!;
        assert.ok(cluster.dependencies.includes(grant.urn), "the cluster waits for the key grant");
    });

    it("has no client certificate, basic auth, legacy ABAC or insecure bindings", () => {
        assert.deepStrictEqual(field("masterAuth.clientCertificateConfig"), {
            issueClientCertificate: false,
        });
        assert.strictEqual(field("masterAuth.username"), undefined);
        assert.strictEqual(field("enableLegacyAbac"), false);
        assert.deepStrictEqual(field("rbacBindingConfig"), {
            enableInsecureBindingSystemAuthenticated: false,
            enableInsecureBindingSystemUnauthenticated: false,
        });
    });

    it("is on a release channel, logs and monitors, and is protected against deletion", () => {
        assert.strictEqual(field("releaseChannel.channel"), "REGULAR");
        assert.deepStrictEqual(field("loggingConfig.enableComponents"), [
            "SYSTEM_COMPONENTS",
            "WORKLOADS",
            "APISERVER",
        ]);
        assert.deepStrictEqual(field("monitoringConfig.enableComponents"), ["SYSTEM_COMPONENTS"]);
        assert.strictEqual(field("deletionProtection"), true);
        assert.strictEqual(field("removeDefaultNodePool"), true);
    });

    it("gives nodes a dedicated account with only the node roles", () => {
        const account = one(resources, "gcp:serviceaccount/account:Account", "platform-nodes");
        const email = `${account.inputs.accountId}@REPLACE-WITH-YOUR-GCP-PROJECT-ID.iam.gserviceaccount.com`;
        const roles = all(resources, "gcp:projects/iAMMember:IAMMember")
            .filter((m) => m.inputs.member === `serviceAccount:${email}`)
            .map((m) => m.inputs.role);
        assert.deepStrictEqual(roles.sort(), [...NODE_SERVICE_ACCOUNT_ROLES].sort());
        assert.strictEqual(field("nodeConfig.serviceAccount"), email);
    });

    describe("node pools", () => {
        let pools: PlannedResource[];
        before(() => {
            pools = all(resources, "gcp:container/nodePool:NodePool");
        });

        it("are two: platform and tenants", () => {
            assert.deepStrictEqual(pools.map((p) => p.name).sort(), [
                "platform-platform",
                "platform-tenants",
            ]);
        });

        it("are hardened field by field", () => {
            const disks = one(resources, "gcp:kms/cryptoKey:CryptoKey", "platform-disks");
            for (const pool of pools) {
                const node = (p: string) => at(pool.inputs, `nodeConfig.${p}`);
                assert.strictEqual(node("imageType"), "COS_CONTAINERD", pool.name);
                assert.deepStrictEqual(node("workloadMetadataConfig"), { mode: "GKE_METADATA" });
                assert.deepStrictEqual(node("shieldedInstanceConfig"), {
                    enableSecureBoot: true,
                    enableIntegrityMonitoring: true,
                });
                assert.strictEqual(node("bootDiskKmsKey"), disks.id);
                assert.strictEqual(node("serviceAccount"), field("nodeConfig.serviceAccount"));
                assert.deepStrictEqual(node("metadata"), { "disable-legacy-endpoints": "true" });
                assert.deepStrictEqual(pool.inputs.management, {
                    autoRepair: true,
                    autoUpgrade: true,
                });
                assert.ok(
                    Number(at(pool.inputs, "autoscaling.maxNodeCount")) >=
                        Number(at(pool.inputs, "autoscaling.minNodeCount")),
                );
            }
        });

        it("label, taint and sandbox the tenant pool only", () => {
            const tenants = one(resources, "gcp:container/nodePool:NodePool", "platform-tenants");
            const platform = one(resources, "gcp:container/nodePool:NodePool", "platform-platform");
            assert.deepStrictEqual(at(tenants.inputs, "nodeConfig.sandboxConfig"), {
                type: "GVISOR",
            });
            assert.deepStrictEqual(at(tenants.inputs, "nodeConfig.taints"), [
                {
                    key: TENANT_POOL_TAINT.key,
                    value: TENANT_POOL_TAINT.value,
                    effect: "NO_SCHEDULE",
                },
            ]);
            assert.strictEqual(
                at(tenants.inputs, `nodeConfig.labels`)?.[TENANT_POOL_LABEL.key as never],
                "tenants",
            );
            assert.strictEqual(at(platform.inputs, "nodeConfig.sandboxConfig"), undefined);
            assert.deepStrictEqual(at(platform.inputs, "nodeConfig.taints"), []);
            assert.strictEqual(at(tenants.inputs, "autoscaling.maxNodeCount"), 10);
            assert.strictEqual(at(tenants.inputs, "nodeConfig.machineType"), "n2-standard-8");
        });
    });

    describe("kubeconfig and provider", () => {
        it("is a secret that authenticates with gke-gcloud-auth-plugin and holds no credential", () => {
            assert.ok(run.secretOutputs.includes("kubeconfig"));
            const kubeconfig = JSON.parse(String(run.outputs.kubeconfig));
            assert.strictEqual(kubeconfig.clusters[0].cluster.server, "https://172.16.0.2");
            assert.strictEqual(kubeconfig.users[0].user.exec.command, "gke-gcloud-auth-plugin");
            assert.strictEqual(kubeconfig.users[0].user.token, undefined);
            assert.strictEqual(kubeconfig.clusters[0].cluster["proxy-url"], undefined);
        });

        it("feeds a Kubernetes provider that receives it as a secret", () => {
            const provider = one(resources, "pulumi:providers:kubernetes");
            assert.ok(
                JSON.stringify(provider.serializedInputs.kubeconfig).includes(
                    "4dabf18193072939515e22adb298388d",
                ),
            );
        });
    });

    describe("refuses bad input", () => {
        before(() => useBareMocks());
        const base: ClusterArgs = {
            region: "us-east1",
            network: "n",
            subnetwork: "s",
            podRangeName: "p",
            serviceRangeName: "v",
            masterCidr: "172.16.0.0/28",
            masterAuthorizedNetworks: ["10.0.16.0/28"],
            secretsKeyId: "k",
            diskKeyId: "d",
        };
        const refuses = (args: Partial<ClusterArgs>, field: string) =>
            assert.throws(
                () => new Cluster("c", { ...base, ...args }),
                (e: unknown) => e instanceof InvalidArgumentError && e.field === field,
            );
        it("a public authorized network", () =>
            refuses(
                { masterAuthorizedNetworks: ["203.0.113.0/24"] },
                "masterAuthorizedNetworks[0]",
            ));
        it("0.0.0.0/0 as an authorized network", () =>
            refuses({ masterAuthorizedNetworks: ["0.0.0.0/0"] }, "masterAuthorizedNetworks[0]"));
        it("no authorized networks", () =>
            refuses({ masterAuthorizedNetworks: [] }, "masterAuthorizedNetworks"));
        it("a region other than the configured one", () =>
            refuses({ region: "us-central1" }, "region"));
        it("an unknown release channel", () =>
            refuses({ releaseChannel: "NONE" as never }, "releaseChannel"));
        it("a shared-core tenant machine type (no gVisor)", () =>
            refuses({ tenantPool: { machineType: "e2-medium" } }, "tenantPool.machineType"));
        it("a maximum below the minimum", () =>
            refuses(
                { platformPool: { minNodesPerZone: 3, maxNodesPerZone: 2 } },
                "platformPool.maxNodesPerZone",
            ));
        it("a proxy URL with an unknown scheme", () =>
            refuses({ proxyUrl: "ftp://x" }, "proxyUrl"));
    });
});
