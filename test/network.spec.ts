import * as assert from "assert";
import { Network, NetworkArgs } from "../components/network";
import { InvalidArgumentError } from "../components/validation";
import { PlannedResource } from "../tools/engine";
import { all, one, prodPlatform, runPlatform, useBareMocks } from "./support/harness";

const VALID: NetworkArgs = {
    region: "us-east1",
    nodeCidr: "10.0.0.0/20",
    podCidr: "10.4.0.0/14",
    serviceCidr: "10.8.0.0/20",
    bastionCidr: "10.0.16.0/28",
    masterCidr: "172.16.0.0/28",
    privateServiceCidr: "10.16.0.0/20",
    sshSourceRanges: ["35.235.240.0/20"],
};

function refuses(change: Partial<NetworkArgs>, field: string, value: unknown): void {
    assert.throws(
        () => new Network("net", { ...VALID, ...change }),
        (error: unknown) =>
            error instanceof InvalidArgumentError &&
            error.field === field &&
            JSON.stringify(error.value) === JSON.stringify(value),
    );
}

describe("Network", () => {
    let resources: PlannedResource[];
    before(async () => {
        resources = (await prodPlatform()).resources;
    });

    it("is a custom-mode VPC without auto subnets", () => {
        const network = one(resources, "gcp:compute/network:Network");
        assert.strictEqual(network.inputs.autoCreateSubnetworks, false);
    });

    it("gives every subnet a private range, Private Google Access and flow logs", () => {
        const subnets = all(resources, "gcp:compute/subnetwork:Subnetwork");
        assert.deepStrictEqual(subnets.map((s) => s.name).sort(), [
            "platform-bastion",
            "platform-nodes",
        ]);
        for (const subnet of subnets) {
            assert.strictEqual(subnet.inputs.privateIpGoogleAccess, true, subnet.name);
            assert.strictEqual(subnet.inputs.region, "us-east1");
            assert.deepStrictEqual(subnet.inputs.logConfig, {
                aggregationInterval: "INTERVAL_5_SEC",
                flowSampling: 0.5,
                metadata: "INCLUDE_ALL_METADATA",
            });
            assert.match(
                String(subnet.inputs.ipCidrRange),
                /^(10\.|172\.(1[6-9]|2\d|3[01])\.|192\.168\.)/,
            );
        }
        const nodes = one(resources, "gcp:compute/subnetwork:Subnetwork", "platform-nodes");
        assert.deepStrictEqual(nodes.inputs.secondaryIpRanges, [
            { rangeName: "platform-pods", ipCidrRange: "10.4.0.0/14" },
            { rangeName: "platform-services", ipCidrRange: "10.8.0.0/20" },
        ]);
    });

    it("reserves the private services range and peers it with service networking", () => {
        const range = one(resources, "gcp:compute/globalAddress:GlobalAddress");
        assert.deepStrictEqual(
            [
                range.inputs.purpose,
                range.inputs.addressType,
                range.inputs.address,
                range.inputs.prefixLength,
            ],
            ["VPC_PEERING", "INTERNAL", "10.16.0.0", 20],
        );
        const peering = one(resources, "gcp:servicenetworking/connection:Connection");
        assert.strictEqual(peering.inputs.service, "servicenetworking.googleapis.com");
        assert.strictEqual(peering.inputs.deletionPolicy, "ABANDON");
    });

    it("has exactly one Router and one Cloud NAT, with logging, covering every subnet and range", () => {
        one(resources, "gcp:compute/router:Router");
        const nat = one(resources, "gcp:compute/routerNat:RouterNat");
        assert.strictEqual(nat.inputs.natIpAllocateOption, "MANUAL_ONLY");
        assert.strictEqual(nat.inputs.sourceSubnetworkIpRangesToNat, "LIST_OF_SUBNETWORKS");
        assert.deepStrictEqual(nat.inputs.logConfig, { enable: true, filter: "ALL" });
        const subnetIds = all(resources, "gcp:compute/subnetwork:Subnetwork").map((s) => s.id);
        const covered = nat.inputs.subnetworks as {
            name: string;
            sourceIpRangesToNats: string[];
        }[];
        assert.deepStrictEqual(covered.map((s) => s.name).sort(), subnetIds.sort());
        for (const s of covered) {
            // ALL_IP_RANGES covers the primary range and both secondary (pod, Service) ranges.
            assert.deepStrictEqual(s.sourceIpRangesToNats, ["ALL_IP_RANGES"]);
        }
    });

    it("exits through reserved static addresses, as many as configured", () => {
        const addresses = all(resources, "gcp:compute/address:Address").filter((a) =>
            a.name.includes("-nat-"),
        );
        assert.strictEqual(addresses.length, 2);
        const nat = one(resources, "gcp:compute/routerNat:RouterNat");
        assert.strictEqual((nat.inputs.natIps as string[]).length, 2);
        for (const a of addresses) assert.strictEqual(a.inputs.addressType, "EXTERNAL");
    });

    describe("firewall", () => {
        let rules: PlannedResource[];
        before(() => {
            rules = all(resources, "gcp:compute/firewall:Firewall");
        });

        it("admits nothing from 0.0.0.0/0; only the deny-all rule names it", () => {
            for (const rule of rules) {
                const sources = (rule.inputs.sourceRanges as string[]) ?? [];
                if (sources.includes("0.0.0.0/0")) {
                    assert.strictEqual(rule.name, "platform-deny-all-ingress");
                    assert.strictEqual(rule.inputs.allows, undefined);
                }
            }
        });

        it("admits SSH only to the bastion tag, only from IAP's range", () => {
            const ssh = rules.filter((r) =>
                ((r.inputs.allows as { ports?: string[] }[]) ?? []).some((a) =>
                    a.ports?.includes("22"),
                ),
            );
            assert.strictEqual(ssh.length, 1);
            assert.deepStrictEqual(ssh[0].inputs.sourceRanges, ["35.235.240.0/20"]);
            assert.deepStrictEqual(ssh[0].inputs.targetTags, ["bastion"]);
            assert.deepStrictEqual(ssh[0].inputs.allows, [{ protocol: "tcp", ports: ["22"] }]);
        });

        it("admits the control plane to node webhook ports from its own /28 only", () => {
            const rule = one(
                resources,
                "gcp:compute/firewall:Firewall",
                "platform-allow-control-plane-to-nodes",
            );
            assert.deepStrictEqual(rule.inputs.sourceRanges, ["172.16.0.0/28"]);
            assert.deepStrictEqual(rule.inputs.targetTags, ["gke-node"]);
            assert.ok(!JSON.stringify(rule.inputs.allows).includes('"all"'));
        });

        it("ends with an explicit deny-all ingress rule at the lowest priority", () => {
            const deny = one(
                resources,
                "gcp:compute/firewall:Firewall",
                "platform-deny-all-ingress",
            );
            assert.strictEqual(deny.inputs.direction, "INGRESS");
            assert.deepStrictEqual(deny.inputs.denies, [{ protocol: "all" }]);
            const priorities = rules.map((r) => Number(r.inputs.priority));
            assert.strictEqual(Number(deny.inputs.priority), Math.max(...priorities));
            assert.ok(Number(deny.inputs.priority) >= 65534);
        });

        it("logs every rule's matches", () => {
            for (const rule of rules) {
                assert.deepStrictEqual(
                    rule.inputs.logConfig,
                    { metadata: "INCLUDE_ALL_METADATA" },
                    rule.name,
                );
            }
        });
    });

    it("admits SSH from the authorized networks in the public bastion mode", async () => {
        const { resources: publicMode } = await runPlatform({
            bastionMode: "public",
            bastionAuthorizedNetworks: JSON.stringify(["203.0.113.0/24"]),
        });
        const ssh = one(
            publicMode,
            "gcp:compute/firewall:Firewall",
            "platform-allow-ssh-to-bastion",
        );
        assert.deepStrictEqual(ssh.inputs.sourceRanges, ["203.0.113.0/24"]);
    });

    describe("refuses bad input before creating anything", () => {
        before(() => useBareMocks());

        it("a public range where a private one is required", () =>
            refuses({ podCidr: "100.64.0.0/14" }, "podCidr", "100.64.0.0/14"));
        it("0.0.0.0/0 as a node range", () =>
            refuses({ nodeCidr: "0.0.0.0/0" }, "nodeCidr", "0.0.0.0/0"));
        it("overlapping node and pod ranges", () =>
            refuses({ podCidr: "10.0.0.0/14" }, "nodeCidr", "10.0.0.0/20"));
        it("a bastion range inside the service range", () =>
            refuses({ bastionCidr: "10.8.0.0/28" }, "serviceCidr", "10.8.0.0/20"));
        it("a control plane range that is not a /28", () =>
            refuses({ masterCidr: "172.16.0.0/27" }, "masterCidr", "172.16.0.0/27"));
        it("a private services range smaller than /24", () =>
            refuses({ privateServiceCidr: "10.16.0.0/25" }, "privateServiceCidr", "10.16.0.0/25"));
        it("SSH from 0.0.0.0/0", () =>
            refuses({ sshSourceRanges: ["0.0.0.0/0"] }, "sshSourceRanges[0]", "0.0.0.0/0"));
        it("no SSH sources", () => refuses({ sshSourceRanges: [] }, "sshSourceRanges", []));
        it("a region other than the configured one", () =>
            refuses({ region: "europe-west1" }, "region", "europe-west1"));
        it("zero NAT addresses", () => refuses({ natAddressCount: 0 }, "natAddressCount", 0));
        it("a flow log sampling above 1", () =>
            refuses({ flowLogSampling: 2 }, "flowLogSampling", 2));
    });
});
