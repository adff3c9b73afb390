import * as k8s from "@pulumi/kubernetes";

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
