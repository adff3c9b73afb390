import * as assert from "assert";
import { natPolicies, singleNat } from "../../policies/nat";
import { GCP } from "../../policies/types";
import {
    proveDeclarations,
    proveResourcePolicies,
    resource,
    run,
    UNSET,
    violated,
} from "./harness";

describe("policies/nat", () => {
    proveDeclarations(natPolicies);

    describe("Cloud NAT", () => {
        proveResourcePolicies({
            policies: natPolicies.filter((p) => p !== singleNat),
            type: GCP.routerNat,
            compliant: () => ({
                router: "platform",
                region: "us-east1",
                natIpAllocateOption: "MANUAL_ONLY",
                natIps: ["projects/p/regions/us-east1/addresses/nat-0"],
                sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
                subnetworks: [{ name: "nodes", sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
                logConfig: { enable: true, filter: "ALL" },
            }),
            cases: [
                { path: "logConfig", value: UNSET, expect: "nat-logging" },
                { path: "natIpAllocateOption", value: "AUTO_ONLY", expect: "nat-static-addresses" },
                { path: "natIps", value: [], expect: "nat-static-addresses" },
                { path: "logConfig.enable", value: false, expect: "nat-logging" },
                {
                    path: "subnetworks.0.sourceIpRangesToNats",
                    value: ["PRIMARY_IP_RANGE"],
                    expect: "nat-covers-all-subnets",
                },
                {
                    path: "sourceSubnetworkIpRangesToNat",
                    value: "ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES",
                    expect: "nat-covers-all-subnets",
                },
                {
                    path: "sourceSubnetworkIpRangesToNat",
                    value: "ALL_SUBNETWORKS_ALL_IP_RANGES",
                    expect: [],
                },
            ],
        });
    });

    describe("exactly one Cloud NAT (stack)", () => {
        const network = () => resource(GCP.network, { autoCreateSubnetworks: false });
        const nat = () =>
            resource(GCP.routerNat, {
                router: "r",
                sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
                logConfig: { enable: true, filter: "ALL" },
            });

        it("passes a VPC with one NAT", async () => {
            assert.deepStrictEqual(violated(await run([singleNat], [network(), nat()])), []);
        });

        it("reports a VPC without a NAT, on the network", async () => {
            const vpc = network();
            const evaluation = await run([singleNat], [vpc]);
            assert.deepStrictEqual(violated(evaluation), ["nat-single"]);
            assert.strictEqual(evaluation.violations[0].urn, vpc.urn);
        });

        it("reports every NAT beyond the first", async () => {
            const evaluation = await run([singleNat], [network(), nat(), nat(), nat()]);
            assert.deepStrictEqual(violated(evaluation), ["nat-single", "nat-single"]);
        });

        it("does not apply to a stack without a VPC (a tenant stack)", async () => {
            const evaluation = await run(
                [singleNat],
                [resource("kubernetes:core/v1:Namespace", {})],
            );
            assert.deepStrictEqual(evaluation.violations, []);
            assert.deepStrictEqual(
                evaluation.notApplicable.map((n) => n.policy),
                ["nat-single"],
            );
        });
    });
});
