import * as assert from "assert";
import { networkPolicies } from "../../policies/network";
import { GCP } from "../../policies/types";
import {
    proveDeclarations,
    proveResourcePolicies,
    resource,
    run,
    UNSET,
    violated,
} from "./harness";

const IAP = "35.235.240.0/20";

function sshToBastion(): Record<string, unknown> {
    return {
        network: "projects/p/global/networks/platform",
        direction: "INGRESS",
        priority: 1000,
        sourceRanges: [IAP],
        targetTags: ["bastion"],
        allows: [{ protocol: "tcp", ports: ["22"] }],
        logConfig: { metadata: "INCLUDE_ALL_METADATA" },
    };
}

describe("policies/network", () => {
    proveDeclarations(networkPolicies);

    describe("VPC", () => {
        proveResourcePolicies({
            policies: networkPolicies,
            type: GCP.network,
            compliant: () => ({ autoCreateSubnetworks: false, routingMode: "REGIONAL" }),
            cases: [
                { path: "autoCreateSubnetworks", value: true, expect: "vpc-no-auto-subnets" },
                { path: "autoCreateSubnetworks", value: UNSET, expect: "vpc-no-auto-subnets" },
            ],
        });
    });

    describe("subnets", () => {
        proveResourcePolicies({
            policies: networkPolicies,
            type: GCP.subnetwork,
            compliant: () => ({
                ipCidrRange: "10.0.0.0/20",
                privateIpGoogleAccess: true,
                logConfig: {
                    aggregationInterval: "INTERVAL_5_SEC",
                    flowSampling: 0.5,
                    metadata: "INCLUDE_ALL_METADATA",
                },
            }),
            cases: [
                {
                    path: "privateIpGoogleAccess",
                    value: false,
                    expect: "subnet-private-google-access",
                },
                {
                    path: "privateIpGoogleAccess",
                    value: UNSET,
                    expect: "subnet-private-google-access",
                },
                { path: "logConfig", value: UNSET, expect: "subnet-flow-logs" },
                { path: "logConfig.flowSampling", value: 0, expect: "subnet-flow-logs" },
                {
                    path: "purpose",
                    value: "REGIONAL_MANAGED_PROXY",
                    expect: [],
                    also: [
                        ["logConfig", UNSET],
                        ["privateIpGoogleAccess", UNSET],
                    ],
                },
            ],
        });
    });

    describe("firewall rules", () => {
        proveResourcePolicies({
            policies: networkPolicies,
            type: GCP.firewall,
            compliant: sshToBastion,
            cases: [
                {
                    path: "sourceRanges.0",
                    value: "0.0.0.0/0",
                    expect: "firewall-no-public-ingress",
                },
                {
                    path: "sourceRanges.1",
                    value: "198.51.100.0/24",
                    expect: "firewall-no-public-ingress",
                },
                { path: "sourceRanges", value: UNSET, expect: "firewall-no-public-ingress" },
                {
                    path: "sourceRanges",
                    value: UNSET,
                    also: [["sourceTags", ["bastion-clients"]]],
                    expect: [],
                },
                {
                    path: "sourceRanges",
                    value: UNSET,
                    also: [["allows.0", { protocol: "all" }]],
                    expect: ["firewall-no-public-ingress", "firewall-no-world-all-ports"],
                },
                { path: "targetTags", value: UNSET, expect: "firewall-no-public-ingress" },
                {
                    path: "allows.0.ports",
                    value: ["22", "3389"],
                    expect: "firewall-no-public-ingress",
                },
                {
                    path: "allows.0.protocol",
                    value: "all",
                    expect: "firewall-no-public-ingress",
                    also: [["allows.0.ports", UNSET]],
                },
                {
                    path: "sourceRanges",
                    value: ["0.0.0.0/0"],
                    also: [["allows.0", { protocol: "all" }]],
                    expect: ["firewall-no-public-ingress", "firewall-no-world-all-ports"],
                },
                {
                    path: "sourceRanges",
                    value: ["0.0.0.0/0"],
                    also: [["allows.0", { protocol: "tcp" }]],
                    expect: ["firewall-no-public-ingress", "firewall-no-world-all-ports"],
                },
                {
                    path: "sourceRanges",
                    value: ["203.0.113.0/24"],
                    expect: "firewall-no-public-ingress",
                },
                {
                    path: "sourceRanges",
                    value: ["203.0.113.0/24"],
                    expect: [],
                    config: {
                        "firewall-no-public-ingress": {
                            allowedSshSources: [IAP, "203.0.113.0/24"],
                        },
                    },
                },
                {
                    path: "sourceRanges",
                    value: ["10.0.16.0/28", "172.16.0.0/28"],
                    expect: [],
                    also: [["allows.0.ports", ["443"]]],
                },
                {
                    path: "direction",
                    value: "EGRESS",
                    expect: [],
                    also: [["sourceRanges", ["0.0.0.0/0"]]],
                },
                {
                    path: "disabled",
                    value: true,
                    expect: [],
                    also: [["sourceRanges", ["0.0.0.0/0"]]],
                },
                { path: "logConfig", value: UNSET, expect: "firewall-logging" },
            ],
        });

        it("lets a deny rule name the whole internet", async () => {
            const deny = {
                network: "n",
                sourceRanges: ["0.0.0.0/0"],
                denies: [{ protocol: "all" }],
                priority: 65534,
                logConfig: { metadata: "INCLUDE_ALL_METADATA" },
            };
            assert.deepStrictEqual(
                violated(await run(networkPolicies, [resource(GCP.firewall, deny)])),
                [],
            );
        });
    });
});
