import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SECRET_SIG } from "../tools/engine";
import { main } from "../tools/plan";

const ROOT = path.resolve(__dirname, "..");

/** Runs the plan command in this process and captures what it prints. */
async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const log = console.log;
    const error = console.error;
    console.log = (...args: unknown[]) => void out.push(args.join(" "));
    console.error = (...args: unknown[]) => void err.push(args.join(" "));
    try {
        const code = await main(argv);
        return { code, out: out.join("\n"), err: err.join("\n") };
    } finally {
        console.log = log;
        console.error = error;
    }
}

/** Runs the plan command as a user would, in a child process. */
function runCli(argv: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(
        process.execPath,
        [require.resolve("ts-node/dist/bin"), "--transpile-only", "tools/plan.ts", ...argv],
        { cwd: ROOT, encoding: "utf8", timeout: 120000 },
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("offline plan", () => {
    describe("of the prod stack", () => {
        let tree: { code: number; out: string };
        let json: { code: number; out: string };
        before(async () => {
            tree = await capture(["--stack", "prod"]);
            json = await capture(["--stack", "prod", "--json"]);
        });

        it("passes every mandatory policy", () => {
            assert.strictEqual(tree.code, 0, tree.out);
            assert.strictEqual(json.code, 0);
        });

        it("prints every component as a tree under the stack", () => {
            assert.match(tree.out, /^\+ pulumi:pulumi:Stack {2}airflow-platform-prod$/m);
            assert.match(tree.out, /^ {4}\+ airflow-platform:index:Platform {2}platform$/m);
            for (const type of ["Network", "Keys", "Cluster", "Bastion", "Database"]) {
                assert.match(
                    tree.out,
                    new RegExp(`^ {8}\\+ airflow-platform:index:${type} `, "m"),
                    type,
                );
            }
            assert.match(
                tree.out,
                /^ {12}\+ gcp:sql\/databaseInstance:DatabaseInstance {2}platform {2}\[protected, retained on delete\]$/m,
            );
        });

        it("summarises with exactly one Cloud NAT", () => {
            assert.match(tree.out, /^Resources: \d+ to create$/m);
            assert.match(tree.out, /^ {6}1 {2}gcp:compute\/routerNat:RouterNat$/m);
            assert.match(tree.out, /^ {4}kubeconfig: \[secret\]$/m);
        });

        it("--json has the shape of pulumi preview --json", () => {
            const doc = JSON.parse(json.out);
            assert.deepStrictEqual(Object.keys(doc).sort(), [
                "changeSummary",
                "config",
                "diagnostics",
                "duration",
                "policyViolations",
                "steps",
            ]);
            assert.strictEqual(doc.steps[0].newState.type, "pulumi:pulumi:Stack");
            assert.strictEqual(doc.changeSummary.create, doc.steps.length);
            const urns = new Set(doc.steps.map((s: { urn: string }) => s.urn));
            for (const step of doc.steps.slice(1)) {
                assert.strictEqual(step.op, "create");
                const state = step.newState;
                for (const key of [
                    "urn",
                    "type",
                    "inputs",
                    "parent",
                    "dependencies",
                    "provider",
                    "protect",
                ]) {
                    assert.ok(key in state, `${step.urn} has ${key}`);
                }
                assert.ok(urns.has(state.parent), `${step.urn}'s parent is a step`);
                for (const dependency of state.dependencies) {
                    assert.ok(urns.has(dependency), `${step.urn} depends on a step`);
                }
            }
            const nats = doc.steps.filter(
                (s: { newState: { type: string } }) =>
                    s.newState.type === "gcp:compute/routerNat:RouterNat",
            );
            assert.strictEqual(nats.length, 1);
        });

        it("--json never prints a secret's value", () => {
            const doc = JSON.parse(json.out);
            const user = doc.steps.find(
                (s: { newState: { type: string } }) => s.newState.type === "gcp:sql/user:User",
            );
            assert.deepStrictEqual(user.newState.inputs.password, {
                [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270",
                ciphertext: "[secret]",
            });
            const instance = doc.steps.find(
                (s: { newState: { type: string } }) =>
                    s.newState.type === "gcp:sql/databaseInstance:DatabaseInstance",
            );
            assert.strictEqual(instance.newState.protect, true);
        });
    });

    describe("of a stack with a public bastion", () => {
        const name = `plan-spec-public-${process.pid}`;
        const stackFile = path.join(ROOT, `Pulumi.${name}.yaml`);
        const policyFile = path.join(os.tmpdir(), `${name}-policy.json`);
        before(() => {
            fs.writeFileSync(
                stackFile,
                [
                    "config:",
                    "  gcp:project: p",
                    "  airflow-platform:bastionMode: public",
                    "  airflow-platform:bastionAuthorizedNetworks:",
                    "    - 198.51.100.0/24",
                    "",
                ].join("\n"),
            );
            fs.writeFileSync(
                policyFile,
                JSON.stringify({
                    "firewall-no-public-ingress": { allowedSshSources: ["35.235.240.0/20"] },
                }),
            );
        });
        after(() => {
            fs.rmSync(stackFile, { force: true });
            fs.rmSync(policyFile, { force: true });
        });

        it("passes: the policies admit the SSH sources the stack declares", async () => {
            const result = await capture(["--stack", name]);
            assert.strictEqual(result.code, 0, result.out);
            assert.match(result.out, /No policy violations\./);
        });

        it("exits 1 and names the policy when the policy config admits IAP only", async () => {
            const result = await capture(["--stack", name, "--policy-config", policyFile]);
            assert.strictEqual(result.code, 1, result.out);
            assert.match(result.out, /^firewall-no-public-ingress \(mandatory/m);
            assert.match(result.out, /platform-allow-ssh-to-bastion/);
        });

        it("exits 2 when the policy config cannot be read", async () => {
            const result = await capture([
                "--stack",
                name,
                "--policy-config",
                `${policyFile}.missing`,
            ]);
            assert.strictEqual(result.code, 2);
            assert.match(result.err, /does not exist/);
        });
    });

    describe("of a tenant stack", () => {
        it("plans against the platform's offline plan and passes every mandatory policy", async () => {
            const result = await capture(["--stack", "tenant-acme-analytics"]);
            assert.strictEqual(result.code, 0, result.out);
            assert.match(result.out, /^ {4}\+ airflow-platform:index:Tenant {2}acme-analytics$/m);
            assert.match(
                result.out,
                /gcp:sql\/database:Database {2}acme-analytics-database {2}\[protected, retained on delete\]/,
            );
            assert.match(result.out, /^ {4}fernetKey: \[secret\]$/m);
        });
    });

    describe("with a bad config", () => {
        const badName = `plan-spec-bad-${process.pid}`;
        const badStack = path.join(ROOT, `Pulumi.${badName}.yaml`);
        before(() => {
            fs.writeFileSync(
                badStack,
                "config:\n  gcp:project: p\n  airflow-platform:podCidr: 0.0.0.0/0\n",
            );
        });
        after(() => fs.rmSync(badStack, { force: true }));

        it("exits 2 naming the key and the reason, without a stack trace", () => {
            const result = runCli(["--stack", badName]);
            assert.strictEqual(result.status, 2, result.stderr);
            assert.match(
                result.stderr,
                /airflow-platform:podCidr: "0\.0\.0\.0\/0" is not allowed; expected a private range/,
            );
            assert.doesNotMatch(result.stderr, /\n\s+at /);
        });

        it("exits 2 for a stack without a config file", async () => {
            const result = await capture(["--stack", "no-such-stack"]);
            assert.strictEqual(result.code, 2);
            assert.match(result.err, /Pulumi\.no-such-stack\.yaml does not exist/);
        });

        it("exits 2 for an unknown argument", async () => {
            const result = await capture(["--stak", "prod"]);
            assert.strictEqual(result.code, 2);
        });
    });
});
