import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import {
    logIndexTemplate,
    logWriterRole,
    retentionPolicy,
    tenantRole,
} from "../components/logging-config";
import { BOOTSTRAP_SCRIPT, TENANT_ACCESS_SCRIPT } from "../components/logging-scripts";

interface Call {
    method: string;
    url: string;
    authorization?: string;
    body: string;
}

/** A stand-in for Elasticsearch and Kibana on loopback that records every request. */
class FakeServer {
    readonly calls: Call[] = [];
    private server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => {
            const call = {
                method: req.method ?? "",
                url: req.url ?? "",
                authorization: req.headers.authorization,
                body: Buffer.concat(chunks).toString("utf8"),
            };
            this.calls.push(call);
            const status = this.answer(call);
            res.writeHead(status, { "Content-Type": "application/json" });
            res.end(JSON.stringify({ status }));
        });
    });

    constructor(private answer: (call: Call) => number = () => 200) {}

    async start(): Promise<string> {
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    stop(): Promise<void> {
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
}

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
    /** Every command line curl was started with. */
    curlArgv: string[];
}

/** Runs a script with /bin/sh as the Job does, with a curl shim that records its arguments. */
async function runScript(
    script: string,
    files: Record<string, string>,
    env: Record<string, string>,
): Promise<Run> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "logging-script-"));
    const config = path.join(dir, "config");
    const bin = path.join(dir, "bin");
    fs.mkdirSync(config);
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(config, "run.sh"), script);
    for (const [name, text] of Object.entries(files))
        fs.writeFileSync(path.join(config, name), text);
    const argvLog = path.join(dir, "curl-argv");
    const realCurl = ["/usr/bin/curl", "/bin/curl", "/usr/local/bin/curl"].find((p) =>
        fs.existsSync(p),
    );
    assert.ok(realCurl, "curl must be installed for the logging script tests");
    fs.writeFileSync(
        path.join(bin, "curl"),
        `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec ${realCurl} "$@"\n`,
        { mode: 0o755 },
    );
    const child = spawn("/bin/sh", [path.join(config, "run.sh")], {
        env: {
            PATH: `${bin}:/usr/bin:/bin`,
            CONFIG_DIR: config,
            ES_WAIT_SECONDS: "0",
            ES_WAIT_ATTEMPTS: "3",
            ...env,
        },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const curlArgv = fs.existsSync(argvLog)
        ? fs.readFileSync(argvLog, "utf8").trim().split("\n")
        : [];
    fs.rmSync(dir, { recursive: true, force: true });
    return { code, stdout, stderr, curlArgv };
}

const ADMIN_PASSWORD = "Adm1n-Pass_word.~XYZ0123456789abcdefghij";
const TENANT_PASSWORD = "T3nant-Pass_word.~XYZ0123456789abcdefghi";
const basic = `Basic ${Buffer.from(`elastic:${ADMIN_PASSWORD}`).toString("base64")}`;

function assertNoSecretLeaks(run: Run, ...secrets: string[]): void {
    for (const secret of secrets) {
        assert.ok(!run.stdout.includes(secret), "stdout holds a secret");
        assert.ok(!run.stderr.includes(secret), "stderr holds a secret");
        for (const argv of run.curlArgv)
            assert.ok(!argv.includes(secret), `curl's command line holds a secret: ${argv}`);
    }
}

describe("logging scripts against a stand-in Elasticsearch", () => {
    describe("bootstrap", () => {
        let server: FakeServer;
        let run: Run;
        before(async () => {
            server = new FakeServer();
            const url = await server.start();
            run = await runScript(
                BOOTSTRAP_SCRIPT,
                {
                    "retention-policy.json": JSON.stringify(retentionPolicy(30)),
                    "index-template.json": JSON.stringify(logIndexTemplate()),
                    "log-writer-role.json": JSON.stringify(logWriterRole()),
                },
                {
                    ES_URL: url,
                    ES_ADMIN_PASSWORD: ADMIN_PASSWORD,
                    WRITER_PASSWORD: TENANT_PASSWORD,
                },
            );
        });
        after(() => server.stop());

        it("succeeds", () => assert.strictEqual(run.code, 0, run.stderr));

        it("sets retention, the template, the writer role and the writer user, as the superuser", () => {
            assert.deepStrictEqual(
                server.calls.map((c) => `${c.method} ${c.url.split("?")[0]}`),
                [
                    "GET /_cluster/health",
                    "PUT /_ilm/policy/logs-retention",
                    "PUT /_index_template/logs",
                    "PUT /_security/role/log-writer",
                    "PUT /_security/user/fluent-bit",
                ],
            );
            for (const call of server.calls) assert.strictEqual(call.authorization, basic);
            assert.deepStrictEqual(JSON.parse(server.calls[1].body), retentionPolicy(30));
            assert.deepStrictEqual(JSON.parse(server.calls[4].body), {
                password: TENANT_PASSWORD,
                roles: ["log-writer"],
                full_name: "Fluent Bit",
            });
        });

        it("never puts a password on a command line or in its output", () =>
            assertNoSecretLeaks(run, ADMIN_PASSWORD, TENANT_PASSWORD));
    });

    describe("tenant access", () => {
        let server: FakeServer;
        let run: Run;
        before(async () => {
            server = new FakeServer((call) =>
                call.method === "GET" && call.url.includes("/api/spaces/") ? 404 : 200,
            );
            const url = await server.start();
            run = await runScript(
                TENANT_ACCESS_SCRIPT,
                { "role.json": JSON.stringify(tenantRole("acme")) },
                {
                    ES_URL: url,
                    KIBANA_URL: url,
                    ES_ADMIN_PASSWORD: ADMIN_PASSWORD,
                    TENANT: "acme",
                    TENANT_PASSWORD,
                },
            );
        });
        after(() => server.stop());

        it("succeeds", () => assert.strictEqual(run.code, 0, run.stderr));

        it("creates the tenant's role, its user holding only that role, and its Kibana space", () => {
            const calls = server.calls.map((c) => `${c.method} ${c.url.split("?")[0]}`);
            assert.deepStrictEqual(calls, [
                "GET /_cluster/health",
                "PUT /_security/role/tenant-acme",
                "PUT /_security/user/tenant-acme",
                "GET /api/spaces/space/acme",
                "POST /api/spaces/space",
            ]);
            assert.deepStrictEqual(JSON.parse(server.calls[1].body), tenantRole("acme"));
            assert.deepStrictEqual(JSON.parse(server.calls[2].body).roles, ["tenant-acme"]);
            assert.strictEqual(JSON.parse(server.calls[4].body).id, "acme");
        });

        it("never puts a password on a command line or in its output", () =>
            assertNoSecretLeaks(run, ADMIN_PASSWORD, TENANT_PASSWORD));
    });

    describe("refuses", () => {
        let server: FakeServer;
        let url: string;
        before(async () => {
            server = new FakeServer();
            url = await server.start();
        });
        after(() => server.stop());
        const base = () => ({
            ES_URL: url,
            KIBANA_URL: url,
            ES_ADMIN_PASSWORD: ADMIN_PASSWORD,
            TENANT_PASSWORD,
        });

        for (const tenant of ["acme;rm", "Acme", "-acme", "a/b", ""]) {
            it(`the tenant name ${JSON.stringify(tenant)} before calling anything`, async () => {
                const before = server.calls.length;
                const run = await runScript(
                    TENANT_ACCESS_SCRIPT,
                    { "role.json": "{}" },
                    { ...base(), TENANT: tenant },
                );
                assert.notStrictEqual(run.code, 0);
                assert.strictEqual(server.calls.length, before);
            });
        }

        it("a password that would need escaping inside JSON", async () => {
            const run = await runScript(
                TENANT_ACCESS_SCRIPT,
                { "role.json": "{}" },
                { ...base(), TENANT: "acme", TENANT_PASSWORD: 'x","roles":["superuser' },
            );
            assert.notStrictEqual(run.code, 0);
            assert.match(run.stderr, /TENANT_PASSWORD holds characters outside/);
        });

        it("to go on when Elasticsearch answers with an error", async () => {
            const failing = new FakeServer((call) =>
                call.url.startsWith("/_security") ? 403 : 200,
            );
            const failingUrl = await failing.start();
            try {
                const run = await runScript(
                    TENANT_ACCESS_SCRIPT,
                    { "role.json": "{}" },
                    { ...base(), ES_URL: failingUrl, TENANT: "acme" },
                );
                assert.notStrictEqual(run.code, 0);
                assert.match(run.stderr, /PUT .*\/_security\/role\/tenant-acme answered 403/);
                assert.ok(!failing.calls.some((c) => c.url.includes("/_security/user/")));
            } finally {
                await failing.stop();
            }
        });

        it("to wait forever for an Elasticsearch that never becomes ready", async () => {
            const down = new FakeServer(() => 503);
            const downUrl = await down.start();
            try {
                const run = await runScript(
                    TENANT_ACCESS_SCRIPT,
                    { "role.json": "{}" },
                    { ...base(), ES_URL: downUrl, TENANT: "acme" },
                );
                assert.notStrictEqual(run.code, 0);
                assert.match(run.stderr, /Elasticsearch did not become ready/);
                assert.strictEqual(down.calls.length, 3);
            } finally {
                await down.stop();
            }
        });
    });
});
