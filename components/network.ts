import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "./constants";
import { configuredRegion } from "./region";
import {
    InvalidArgumentError,
    requireAuthorizedNetworks,
    requireDisjoint,
    requireIntegerInRange,
    requirePrivateCidr,
    requireRegion,
} from "./validation";

/** Network tag on the bastion VM; the SSH rule targets it. */
export const BASTION_TAG = "bastion";
/** Network tag on every GKE node; the control-plane rule targets it. */
export const GKE_NODE_TAG = "gke-node";

export interface NetworkArgs {
    /** Region of the subnets, router and NAT. Must be the configured region (default us-east1). */
    region: string;
    /** Primary range of the node subnet. Private (RFC 1918), /8-/29, disjoint from every other range. */
    nodeCidr: string;
    /** Secondary range of the node subnet for pods. Private, disjoint. */
    podCidr: string;
    /** Secondary range of the node subnet for Services. Private, disjoint. */
    serviceCidr: string;
    /** Range of the bastion subnet. Private, disjoint. */
    bastionCidr: string;
    /** The GKE control plane's /28. Private, disjoint; the webhook firewall rule admits it. */
    masterCidr: string;
    /** Range reserved for private services access (Cloud SQL's private IP). Private, /16-/24, disjoint. */
    privateServiceCidr: string;
    /**
     * Sources admitted to SSH on the bastion: IAP's TCP forwarding range by default, or the
     * operator's authorized networks in the public bastion mode. Never 0.0.0.0/0; at least one.
     */
    sshSourceRanges: string[];
    /** Number of reserved static NAT addresses, 1-16. Default 1. */
    natAddressCount?: number;
    /** Share of flows sampled into VPC flow logs, 0 < x <= 1. Default 0.5. */
    flowLogSampling?: number;
}

/**
 * A custom VPC with private ranges only: the node subnet (with pod and Service ranges), the
 * bastion subnet, private services access for Cloud SQL, one Cloud Router with the platform's
 * single Cloud NAT, and the firewall rules that admit only what the platform needs.
 */
