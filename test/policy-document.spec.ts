import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PlannedResource } from "../tools/engine";
import {
    deserialize,
    DocumentError,
    evaluatePolicies,
    fromPlanned,
    readDocument,
} from "../tools/policy-engine";

const FIXTURES = path.join(__dirname, "fixtures");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("tools/policy-document", () => {
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
