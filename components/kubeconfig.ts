/**
 * A kubeconfig for a GKE cluster that authenticates with `gke-gcloud-auth-plugin`, so it holds
 * no credential of its own: whoever uses it needs their own Google identity and IAM access.
 */
export interface KubeconfigArgs {
    /** Context and cluster name in the kubeconfig. */
    name: string;
    /** The cluster's endpoint: an IP address or host name, without a scheme. */
    endpoint: string;
    /** The cluster CA certificate, base64-encoded as GKE returns it. */
    caCertificate: string;
    /**
     * An HTTP(S) or SOCKS5 proxy to reach the private endpoint through, such as an SSH or IAP
     * tunnel to the bastion (`socks5://localhost:8888`). Omitted when unset.
     */
    proxyUrl?: string;
}

/** Renders the kubeconfig as YAML-compatible JSON. */
export function renderKubeconfig(args: KubeconfigArgs): string {
    const cluster: Record<string, string> = {
        server: `https://${args.endpoint}`,
        "certificate-authority-data": args.caCertificate,
    };
    if (args.proxyUrl) {
        cluster["proxy-url"] = args.proxyUrl;
    }
    return JSON.stringify(
        {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: args.name, cluster }],
            contexts: [{ name: args.name, context: { cluster: args.name, user: args.name } }],
            "current-context": args.name,
            users: [
                {
                    name: args.name,
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "gke-gcloud-auth-plugin",
                            installHint:
                                "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
                            provideClusterInfo: true,
                        },
                    },
                },
            ],
        },
        null,
        2,
    );
}

const PROXY_URL = /^(https?|socks5):\/\/[^\s/]+(:\d+)?\/?$/;

/** Whether a proxy URL has a scheme kubectl and client-go accept. */
export function isValidProxyUrl(url: string): boolean {
    return PROXY_URL.test(url);
}
