import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { InvalidArgumentError } from "../components/validation";
import { loadStackConfig } from "../tools/stack-config";
import { buildTenantStacks, parseParallel, runPool } from "../tools/tenant-stacks";
import { main, parseArgs } from "../tools/tenants";

const ROOT = path.resolve(__dirname, "..");
const EXAMPLE = path.join(ROOT, "tenants.example.yaml");
const PLATFORM_STACK = "acme-corp/airflow-platform/prod";

const file = (tenants: unknown[]) => ({ platformStack: PLATFORM_STACK, tenants });

function refuses(input: unknown, field: string): void {
    assert.throws(
        () => buildTenantStacks(input),
        (err: unknown) => {
            assert.ok(err instanceof InvalidArgumentError, String(err));
            assert.strictEqual(err.field, field, err.message);
            return true;
        },
    );
}

describe("tenant stack tool: config building", () => {
    it("names each stack tenant-<name> and sets platformStack and the tenant block", () => {
        const tenant = {
            name: "acme",
            workspace: "acme-corp",
            members: [{ email: "ada@acme.example", role: "admin" }],
        };
        const [plan] = buildTenantStacks(file([tenant]));
        assert.deepStrictEqual(plan, {
            tenant: "acme",
            stackName: "tenant-acme",
            config: {
                "airflow-platform:platformStack": { value: PLATFORM_STACK, secret: false },
                "airflow-platform:tenant": { value: JSON.stringify(tenant), secret: false },
            },
        });
    });

    it("keeps the SMTP password out of config, naming only its environment variable", () => {
        const [plan] = buildTenantStacks(
            file([{ name: "acme", workspace: "acme-corp", smtpPasswordEnv: "ACME_SMTP_PASSWORD" }]),
        );
        assert.strictEqual(plan.smtpPasswordEnv, "ACME_SMTP_PASSWORD");
        assert.ok(!plan.config["airflow-platform:tenant"].value.includes("smtpPasswordEnv"));
        refuses(
            file([{ name: "acme", workspace: "acme-corp", smtpPasswordEnv: "not valid" }]),
            "tenants[0].smtpPasswordEnv",
        );
    });

    it("builds from the example file the config of the example tenant stack", () => {
        const plans = buildTenantStacks(YAML.parse(fs.readFileSync(EXAMPLE, "utf8")));
        assert.deepStrictEqual(
            plans.map((p) => p.stackName),
            ["tenant-acme-analytics", "tenant-globex-etl"],
        );
        const committed = loadStackConfig("tenant-acme-analytics").config;
        const built = plans[0].config;
        assert.strictEqual(
            committed["airflow-platform:platformStack"],
            built["airflow-platform:platformStack"].value,
        );
        assert.deepStrictEqual(
            JSON.parse(committed["airflow-platform:tenant"]),
            JSON.parse(built["airflow-platform:tenant"].value),
        );
    });

    it("refuses two tenants with the same name, naming both entries", () => {
        assert.throws(
            () =>
                buildTenantStacks(
                    file([
                        { name: "acme", workspace: "a" },
                        { name: "globex", workspace: "g" },
                        { name: "acme", workspace: "b" },
                    ]),
                ),
            (err: InvalidArgumentError) =>
                err.field === "tenants[2].name" && /tenants\[0\]/.test(err.allowed),
        );
    });

    it("refuses bad entries with the field inside the entry", () => {
        refuses(file([{ name: "Acme", workspace: "a" }]), "tenants[0].name");
        refuses(
            file([
                { name: "ok", workspace: "a" },
                { name: "default", workspace: "a" },
            ]),
            "tenants[1].name",
        );
        refuses(
            file([{ name: "acme", workspace: "a", members: [{ email: "ada", role: "admin" }] }]),
            "tenants[0].members[0].email",
        );
        refuses(
            file([
                {
                    name: "acme",
                    workspace: "a",
                    members: [{ email: "ada@a.example", role: "god" }],
                },
            ]),
            "tenants[0].members[0].role",
        );
        refuses(
            file([{ name: "acme", workspace: "a", resources: { cpu: 0 } }]),
            "tenants[0].resources.cpu",
        );
        refuses(file(["acme"]), "tenants[0]");
    });

    it("refuses a file without tenants or without a qualified platform stack", () => {
        refuses(null, "file");
        refuses({ platformStack: PLATFORM_STACK, tenants: [] }, "tenants");
        refuses(
            { platformStack: "prod", tenants: [{ name: "acme", workspace: "a" }] },
            "tenants[0].platformStack",
        );
    });
});

