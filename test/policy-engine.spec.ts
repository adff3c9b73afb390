import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as grpc from "@grpc/grpc-js";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as fs from "fs";
import * as path from "path";
import {
    Policy,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { allPolicies } from "../policies/all";
import { sqlNoPublicIp } from "../policies/database";
import { noPublicIngress } from "../policies/network";
import { PlannedResource } from "../tools/engine";
import {
    deserialize,
    DocumentError,
    evaluate,
    evaluatePolicies,
    fromPlanned,
    PolicyConfigError,
    PolicyResource,
    readDocument,
} from "../tools/policy-engine";
import { resource } from "./policies/harness";

const FIXTURES = path.join(__dirname, "fixtures");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A policy that records what the evaluator handed it. */
function recorder(
    seen: { type: string; args: Record<string, unknown> }[],
    extra: Partial<ResourceValidationPolicy> = {},
): ResourceValidationPolicy {
    return {
        name: "recorder",
        description: "Records every resource it sees.",
        enforcementLevel: "mandatory",
        validateResource: (args) => {
            seen.push({ type: args.type, args: args as unknown as Record<string, unknown> });
        },
        ...extra,
    };
}

describe("tools/policy-engine", () => {
    describe("the pack", () => {
        it("has unique policy names and no reserved one", () => {
            const names = allPolicies.map((p) => p.name);
            assert.strictEqual(new Set(names).size, names.length);
            assert.ok(!names.includes("all"));
            assert.ok(names.length >= 70, `${names.length} policies`);
        });

        it("is documented in policies/README.md: every policy with its level and control", () => {
            const readme = fs.readFileSync(
                path.join(__dirname, "..", "policies", "README.md"),
                "utf8",
            );
            const rows = readme
                .slice(readme.indexOf("## Policies"))
                .split("\n")
                .filter((line) => line.startsWith("| `"))
                .map((line) => line.split("|").map((cell) => cell.trim()));
            for (const p of allPolicies) {
                const row = rows.find((cells) => cells[1] === `\`${p.name}\``);
                assert.ok(row, `${p.name} has a row in the README's table`);
                assert.strictEqual(
                    row[2],
                    p.enforcementLevel,
                    `${p.name} is ${p.enforcementLevel}`,
                );
                assert.ok(row[5].includes(p.framework!.reference), `${p.name} names its control`);
            }
        });

        it("keeps enforcementLevel out of every config schema, as the CLI requires", () => {
            for (const p of allPolicies) {
                assert.ok(!p.configSchema?.properties?.enforcementLevel, p.name);
            }
        });
    });

    describe("evaluatePolicies", () => {
        it("hides the stack and providers from resource policies but shows them to stack policies", async () => {
            const seen: { type: string; args: Record<string, unknown> }[] = [];
            const stackSeen: string[] = [];
            const stackPolicy: StackValidationPolicy = {
                name: "stack-recorder",
                description: "Records the stack's resources.",
                validateStack: (args) => {
                    stackSeen.push(...args.resources.map((r) => r.type));
                },
            };
            const resources = [
                resource("pulumi:pulumi:Stack", {}),
                resource("pulumi:providers:gcp", { project: "p" }),
                resource("gcp:compute/network:Network", {}),
            ];
            await evaluatePolicies(resources, {}, [recorder(seen), stackPolicy]);
            assert.deepStrictEqual(
                seen.map((s) => s.type),
                ["gcp:compute/network:Network"],
            );
            assert.deepStrictEqual(stackSeen.sort(), resources.map((r) => r.type).sort());
        });

        it("hands resource policies the SDK's arguments", async () => {
            const seen: { type: string; args: Record<string, unknown> }[] = [];
            const provider = resource("pulumi:providers:gcp", { project: "p" });
            const parent = resource("airflow-platform:index:Network", {});
            const network = resource(
                "gcp:compute/network:Network",
                { name: "platform" },
                {
                    parent: parent.urn,
                    provider: `${provider.urn}::abc-123`,
                    protect: true,
                },
            );
            await evaluatePolicies(
                [provider, parent, network],
                { recorder: { enforcementLevel: "advisory", extra: 1 } },
                [
                    recorder(seen, {
                        configSchema: {
                            properties: { region: { type: "string", default: "us-east1" } },
                        },
                    }),
                ],
            );
            const args = seen.find((s) => s.type === network.type)!
                .args as unknown as ResourceValidationArgs;
            assert.strictEqual(args.urn, network.urn);
            assert.strictEqual(args.name, network.name);
            assert.strictEqual(args.props.name, "platform");
            assert.strictEqual(args.opts.protect, true);
            assert.strictEqual(args.opts.parent, parent.urn);
            assert.strictEqual(args.provider?.urn, provider.urn);
            assert.deepStrictEqual(args.getConfig(), { region: "us-east1", extra: 1 });
            assert.ok(args.isType({ __pulumiType: network.type } as never));
            assert.ok(!args.isType({ __pulumiType: "gcp:compute/firewall:Firewall" } as never));
            assert.throws(() => args.notApplicable("no"));
        });

        it("resolves enforcement levels as the CLI does", async () => {
            const open = resource("gcp:compute/firewall:Firewall", {
                sourceRanges: ["0.0.0.0/0"],
                allows: [{ protocol: "tcp", ports: ["80"] }],
            });
            const level = async (config: Record<string, unknown>) =>
                (await evaluatePolicies([open], config, [noPublicIngress])).map(
                    (v) => v.enforcementLevel,
                );
            assert.deepStrictEqual(await level({}), ["mandatory"]);
            assert.deepStrictEqual(await level({ "firewall-no-public-ingress": "advisory" }), [
                "advisory",
            ]);
            assert.deepStrictEqual(
                await level({ "firewall-no-public-ingress": { enforcementLevel: "disabled" } }),
                [],
            );
            assert.deepStrictEqual(await level({ all: "advisory" }), ["advisory"]);
            assert.deepStrictEqual(
                await level({ all: "disabled", "firewall-no-public-ingress": "remediate" }),
                ["mandatory"],
            );
        });

        it("applies config over the schema defaults", async () => {
            const fromOffice = resource("gcp:compute/firewall:Firewall", {
                sourceRanges: ["198.51.100.0/24"],
                targetTags: ["bastion"],
                allows: [{ protocol: "tcp", ports: ["22"] }],
            });
            assert.strictEqual(
                (await evaluatePolicies([fromOffice], {}, [noPublicIngress])).length,
                1,
            );
            const config = {
                "firewall-no-public-ingress": { allowedSshSources: ["198.51.100.0/24"] },
            };
            assert.strictEqual(
                (await evaluatePolicies([fromOffice], config, [noPublicIngress])).length,
                0,
            );
        });

        it("never reports a value that is unknown, even to a policy that reads it through the proxy", async () => {
            const strict: Policy = {
                name: "strict",
                description: "Reads a field without care.",
                enforcementLevel: "mandatory",
                validateResource: (args, report) => {
                    if (args.props.settings.tier !== "x") {
                        report("tier");
                    }
                },
            } as ResourceValidationPolicy;
            const unknown = resource("gcp:sql/databaseInstance:DatabaseInstance", {
                settings: UNKNOWN,
            });
            const evaluation = await evaluate([unknown], {}, [strict, sqlNoPublicIp]);
            assert.deepStrictEqual(evaluation.violations, []);
            assert.deepStrictEqual(evaluation.unknown, [{ policy: "strict", urn: unknown.urn }]);
        });

        it("names the policy and the resource when a policy fails", async () => {
            const broken: ResourceValidationPolicy = {
                name: "broken",
                description: "Fails.",
                validateResource: () => {
                    throw new Error("boom");
                },
            };
            const r = resource("gcp:compute/network:Network", {});
            await assert.rejects(
                evaluatePolicies([r], {}, [broken]),
                new RegExp(`policy broken failed on ${r.urn.replace(/[$]/g, "\\$")}: boom`),
            );
        });

        it("links parents and dependencies for stack policies", async () => {
            const parent = resource("airflow-platform:index:Keys", {});
            const child = resource(
                "gcp:kms/keyRing:KeyRing",
                {},
                { parent: parent.urn, dependencies: [parent.urn, "urn:pulumi:x::y::z::missing"] },
            );
            let linked: unknown[] = [];
            const policy: StackValidationPolicy = {
                name: "links",
                description: "Reads links.",
                validateStack: (args) => {
                    const c = args.resources.find((r) => r.urn === child.urn)!;
                    linked = [c.parent?.urn, c.dependencies.map((d) => d.urn)];
                },
            };
            await evaluatePolicies([parent, child], {}, [policy]);
            assert.deepStrictEqual(linked, [parent.urn, [parent.urn]]);
        });
    });

    describe("policy config", () => {
        const r = () => [resource("gcp:compute/network:Network", {})];
        const bad: [string, Record<string, unknown>, RegExp][] = [
            [
                "an unknown policy",
                { "no-such-policy": "advisory" },
                /"no-such-policy" is not a policy of the pack/,
            ],
            ["an unknown level", { "nat-logging": "strict" }, /enforcement level "strict"/],
            [
                "a value of the wrong type",
                { "kms-key-rotation": { maxRotationPeriodSeconds: "90d" } },
                /maxRotationPeriodSeconds: "90d" is not of type integer/,
            ],
            [
                "a list of the wrong items",
                { "firewall-no-public-ingress": { allowedSshSources: [22] } },
                /every element must be of type string/,
            ],
        ];
        for (const [title, config, reason] of bad) {
            it(`refuses ${title}`, async () => {
                await assert.rejects(
                    evaluatePolicies(r(), config),
                    (e: Error) => e instanceof PolicyConfigError && reason.test(e.message),
                );
            });
        }

        it("accepts levels, `all` and well-typed properties", async () => {
            const config = {
                all: "advisory",
                "nat-logging": { enforcementLevel: "mandatory" },
                "kms-key-rotation": { maxRotationPeriodSeconds: 86400 },
            };
            const violations = await evaluatePolicies(r(), config);
            assert.ok(violations.length > 0);
            assert.ok(violations.every((v) => v.enforcementLevel === "advisory"));
        });
    });

    describe("deserialize", () => {
        it("unwraps plaintext secrets, parses JSON-text secrets, and treats ciphertext as unknown", () => {
            assert.deepStrictEqual(deserialize({ a: { [SIG]: SECRET, value: "pw" } }), { a: "pw" });
            assert.deepStrictEqual(deserialize({ a: { [SIG]: SECRET, value: '{"b":[1]}' } }), {
                a: { b: [1] },
            });
            assert.deepStrictEqual(deserialize({ a: { [SIG]: SECRET, plaintext: '"pw"' } }), {
                a: "pw",
            });
            assert.deepStrictEqual(deserialize({ a: { [SIG]: SECRET, ciphertext: "v1:abc" } }), {
                a: UNKNOWN,
            });
            assert.deepStrictEqual(deserialize({ a: undefined, b: [undefined, 1] }), {
                b: [null, 1],
            });
        });
    });

    describe("fromPlanned", () => {
        it("keeps identity and options and unwraps secrets", async () => {
            const planned: PlannedResource = {
                urn: "urn:pulumi:prod::airflow-platform::gcp:sql/databaseInstance:DatabaseInstance::platform",
                type: "gcp:sql/databaseInstance:DatabaseInstance",
                name: "platform",
                custom: true,
                inputs: { rootPassword: "pw" },
                serializedInputs: { rootPassword: { [SIG]: SECRET, value: "pw" } },
                outputs: {},
                parent: "urn:pulumi:prod::airflow-platform::pulumi:pulumi:Stack::airflow-platform-prod",
                dependencies: ["urn:a"],
                propertyDependencies: {},
                provider: "urn:pulumi:prod::airflow-platform::pulumi:providers:gcp::default::id",
                protect: true,
                retainOnDelete: true,
                deleteBeforeReplace: false,
                ignoreChanges: [],
                additionalSecretOutputs: [],
            };
            const r = fromPlanned(planned);
            assert.deepStrictEqual(
                {
                    urn: r.urn,
                    type: r.type,
                    name: r.name,
                    parent: r.parent,
                    dependencies: r.dependencies,
                    provider: r.provider,
                    protect: r.protect,
                },
                {
                    urn: planned.urn,
                    type: planned.type,
                    name: "platform",
                    parent: planned.parent,
                    dependencies: ["urn:a"],
                    provider: planned.provider,
                    protect: true,
                },
            );
            assert.deepStrictEqual(deserialize(r.props), { rootPassword: "pw" });
        });
    });

    describe("readDocument", () => {
        it("reads a preview: new states, no deleted resources, one entry per replaced resource", () => {
            const resources = readDocument(fixture("preview-violating.json"));
            const urns = resources.map((r) => r.urn);
            assert.strictEqual(new Set(urns).size, urns.length);
            const subnet = resources.find((r) => r.type === "gcp:compute/subnetwork:Subnetwork")!;
            assert.strictEqual(
                subnet.props.logConfig,
                undefined,
                "the replacement's new state wins",
            );
            assert.strictEqual(subnet.name, "platform-nodes");
            assert.ok(subnet.parent?.endsWith("airflow-platform:index:Network::platform"));
            assert.ok(subnet.provider?.includes("pulumi:providers:gcp"));
            const compliant = readDocument(fixture("preview-compliant.json"));
            assert.ok(
                !compliant.some((r) => r.name === "platform-allow-all"),
                "a deleted rule is not judged",
            );
        });

        it("falls back to the old state of a step without a new one", () => {
            const doc = {
                steps: [
                    {
                        op: "read",
                        urn: "urn:pulumi:s::p::gcp:compute/network:Network::n",
                        oldState: { type: "gcp:compute/network:Network", inputs: { a: 1 } },
                    },
                ],
            };
            assert.deepStrictEqual(readDocument(JSON.stringify(doc))[0].props, { a: 1 });
        });

        it("reads a stack export, with its protect flags", () => {
            const resources = readDocument(fixture("export-compliant.json"));
            const db = resources.find(
                (r) => r.type === "gcp:sql/databaseInstance:DatabaseInstance",
            )!;
            assert.strictEqual(db.protect, true);
            assert.ok(resources.some((r) => r.type === "pulumi:pulumi:Stack"));
        });

        it("judges the fixtures as expected", async () => {
            const judge = async (name: string) =>
                (await evaluatePolicies(readDocument(fixture(name))))
                    .filter((v) => v.enforcementLevel === "mandatory")
                    .map((v) => v.policy)
                    .sort();
            assert.deepStrictEqual(await judge("preview-compliant.json"), []);
            assert.deepStrictEqual(await judge("export-compliant.json"), []);
            assert.deepStrictEqual(await judge("preview-violating.json"), [
                "firewall-no-public-ingress",
                "firewall-no-world-all-ports",
                "sql-no-public-ip",
                "subnet-flow-logs",
            ]);
            assert.deepStrictEqual(await judge("export-violating.json"), [
                "sql-no-authorized-networks",
                "sql-no-public-ip",
            ]);
        });

        const bad: [string, string, RegExp][] = [
            ["not JSON", "{", /not JSON/],
            ["a list", "[]", /neither/],
            ["another object", '{"resources": []}', /neither/],
            ["an old export", '{"version": 2, "deployment": {"resources": []}}', /version 2/],
            [
                "resources that are not a list",
                '{"version": 3, "deployment": {"resources": {}}}',
                /not a list/,
            ],
            [
                "a resource without urn",
                '{"version": 3, "deployment": {"resources": [{"type": "a:b:c"}]}}',
                /no valid urn/,
            ],
            [
                "a step without state",
                '{"steps": [{"op": "create", "urn": "urn:pulumi:s::p::a:b:c::n"}]}',
                /neither newState nor oldState/,
            ],
        ];
        for (const [title, text, reason] of bad) {
            it(`refuses ${title} with the reason`, () => {
                assert.throws(
                    () => readDocument(text),
                    (e: Error) => e instanceof DocumentError && reason.test(e.message),
                );
            });
        }
    });
});

/** The pack served by the SDK itself, as `pulumi preview --policy-pack policies` starts it. */
describe("the pack's own analyzer server", function () {
    this.timeout(60000);
    let child: ChildProcess | undefined;
    let client: AnalyzerClient;

    before(async () => {
        const policiesDir = path.join(__dirname, "..", "policies");
        child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
            cwd: policiesDir,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const port = await new Promise<string>((resolve, reject) => {
            const timer = setTimeout(
                () => reject(new Error("the pack printed no port within 30 s")),
                30000,
            );
            child!.stdout!.on("data", (chunk: Buffer) => {
                clearTimeout(timer);
                resolve(chunk.toString().trim());
            });
            child!.on("exit", (code) => reject(new Error(`the pack exited with ${code}`)));
        });
        client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        child?.kill();
    });

    function options(r: PolicyResource): analyzer.AnalyzerResourceOptions {
        const opts = new analyzer.AnalyzerResourceOptions();
        opts.setProtect(r.protect === true);
        return opts;
    }

    function analyze(
        r: PolicyResource,
    ): Promise<{ policy: string; level: number; message: string }[]> {
        const request = new analyzer.AnalyzeRequest();
        request.setType(r.type);
        request.setUrn(r.urn);
        request.setName(r.name);
        request.setProperties(Struct.fromJavaScript(r.props as never));
        request.setOptions(options(r));
        return new Promise((resolve, reject) =>
            client.analyze(request, (error, response) =>
                error
                    ? reject(error)
                    : resolve(
                          response.getDiagnosticsList().map((d) => ({
                              policy: d.getPolicyname(),
                              level: d.getEnforcementlevel(),
                              message: d.getMessage(),
                          })),
                      ),
            ),
        );
    }

    function analyzeStack(resources: PolicyResource[]): Promise<string[]> {
        const request = new analyzer.AnalyzeStackRequest();
        request.setResourcesList(
            resources.map((r) => {
                const resource = new analyzer.AnalyzerResource();
                resource.setType(r.type);
                resource.setUrn(r.urn);
                resource.setName(r.name);
                resource.setProperties(Struct.fromJavaScript(r.props as never));
                resource.setOptions(options(r));
                return resource;
            }),
        );
        return new Promise((resolve, reject) =>
            client.analyzeStack(request, (error, response) =>
                error
                    ? reject(error)
                    : resolve(
                          response
                              .getDiagnosticsList()
                              .map((d) => d.getPolicyname())
                              .sort(),
                      ),
            ),
        );
    }

    const resourcePolicies = allPolicies.filter((p) => "validateResource" in p);

    it("reports what the evaluator reports, resource by resource", async () => {
        const documents = [
            "preview-violating.json",
            "export-violating.json",
            "preview-compliant.json",
        ];
        let compared = 0;
        for (const name of documents) {
            const resources = readDocument(fixture(name))
                .filter(
                    (r) =>
                        r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"),
                )
                .map((r) => ({ ...r, props: deserialize(r.props) as Record<string, unknown> }));
            for (const r of resources) {
                const served = await analyze(r);
                const ours = (await evaluate([r], {}, resourcePolicies)).violations;
                const mandatoryLevel = 1;
                assert.deepStrictEqual(
                    served
                        .map((d) => [
                            d.policy,
                            d.level === mandatoryLevel ? "mandatory" : "advisory",
                        ])
                        .sort(),
                    ours.map((v) => [v.policy, v.enforcementLevel]).sort(),
                    r.urn,
                );
                for (const v of ours) {
                    assert.ok(
                        served.some((d) => d.policy === v.policy && d.message.endsWith(v.message)),
                        v.message,
                    );
                }
                compared += served.length;
            }
        }
        assert.ok(compared >= 6, `${compared} diagnostics compared`);
    });

    it("treats an unknown value as the SDK does: never a violation", async () => {
        const r = resource(
            "gcp:sql/databaseInstance:DatabaseInstance",
            { settings: UNKNOWN, databaseVersion: "POSTGRES_15", encryptionKeyName: "k" },
            { protect: true },
        );
        const served = await analyze(r);
        assert.deepStrictEqual(
            served.filter((d) => d.level === 1),
            [],
        );
        assert.deepStrictEqual((await evaluate([r])).violations, []);
    });

    it("agrees on the stack policies", async () => {
        const network = resource("gcp:compute/network:Network", { autoCreateSubnetworks: false });
        const tenantNamespace = resource("kubernetes:core/v1:Namespace", {
            metadata: {
                name: "acme",
                labels: {
                    "airflow-platform/tenant": "acme",
                    "pod-security.kubernetes.io/enforce": "restricted",
                },
            },
        });
        const resources = [network, tenantNamespace];
        const ours = (
            await evaluatePolicies(
                resources,
                {},
                allPolicies.filter((p) => "validateStack" in p),
            )
        )
            .map((v) => v.policy)
            .sort();
        assert.deepStrictEqual(await analyzeStack(resources), ours);
        assert.deepStrictEqual(ours, [
            "nat-single",
            "tenant-default-deny-egress",
            "tenant-default-deny-ingress",
            "tenant-limit-range",
            "tenant-resource-quota",
        ]);
    });
});
