/**
 * The VPC: custom subnets with Private Google Access and flow logs, and a firewall that admits
 * nothing from the internet except SSH to the bastion from its allowed sources. The Cloud NAT
 * is judged in nat.ts.
 * https://cloud.google.com/firewall/docs/firewalls
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import {
    UNKNOWN,
    cidrWithin,
    field,
    isPrivateCidr,
    isWorld,
    list,
    resourcePolicy,
    SSH_SOURCES_CONFIG,
} from "./lib";
import { GCP } from "./types";

export const noAutoSubnets = resourcePolicy(
    {
        name: "vpc-no-auto-subnets",
        description: "VPC networks declare their subnets instead of creating one in every region.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GCP",
            reference: "3.1",
            title: "Ensure that the default network does not exist in a project.",
        },
    },
    [GCP.network],
    (props) => {
        // Google creates a subnet in every region unless told otherwise.
        const auto = field(props, "autoCreateSubnetworks");
        if (auto !== UNKNOWN && auto !== false) {
            return "Set autoCreateSubnetworks to false and declare each subnet with its own range.";
        }
        return undefined;
    },
);

export const subnetPrivateGoogleAccess = resourcePolicy(
    {
        name: "subnet-private-google-access",
        description: "Subnets reach Google APIs without external addresses.",
        enforcementLevel: "mandatory",
        severity: "low",
        control: {
            framework: "Platform",
            reference: "private-network",
            title: "All addresses are private.",
        },
    },
    [GCP.subnetwork],
    (props, args) => {
        if (field(props, "purpose") !== undefined && field(props, "purpose") !== "PRIVATE") {
            return args.notApplicable("Proxy and service subnets host no VMs");
        }
        const enabled = field(props, "privateIpGoogleAccess");
        if (enabled !== UNKNOWN && enabled !== true) {
            return "Set privateIpGoogleAccess to true so that private nodes reach Google APIs without a public address.";
        }
        return undefined;
    },
);

export const subnetFlowLogs = resourcePolicy(
    {
        name: "subnet-flow-logs",
        description: "Subnets record VPC flow logs.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GKE",
            reference: "5.6.1",
            title: "Enable VPC Flow Logs and Intranode Visibility.",
        },
    },
    [GCP.subnetwork],
    (props, args) => {
        if (field(props, "purpose") !== undefined && field(props, "purpose") !== "PRIVATE") {
            return args.notApplicable("Proxy and service subnets have no flow logs");
        }
        const logConfig = field(props, "logConfig");
        if (logConfig === undefined || logConfig === null) {
            return 'Set logConfig (for example { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" }) to record flow logs.';
        }
        if (field(logConfig, "flowSampling") === 0) {
            return "logConfig.flowSampling of 0 records nothing: set a sampling rate above 0.";
        }
        return undefined;
    },
);

/** Firewall rules that admit traffic: enabled ingress allow rules. */
function isIngressAllow(props: Record<string, unknown>): boolean {
    const direction = field(props, "direction");
    const disabled = field(props, "disabled");
    const allows = list(props, "allows");
    // An unknown direction or state is not judged: unknown is never a violation.
    return (
        (direction === undefined || direction === "INGRESS") &&
        (disabled === undefined || disabled === false) &&
        allows !== UNKNOWN &&
        allows.length > 0
    );
}

/**
 * The source ranges an ingress rule admits. A rule that names no source ranges, tags or service
 * accounts admits 0.0.0.0/0: Google's default.
 * https://cloud.google.com/firewall/docs/firewalls#sources_for_ingress_rules
 */
function sourceRangesOf(props: Record<string, unknown>): unknown[] | typeof UNKNOWN {
    const ranges = list(props, "sourceRanges");
    const tags = list(props, "sourceTags");
    const accounts = list(props, "sourceServiceAccounts");
    if (ranges === UNKNOWN || tags === UNKNOWN || accounts === UNKNOWN) {
        return UNKNOWN;
    }
    return ranges.length + tags.length + accounts.length === 0 ? ["0.0.0.0/0"] : ranges;
}

