import * as assert from "assert";
import { RunResult } from "../tools/engine";
import { Json, lookups, runBoth } from "./support/tenant-fixtures";
// eslint-disable-next-line @typescript-eslint/no-require-imports
import fernet = require("fernet");
import { DATABASE_ADMIN_SECRET, PLATFORM_NAMESPACE } from "../components/constants";
import { scramSha256Verifier } from "../components/scram";
import { toUrlSafeBase64 } from "../components/tenant-secrets";
import { buildTenantSql } from "../components/tenant-sql";
import { isSerializedSecret } from "../tools/engine";
import { SMTP_PASSWORD } from "./support/tenant-fixtures";
import { TEST_PLATFORM } from "./support/tenant-platform";

describe("Tenant under the mock engine: database and secrets", function () {
    this.timeout(120000);
    let run: RunResult;
    const { find, inputs } = lookups(() => run);

    before(async () => {
        run = await runBoth();
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
            assert.strictEqual(script.data["tenant.sql"], buildTenantSql(100));
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
            // The very bytes of the random resource, in the URL-safe alphabet.
            const bytes = find("random:index/randomBytes:RandomBytes", "acme-fernet-key").outputs;
            assert.strictEqual(key, toUrlSafeBase64(String(bytes.base64)));
            assert.strictEqual(toUrlSafeBase64("+/+/ab=="), "-_-_ab==");
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
            assert.ok(!JSON.stringify(values).includes(SMTP_PASSWORD));
            assert.deepStrictEqual(values.secret[1], {
                envName: "AIRFLOW__SMTP__SMTP_PASSWORD",
                secretName: "airflow-smtp",
                secretKey: "password",
            });
            const acme = inputs("kubernetes:helm.sh/v3:Release", "acme-airflow").values;
            assert.ok(
                !JSON.stringify(acme.secret).includes("SMTP"),
                "no SMTP password without alerts",
            );
        });
    });
});
