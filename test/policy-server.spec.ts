/**
 * The evaluator against the pack as the SDK itself serves it to the Pulumi CLI: the same
 * resources, analyzed over gRPC and offline, give the same violations.
 */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { allPolicies } from "../policies/all";
import {
    deserialize,
    evaluate,
    evaluatePolicies,
    PolicyResource,
    readDocument,
} from "../tools/policy-engine";
import { resource } from "./policies/harness";

const FIXTURES = path.join(__dirname, "fixtures");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

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
