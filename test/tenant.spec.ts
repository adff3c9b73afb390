import * as assert from "assert";
import * as path from "path";
// eslint-disable-next-line @typescript-eslint/no-require-imports
import fernet = require("fernet");
import {
    DATABASE_ADMIN_SECRET,
    PLATFORM_NAMESPACE,
    TENANT_LABEL,
    TENANT_POOL_LABEL,
    TENANT_POOL_TAINT,
    WORKSPACE_LABEL,
} from "../components/constants";
import { scramSha256Verifier } from "../components/scram";
import { INTERNET_EGRESS_EXCEPT } from "../components/tenant-network-policies";
import { buildTenantSql } from "../components/tenant-sql";
import { isSerializedSecret, PlannedResource, runProgram, RunResult } from "../tools/engine";
import { TEST_PLATFORM } from "./support/tenant-platform";

const PROGRAM = path.join(__dirname, "support", "tenant-program.ts");

/** Runs the test entry with these tenant specs. */
export function runTenants(
    specs: unknown[],
    extraConfig: Record<string, string> = {},
): Promise<RunResult> {
    return runProgram({
        project: "airflow-platform",
        stack: "test",
        config: { "airflow-platform:testTenants": JSON.stringify(specs), ...extraConfig },
        secretKeys: Object.keys(extraConfig).filter((k) => k.endsWith("smtpPassword")),
        program: PROGRAM,
    });
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ACME = {
    name: "acme",
    workspace: "acme-corp",
    members: [
        { email: "ada@acme.example", role: "admin" },
        { email: "grace@acme.example", role: "editor" },
        { email: "linus@acme.example", role: "viewer" },
    ],
};
const GLOBEX = {
    name: "globex",
    workspace: "globex-inc",
    allowInternetEgress: true,
    dropDataOnDelete: true,
    resources: { cpu: 4, memoryGi: 16, pods: 20, persistentVolumeClaims: 2, storageGi: 50 },
    airflow: {
        env: { AIRFLOW__CORE__PARALLELISM: "16" },
        alerts: {
            smtpHost: "smtp.globex.example",
            smtpUser: "airflow",
            mailFrom: "airflow@globex.example",
            recipients: ["oncall@globex.example", "data@globex.example"],
        },
    },
};

describe("Tenant under the mock engine", function () {
    this.timeout(120000);
    let run: RunResult;

    const find = (type: string, name: string): PlannedResource => {
        const found = run.resources.find((r) => r.type === type && r.name === name);
        assert.ok(found, `${type} ${name} was not registered`);
        return found;
    };
    const all = (type: string, tenant: string) =>
        run.resources.filter((r) => r.type === type && r.name.startsWith(`${tenant}-`));
    const inputs = (type: string, name: string) => find(type, name).inputs as Json;
    const policy = (tenant: string, name: string) =>
        inputs("kubernetes:networking.k8s.io/v1:NetworkPolicy", `${tenant}-${name}`);

    before(async () => {
        run = await runTenants([ACME, GLOBEX], {
            "airflow-platform:smtpPassword": "smtp-pass-not-inline",
        });
    });

    describe("namespace", () => {
        it("is named after the tenant, labelled with tenant and workspace, and Pod Security restricted", () => {
            const ns = inputs("kubernetes:core/v1:Namespace", "acme-namespace");
            assert.strictEqual(ns.metadata.name, "acme");
            assert.strictEqual(ns.metadata.labels[TENANT_LABEL], "acme");
            assert.strictEqual(ns.metadata.labels[WORKSPACE_LABEL], "acme-corp");
            for (const mode of ["enforce", "audit", "warn"]) {
                assert.strictEqual(
                    ns.metadata.labels[`pod-security.kubernetes.io/${mode}`],
                    "restricted",
                    mode,
                );
            }
        });

        it("has a quota with no LoadBalancer or NodePort Services, from the resources given", () => {
            const acme = inputs("kubernetes:core/v1:ResourceQuota", "acme-quota");
            assert.strictEqual(acme.metadata.namespace, "acme");
            assert.deepStrictEqual(acme.spec.hard, {
                "requests.cpu": "8",
                "limits.cpu": "8",
                "requests.memory": "32Gi",
                "limits.memory": "32Gi",
                pods: "50",
                persistentvolumeclaims: "4",
                "requests.storage": "100Gi",
                "services.loadbalancers": "0",
                "services.nodeports": "0",
            });
            const globex = inputs("kubernetes:core/v1:ResourceQuota", "globex-quota");
            assert.strictEqual(globex.spec.hard["requests.cpu"], "4");
            assert.strictEqual(globex.spec.hard["limits.memory"], "16Gi");
            assert.strictEqual(globex.spec.hard.pods, "20");
        });

        it("has a LimitRange giving containers default requests and limits", () => {
            const limits = inputs("kubernetes:core/v1:LimitRange", "acme-limits");
            assert.strictEqual(limits.metadata.namespace, "acme");
            assert.deepStrictEqual(limits.spec.limits, [
                {
                    type: "Container",
                    defaultRequest: { cpu: "250m", memory: "512Mi" },
                    default: { cpu: "1", memory: "2Gi" },
                },
            ]);
        });
    });

    describe("network policies", () => {
        it("deny all ingress and egress for every pod by default", () => {
            const deny = policy("acme", "default-deny");
            assert.strictEqual(deny.metadata.namespace, "acme");
            assert.deepStrictEqual(deny.spec, {
                podSelector: {},
                policyTypes: ["Ingress", "Egress"],
            });
        });

        it("allow DNS to kube-dns only, on UDP and TCP 53", () => {
            const dns = policy("acme", "allow-dns");
            assert.deepStrictEqual(dns.spec.egress, [
                {
                    to: [
                        {
                            namespaceSelector: {
                                matchLabels: { "kubernetes.io/metadata.name": "kube-system" },
                            },
                            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                        },
                    ],
                    ports: [
                        { protocol: "UDP", port: 53 },
                        { protocol: "TCP", port: 53 },
                    ],
                },
            ]);
        });

        it("allow the Cloud SQL private address alone on 5432", () => {
            assert.deepStrictEqual(policy("acme", "allow-database").spec.egress, [
                {
                    to: [{ ipBlock: { cidr: `${TEST_PLATFORM.databasePrivateIp}/32` } }],
                    ports: [{ protocol: "TCP", port: 5432 }],
                },
            ]);
        });

        it("allow the logging namespace on 9200 and the ingress controller to the webserver", () => {
            assert.deepStrictEqual(policy("acme", "allow-logging").spec.egress, [
                {
                    to: [
                        {
                            namespaceSelector: {
                                matchLabels: { "kubernetes.io/metadata.name": "logging" },
                            },
                        },
                    ],
                    ports: [{ protocol: "TCP", port: 9200 }],
                },
            ]);
            const ingress = policy("acme", "allow-ingress-controller");
            assert.deepStrictEqual(ingress.spec.podSelector, {
                matchLabels: { component: "webserver" },
            });
            assert.deepStrictEqual(ingress.spec.policyTypes, ["Ingress"]);
            assert.deepStrictEqual(ingress.spec.ingress, [
                {
                    from: [
                        {
                            namespaceSelector: {
                                matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" },
                            },
                        },
                    ],
                    ports: [{ protocol: "TCP", port: 8080 }],
                },
            ]);
        });

        it("allow traffic among the tenant's own pods and the scheduler to the API server", () => {
            const same = policy("acme", "allow-same-namespace");
            assert.deepStrictEqual(same.spec.ingress, [{ from: [{ podSelector: {} }] }]);
            assert.deepStrictEqual(same.spec.egress, [{ to: [{ podSelector: {} }] }]);
            const api = policy("acme", "allow-kube-api");
            assert.deepStrictEqual(api.spec.podSelector, {
                matchLabels: { component: "scheduler" },
            });
            assert.deepStrictEqual(api.spec.egress, [
                {
                    to: [{ ipBlock: { cidr: `${TEST_PLATFORM.clusterEndpoint}/32` } }],
                    ports: [{ protocol: "TCP", port: 443 }],
                },
            ]);
        });

        it("give no internet egress by default, and only outside private ranges when allowed", () => {
            assert.strictEqual(
                run.resources.find((r) => r.name === "acme-allow-internet-egress"),
                undefined,
            );
            const internet = policy("globex", "allow-internet-egress");
            assert.deepStrictEqual(internet.spec.podSelector, {
                matchLabels: { component: "worker" },
            });
            assert.deepStrictEqual(internet.spec.egress, [
                { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...INTERNET_EGRESS_EXCEPT] } }] },
            ]);
        });

        it("never admit the metadata server nor another namespace than DNS, logging and ingress", () => {
            const metadata = 0xa9fea9fe; // 169.254.169.254
            const toInt = (ip: string) => ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
            const covers = (cidr: string, address: number) => {
                const [base, bits] = cidr.split("/");
                const size = 2 ** (32 - Number(bits));
                const first = toInt(base) - (toInt(base) % size);
                return address >= first && address < first + size;
            };
            for (const tenant of ["acme", "globex"]) {
                for (const p of all("kubernetes:networking.k8s.io/v1:NetworkPolicy", tenant)) {
                    const spec = (p.inputs as Json).spec;
                    const peers = [
                        ...(spec.egress ?? []).flatMap((r: Json) => r.to ?? []),
                        ...(spec.ingress ?? []).flatMap((r: Json) => r.from ?? []),
                    ];
                    for (const peer of peers) {
                        if (peer.ipBlock) {
                            const excluded = (peer.ipBlock.except ?? []).some((e: string) =>
                                covers(e, metadata),
                            );
                            assert.ok(
                                !covers(peer.ipBlock.cidr, metadata) || excluded,
                                `${p.name} admits metadata`,
                            );
                        }
                        if (peer.namespaceSelector) {
                            const ns =
                                peer.namespaceSelector.matchLabels?.["kubernetes.io/metadata.name"];
                            assert.ok(
                                ["kube-system", "logging", "ingress-nginx"].includes(ns),
                                `${p.name}: ${ns}`,
                            );
                        }
                    }
                }
            }
        });
    });

    describe("identities", () => {
        it("let the scheduler manage pods and read logs, with no pods/exec and no wildcard", () => {
            const role = inputs("kubernetes:rbac.authorization.k8s.io/v1:Role", "acme-scheduler");
            assert.strictEqual(role.metadata.namespace, "acme");
            assert.deepStrictEqual(role.rules, [
                {
                    apiGroups: [""],
                    resources: ["pods"],
                    verbs: ["create", "get", "list", "watch", "delete", "patch"],
                },
                { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
                { apiGroups: [""], resources: ["events"], verbs: ["list", "watch"] },
            ]);
            const flat = JSON.stringify(role.rules);
            assert.ok(!flat.includes("pods/exec") && !flat.includes("*"));
            const binding = inputs(
                "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
                "acme-scheduler",
            );
            assert.deepStrictEqual(binding.roleRef, {
                apiGroup: "rbac.authorization.k8s.io",
                kind: "Role",
                name: "airflow-scheduler",
            });
            assert.deepStrictEqual(binding.subjects, [
                { kind: "ServiceAccount", name: "airflow-scheduler", namespace: "acme" },
            ]);
        });

        it("give task pods a ServiceAccount with no token and no binding", () => {
            const worker = inputs("kubernetes:core/v1:ServiceAccount", "acme-worker");
            assert.strictEqual(worker.metadata.name, "airflow-worker");
            assert.strictEqual(worker.automountServiceAccountToken, false);
            const bound = run.resources.filter(
                (r) =>
                    r.type.endsWith("RoleBinding") &&
                    JSON.stringify((r.inputs as Json).subjects).includes("airflow-worker"),
            );
            assert.deepStrictEqual(bound, []);
        });

        it("bind each member's Google identity to the admin, edit or view ClusterRole", () => {
            const bindings = all(
                "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
                "acme",
            ).filter((r) => r.name.startsWith("acme-member-"));
            const seen = bindings.map((b) => {
                const i = b.inputs as Json;
                assert.strictEqual(i.metadata.namespace, "acme");
                assert.strictEqual(i.roleRef.kind, "ClusterRole");
                assert.strictEqual(i.subjects.length, 1);
                assert.strictEqual(i.subjects[0].kind, "User");
                assert.strictEqual(i.subjects[0].apiGroup, "rbac.authorization.k8s.io");
                return [i.subjects[0].name, i.roleRef.name];
            });
            assert.deepStrictEqual(seen.sort(), [
                ["ada@acme.example", "admin"],
                ["grace@acme.example", "edit"],
                ["linus@acme.example", "view"],
            ]);
        });
    });

    describe("database", () => {
        const database = (tenant: string) =>
            find("gcp:sql/database:Database", `${tenant}-database`);

        it("is created on the platform's instance with the tenant's name", () => {
            const db = database("acme").inputs as Json;
            assert.strictEqual(db.name, "tenant_acme");
            assert.strictEqual(db.instance, TEST_PLATFORM.databaseInstanceName);
            assert.strictEqual(db.project, TEST_PLATFORM.project);
        });

        it("is kept when the tenant is removed, by default", () => {
            const db = database("acme");
            assert.strictEqual((db.inputs as Json).deletionPolicy, "ABANDON");
            assert.strictEqual(db.protect, true);
            assert.strictEqual(db.retainOnDelete, true);
            assert.strictEqual(
                find("random:index/randomBytes:RandomBytes", "acme-fernet-key").protect,
                true,
            );
        });

        it("is deleted with the tenant only when dropDataOnDelete is set", () => {
            const db = database("globex");
            assert.strictEqual((db.inputs as Json).deletionPolicy, "DELETE");
            assert.strictEqual(db.protect, false);
            assert.strictEqual(db.retainOnDelete, false);
            assert.strictEqual(
                find("random:index/randomBytes:RandomBytes", "globex-fernet-key").protect,
                false,
            );
        });

        it("is provisioned by a Job in the platform namespace with the admin Secret", () => {
            const job = find("kubernetes:batch/v1:Job", "acme-database-provisioning");
            const spec = (job.inputs as Json).spec;
            assert.strictEqual((job.inputs as Json).metadata.namespace, PLATFORM_NAMESPACE);
            assert.match((job.inputs as Json).metadata.name, /^tenant-db-acme-[0-9a-f]{8}$/);
            const pod = spec.template.spec;
            const container = pod.containers[0];
            assert.deepStrictEqual(container.command, [
                "psql",
                "-X",
                "-v",
                "ON_ERROR_STOP=1",
                "-f",
                "/provisioning/tenant.sql",
            ]);
            const env = Object.fromEntries(container.env.map((e: Json) => [e.name, e]));
            assert.deepStrictEqual(env.PGPASSWORD.valueFrom, {
                secretKeyRef: { name: DATABASE_ADMIN_SECRET, key: "password" },
            });
            assert.deepStrictEqual(env.PGUSER.valueFrom, {
                secretKeyRef: { name: DATABASE_ADMIN_SECRET, key: "username" },
            });
            assert.deepStrictEqual(env.TENANT_PASSWORD_VERIFIER.valueFrom, {
                secretKeyRef: { name: "tenant-db-acme", key: "verifier" },
            });
            assert.strictEqual(env.TENANT_ROLE.value, "tenant_acme");
            assert.strictEqual(env.PGHOST.value, TEST_PLATFORM.databasePrivateIp);
            assert.strictEqual(env.PGSSLMODE.value, "verify-ca");
            assert.strictEqual(pod.automountServiceAccountToken, false);
            assert.strictEqual(pod.restartPolicy, "Never");
            assert.strictEqual(pod.securityContext.runAsNonRoot, true);
            assert.deepStrictEqual(container.securityContext, {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ["ALL"] },
            });
            assert.ok(container.resources.limits.cpu && container.resources.limits.memory);
            assert.doesNotMatch(container.image, /:latest$|^[^:]+$/);
            const db = database("acme");
            assert.ok(job.dependencies.includes(db.urn), "the Job waits for the database");
        });

        it("runs the tested SQL from a ConfigMap and keeps the verifier in a secret", () => {
            const script = inputs("kubernetes:core/v1:ConfigMap", "acme-database-script");
            assert.strictEqual(script.metadata.namespace, PLATFORM_NAMESPACE);
            assert.strictEqual(script.data["tenant.sql"], buildTenantSql(40));
            const verifier = find("kubernetes:core/v1:Secret", "acme-database-verifier");
            assert.strictEqual((verifier.inputs as Json).metadata.namespace, PLATFORM_NAMESPACE);
            assert.ok(isSerializedSecret((verifier.serializedInputs as Json).stringData));
        });

        it("gives the server a verifier that matches the password in the metadata connection", () => {
            const verifier = (
                inputs("kubernetes:core/v1:Secret", "acme-database-verifier").stringData as Json
            ).verifier;
            const url = new URL(
                inputs("kubernetes:core/v1:Secret", "acme-metadata").stringData.connection,
            );
            const password = decodeURIComponent(url.password);
            const salt = Buffer.from(verifier.split("$")[1].split(":")[1], "base64");
            assert.strictEqual(scramSha256Verifier(password, salt), verifier);
        });
    });

    describe("secrets", () => {
        it("hold the metadata connection as a postgresql URL that requires TLS", () => {
            const secret = find("kubernetes:core/v1:Secret", "acme-metadata");
            const i = secret.inputs as Json;
            assert.strictEqual(i.metadata.name, "airflow-metadata");
            assert.strictEqual(i.metadata.namespace, "acme");
            const url = new URL(i.stringData.connection);
            assert.strictEqual(url.protocol, "postgresql:");
            assert.strictEqual(url.username, "tenant_acme");
            assert.strictEqual(url.hostname, TEST_PLATFORM.databasePrivateIp);
            assert.strictEqual(url.port, "5432");
            assert.strictEqual(url.pathname, "/tenant_acme");
            assert.strictEqual(url.searchParams.get("sslmode"), "require");
            const password = decodeURIComponent(url.password);
            assert.ok(password.length >= 32, `password of ${password.length} characters`);
            assert.strictEqual(
                encodeURIComponent(password),
                url.password,
                "the password is URL-encoded",
            );
        });

        it("mark every generated value secret in state and in stack outputs", () => {
            for (const name of [
                "acme-metadata",
                "acme-fernet-key",
                "acme-webserver-secret-key",
                "acme-database-verifier",
            ]) {
                const secret = find("kubernetes:core/v1:Secret", name);
                const data = (secret.serializedInputs as Json).stringData;
                assert.ok(
                    isSerializedSecret(data) || Object.values(data).every(isSerializedSecret),
                    name,
                );
            }
            assert.ok(run.secretOutputs.includes("acmeFernetKey"));
        });

        it("give the chart its Fernet and webserver keys under the keys it reads", () => {
            const f = inputs("kubernetes:core/v1:Secret", "acme-fernet-key");
            assert.strictEqual(f.metadata.name, "airflow-fernet-key");
            assert.ok(f.stringData["fernet-key"]);
            const w = inputs("kubernetes:core/v1:Secret", "acme-webserver-secret-key");
            assert.strictEqual(w.metadata.name, "airflow-webserver-secret-key");
            assert.match(w.stringData["webserver-secret-key"], /^[0-9a-f]{64}$/);
        });

        it("produce a Fernet key of 32 random bytes that encrypts and decrypts with Fernet", () => {
            const key = inputs("kubernetes:core/v1:Secret", "acme-fernet-key").stringData[
                "fernet-key"
            ];
            assert.strictEqual(run.outputs.acmeFernetKey, key);
            assert.match(key, /^[A-Za-z0-9_-]{43}=$/);
            assert.strictEqual(Buffer.from(key, "base64url").length, 32);
            const secret = new fernet.Secret(key);
            const token = new fernet.Token({ secret }).encode("a connection password");
            assert.strictEqual(
                new fernet.Token({ secret, token, ttl: 0 }).decode(),
                "a connection password",
            );
            const other = inputs("kubernetes:core/v1:Secret", "globex-fernet-key").stringData[
                "fernet-key"
            ];
            assert.notStrictEqual(other, key, "each tenant has its own key");
            assert.throws(() =>
                new fernet.Token({ secret: new fernet.Secret(other), token, ttl: 0 }).decode(),
            );
        });

        it("keep the administrator's credential out of the tenant namespace", () => {
            const inTenant = run.resources.filter((r) =>
                JSON.stringify(r.inputs).includes('"namespace":"acme"'),
            );
            assert.ok(inTenant.length > 10);
            for (const r of inTenant) {
                assert.ok(
                    !JSON.stringify(r.inputs).includes(DATABASE_ADMIN_SECRET),
                    `${r.name} mentions the admin Secret`,
                );
            }
        });

        it("keep the SMTP password in a Secret, never inline in the chart values", () => {
            const smtp = find("kubernetes:core/v1:Secret", "globex-smtp");
            assert.ok(isSerializedSecret((smtp.serializedInputs as Json).stringData));
            const values = inputs("kubernetes:helm.sh/v3:Release", "globex-airflow").values;
            assert.ok(!JSON.stringify(values).includes("smtp-pass-not-inline"));
            assert.deepStrictEqual(values.secret, [
                {
                    envName: "AIRFLOW__SMTP__SMTP_PASSWORD",
                    secretName: "airflow-smtp",
                    secretKey: "password",
                },
            ]);
        });
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
            assert.deepStrictEqual(v.elasticsearch, {
                enabled: true,
                secretName: "airflow-elasticsearch",
            });
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
                assert.deepStrictEqual(scope.tolerations, [toleration]);
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

    describe("composition", () => {
        it("parents every child to its Tenant and gives Kubernetes objects the given provider", () => {
            for (const tenant of ["acme", "globex"]) {
                const component = find("airflow-platform:index:Tenant", tenant);
                const children = run.resources.filter((r) => r.name.startsWith(`${tenant}-`));
                assert.ok(children.length >= 20);
                for (const child of children) {
                    assert.strictEqual(child.parent, component.urn, child.name);
                    if (child.type.startsWith("kubernetes:")) {
                        assert.match(child.provider ?? "", /test-cluster/, child.name);
                    }
                }
            }
        });

        it("creates nothing when an argument is bad", async () => {
            await assert.rejects(
                runTenants([{ ...ACME, name: "kube-acme" }]),
                /name: "kube-acme" is not allowed/,
            );
            await assert.rejects(
                runTenants([{ ...ACME, members: [{ email: "not-an-email", role: "admin" }] }]),
                /members\[0\]\.email/,
            );
        });
    });
});
