import * as assert from "assert";
import * as path from "path";
import { parseTenantStackConfig } from "../components/tenant-stack";
import { InvalidArgumentError } from "../components/validation";
import { isSerializedSecret, runProgram, RunResult } from "../tools/engine";
import { plan } from "../tools/plan";
import { loadStackConfig } from "../tools/stack-config";
import { TEST_PLATFORM, TEST_PLATFORM_OUTPUTS } from "./support/tenant-platform";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PLATFORM_STACK = "acme-corp/airflow-platform/prod";
const TENANT = { name: "acme-analytics", workspace: "acme-corp" };

function runTenantStack(
    config: Record<string, string>,
    outputs = TEST_PLATFORM_OUTPUTS,
): Promise<RunResult> {
    return runProgram({
        project: "airflow-platform",
        stack: "tenant-acme-analytics",
        config,
        secretKeys: ["airflow-platform:smtpPassword"],
        stackOutputs: { [PLATFORM_STACK]: outputs },
        program: path.join(__dirname, "support", "tenant-stack-program.ts"),
    });
}

describe("tenant stack config", () => {
    it("accepts a platform stack name and a valid tenant block", () => {
        const parsed = parseTenantStackConfig({ platformStack: PLATFORM_STACK, tenant: TENANT });
        assert.deepStrictEqual(parsed, { platformStack: PLATFORM_STACK, tenant: TENANT });
    });

    it("refuses a platform stack that is not fully qualified", () => {
        for (const bad of [undefined, "", "prod", "acme/prod", "a/b/c/d"]) {
            assert.throws(
                () => parseTenantStackConfig({ platformStack: bad, tenant: TENANT }),
                (err: InvalidArgumentError) =>
                    err.field === "platformStack" &&
                    /organization\/project\/stack/.test(err.allowed),
            );
        }
    });

    it("names tenant.<field> when the tenant block is bad", () => {
        const cases: [unknown, string][] = [
            ["acme", "tenant"],
            [{ ...TENANT, name: "kube-system" }, "tenant.name"],
            [{ ...TENANT, members: [{ email: "x", role: "admin" }] }, "tenant.members[0].email"],
            [{ ...TENANT, resources: { pods: -3 } }, "tenant.resources.pods"],
        ];
        for (const [tenant, field] of cases) {
            assert.throws(
                () => parseTenantStackConfig({ platformStack: PLATFORM_STACK, tenant }),
                (err: InvalidArgumentError) =>
                    err.field === field && err.message.startsWith(`${field}: `),
            );
        }
    });
});

describe("tenant stack under the mock engine", function () {
    this.timeout(120000);
    let run: RunResult;
    const byType = (type: string) => run.resources.filter((r) => r.type === type);

    before(async () => {
        run = await runTenantStack({
            "airflow-platform:platformStack": PLATFORM_STACK,
            "airflow-platform:tenant": JSON.stringify({
                ...TENANT,
                airflow: {
                    alerts: { smtpHost: "smtp.acme.example", mailFrom: "airflow@acme.example" },
                },
            }),
            "airflow-platform:smtpPassword": "from-secret-config",
        });
    });

    it("reads the platform stack named by config through a StackReference", async () => {
        // The mock engine answers a StackReference only for the stack names it was given.
        await assert.rejects(
            runTenantStack({
                "airflow-platform:platformStack": "acme-corp/airflow-platform/staging",
                "airflow-platform:tenant": JSON.stringify(TENANT),
            }),
            /no outputs are mocked for the stack "acme-corp\/airflow-platform\/staging"/,
        );
    });

    it("makes a server-side-apply Kubernetes provider from the platform's kubeconfig, as a secret", () => {
        const [provider] = byType("pulumi:providers:kubernetes");
        assert.strictEqual(provider.inputs.kubeconfig, TEST_PLATFORM_OUTPUTS.kubeconfig);
        assert.ok(isSerializedSecret(provider.serializedInputs.kubeconfig));
        assert.strictEqual(provider.inputs.enableServerSideApply, "true");
        for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
            assert.ok(r.provider?.startsWith(provider.urn), `${r.name} uses ${r.provider}`);
        }
    });

    it("declares one Tenant wired to the platform's outputs", () => {
        assert.strictEqual(byType("airflow-platform:index:Tenant").length, 1);
        const [db] = byType("gcp:sql/database:Database");
        assert.strictEqual(db.inputs.instance, TEST_PLATFORM.databaseInstanceName);
        assert.strictEqual(db.inputs.project, TEST_PLATFORM.project);
        const dbPolicy = run.resources.find((r) => r.name === "acme-analytics-allow-database");
        assert.strictEqual(
            (dbPolicy?.inputs as Json).spec.egress[0].to[0].ipBlock.cidr,
            "10.16.0.3/32",
        );
        const job = run.resources.find((r) => r.name === "acme-analytics-database-provisioning");
        const env = (job?.inputs as Json).spec.template.spec.containers[0].env;
        assert.deepStrictEqual(
            env.find((e: Json) => e.name === "PGPASSWORD").valueFrom.secretKeyRef.name,
            TEST_PLATFORM.databaseAdminSecret,
        );
    });

    it("passes the SMTP password from secret config into a Secret", () => {
        const smtp = run.resources.find((r) => r.name === "acme-analytics-smtp");
        assert.ok(smtp, "the SMTP Secret exists");
        assert.strictEqual((smtp.inputs as Json).stringData.password, "from-secret-config");
        assert.ok(isSerializedSecret((smtp.serializedInputs as Json).stringData));
    });

    it("exports the tenant's names and its Fernet key as a secret", () => {
        assert.deepStrictEqual(
            { ...run.outputs, fernetKey: undefined },
            {
                namespace: "acme-analytics",
                databaseName: "tenant_acme_analytics",
                databaseRole: "tenant_acme_analytics",
                releaseName: "airflow",
                fernetKey: undefined,
            },
        );
        assert.deepStrictEqual(run.secretOutputs, ["fernetKey"]);
    });

    it("fails naming the output when the platform stack lacks one", async () => {
        const outputs = { ...TEST_PLATFORM_OUTPUTS };
        delete outputs.databasePrivateIp;
        await assert.rejects(
            runTenantStack(
                {
                    "airflow-platform:platformStack": PLATFORM_STACK,
                    "airflow-platform:tenant": JSON.stringify(TENANT),
                },
                outputs,
            ),
            /databasePrivateIp/,
        );
    });
});

describe("the example tenant stack, through the real program", function () {
    this.timeout(300000);

    it("plans offline from Pulumi.tenant-acme-analytics.yaml with the index.ts entry", async () => {
        const stack = loadStackConfig("tenant-acme-analytics");
        const run = await runProgram({
            ...stack,
            stackOutputs: { [PLATFORM_STACK]: TEST_PLATFORM_OUTPUTS },
        });
        const tenants = run.resources.filter((r) => r.type === "airflow-platform:index:Tenant");
        assert.deepStrictEqual(
            tenants.map((t) => t.name),
            ["acme-analytics"],
        );
        assert.strictEqual(run.outputs.namespace, "acme-analytics");
        // A tenant stack declares no platform resources.
        assert.ok(!run.resources.some((r) => r.type.startsWith("gcp:container/")));
    });

    it("passes the policy pack in the offline plan against the planned platform stack", async () => {
        const result = await plan("tenant-acme-analytics");
        assert.ok(result.resources.length > 25);
        assert.deepStrictEqual(
            result.violations.map((v) => `${v.policy}: ${v.message}`),
            [],
        );
    });
});
