/**
 * The logging stack: the Pod Security exemption it needs (the log collector reads host paths)
 * stays confined to the declared namespaces, Kibana and Elasticsearch are not published outside
 * the cluster, and Elasticsearch speaks TLS.
 * https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { LOGGING_NAMESPACE } from "../components/constants";
import { EXEMPT_NAMESPACES_CONFIG, UNKNOWN, field, resourcePolicy } from "./lib";
import { K8S } from "./types";

const LOGGING_NAMESPACE_CONFIG: PolicyConfigJSONSchema = {
    type: "string",
    default: LOGGING_NAMESPACE,
    description: "The namespace of the logging stack (Elasticsearch, the log collector, Kibana).",
};

export const exemptionsDeclared = resourcePolicy(
    {
        name: "pod-security-exemptions-declared",
        description: "Only the declared exempt namespaces relax Pod Security below baseline.",
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
    (props, _args, config) => {
        const level = field(props, "metadata", "labels", "pod-security.kubernetes.io/enforce");
        const name = field(props, "metadata", "name");
        if (
            level === "privileged" &&
            name !== UNKNOWN &&
            !((config.exemptNamespaces as string[]) ?? []).includes(String(name))
        ) {
            return `The namespace ${JSON.stringify(name)} enforces the privileged profile but is not a declared exemption: enforce "restricted" (or "baseline"), or add it to this policy's exemptNamespaces with the reason in the README.`;
        }
        return undefined;
    },
);

export const loggingNotPublished = resourcePolicy(
    {
        name: "logging-not-published",
        description: "Kibana and Elasticsearch are not published through an Ingress.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Platform",
            reference: "log-access",
            title: "Each tenant reads only its own logs, through the platform.",
        },
        config: { loggingNamespace: LOGGING_NAMESPACE_CONFIG },
    },
    [K8S.ingress],
    (props, _args, config) => {
        if (field(props, "metadata", "namespace") === config.loggingNamespace) {
            return `An Ingress in "${config.loggingNamespace}" publishes the logs of every tenant: remove it and reach Kibana through the bastion or the platform's authenticated proxy.`;
        }
        return undefined;
    },
);

export const elasticsearchTls = resourcePolicy(
    {
        name: "logging-elasticsearch-tls",
        description:
            "Elasticsearch installed from its Helm chart serves HTTPS with authentication.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Platform",
            reference: "log-access",
            title: "Each tenant reads only its own logs, through the platform.",
        },
    },
    [K8S.helmRelease, K8S.helmChart],
    // Limitation: only the settings of the official elastic/elasticsearch chart are known here;
    // an operator-managed cluster (ECK) is judged by its own resources, which are not checked.
    (props, args) => {
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
        const security = field(props, "values", "esConfig", "elasticsearch.yml");
        if (typeof security === "string" && /xpack\.security\.enabled:\s*false/.test(security)) {
            messages.push(
                "Remove xpack.security.enabled: false from values.esConfig: Elasticsearch must authenticate every client.",
            );
        }
        return messages;
    },
);

export const loggingPolicies: ResourceValidationPolicy[] = [
    exemptionsDeclared,
    loggingNotPublished,
    elasticsearchTls,
];
