/**
 * The logging stack: the Pod Security exemption it needs (the log collector reads host paths)
 * stays confined to the declared namespaces while every other namespace enforces restricted, Kibana and Elasticsearch are not published outside
 * the cluster, and Elasticsearch (run by ECK or from the elastic chart) speaks TLS with security on.
 * https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { LOGGING_NAMESPACE, TENANT_LABEL } from "../components/constants";
import { EXEMPT_NAMESPACES_CONFIG, UNKNOWN, field, list, resourcePolicy } from "./lib";
import { K8S } from "./types";

/** The ECK custom resources; their type tokens come from their API group and kind. */
export const ECK = {
    elasticsearch: "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch",
    kibana: "kubernetes:kibana.k8s.elastic.co/v1:Kibana",
} as const;

const LOGGING_NAMESPACE_CONFIG: PolicyConfigJSONSchema = {
    type: "string",
    default: LOGGING_NAMESPACE,
    description: "The namespace of the logging stack (Elasticsearch, the log collector, Kibana).",
};

export const namespacesRestricted = resourcePolicy(
    {
        name: "namespace-pod-security-restricted",
        description:
            "Every namespace the program declares enforces Pod Security restricted, except the declared exemptions.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "4.2.1",
            title: "Ensure that the cluster enforces Pod Security Standard Baseline profile or stricter for all namespaces.",
        },
        config: { exemptNamespaces: EXEMPT_NAMESPACES_CONFIG },
    },
    [K8S.namespace],
    (props, args, config) => {
        if (field(props, "metadata", "labels", TENANT_LABEL) !== undefined) {
            return args.notApplicable(
                "Tenant namespaces are judged by tenant-namespace-pod-security",
            );
        }
        const level = field(props, "metadata", "labels", "pod-security.kubernetes.io/enforce");
        const name = field(props, "metadata", "name");
        if (level === UNKNOWN || name === UNKNOWN) {
            return undefined;
        }
        const exempt = ((config.exemptNamespaces as string[]) ?? []).includes(String(name));
        if (exempt && level !== undefined) {
            // A declared exemption may relax the profile, but must still say which one applies.
            return undefined;
        }
        if (level !== "restricted") {
            return `The namespace ${JSON.stringify(name)} must label itself pod-security.kubernetes.io/enforce: restricted (it is ${JSON.stringify(level ?? "unset")}); a namespace that truly needs less belongs in this policy's exemptNamespaces, with the reason in the README.`;
        }
        return undefined;
    },
);

export const loggingNotPublished = resourcePolicy(
    {
        name: "logging-not-published",
        description:
            "Kibana and Elasticsearch are published neither through an Ingress nor a public Service.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Platform",
            reference: "log-access",
            title: "Each tenant reads only its own logs, through the platform.",
        },
        config: { loggingNamespace: LOGGING_NAMESPACE_CONFIG },
    },
    [K8S.ingress, ECK.elasticsearch, ECK.kibana],
    (props, args, config) => {
        if (args.type === K8S.ingress) {
            if (field(props, "metadata", "namespace") === config.loggingNamespace) {
                return `An Ingress in "${config.loggingNamespace}" publishes the logs of every tenant: remove it and reach Kibana through the bastion or the platform's authenticated proxy.`;
            }
            return undefined;
        }
        const type = field(props, "spec", "http", "service", "spec", "type");
        if (type === "LoadBalancer" || type === "NodePort") {
            return `A ${type} Service publishes the logs of every tenant: set spec.http.service.spec.type to "ClusterIP".`;
        }
        return undefined;
    },
);

export const elasticsearchTls = resourcePolicy(
    {
        name: "logging-elasticsearch-tls",
        description:
            "Elasticsearch (an ECK cluster or the elastic Helm chart) serves HTTPS and authenticates every client.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Platform",
            reference: "log-access",
            title: "Each tenant reads only its own logs, through the platform.",
        },
    },
    [ECK.elasticsearch, K8S.helmRelease, K8S.helmChart],
    (props, args) => (args.type === ECK.elasticsearch ? checkEck(props) : checkChart(props, args)),
);

/** An ECK Elasticsearch: TLS on unless a certificate of one's own is given; security on. */
function checkEck(props: Record<string, unknown>): string[] {
    const messages: string[] = [];
    const selfSignedOff =
        field(props, "spec", "http", "tls", "selfSignedCertificate", "disabled") === true;
    if (
        selfSignedOff &&
        field(props, "spec", "http", "tls", "certificate", "secretName") === undefined
    ) {
        messages.push(
            "Keep spec.http.tls.selfSignedCertificate.disabled false, or give spec.http.tls.certificate.secretName: Elasticsearch must serve HTTPS.",
        );
    }
    const nodeSets = list(props, "spec", "nodeSets");
    if (nodeSets !== UNKNOWN) {
        nodeSets.forEach((nodeSet, index) => {
            const security = field(nodeSet, "config", "xpack.security.enabled");
            if (security === false || security === "false") {
                messages.push(
                    `Remove xpack.security.enabled: false from spec.nodeSets[${index}].config: Elasticsearch must authenticate every client.`,
                );
            }
        });
    }
    return messages;
}

// Limitation: of the Helm charts only the official elastic/elasticsearch chart's settings are
// known here; any other chart that installs Elasticsearch is not judged.
function checkChart(props: Record<string, unknown>, args: ResourceValidationArgs): string[] {
    const chart = field(props, "chart");
    if (typeof chart !== "string" || !/(^|\/)elasticsearch$/.test(chart)) {
        return args.notApplicable("Not the Elasticsearch chart");
    }
    const messages: string[] = [];
    if (field(props, "values", "protocol") === "http") {
        messages.push('Set values.protocol to "https".');
    }
    if (
        field(props, "values", "createCert") === false &&
        field(props, "values", "secretMounts") === undefined
    ) {
        messages.push(
            "Keep values.createCert on, or mount your own certificate through values.secretMounts.",
        );
    }
    const config = field(props, "values", "esConfig", "elasticsearch.yml");
    if (typeof config === "string" && /xpack\.security\.enabled:\s*false/.test(config)) {
        messages.push(
            "Remove xpack.security.enabled: false from values.esConfig: Elasticsearch must authenticate every client.",
        );
    }
    return messages;
}

export const loggingPolicies: ResourceValidationPolicy[] = [
    namespacesRestricted,
    loggingNotPublished,
    elasticsearchTls,
];
