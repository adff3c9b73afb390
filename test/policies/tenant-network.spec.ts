import { TENANT_LABEL } from "../../components/constants";
import { tenantNetworkPolicies } from "../../policies/tenant-network";
import { K8S } from "../../policies/types";
import { proveDeclarations, proveResourcePolicies, UNSET } from "./harness";

const POLICY = "tenant-network-policy-scoped";
const PRIVATE_EXCEPT = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "169.254.0.0/16",
    "100.64.0.0/10",
];

/** A tenant's allow rules as the platform declares them. */
function allowRules(): Record<string, unknown> {
    return {
        metadata: {
            name: "allow",
            namespace: "acme-analytics",
            labels: { [TENANT_LABEL]: "acme-analytics" },
        },
        spec: {
            podSelector: {},
            policyTypes: ["Ingress", "Egress"],
            ingress: [
                { from: [{ podSelector: {} }] },
                {
                    from: [
                        {
                            namespaceSelector: {
                                matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" },
                            },
                        },
                    ],
                },
            ],
            egress: [
                {
                    to: [{ ipBlock: { cidr: "10.16.0.3/32" } }],
                    ports: [{ protocol: "TCP", port: 5432 }],
                },
                { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_EXCEPT } }] },
            ],
        },
    };
}

describe("policies/tenant-network", () => {
    proveDeclarations(tenantNetworkPolicies);

    proveResourcePolicies({
        policies: tenantNetworkPolicies,
        type: K8S.networkPolicy,
        compliant: allowRules,
        cases: [
            { path: "spec.ingress.0.from", value: UNSET, expect: POLICY },
            { path: "spec.ingress.0.from", value: [], expect: POLICY },
            { path: "spec.egress.0.to", value: UNSET, expect: POLICY },
            { path: "spec.ingress.1.from.0.namespaceSelector", value: {}, expect: POLICY },
            {
                path: "spec.egress.0.to.0",
                value: { namespaceSelector: {}, podSelector: { matchLabels: { app: "x" } } },
                expect: POLICY,
            },
            { path: "spec.egress.0.to.0.ipBlock.cidr", value: "10.0.0.0/8", expect: POLICY },
            { path: "spec.egress.0.to.0.ipBlock.cidr", value: "0.0.0.0/0", expect: POLICY },
            { path: "spec.egress.1.to.0.ipBlock.except", value: UNSET, expect: POLICY },
            { path: "spec.egress.1.to.0.ipBlock.except", value: ["10.0.0.0/8"], expect: POLICY },
            { path: "spec.egress.0.to.0.ipBlock.cidr", value: "10.16.0.0/20", expect: [] },
            {
                path: ["metadata", "labels"],
                value: {},
                also: [["spec.egress.0.to", UNSET]],
                expect: [],
            },
        ],
    });
});
