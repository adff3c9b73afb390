import { ECK, loggingPolicies } from "../../policies/logging";
import { K8S } from "../../policies/types";
import { proveDeclarations, proveResourcePolicies, UNSET } from "./harness";

const ENFORCE = ["metadata", "labels", "pod-security.kubernetes.io/enforce"];

describe("policies/logging", () => {
    proveDeclarations(loggingPolicies);

    describe("Pod Security of the program's namespaces", () => {
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
                    expect: "namespace-pod-security-restricted",
                },
                {
                    path: "metadata.name",
                    value: "tools",
                    also: [[ENFORCE, "baseline"]],
                    expect: "namespace-pod-security-restricted",
                },
                {
                    path: "metadata.name",
                    value: "tools",
                    also: [[ENFORCE, "restricted"]],
                    expect: [],
                },
                {
                    path: "metadata.name",
                    value: "tools",
                    expect: [],
                    config: {
                        "namespace-pod-security-restricted": {
                            exemptNamespaces: ["logging", "tools"],
                        },
                    },
                },
                { path: ENFORCE, value: UNSET, expect: "namespace-pod-security-restricted" },
                {
                    path: ["metadata", "labels", "airflow-platform/tenant"],
                    value: "acme",
                    expect: [],
                },
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

    describe("ECK Elasticsearch", () => {
        proveResourcePolicies({
            policies: loggingPolicies,
            type: ECK.elasticsearch,
            compliant: () => ({
                apiVersion: "elasticsearch.k8s.elastic.co/v1",
                kind: "Elasticsearch",
                metadata: { name: "logs", namespace: "logging" },
                spec: {
                    version: "8.17.0",
                    http: { tls: { selfSignedCertificate: { disabled: false } } },
                    nodeSets: [
                        { name: "default", count: 3, config: { "node.store.allow_mmap": false } },
                    ],
                },
            }),
            cases: [
                {
                    path: "spec.http.tls.selfSignedCertificate.disabled",
                    value: true,
                    expect: "logging-elasticsearch-tls",
                },
                {
                    path: "spec.http.tls.selfSignedCertificate.disabled",
                    value: true,
                    also: [["spec.http.tls.certificate", { secretName: "es-cert" }]],
                    expect: [],
                },
                {
                    path: ["spec", "nodeSets", 0, "config", "xpack.security.enabled"],
                    value: false,
                    expect: "logging-elasticsearch-tls",
                },
                {
                    path: "spec.http.service",
                    value: { spec: { type: "LoadBalancer" } },
                    expect: "logging-not-published",
                },
            ],
        });
    });

    describe("ECK Kibana", () => {
        proveResourcePolicies({
            policies: loggingPolicies,
            type: ECK.kibana,
            compliant: () => ({
                metadata: { name: "kibana", namespace: "logging" },
                spec: {
                    version: "8.17.0",
                    count: 1,
                    http: { service: { spec: { type: "ClusterIP" } } },
                },
            }),
            cases: [
                {
                    path: "spec.http.service.spec.type",
                    value: "LoadBalancer",
                    expect: "logging-not-published",
                },
                {
                    path: "spec.http.service.spec.type",
                    value: "NodePort",
                    expect: "logging-not-published",
                },
                { path: "spec.http", value: UNSET, expect: [] },
            ],
        });
    });
});