describe("tenant stack tool: bounded pool", () => {
    /** A task whose completion the test controls, so nothing depends on timing. */
    function controlled() {
        let running = 0;
        let peak = 0;
        const started: number[] = [];
        const release = new Map<number, (fail: boolean) => void>();
        const task = (item: number) =>
            new Promise<number>((resolve, reject) => {
                running++;
                peak = Math.max(peak, running);
                started.push(item);
                release.set(item, (fail) => {
                    running--;
                    if (fail) reject(new Error(`task ${item} failed`));
                    else resolve(item * 10);
                });
            });
        return { task, started, release, peak: () => peak };
    }
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    it("never runs more than the limit at once and runs every item", async () => {
        const c = controlled();
        const items = [1, 2, 3, 4, 5, 6, 7];
        const done = runPool(items, 3, c.task);
        await tick();
        assert.deepStrictEqual(c.started, [1, 2, 3]);
        for (const item of items) {
            while (!c.release.has(item)) await tick();
            c.release.get(item)!(item === 4);
            await tick();
            assert.ok(c.peak() <= 3);
        }
        const results = await done;
        assert.strictEqual(c.peak(), 3);
        assert.deepStrictEqual(
            results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message)),
            [10, 20, 30, "task 4 failed", 50, 60, 70],
        );
    });

    it("handles fewer items than the limit, no items, and refuses a bad limit", async () => {
        assert.deepStrictEqual(await runPool([], 4, async () => 1), []);
        const results = await runPool([1, 2], 8, async (n) => n + 1);
        assert.deepStrictEqual(results, [
            { status: "fulfilled", value: 2 },
            { status: "fulfilled", value: 3 },
        ]);
        await assert.rejects(
            runPool([1], 0, async () => 1),
            InvalidArgumentError,
        );
    });

    it("parses --parallel from 1 to 32 only", () => {
        assert.strictEqual(parseParallel("1"), 1);
        assert.strictEqual(parseParallel("32"), 32);
        for (const bad of [undefined, "0", "33", "2.5", "four"]) {
            assert.throws(
                () => parseParallel(bad),
                (err: InvalidArgumentError) => err.field === "--parallel",
            );
        }
    });
});

describe("tenant stack tool: command line", () => {
    it("parses the action, file, parallelism and tenant filter", () => {
        assert.deepStrictEqual(
            parseArgs(["up", "--file", "t.yaml", "--parallel", "2", "--only", "acme"]),
            {
                action: "up",
                file: "t.yaml",
                parallel: 2,
                only: ["acme"],
            },
        );
        assert.strictEqual(parseArgs(["--help"]), "help");
        assert.throws(() => parseArgs(["apply", "--file", "t.yaml"]), /action/);
        assert.throws(() => parseArgs(["up"]), /--file/);
        assert.throws(() => parseArgs(["up", "--file", "t.yaml", "--force"]), /--force/);
    });

    it("exits 2 with a clear message when the Pulumi CLI is missing", async () => {
        const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), "no-pulumi-"));
        const savedPath = process.env.PATH;
        const savedError = console.error;
        const printed: string[] = [];
        process.env.PATH = emptyDir;
        console.error = (...args: unknown[]) => printed.push(args.join(" "));
        try {
            const code = await main(["preview", "--file", EXAMPLE, "--only", "globex-etl"]);
            assert.strictEqual(code, 2);
        } finally {
            process.env.PATH = savedPath;
            console.error = savedError;
            fs.rmSync(emptyDir, { recursive: true, force: true });
        }
        assert.match(printed.join("\n"), /Pulumi CLI was not found on PATH.*npm run plan/s);
    });

    it("exits 2 naming the variable when a tenant's SMTP password is not in the environment", async () => {
        const savedError = console.error;
        const printed: string[] = [];
        const saved = process.env.ACME_ANALYTICS_SMTP_PASSWORD;
        delete process.env.ACME_ANALYTICS_SMTP_PASSWORD;
        console.error = (...args: unknown[]) => printed.push(args.join(" "));
        try {
            assert.strictEqual(
                await main(["up", "--file", EXAMPLE, "--only", "acme-analytics"]),
                2,
            );
        } finally {
            console.error = savedError;
            if (saved !== undefined) process.env.ACME_ANALYTICS_SMTP_PASSWORD = saved;
        }
        assert.match(printed.join("\n"), /ACME_ANALYTICS_SMTP_PASSWORD/);
    });
});
