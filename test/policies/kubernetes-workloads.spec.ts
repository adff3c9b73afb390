import * as assert from "assert";
import { workloadPolicies } from "../../policies/kubernetes-workloads";
import { K8S, WORKLOAD_POD_SPEC_PATHS } from "../../policies/types";
import {
    proveDeclarations,
    proveResourcePolicies,
    resource,
    run,
    UNSET,
    violated,
} from "./harness";

function container(): Record<string, unknown> {
    return {
        name: "scheduler",
        image: "apache/airflow:2.10.3",
        securityContext: {
            runAsNonRoot: true,
            runAsUser: 50000,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        },
        resources: {
            limits: { cpu: "1", memory: "2Gi" },
            requests: { cpu: "250m", memory: "1Gi" },
        },
    };
}

/** A workload of the given type wrapping one compliant container. */
function workload(type: string): Record<string, unknown> {
    const podSpec = {
        containers: [container()],
        securityContext: {
            runAsNonRoot: true,
            runAsUser: 50000,
            seccompProfile: { type: "RuntimeDefault" },
        },
        automountServiceAccountToken: false,
    };
    let body: Record<string, unknown> = podSpec;
    const path = WORKLOAD_POD_SPEC_PATHS[type];
    for (const key of [...path].reverse()) {
        body = { [key]: body };
    }
    return { metadata: { name: "w", namespace: "tenant-acme-analytics" }, ...body };
}

const C = (type: string, rest: string) =>
    [...WORKLOAD_POD_SPEC_PATHS[type], ...rest.split(".")].map((k) =>
        /^\d+$/.test(k) ? Number(k) : k,
    );

describe("policies/kubernetes-workloads", () => {
    proveDeclarations(workloadPolicies);

    for (const type of Object.keys(WORKLOAD_POD_SPEC_PATHS)) {
        describe(type, () => {
            proveResourcePolicies({
                policies: workloadPolicies,
                type,
                compliant: () => workload(type),
                cases: [
                    {
                        path: C(type, "containers.0.securityContext.runAsNonRoot"),
                        value: false,
                        expect: "k8s-run-as-non-root",
                    },
                    {
                        path: C(type, "containers.0.securityContext.runAsNonRoot"),
                        value: UNSET,
                        expect: [],
                    },
                    {
                        path: C(type, "containers.0.securityContext.runAsNonRoot"),
                        value: UNSET,
                        also: [
                            [C(type, "containers.0.securityContext.runAsUser"), UNSET],
                            [C(type, "securityContext"), UNSET],
                        ],
                        expect: "k8s-run-as-non-root",
                    },
                    {
                        path: C(type, "containers.0.securityContext.runAsUser"),
                        value: 0,
                        expect: "k8s-run-as-non-root",
                    },
                    {
                        path: C(type, "containers.0.securityContext.allowPrivilegeEscalation"),
                        value: true,
                        expect: "k8s-no-privilege-escalation",
                    },
                    {
                        path: C(type, "containers.0.securityContext.allowPrivilegeEscalation"),
                        value: UNSET,
                        expect: "k8s-no-privilege-escalation",
                    },
                    {
                        path: C(type, "containers.0.securityContext.privileged"),
                        value: true,
                        expect: "k8s-no-privileged",
                    },
                    {
                        path: C(type, "containers.0.securityContext.seccompProfile.type"),
                        value: "Unconfined",
                        expect: "k8s-seccomp-profile",
                    },
                    {
                        path: C(type, "containers.0.securityContext.seccompProfile"),
                        value: UNSET,
                        also: [[C(type, "securityContext.seccompProfile"), UNSET]],
                        expect: "k8s-seccomp-profile",
                    },
                    {
                        path: C(type, "containers.0.securityContext.readOnlyRootFilesystem"),
                        value: false,
                        expect: "k8s-read-only-root-filesystem",
                    },
                    {
                        path: C(type, "automountServiceAccountToken"),
                        value: UNSET,
                        expect: "k8s-no-default-token-mount",
                    },
                    {
                        path: C(type, "automountServiceAccountToken"),
                        value: UNSET,
                        also: [[C(type, "serviceAccountName"), "scheduler"]],
                        expect: [],
                    },
                    {
                        path: C(type, "containers.0.securityContext.capabilities"),
                        value: UNSET,
                        expect: "k8s-drop-all-capabilities",
                    },
                    {
                        path: C(type, "containers.0.securityContext.capabilities.add"),
                        value: ["NET_ADMIN"],
                        expect: "k8s-drop-all-capabilities",
                    },
                    {
                        path: C(type, "containers.0.securityContext.capabilities.add"),
                        value: ["NET_BIND_SERVICE"],
                        expect: [],
                    },
                    {
                        path: C(type, "containers.0.resources.limits.memory"),
                        value: UNSET,
                        expect: "k8s-resource-limits",
                    },
                    {
                        path: C(type, "containers.0.resources"),
                        value: UNSET,
                        expect: "k8s-resource-limits",
                    },
                    {
                        path: C(type, "containers.0.image"),
                        value: "apache/airflow",
                        expect: "k8s-no-latest-image",
                    },
                    {
                        path: C(type, "containers.0.image"),
                        value: "apache/airflow:latest",
                        expect: "k8s-no-latest-image",
                    },
                    {
                        path: C(type, "containers.0.image"),
                        value: "registry:5000/airflow",
                        expect: "k8s-no-latest-image",
                    },
                    {
                        path: C(type, "containers.0.image"),
                        value: "registry:5000/airflow@sha256:abc",
                        expect: [],
                    },
                    {
                        path: C(type, "initContainers"),
                        value: [{ name: "init", image: "busybox:1.36" }],
                        expect: [
                            "k8s-drop-all-capabilities",
                            "k8s-no-privilege-escalation",
                            "k8s-read-only-root-filesystem",
                            "k8s-resource-limits",
                        ],
                    },
                    { path: C(type, "hostNetwork"), value: true, expect: "k8s-no-host-namespaces" },
                    { path: C(type, "hostPID"), value: true, expect: "k8s-no-host-namespaces" },
                    { path: C(type, "hostIPC"), value: true, expect: "k8s-no-host-namespaces" },
                    {
                        path: C(type, "volumes"),
                        value: [{ name: "logs", hostPath: { path: "/var/log" } }],
                        expect: "k8s-no-host-path",
                    },
                    {
                        path: C(type, "volumes"),
                        value: [{ name: "logs", hostPath: { path: "/var/log" } }],
                        also: [
                            ["metadata.namespace", "logging"],
                            [C(type, "containers.0.securityContext.capabilities"), UNSET],
                        ],
                        expect: [],
                    },
                    {
                        path: C(type, "containers.0.securityContext.privileged"),
                        value: true,
                        also: [["metadata.namespace", "logging"]],
                        expect: "k8s-no-privileged",
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

    it("names every offending container", async () => {
        const props = workload(K8S.deployment);
        const spec = (
            (props.spec as Record<string, unknown>).template as Record<
                string,
                Record<string, unknown>
            >
        ).spec;
        spec.containers = [container(), { ...container(), name: "sidecar", securityContext: {} }];
        const evaluation = await run(workloadPolicies, [resource(K8S.deployment, props)]);
        assert.deepStrictEqual(violated(evaluation), [
            "k8s-drop-all-capabilities",
            "k8s-no-privilege-escalation",
            "k8s-read-only-root-filesystem",
        ]);
        assert.ok(
            evaluation.violations.every((v) => v.message.includes("containers[1] (sidecar)")),
        );
    });
});
