import { workloadPolicies } from "../../policies/kubernetes-workloads";
import { K8S, WORKLOAD_POD_SPEC_PATHS } from "../../policies/types";
import { compliantWorkload, podPath } from "./compliant";
import { proveDeclarations, proveResourcePolicies, UNSET } from "./harness";

describe("policies/kubernetes-workloads", () => {
    proveDeclarations(workloadPolicies);

    for (const type of Object.keys(WORKLOAD_POD_SPEC_PATHS)) {
        describe(type, () => {
            proveResourcePolicies({
                policies: workloadPolicies,
                type,
                compliant: () => compliantWorkload(type),
                cases: [
                    {
                        path: podPath(type, "containers.0.resources.limits.memory"),
                        value: UNSET,
                        expect: "k8s-resource-limits",
                    },
                    {
                        path: podPath(type, "containers.0.resources"),
                        value: UNSET,
                        expect: "k8s-resource-limits",
                    },
                    {
                        path: podPath(type, "containers.0.image"),
                        value: "apache/airflow",
                        expect: "k8s-no-latest-image",
                    },
                    {
                        path: podPath(type, "containers.0.image"),
                        value: "apache/airflow:latest",
                        expect: "k8s-no-latest-image",
                    },
                    {
                        path: podPath(type, "containers.0.image"),
                        value: "registry:5000/airflow",
                        expect: "k8s-no-latest-image",
                    },
                    {
                        path: podPath(type, "containers.0.image"),
                        value: "registry:5000/airflow@sha256:abc",
                        expect: [],
                    },
                    {
                        path: podPath(type, "initContainers"),
                        value: [{ name: "init", image: "busybox:1.36" }],
                        expect: "k8s-resource-limits",
                    },
                ],
            });
        });
    }

    describe("Services", () => {
        proveResourcePolicies({
            policies: workloadPolicies,
            type: K8S.service,
            compliant: () => ({
                metadata: { name: "web", namespace: "tenant-acme-analytics" },
                spec: { type: "ClusterIP", ports: [{ port: 8080 }] },
            }),
            cases: [
                { path: "spec.type", value: "LoadBalancer", expect: "k8s-no-public-service" },
                { path: "spec.type", value: "NodePort", expect: "k8s-no-public-service" },
                {
                    path: "spec.type",
                    value: "LoadBalancer",
                    also: [["metadata.namespace", "ingress-nginx"]],
                    expect: [],
                },
                {
                    path: "metadata.namespace",
                    value: UNSET,
                    also: [["spec.type", "NodePort"]],
                    expect: "k8s-no-public-service",
                },
            ],
        });
    });

    describe("Helm charts", () => {
        for (const type of [K8S.helmRelease, K8S.helmChart]) {
            proveResourcePolicies({
                policies: workloadPolicies,
                type,
                compliant: () => ({
                    chart: "airflow",
                    version: "1.15.0",
                    namespace: "acme-analytics",
                    repositoryOpts: { repo: "https://airflow.apache.org" },
                    values: { webserver: { service: { type: "ClusterIP" } } },
                }),
                cases: [
                    { path: "version", value: UNSET, expect: "k8s-helm-pinned-version" },
                    {
                        path: "values.webserver.service.type",
                        value: "LoadBalancer",
                        expect: "k8s-no-public-service",
                    },
                    {
                        path: "values.controller.service",
                        value: { type: "NodePort" },
                        expect: "k8s-no-public-service",
                    },
                    {
                        path: "values.webserver.service.type",
                        value: "LoadBalancer",
                        also: [["namespace", "ingress-nginx"]],
                        expect: [],
                    },
                    { path: "values.webserver.type", value: "LoadBalancer", expect: [] },
                    { path: "version", value: "^1.15.0", expect: "k8s-helm-pinned-version" },
                    { path: "version", value: "1.x", expect: "k8s-helm-pinned-version" },
                    { path: "version", value: ">=1.0.0", expect: "k8s-helm-pinned-version" },
                    {
                        path: "chart",
                        value: "oci://registry-1.docker.io/bitnamicharts/redis",
                        also: [
                            ["repositoryOpts", UNSET],
                            ["version", "latest"],
                        ],
                        expect: "k8s-helm-pinned-version",
                    },
                    {
                        path: "chart",
                        value: "./charts/platform",
                        also: [
                            ["repositoryOpts", UNSET],
                            ["version", UNSET],
                        ],
                        expect: [],
                    },
                ],
            });
        }
    });
});
