import * as assert from "assert";
import { RunResult } from "../tools/engine";
import { Json, lookups, runBoth } from "./support/tenant-fixtures";
import { TENANT_POOL_LABEL, TENANT_POOL_TAINT } from "../components/constants";
import { ELASTIC_USER_SECRET } from "../components/logging-config";
import { TENANT_LOG_SECRET } from "../components/tenant-log-access";
import { isSerializedSecret } from "../tools/engine";

describe("Tenant under the mock engine: Airflow release", function () {
    this.timeout(120000);
    let run: RunResult;
    const { find, inputs } = lookups(() => run);

    before(async () => {
        run = await runBoth();
    });

    describe("Airflow release", () => {
        it("installs the official chart at a pinned version in the tenant namespace", () => {
            const release = inputs("kubernetes:helm.sh/v3:Release", "acme-airflow");
            assert.strictEqual(release.chart, "airflow");
            assert.strictEqual(release.version, "1.15.0");
            assert.deepStrictEqual(release.repositoryOpts, { repo: "https://airflow.apache.org" });
            assert.strictEqual(release.namespace, "acme");
            assert.strictEqual(release.name, "airflow");
        });

        it("wires the tenant's Secrets and bundles no database, broker or generated key", () => {
            const v = inputs("kubernetes:helm.sh/v3:Release", "acme-airflow").values;
            assert.strictEqual(v.data.metadataSecretName, "airflow-metadata");
            assert.strictEqual(v.fernetKeySecretName, "airflow-fernet-key");
            assert.strictEqual(v.webserverSecretKeySecretName, "airflow-webserver-secret-key");
            assert.strictEqual(v.fernetKey, undefined);
            assert.strictEqual(v.webserverSecretKey, undefined);
            assert.strictEqual(v.postgresql.enabled, false);
            assert.strictEqual(v.redis.enabled, false);
            assert.strictEqual(v.executor, "KubernetesExecutor");
            assert.strictEqual(v.config.kubernetes_executor.delete_worker_pods, "True");
            assert.deepStrictEqual(v.elasticsearch, { enabled: false });
            const connection = inputs("kubernetes:core/v1:Secret", "acme-metadata").stringData
                .connection;
            const fernetKey = inputs("kubernetes:core/v1:Secret", "acme-fernet-key").stringData[
                "fernet-key"
            ];
            const text = JSON.stringify(v);
            assert.ok(!text.includes(connection) && !text.includes(fernetKey));
        });

        it("runs every pod on the tenant pool, non-root, with no privilege escalation", () => {
            const v = inputs("kubernetes:helm.sh/v3:Release", "acme-airflow").values;
            const toleration = {
                key: TENANT_POOL_TAINT.key,
                operator: "Equal",
                value: TENANT_POOL_TAINT.value,
                effect: "NoSchedule",
            };
            for (const scope of [v, v.workers]) {
                assert.deepStrictEqual(scope.nodeSelector, {
                    [TENANT_POOL_LABEL.key]: TENANT_POOL_LABEL.value,
                });
                // The gVisor pool's own taint too, or nothing would be scheduled there.
                assert.deepStrictEqual(scope.tolerations, [
                    toleration,
                    {
                        key: "sandbox.gke.io/runtime",
                        operator: "Equal",
                        value: "gvisor",
                        effect: "NoSchedule",
                    },
                ]);
            }
            assert.strictEqual(v.securityContexts.pod.runAsNonRoot, true);
            assert.strictEqual(v.securityContexts.pod.runAsUser, 50000);
            assert.deepStrictEqual(v.securityContexts.pod.seccompProfile, {
                type: "RuntimeDefault",
            });
            assert.deepStrictEqual(v.securityContexts.containers, {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ["ALL"] },
                runAsNonRoot: true,
            });
            for (const component of [
                "scheduler",
                "workers",
                "webserver",
                "triggerer",
                "migrateDatabaseJob",
            ]) {
                assert.ok(
                    v[component].resources.limits.cpu && v[component].resources.limits.memory,
                    component,
                );
                assert.strictEqual(
                    v[component].securityContexts.container.allowPrivilegeEscalation,
                    false,
                    component,
                );
            }
        });

        it("reads task logs with the tenant's own read-only log credential, verifying TLS", () => {
            const v = inputs("kubernetes:helm.sh/v3:Release", "acme-airflow").values;
            assert.deepStrictEqual(v.secret[0], {
                envName: "AIRFLOW__ELASTICSEARCH__HOST",
                secretName: TENANT_LOG_SECRET,
                secretKey: "url",
            });
            assert.strictEqual(v.config.logging.remote_logging, "True");
            assert.strictEqual(v.config.elasticsearch.index_patterns, "logs-acme.*");
            assert.strictEqual(v.config.elasticsearch.write_stdout, "True");
            assert.deepStrictEqual(v.config.elasticsearch_configs, {
                verify_certs: "True",
                ca_certs: "/opt/airflow/logs-ca/ca.crt",
            });
            assert.deepStrictEqual(v.volumes, [
                {
                    name: "logs-ca",
                    secret: {
                        secretName: TENANT_LOG_SECRET,
                        items: [{ key: "ca.crt", path: "ca.crt" }],
                    },
                },
            ]);
        });

        it("gets that credential from a log access component in its own namespace", () => {
            const access = find("airflow-platform:index:TenantLogAccess", "acme-logs");
            assert.strictEqual(access.parent, find("airflow-platform:index:Tenant", "acme").urn);
            const credentials = find("kubernetes:core/v1:Secret", "acme-logs-credentials");
            const c = credentials.inputs as Json;
            assert.strictEqual(c.metadata.name, TENANT_LOG_SECRET);
            assert.strictEqual(c.metadata.namespace, "acme");
            assert.ok(isSerializedSecret((credentials.serializedInputs as Json).stringData));
            const release = find("kubernetes:helm.sh/v3:Release", "acme-airflow");
            assert.ok(release.dependencies.includes(credentials.urn), "the release waits for it");
            // The logging stack's superuser stays in the logging namespace.
            for (const r of run.resources.filter((x) =>
                JSON.stringify(x.inputs).includes('"namespace":"acme"'),
            )) {
                assert.ok(!JSON.stringify(r.inputs).includes(ELASTIC_USER_SECRET), r.name);
            }
        });

        it("uses the Tenant's service accounts, no chart RBAC, a ClusterIP webserver and no default user", () => {
            const v = inputs("kubernetes:helm.sh/v3:Release", "acme-airflow").values;
            assert.strictEqual(v.rbac.create, false);
            assert.deepStrictEqual(v.scheduler.serviceAccount, {
                create: false,
                name: "airflow-scheduler",
            });
            assert.deepStrictEqual(v.workers.serviceAccount, {
                create: false,
                name: "airflow-worker",
            });
            assert.strictEqual(v.webserver.service.type, "ClusterIP");
            assert.strictEqual(v.webserver.defaultUser.enabled, false);
            assert.strictEqual(v.webserver.serviceAccount.automountServiceAccountToken, false);
            assert.strictEqual(v.images.airflow.tag, "2.9.3");
        });

        it("sets extra environment and SMTP alerts through environment variables", () => {
            const env = Object.fromEntries(
                inputs("kubernetes:helm.sh/v3:Release", "globex-airflow").values.env.map(
                    (e: Json) => [e.name, e.value],
                ),
            );
            assert.strictEqual(env.AIRFLOW__CORE__PARALLELISM, "16");
            assert.strictEqual(env.AIRFLOW__SMTP__SMTP_HOST, "smtp.globex.example");
            assert.strictEqual(env.AIRFLOW__SMTP__SMTP_PORT, "587");
            assert.strictEqual(env.AIRFLOW__SMTP__SMTP_STARTTLS, "True");
            assert.strictEqual(env.AIRFLOW__SMTP__SMTP_USER, "airflow");
            assert.strictEqual(env.AIRFLOW__SMTP__SMTP_MAIL_FROM, "airflow@globex.example");
            assert.strictEqual(
                env.AIRFLOW_VAR_ALERT_EMAILS,
                "oncall@globex.example,data@globex.example",
            );
            assert.strictEqual(env.AIRFLOW__SMTP__SMTP_PASSWORD, undefined);
        });

        it("waits for its namespace policies, identities, Secrets and database", () => {
            const release = find("kubernetes:helm.sh/v3:Release", "acme-airflow");
            for (const name of [
                "acme-default-deny",
                "acme-database-provisioning",
                "acme-metadata",
                "acme-quota",
            ]) {
                const dep = run.resources.find((r) => r.name === name);
                assert.ok(dep && release.dependencies.includes(dep.urn), name);
            }
        });
    });
});