/** Whether the rule admits only tcp:22; unknown when a protocol or port is. */
function onlySsh(allows: unknown[]): boolean | typeof UNKNOWN {
    let unknown = false;
    for (const allow of allows) {
        const protocol = field(allow, "protocol");
        const ports = list(allow, "ports");
        if (
            allow === UNKNOWN ||
            protocol === UNKNOWN ||
            ports === UNKNOWN ||
            ports.includes(UNKNOWN)
        ) {
            unknown = true;
            continue;
        }
        if (
            protocol !== "tcp" ||
            ports.length === 0 ||
            !ports.every((port) => String(port) === "22")
        ) {
            return false;
        }
    }
    return unknown ? UNKNOWN : true;
}

export const noPublicIngress = resourcePolicy(
    {
        name: "firewall-no-public-ingress",
        description:
            "No firewall rule admits public sources, except SSH to the bastion from its allowed sources.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GCP",
            reference: "3.6",
            title: "Ensure that SSH access is restricted from the internet.",
        },
        config: { allowedSshSources: SSH_SOURCES_CONFIG },
    },
    [GCP.firewall],
    (props, _args, config) => {
        if (!isIngressAllow(props)) {
            return;
        }
        const sources = sourceRangesOf(props);
        const allows = list(props, "allows");
        if (sources === UNKNOWN || allows === UNKNOWN) {
            return;
        }
        const sshSources = (config.allowedSshSources as string[]) ?? [];
        const tags = list(props, "targetTags");
        const accounts = list(props, "targetServiceAccounts");
        // A rule without targets applies to every VM of the network, not just the bastion.
        const targeted =
            tags === UNKNOWN || accounts === UNKNOWN || tags.length > 0 || accounts.length > 0;
        const messages: string[] = [];
        for (const source of sources) {
            if (source === UNKNOWN || typeof source !== "string" || isPrivateCidr(source)) {
                continue;
            }
            const ssh = onlySsh(allows);
            if (ssh === UNKNOWN) {
                continue;
            }
            const sshException =
                sshSources.some((allowed) => cidrWithin(source, allowed)) && ssh && targeted;
            if (!sshException) {
                messages.push(
                    `The rule admits the public range ${source}: admit only private ranges, or tcp:22 to the bastion's tag from the allowed SSH sources (${sshSources.join(", ")}).`,
                );
            }
        }
        return messages;
    },
);

export const noOpenWorldIngress = resourcePolicy(
    {
        name: "firewall-no-world-all-ports",
        description: "No firewall rule admits all protocols or all ports from the internet.",
        enforcementLevel: "mandatory",
        severity: "critical",
        control: {
            framework: "CIS GCP",
            reference: "3.6",
            title: "Ensure that SSH and RDP access is restricted from the internet.",
        },
    },
    [GCP.firewall],
    (props) => {
        const sources = sourceRangesOf(props);
        const allows = list(props, "allows");
        if (!isIngressAllow(props) || sources === UNKNOWN || allows === UNKNOWN) {
            return;
        }
        if (!sources.some((source) => typeof source === "string" && isWorld(source))) {
            return;
        }
        const wide = allows.some((allow) => {
            const protocol = field(allow, "protocol");
            const ports = list(allow, "ports");
            return (
                protocol === "all" ||
                (ports !== UNKNOWN && ports.length === 0) ||
                (ports !== UNKNOWN && ports.includes("0-65535"))
            );
        });
        if (wide) {
            return "The rule opens every port to the whole internet: remove it, or name the protocol, the ports and specific sources.";
        }
        return undefined;
    },
);

export const firewallLogging = resourcePolicy(
    {
        name: "firewall-logging",
        description: "Firewall rules log the connections they match.",
        enforcementLevel: "advisory",
        severity: "low",
        control: {
            framework: "Platform",
            reference: "audit",
            title: "Network decisions leave a trace.",
        },
    },
    [GCP.firewall],
    (props) => {
        const metadata = field(props, "logConfig", "metadata");
        if (metadata === undefined && field(props, "enableLogging") !== true) {
            return 'Set logConfig to { metadata: "INCLUDE_ALL_METADATA" } so that matched connections are recorded.';
        }
        return undefined;
    },
);

export const networkPolicies: ResourceValidationPolicy[] = [
    noAutoSubnets,
    subnetPrivateGoogleAccess,
    subnetFlowLogs,
    noPublicIngress,
    noOpenWorldIngress,
    firewallLogging,
];
