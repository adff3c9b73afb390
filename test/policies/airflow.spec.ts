import { TENANT_POOL_LABEL, TENANT_POOL_TAINT } from "../../components/constants";
import { airflowPolicies } from "../../policies/airflow";
import { K8S } from "../../policies/types";
import { proveDeclarations, proveResourcePolicies, UNSET } from "./harness";

/** The Airflow chart as a tenant installs it. */
function release(): Record<string, unknown> {
    return {
        chart: "airflow",
        version: "1.15.0",
        namespace: "acme-analytics",
        repositoryOpts: { repo: "https://airflow.apache.org" },
        values: {
            nodeSelector: { [TENANT_POOL_LABEL.key]: TENANT_POOL_LABEL.value },
            tolerations: [
                {
                    key: TENANT_POOL_TAINT.key,
                    operator: "Equal",
                    value: "true",
                    effect: "NoSchedule",
                },
            ],
            securityContexts: {
                pod: {
                    runAsNonRoot: true,
                    runAsUser: 50000,
                    seccompProfile: { type: "RuntimeDefault" },
                },
                containers: {
                    allowPrivilegeEscalation: false,
                    capabilities: { drop: ["ALL"] },
                    runAsNonRoot: true,
                },
            },
            rbac: { create: false },
            webserver: { service: { type: "ClusterIP" }, defaultUser: { enabled: false } },
            config: { webserver: { expose_config: "False" } },
        },
    };
}

describe("policies/airflow", () => {
    proveDeclarations(airflowPolicies);

    for (const type of [K8S.helmRelease, K8S.helmChart]) {
        describe(type, () => {
            proveResourcePolicies({
                policies: airflowPolicies,
                type,
                compliant: release,
                cases: [
                    {
                        path: "values.securityContexts.pod.runAsNonRoot",
                        value: false,
                        expect: "airflow-chart-security-contexts",
                    },
                    {
                        path: "values.securityContexts.pod.seccompProfile",
                        value: UNSET,
                        expect: "airflow-chart-security-contexts",
                    },
                    {
                        path: "values.securityContexts.containers.allowPrivilegeEscalation",
                        value: UNSET,
                        expect: "airflow-chart-security-contexts",
                    },
                    {
                        path: "values.securityContexts.containers.capabilities",
                        value: UNSET,
                        expect: "airflow-chart-security-contexts",
                    },
                    {
                        path: "values.securityContexts",
                        value: UNSET,
                        expect: Array(4).fill("airflow-chart-security-contexts"),
                    },
                    {
                        path: "values.webserver.defaultUser.enabled",
                        value: true,
                        expect: "airflow-no-default-user",
                    },
                    {
                        path: "values.webserver.defaultUser",
                        value: UNSET,
                        expect: "airflow-no-default-user",
                    },
                    { path: "values.rbac.create", value: true, expect: "airflow-chart-rbac-off" },
                    { path: "values.rbac", value: UNSET, expect: "airflow-chart-rbac-off" },
                    { path: "values.nodeSelector", value: UNSET, expect: "airflow-on-tenant-pool" },
                    { path: "values.tolerations", value: [], expect: "airflow-on-tenant-pool" },
                    {
                        path: "values.config.webserver.expose_config",
                        value: "True",
                        expect: "airflow-config-hidden",
                    },
                    { path: "values.config", value: UNSET, expect: [] },
                    {
                        path: "chart",
                        value: "fluent-bit",
                        also: [
                            ["repositoryOpts.repo", "https://fluent.github.io/helm-charts"],
                            ["values", {}],
                        ],
                        expect: [],
                    },
                    {
                        path: "chart",
                        value: "oci://registry.example/apache-airflow/airflow",
                        also: [
                            ["repositoryOpts", UNSET],
                            ["values.rbac", UNSET],
                        ],
                        expect: "airflow-chart-rbac-off",
                    },
                ],
            });
        });
    }
});