export class Network extends pulumi.ComponentResource {
    public readonly network: gcp.compute.Network;
    public readonly nodeSubnet: gcp.compute.Subnetwork;
    public readonly bastionSubnet: gcp.compute.Subnetwork;
    public readonly podRangeName: string;
    public readonly serviceRangeName: string;
    public readonly privateServiceConnection: gcp.servicenetworking.Connection;
    public readonly router: gcp.compute.Router;
    public readonly nat: gcp.compute.RouterNat;
    public readonly natAddresses: gcp.compute.Address[];
    public readonly firewallRules: gcp.compute.Firewall[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        const region = requireRegion("region", args.region, configuredRegion());
        const ranges = {
            nodeCidr: requirePrivateCidr("nodeCidr", args.nodeCidr, 8),
            podCidr: requirePrivateCidr("podCidr", args.podCidr, 8),
            serviceCidr: requirePrivateCidr("serviceCidr", args.serviceCidr, 8),
            bastionCidr: requirePrivateCidr("bastionCidr", args.bastionCidr, 8),
            masterCidr: requirePrivateCidr("masterCidr", args.masterCidr, 28),
            privateServiceCidr: requirePrivateCidr(
                "privateServiceCidr",
                args.privateServiceCidr,
                16,
            ),
        };
        if (ranges.masterCidr.prefixLength !== 28) {
            throw new InvalidArgumentError(
                "masterCidr",
                args.masterCidr,
                "a /28 range (GKE's requirement)",
            );
        }
        if (ranges.privateServiceCidr.prefixLength > 24) {
            throw new InvalidArgumentError(
                "privateServiceCidr",
                args.privateServiceCidr,
                "a /16 to /24 range (private services access needs at least a /24)",
            );
        }
        requireDisjoint(ranges);
        requireAuthorizedNetworks("sshSourceRanges", args.sshSourceRanges);
        const natAddressCount = requireIntegerInRange(
            "natAddressCount",
            args.natAddressCount ?? 1,
            1,
            16,
        );
        const flowLogSampling = args.flowLogSampling ?? 0.5;
        if (!(flowLogSampling > 0 && flowLogSampling <= 1)) {
            throw new InvalidArgumentError(
                "flowLogSampling",
                flowLogSampling,
                "a number in (0, 1]",
            );
        }

        super(`${PROJECT}:index:Network`, name, {}, opts);

        this.network = new gcp.compute.Network(
            name,
            {
                autoCreateSubnetworks: false,
                routingMode: "REGIONAL",
                deleteDefaultRoutesOnCreate: false,
                description: "Private network of the Airflow platform",
            },
            { parent: this },
        );

        // Flow logs on every subnet: https://cloud.google.com/vpc/docs/flow-logs
        const flowLogs = {
            aggregationInterval: "INTERVAL_5_SEC",
            flowSampling: flowLogSampling,
            metadata: "INCLUDE_ALL_METADATA",
        };
        this.podRangeName = `${name}-pods`;
        this.serviceRangeName = `${name}-services`;
        this.nodeSubnet = new gcp.compute.Subnetwork(
            `${name}-nodes`,
            {
                region,
                network: this.network.id,
                ipCidrRange: args.nodeCidr,
                privateIpGoogleAccess: true,
                logConfig: flowLogs,
                secondaryIpRanges: [
                    { rangeName: this.podRangeName, ipCidrRange: args.podCidr },
                    { rangeName: this.serviceRangeName, ipCidrRange: args.serviceCidr },
                ],
            },
            { parent: this },
        );
        this.bastionSubnet = new gcp.compute.Subnetwork(
            `${name}-bastion`,
            {
                region,
                network: this.network.id,
                ipCidrRange: args.bastionCidr,
                privateIpGoogleAccess: true,
                logConfig: flowLogs,
            },
            { parent: this },
        );

        // Private services access gives Cloud SQL an address inside this VPC's peering:
        // https://cloud.google.com/sql/docs/postgres/configure-private-services-access
        const privateServiceRange = new gcp.compute.GlobalAddress(
            `${name}-private-services`,
            {
                network: this.network.id,
                purpose: "VPC_PEERING",
                addressType: "INTERNAL",
                address: args.privateServiceCidr.split("/")[0],
                prefixLength: ranges.privateServiceCidr.prefixLength,
            },
            { parent: this },
        );
        this.privateServiceConnection = new gcp.servicenetworking.Connection(
            `${name}-private-services`,
            {
                network: this.network.id,
                service: "servicenetworking.googleapis.com",
                reservedPeeringRanges: [privateServiceRange.name],
                // Removing the peering while Cloud SQL still uses it fails; leave it to the
                // instance's own deletion.
                deletionPolicy: "ABANDON",
            },
            { parent: this },
        );

        this.router = new gcp.compute.Router(
            name,
            { region, network: this.network.id, description: "Router of the platform's Cloud NAT" },
            { parent: this },
        );
        // Reserved addresses, so that partners can allow-list the platform's egress.
        this.natAddresses = Array.from(
            { length: natAddressCount },
            (_, i) =>
                new gcp.compute.Address(
                    `${name}-nat-${i}`,
                    { region, addressType: "EXTERNAL", networkTier: "PREMIUM" },
                    { parent: this },
                ),
        );
        // The single exit for internet-bound traffic from every subnet and pod range:
        // https://cloud.google.com/nat/docs/gke-example
        this.nat = new gcp.compute.RouterNat(
            name,
            {
                region,
                router: this.router.name,
                natIpAllocateOption: "MANUAL_ONLY",
                natIps: this.natAddresses.map((a) => a.selfLink),
                sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
                subnetworks: [this.nodeSubnet, this.bastionSubnet].map((s) => ({
                    name: s.id,
                    sourceIpRangesToNats: ["ALL_IP_RANGES"],
                })),
                enableEndpointIndependentMapping: false,
                enableDynamicPortAllocation: true,
                minPortsPerVm: 128,
                maxPortsPerVm: 4096,
                logConfig: { enable: true, filter: "ALL" },
            },
            { parent: this },
        );

        this.firewallRules = this.createFirewallRules(name, args);

        this.registerOutputs({
            networkId: this.network.id,
            nodeSubnetId: this.nodeSubnet.id,
            bastionSubnetId: this.bastionSubnet.id,
            natAddresses: this.natAddresses.map((a) => a.address),
        });
    }

    private createFirewallRules(name: string, args: NetworkArgs): gcp.compute.Firewall[] {
        const rule = (suffix: string, ruleArgs: Omit<gcp.compute.FirewallArgs, "network">) =>
            new gcp.compute.Firewall(
                `${name}-${suffix}`,
                {
                    network: this.network.id,
                    logConfig: { metadata: "INCLUDE_ALL_METADATA" },
                    ...ruleArgs,
                },
                { parent: this },
            );
        return [
            rule("allow-ssh-to-bastion", {
                description: "SSH reaches the bastion only, and only from the allowed sources",
                direction: "INGRESS",
                priority: 1000,
                sourceRanges: args.sshSourceRanges,
                targetTags: [BASTION_TAG],
                allows: [{ protocol: "tcp", ports: ["22"] }],
            }),
            // The control plane calls admission webhooks and the kubelet on the nodes:
            // https://cloud.google.com/kubernetes-engine/docs/how-to/private-clusters#add_firewall_rules
            rule("allow-control-plane-to-nodes", {
                description: "The GKE control plane reaches node webhook and kubelet ports",
                direction: "INGRESS",
                priority: 1000,
                sourceRanges: [args.masterCidr],
                targetTags: [GKE_NODE_TAG],
                allows: [{ protocol: "tcp", ports: ["443", "8443", "9443", "10250", "15017"] }],
            }),
            rule("deny-all-ingress", {
                description: "Anything not admitted above is refused",
                direction: "INGRESS",
                priority: 65534,
                sourceRanges: ["0.0.0.0/0"],
                denies: [{ protocol: "all" }],
            }),
        ];
    }
}
