import * as assert from "assert";
import { DATABASE_ADMIN_SECRET, PLATFORM_NAMESPACE } from "../components/constants";
import { RunResult } from "../tools/engine";
import { isSecretInput, one, prodPlatform, runPlatform } from "./support/harness";

describe("Platform", () => {
    let run: RunResult;
    before(async () => {
        run = await prodPlatform();
    });

    it("composes every component under one parent", () => {
        const platform = one(run.resources, "airflow-platform:index:Platform");
        for (const type of ["Network", "Keys", "Cluster", "Bastion", "Database"]) {
            const child = one(run.resources, `airflow-platform:index:${type}`);
            assert.strictEqual(child.parent, platform.urn, type);
        }
    });

    it("parents every resource inside a component (no resource escapes to the stack)", () => {
        const roots = run.resources.filter((r) => r.parent === undefined).map((r) => r.type);
        assert.deepStrictEqual(roots, ["airflow-platform:index:Platform"]);
    });

    it("keeps the administrator's credential in the platform namespace, as a secret", () => {
        const namespace = one(run.resources, "kubernetes:core/v1:Namespace", PLATFORM_NAMESPACE);
        const labels = (namespace.inputs.metadata as { labels: Record<string, string> }).labels;
        assert.strictEqual(labels["pod-security.kubernetes.io/enforce"], "restricted");
        const secret = one(run.resources, "kubernetes:core/v1:Secret", DATABASE_ADMIN_SECRET);
        assert.strictEqual(
            (secret.inputs.metadata as { namespace: string }).namespace,
            PLATFORM_NAMESPACE,
        );
        assert.ok(isSecretInput(secret, "stringData.password"));
        const provider = one(run.resources, "pulumi:providers:kubernetes");
        assert.ok(secret.provider?.startsWith(provider.urn), "deployed to the platform cluster");
    });

    it("lets nothing into the platform namespace, and its Jobs out only to DNS and the database", () => {
        const policies = run.resources.filter(
            (r) =>
                r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" &&
                (r.inputs.metadata as { namespace: string }).namespace === PLATFORM_NAMESPACE,
        );
        const byName = Object.fromEntries(
            policies.map((p) => [(p.inputs.metadata as { name: string }).name, p.inputs.spec]),
        );
        assert.deepStrictEqual(Object.keys(byName).sort(), [
            "allow-database",
            "allow-dns",
            "default-deny",
        ]);
        assert.deepStrictEqual(byName["default-deny"], {
            podSelector: {},
            policyTypes: ["Ingress", "Egress"],
        });
        const database = byName["allow-database"] as {
            egress: { to: { ipBlock: { cidr: string } }[] }[];
        };
        assert.strictEqual(
            database.egress[0].to[0].ipBlock.cidr,
            `${run.outputs.databasePrivateIp}/32`,
        );
        for (const spec of Object.values(byName) as { ingress?: unknown }[]) {
            assert.strictEqual(spec.ingress, undefined, "no policy admits ingress");
        }
    });

    it("exports what tenant stacks read, with the kubeconfig as a secret", () => {
        for (const name of [
            "project",
            "region",
            "clusterName",
            "clusterEndpoint",
            "kubeconfig",
            "databaseInstanceName",
            "databaseConnectionName",
            "databasePrivateIp",
            "databaseServerCa",
            "databaseAdminUser",
            "databaseAdminSecret",
            "platformNamespace",
            "loggingNamespace",
            "loggingEndpoint",
            "ingressNamespace",
            "podCidr",
            "serviceCidr",
            "nodeSubnetCidr",
            "networkName",
            "natAddresses",
        ]) {
            assert.ok(
                run.outputs[name] !== undefined && run.outputs[name] !== "",
                `output ${name}`,
            );
        }
        assert.deepStrictEqual(run.secretOutputs, ["kubeconfig"]);
        assert.strictEqual(run.outputs.region, "us-east1");
        assert.match(String(run.outputs.databaseServerCa), /BEGIN CERTIFICATE/);
    });

    it("never exports the administrator's password", () => {
        const password = one(
            run.resources,
            "random:index/randomPassword:RandomPassword",
            "platform-admin",
        );
        assert.ok(!JSON.stringify(run.outputs).includes(String(password.outputs.result)));
    });

    describe("the first deployment (inCluster false)", () => {
        let bootstrap: RunResult;
        before(async () => {
            bootstrap = await runPlatform({ inCluster: "false" });
        });

        it("declares the Google Cloud layer and no object inside the cluster", () => {
            const inCluster = bootstrap.resources.filter(
                (r) =>
                    r.type.startsWith("kubernetes:") || r.type === "airflow-platform:index:Logging",
            );
            assert.deepStrictEqual(inCluster, []);
            for (const type of ["Network", "Keys", "Cluster", "Bastion", "Database"]) {
                one(bootstrap.resources, `airflow-platform:index:${type}`);
            }
            one(bootstrap.resources, "gcp:sql/databaseInstance:DatabaseInstance");
        });

        it("still exports every output tenant stacks read", () => {
            assert.deepStrictEqual(
                Object.keys(bootstrap.outputs).sort(),
                Object.keys(run.outputs).sort(),
            );
        });

        it("refuses a value that is not a boolean, naming the key", async () => {
            await assert.rejects(runPlatform({ inCluster: "no" }), (e: Error) =>
                /^airflow-platform:inCluster: "no" is not allowed; expected true or false/.test(
                    e.message,
                ),
            );
        });
    });
});
