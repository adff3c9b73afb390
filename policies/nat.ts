/**
 * Egress: a stack that declares the VPC sends all internet-bound traffic through exactly one
 * Cloud NAT, which logs its translations, serves every range of the subnets it covers, and
 * leaves from reserved addresses.
 * https://cloud.google.com/nat/docs/overview
 */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { UNKNOWN, field, list, resourcePolicy, stackPolicy } from "./lib";
import { GCP } from "./types";

function natsOf(resources: PolicyResource[]): PolicyResource[] {
    return resources.filter((r) => r.type === GCP.routerNat);
}

export const singleNat = stackPolicy(
    {
        name: "nat-single",
        description:
            "A stack that declares the VPC sends all internet-bound traffic through exactly one Cloud NAT.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "single-nat",
            title: "A single NAT for all internet-bound traffic.",
        },
    },
    (args) => {
        const nats = natsOf(args.resources);
        const networks = args.resources.filter((r) => r.type === GCP.network);
        if (networks.length === 0 && nats.length === 0) {
            return args.notApplicable("The stack declares no VPC");
        }
        if (nats.length === 1) {
            return [];
        }
        if (nats.length === 0) {
            return [
                {
                    message:
                        "The VPC has no Cloud NAT: declare exactly one RouterNat covering every subnet.",
                    urn: networks[0].urn,
                },
            ];
        }
        return nats.slice(1).map((nat) => ({
            message: `The stack declares ${nats.length} Cloud NATs: keep exactly one, covering every subnet, so that egress leaves from known addresses.`,
            urn: nat.urn,
        }));
    },
);

export const natLogging = resourcePolicy(
    {
        name: "nat-logging",
        description: "Cloud NAT logs its translations.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "single-nat",
            title: "A single NAT for all internet-bound traffic.",
        },
    },
    [GCP.routerNat],
    (props) => {
        // NAT logging is off unless set.
        const enabled = field(props, "logConfig", "enable");
        if (enabled !== UNKNOWN && enabled !== true) {
            return 'Set logConfig to { enable: true, filter: "ALL" } (or "ERRORS_ONLY") to record egress.';
        }
        return undefined;
    },
);

export const natCoversAllSubnets = resourcePolicy(
    {
        name: "nat-covers-all-subnets",
        description:
            "The Cloud NAT serves every IP range (primary, pod and service) of the subnets it covers.",
        enforcementLevel: "advisory",
        severity: "low",
        control: {
            framework: "Platform",
            reference: "single-nat",
            title: "A single NAT for all internet-bound traffic.",
        },
    },
    [GCP.routerNat],
    (props) => {
        const coverage = field(props, "sourceSubnetworkIpRangesToNat");
        if (coverage === UNKNOWN || coverage === "ALL_SUBNETWORKS_ALL_IP_RANGES") {
            return undefined;
        }
        const subnetworks = list(props, "subnetworks");
        if (coverage === "LIST_OF_SUBNETWORKS" && subnetworks !== UNKNOWN) {
            const partial = subnetworks.filter((s) => {
                const ranges = list(s, "sourceIpRangesToNats");
                return s !== UNKNOWN && ranges !== UNKNOWN && !ranges.includes("ALL_IP_RANGES");
            });
            if (subnetworks.length > 0 && partial.length === 0) {
                return undefined;
            }
        }
        return 'Set sourceSubnetworkIpRangesToNat to "ALL_SUBNETWORKS_ALL_IP_RANGES", or list every subnet with sourceIpRangesToNats ["ALL_IP_RANGES"], so that pod ranges leave through the NAT too.';
    },
);

export const natStaticAddresses = resourcePolicy(
    {
        name: "nat-static-addresses",
        description: "The Cloud NAT leaves from reserved addresses that partners can allow-list.",
        enforcementLevel: "advisory",
        severity: "low",
        control: {
            framework: "Platform",
            reference: "single-nat",
            title: "A single NAT for all internet-bound traffic.",
        },
    },
    [GCP.routerNat],
    (props) => {
        const option = field(props, "natIpAllocateOption");
        const addresses = list(props, "natIps");
        if (option === UNKNOWN || addresses === UNKNOWN) {
            return undefined;
        }
        if (option !== "MANUAL_ONLY" || addresses.length === 0) {
            return 'Set natIpAllocateOption to "MANUAL_ONLY" and list reserved addresses in natIps, so that egress leaves from known addresses.';
        }
        return undefined;
    },
);

export const natPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    singleNat,
    natLogging,
    natCoversAllSubnets,
    natStaticAddresses,
];
