import { loggingPolicies } from "../../policies/logging";
import { K8S } from "../../policies/types";
import { proveDeclarations, proveResourcePolicies, UNSET } from "./harness";

const ENFORCE = ["metadata", "labels", "pod-security.kubernetes.io/enforce"];

describe("policies/logging", () => {
    proveDeclarations(loggingPolicies);

    describe("Pod Security exemptions", () => {
        proveResourcePolicies({
            policies: loggingPolicies,
            type: K8S.namespace,
            compliant: () => ({
                metadata: {
                    name: "logging",
                    labels: { "pod-security.kubernetes.io/enforce": "privileged" },
                },
            }),
            cases: [
                {
                    path: "metadata.name",
                    value: "tools",
                    expect: "pod-security-exemptions-declared",
                },
                {
                    path: "metadata.name",
                    value: "tools",
                    expect: [],
                    also: [[ENFORCE, "baseline"]],
                },
                {
                    path: "metadata.name",
                    value: "tools",
                    expect: [],
                    config: {
                        "pod-security-exemptions-declared": {
                            exemptNamespaces: ["logging", "tools"],
                        },
                    },
                },
                { path: ENFORCE, value: UNSET, expect: [] },
            ],
        });
    });

    describe("logging Ingresses", () => {
        proveResourcePolicies({
            policies: loggingPolicies,
            type: K8S.ingress,
            compliant: () => ({
                metadata: { name: "web", namespace: "tenant-acme-analytics" },
                spec: { rules: [] },
            }),
            cases: [
                { path: "metadata.namespace", value: "logging", expect: "logging-not-published" },
                {
                    path: "metadata.namespace",
                    value: "observability",
                    expect: "logging-not-published",
                    config: { "logging-not-published": { loggingNamespace: "observability" } },
                },
            ],
        });
    });

    describe("Elasticsearch chart", () => {
        for (const type of [K8S.helmRelease, K8S.helmChart]) {
            proveResourcePolicies({
                policies: loggingPolicies,
                type,
                compliant: () => ({
                    chart: "elasticsearch",
                    version: "8.5.1",
                    namespace: "logging",
                    values: { protocol: "https", createCert: true },
                }),
                cases: [
                    { path: "values.protocol", value: "http", expect: "logging-elasticsearch-tls" },
                    {
                        path: "values.createCert",
                        value: false,
                        expect: "logging-elasticsearch-tls",
                    },
                    {
                        path: "values.createCert",
                        value: false,
                        also: [
                            [
                                "values.secretMounts",
                                [
                                    {
                                        name: "certs",
                                        secretName: "es-certs",
                                        path: "/usr/share/elasticsearch/config/certs",
                                    },
                                ],
                            ],
                        ],
                        expect: [],
                    },
                    {
                        path: ["values", "esConfig", "elasticsearch.yml"],
                        value: "xpack.security.enabled: false\n",
                        expect: "logging-elasticsearch-tls",
                    },
                    {
                        path: "chart",
                        value: "kibana",
                        also: [["values.protocol", "http"]],
                        expect: [],
                    },
                ],
            });
        }
    });
});
