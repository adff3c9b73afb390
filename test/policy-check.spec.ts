import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, renderViolations, Sink } from "../tools/policy-check";

const FIXTURES = path.join(__dirname, "fixtures");
const ROOT = path.join(__dirname, "..");

/** Runs the command in-process and captures what it prints. */
async function check(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const sink = (append: (s: string) => void): Sink => ({ write: (s: string) => append(s) });
    const code = await main(
        argv,
        sink((s) => (out += s)),
        sink((s) => (err += s)),
    );
    return { code, out, err };
}

describe("tools/policy-check", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-check-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("exits 0 for a compliant preview and a compliant export", async () => {
        for (const name of ["preview-compliant.json", "export-compliant.json"]) {
            const result = await check(path.join(FIXTURES, name));
            assert.strictEqual(result.code, 0, result.out + result.err);
            assert.match(result.out, /No policy violations/);
        }
    });

    it("exits 1 and groups violations by policy, mandatory first", async () => {
        const result = await check(path.join(FIXTURES, "preview-violating.json"));
        assert.strictEqual(result.code, 1);
        const headings = result.out.split("\n").filter((l) => /^[a-z]/.test(l));
        assert.deepStrictEqual(headings, [
            "firewall-no-public-ingress (mandatory, high)",
            "firewall-no-world-all-ports (mandatory, critical)",
            "sql-no-public-ip (mandatory, critical)",
            "subnet-flow-logs (mandatory, medium)",
            "firewall-logging (advisory, low)",
        ]);
        assert.match(result.out, /5 violation\(s\), 4 mandatory\./);
    });

    it("prints the documented JSON with --json", async () => {
        const result = await check(path.join(FIXTURES, "export-violating.json"), "--json");
        assert.strictEqual(result.code, 1);
        const parsed = JSON.parse(result.out) as { violations: Record<string, unknown>[] };
        assert.deepStrictEqual(Object.keys(parsed), ["violations"]);
        assert.strictEqual(parsed.violations.length, 2);
        for (const v of parsed.violations) {
            assert.deepStrictEqual(Object.keys(v).sort(), [
                "enforcementLevel",
                "message",
                "policy",
                "urn",
            ]);
            assert.strictEqual(v.enforcementLevel, "mandatory");
            assert.match(String(v.urn), /DatabaseInstance::reporting$/);
        }
    });

    it("exits 0 when only advisory policies are violated", async () => {
        const file = path.join(dir, "advisory.json");
        const doc = JSON.parse(
            fs.readFileSync(path.join(FIXTURES, "preview-compliant.json"), "utf8"),
        );
        for (const step of doc.steps) {
            if (step.newState?.type === "gcp:compute/firewall:Firewall") {
                delete step.newState.inputs.logConfig;
            }
        }
        fs.writeFileSync(file, JSON.stringify(doc));
        const result = await check(file, "--json");
        assert.strictEqual(result.code, 0);
        assert.deepStrictEqual(
            JSON.parse(result.out).violations.map((v: { policy: string }) => v.policy),
            ["firewall-logging"],
        );
    });

    it("reads policy config with --config", async () => {
        const config = path.join(dir, "config.json");
        fs.writeFileSync(config, JSON.stringify({ all: "advisory" }));
        const result = await check(
            path.join(FIXTURES, "preview-violating.json"),
            "--config",
            config,
        );
        assert.strictEqual(result.code, 0);
    });

    const unreadable: [string, () => string[], RegExp][] = [
        ["a missing file", () => [path.join(dir, "missing.json")], /missing\.json does not exist/],
        ["a file that is not JSON", () => [write("bad.json", "not json")], /not JSON/],
        ["a document of another kind", () => [write("other.json", '{"hello": 1}')], /neither/],
        ["no file", () => [], /no FILE given/],
        [
            "an unknown option",
            () => [path.join(FIXTURES, "export-compliant.json"), "--yaml"],
            /unknown option --yaml/,
        ],
        [
            "a policy config that is not an object",
            () => [path.join(FIXTURES, "export-compliant.json"), "--config", write("c.json", "[]")],
            /keyed by policy name/,
        ],
        [
            "a policy config naming no policy of the pack",
            () => [
                path.join(FIXTURES, "export-compliant.json"),
                "--config",
                write("typo.json", '{"firewall-no-public-ingres": "advisory"}'),
            ],
            /"firewall-no-public-ingres" is not a policy of the pack/,
        ],
    ];
    function write(name: string, text: string): string {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        return file;
    }
    for (const [title, argv, reason] of unreadable) {
        it(`exits 2 with the reason and no stack trace for ${title}`, async () => {
            const result = await check(...argv());
            assert.strictEqual(result.code, 2);
            assert.match(result.err, reason);
            assert.doesNotMatch(result.err, /\n\s+at /);
            assert.strictEqual(result.out, "");
        });
    }

    it("renders an empty list plainly", () => {
        assert.strictEqual(renderViolations([]), "No policy violations.");
    });

    it("sets the process exit code when run as a command", async function () {
        this.timeout(60000);
        const run = (file: string) =>
            new Promise<number>((resolve) => {
                execFile(
                    process.execPath,
                    [
                        require.resolve("ts-node/dist/bin.js"),
                        "--transpile-only",
                        path.join(ROOT, "tools/policy-check.ts"),
                        file,
                    ],
                    { cwd: ROOT },
                    (error) => resolve(error ? Number((error as { code?: number }).code) : 0),
                );
            });
        assert.deepStrictEqual(
            await Promise.all([
                run(path.join(FIXTURES, "export-compliant.json")),
                run(path.join(FIXTURES, "preview-violating.json")),
                run(path.join(dir, "missing.json")),
            ]),
            [0, 1, 2],
        );
    });
});
