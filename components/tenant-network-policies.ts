/**
 * The tenant's NetworkPolicies: deny everything in both directions, then allow only what
 * Airflow needs. Policies are additive, so the metadata server and other tenants' namespaces
 * stay unreachable because no rule admits them.
 * See https://kubernetes.io/docs/concepts/services-networking/network-policies/.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { INGRESS_NAMESPACE, LOGGING_NAMESPACE } from "./constants";
import { hostEgress, kubeDnsEgress, namespaceNamed } from "./network-policy-rules";
import { ResolvedTenantSpec } from "./tenant-args";
import { tenantLabels } from "./tenant-namespace";

/** Ranges task pods never reach even with internet egress on: private, metadata, CGNAT. */
export const INTERNET_EGRESS_EXCEPT = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "169.254.0.0/16",
    "100.64.0.0/10",
] as const;

/** The webserver's container port in the official chart. */
export const WEBSERVER_PORT = 8080;
/** Elasticsearch's HTTP port. */
export const LOGGING_PORT = 9200;

/** Pod selectors for the official chart's components (its `component` label). */
export const COMPONENT = {
    scheduler: { component: "scheduler" },
    webserver: { component: "webserver" },
    worker: { component: "worker" },
} as const;

/** What the policies need to know about the platform. */
export interface NetworkEndpoints {
    /** The Cloud SQL private IP address. */
    databasePrivateIp: pulumi.Input<string>;
    /** The GKE control plane's private address (the cluster endpoint). */
    clusterEndpoint: pulumi.Input<string>;
}

/** Creates the policies in `namespace` as children of `parent`. */
export function createTenantNetworkPolicies(
    args: ResolvedTenantSpec,
    namespace: pulumi.Input<string>,
    endpoints: NetworkEndpoints,
    parent: pulumi.Resource,
): k8s.networking.v1.NetworkPolicy[] {
    const labels = tenantLabels(args);
    const policy = (name: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
        new k8s.networking.v1.NetworkPolicy(
            `${args.name}-${name}`,
            { metadata: { name, namespace, labels }, spec },
            { parent },
        );

    const policies = [
        policy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
        // Limitation: with NodeLocal DNSCache, pods resolve through 169.254.20.10 on the node;
        // add that address on port 53 here if the cluster enables it.
        policy("allow-dns", {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [kubeDnsEgress()],
        }),
        policy("allow-database", {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [hostEgress(endpoints.databasePrivateIp, 5432)],
        }),
        policy("allow-logging", {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [
                {
                    to: [{ namespaceSelector: namespaceNamed(LOGGING_NAMESPACE) }],
                    ports: [{ protocol: "TCP", port: LOGGING_PORT }],
                },
            ],
        }),
        policy("allow-ingress-controller", {
            podSelector: { matchLabels: { ...COMPONENT.webserver } },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [{ namespaceSelector: namespaceNamed(INGRESS_NAMESPACE) }],
                    ports: [{ protocol: "TCP", port: WEBSERVER_PORT }],
                },
            ],
        }),
        policy("allow-same-namespace", {
            podSelector: {},
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ from: [{ podSelector: {} }] }],
            egress: [{ to: [{ podSelector: {} }] }],
        }),
        // The scheduler launches and watches task pods through the Kubernetes API.
        policy("allow-kube-api", {
            podSelector: { matchLabels: { ...COMPONENT.scheduler } },
            policyTypes: ["Egress"],
            egress: [hostEgress(endpoints.clusterEndpoint, 443)],
        }),
    ];

    if (args.allowInternetEgress) {
        policies.push(
            policy("allow-internet-egress", {
                podSelector: { matchLabels: { ...COMPONENT.worker } },
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [
                            { ipBlock: { cidr: "0.0.0.0/0", except: [...INTERNET_EGRESS_EXCEPT] } },
                        ],
                    },
                ],
            }),
        );
    }
    return policies;
}
