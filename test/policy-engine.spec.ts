import * as assert from "assert";
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
import {
    evaluate,
    evaluatePolicies,
    PolicyConfigError,
    policyConfigFromStack,
} from "../tools/policy-engine";
import { resource } from "./policies/harness";

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

        it("follows a stack's region and its public bastion's authorized networks", () => {
            assert.deepStrictEqual(
                policyConfigFromStack({ "airflow-platform:bastionMode": "iap" }),
                {},
            );
            const config = policyConfigFromStack({
                "airflow-platform:region": "europe-west1",
                "airflow-platform:bastionMode": "public",
                "airflow-platform:bastionAuthorizedNetworks": '["198.51.100.0/24"]',
            });
            assert.deepStrictEqual(config, {
                "gke-cluster-location": { region: "europe-west1" },
                "kms-key-ring-region": { region: "europe-west1" },
                "firewall-no-public-ingress": {
                    allowedSshSources: ["35.235.240.0/20", "198.51.100.0/24"],
                },
            });
            assert.throws(
                () =>
                    policyConfigFromStack({
                        "airflow-platform:bastionMode": "public",
                        "airflow-platform:bastionAuthorizedNetworks": "office",
                    }),
                PolicyConfigError,
            );
        });

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
});
