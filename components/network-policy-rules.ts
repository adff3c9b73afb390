import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Selects a namespace by the name label Kubernetes sets on every namespace. */
export function namespaceNamed(name: string): k8s.types.input.meta.v1.LabelSelector {
    return { matchLabels: { "kubernetes.io/metadata.name": name } };
}

/** Egress to the cluster's DNS (kube-dns in kube-system) on port 53, UDP and TCP. */
export function kubeDnsEgress(): k8s.types.input.networking.v1.NetworkPolicyEgressRule {
    return {
        to: [
            {
                namespaceSelector: namespaceNamed("kube-system"),
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
        ],
        ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
        ],
    };
}

/**
 * Egress to one host on one TCP port. The address comes from another stack or resource, so it is
 * checked to be a plain IPv4 address: anything else would widen or break the rule.
 */
export function hostEgress(
    address: pulumi.Input<string>,
    port: number,
): k8s.types.input.networking.v1.NetworkPolicyEgressRule {
    const cidr = pulumi.output(address).apply((a) => {
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(a)) {
            throw new Error(
                `expected an IPv4 address for a NetworkPolicy, got ${JSON.stringify(a)}`,
            );
        }
        return `${a}/32`;
    });
    return { to: [{ ipBlock: { cidr } }], ports: [{ protocol: "TCP", port }] };
}
