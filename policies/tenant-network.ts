/**
 * The allow rules of a tenant's NetworkPolicies: each names its peers. A rule without peers, a
 * peer that selects every namespace, or an address block that takes in a whole private range
 * (other tenants' pods, the nodes, the metadata server) would undo the default deny.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { TENANT_LABEL } from "../components/constants";
import { UNKNOWN, cidrWithin, field, list, resourcePolicy } from "./lib";
import { K8S } from "./types";

/** Ranges a tenant may reach only host by host: private networks, link-local, shared space. */
const CONTAINED_RANGES = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "169.254.0.0/16",
    "100.64.0.0/10",
];

/** Whether a label selector is present and selects everything. */
function selectsEverything(selector: unknown): boolean {
    if (selector === undefined || selector === null || selector === UNKNOWN) {
        return false;
    }
    const labels = field(selector, "matchLabels");
    const expressions = list(selector, "matchExpressions");
    return (
        labels !== UNKNOWN &&
        expressions !== UNKNOWN &&
        Object.keys((labels as object | undefined) ?? {}).length === 0 &&
        expressions.length === 0
    );
}

/** What is wrong with one peer of a rule, if anything. */
function peerProblem(peer: unknown, where: string): string | undefined {
    if (selectsEverything(field(peer, "namespaceSelector"))) {
        return `${where} selects every namespace: name the namespace with a kubernetes.io/metadata.name selector.`;
    }
    const cidr = field(peer, "ipBlock", "cidr");
    const except = list(peer, "ipBlock", "except");
    if (typeof cidr !== "string" || except === UNKNOWN) {
        return undefined;
    }
    const open = CONTAINED_RANGES.filter(
        (range) =>
            cidrWithin(range, cidr) &&
            !except.some((e) => typeof e === "string" && cidrWithin(range, e)),
    );
    if (open.length > 0) {
        return `${where} admits ${cidr}, which takes in ${open.join(", ")}: name single hosts (such as the database's /32), or list those ranges in ipBlock.except.`;
    }
    return undefined;
}

export const tenantNetworkPolicyScoped = resourcePolicy(
    {
        name: "tenant-network-policy-scoped",
        description:
            "Every allow rule of a tenant NetworkPolicy names its peers, and none takes in another namespace or a whole private range.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Platform",
            reference: "tenant-isolation",
            title: "A tenant reaches its own pods, its database and the platform's services, nothing else.",
        },
    },
    [K8S.networkPolicy],
    (props, args) => {
        const tenant = field(props, "metadata", "labels", TENANT_LABEL);
        if (tenant === undefined) {
            return args.notApplicable("Not a tenant NetworkPolicy");
        }
        if (tenant === UNKNOWN) {
            return undefined;
        }
        const messages: string[] = [];
        for (const [direction, peersKey] of [
            ["ingress", "from"],
            ["egress", "to"],
        ] as const) {
            const rules = list(props, "spec", direction);
            if (rules === UNKNOWN) {
                continue;
            }
            rules.forEach((rule, index) => {
                const peers = list(rule, peersKey);
                if (rule === UNKNOWN || peers === UNKNOWN) {
                    return;
                }
                if (peers.length === 0) {
                    messages.push(
                        `spec.${direction}[${index}] has no ${peersKey}, so it admits every peer: name the pods, namespaces or hosts it admits.`,
                    );
                }
                peers.forEach((peer, p) => {
                    const problem = peerProblem(
                        peer,
                        `spec.${direction}[${index}].${peersKey}[${p}]`,
                    );
                    if (problem) {
                        messages.push(problem);
                    }
                });
            });
        }
        return messages;
    },
);

export const tenantNetworkPolicies: ResourceValidationPolicy[] = [tenantNetworkPolicyScoped];
