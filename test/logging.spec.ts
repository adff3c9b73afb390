import * as assert from "assert";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import { LOGGING_NAMESPACE } from "../components/constants";
import { Logging, LoggingArgs } from "../components/logging";
import { tenantRole } from "../components/logging-config";
import { TenantLogAccess, TENANT_LOG_SECRET } from "../components/tenant-log-access";
import { InvalidArgumentError } from "../components/validation";
import { PlannedResource, runProgram, RunResult } from "../tools/engine";
import { all, at, isSecretInput, one, prodPlatform, useBareMocks } from "./support/harness";

const byName = (resources: PlannedResource[], type: string, objectName: string) =>
    resources.filter((r) => r.type === type && at(r.inputs, "metadata.name") === objectName);

describe("Logging", () => {
    let run: RunResult;
    let resources: PlannedResource[];
    before(async () => {
        run = await prodPlatform();
        resources = run.resources;
    });

    it("runs Elasticsearch with TLS and security on, protected, with odd node count", () => {
        const es = one(resources, "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch");
        assert.strictEqual(at(es.inputs, "metadata.namespace"), LOGGING_NAMESPACE);
        assert.strictEqual(at(es.inputs, "spec.http.tls.selfSignedCertificate.disabled"), false);
        const nodeSets = at(es.inputs, "spec.nodeSets") as {
            count: number;
            config: Record<string, unknown>;
        }[];
        assert.strictEqual(nodeSets[0].count, 3);
        assert.strictEqual(nodeSets[0].config["node.store.allow_mmap"], false);
        assert.strictEqual(es.protect, true);
        assert.strictEqual(es.retainOnDelete, true);
    });

    it("keeps Kibana off the internet", () => {
        const kibana = one(resources, "kubernetes:kibana.k8s.elastic.co/v1:Kibana");
        assert.strictEqual(at(kibana.inputs, "spec.http.service.spec.type"), "ClusterIP");
        assert.strictEqual(at(kibana.inputs, "spec.elasticsearchRef.name"), "logs");
    });

    it("pins every chart", () => {
        for (const release of all(resources, "kubernetes:helm.sh/v3:Release")) {
            assert.match(String(release.inputs.version), /^\d+\.\d+\.\d+$/, release.name);
        }
        const charts = all(resources, "kubernetes:helm.sh/v3:Release")
            .map((r) => r.inputs.chart)
            .sort();
        assert.deepStrictEqual(charts, ["eck-operator", "fluent-bit"]);
    });

    it("ships logs from tenant nodes too, to namespace-named indices over verified TLS", () => {
        const fluentBit = all(resources, "kubernetes:helm.sh/v3:Release").find(
            (r) => r.inputs.chart === "fluent-bit",
        )!;
        const values = fluentBit.inputs.values as Record<string, never>;
        const tolerations = values.tolerations as { key: string }[];
        assert.ok(tolerations.some((t) => t.key === "airflow-platform/tenants"));
        assert.ok(tolerations.some((t) => t.key === "sandbox.gke.io/runtime"));
        assert.match(at(values, "config.outputs") as string, /Logstash_Prefix_Key\s+\$es_index/);
        assert.match(at(values, "config.outputs") as string, /tls\.verify\s+On/);
        assert.match((values.luaScripts as Record<string, string>)["index.lua"], /namespace_name/);
        assert.deepStrictEqual(at(values, "securityContext.capabilities"), { drop: ["ALL"] });
        assert.strictEqual(at(values, "securityContext.readOnlyRootFilesystem"), true);
    });

    it("sets retention and the writer's identity with a locked-down Job", () => {
        const config = all(resources, "kubernetes:core/v1:ConfigMap").find(
            (c) => c.name === "platform-bootstrap",
        )!;
        const policy = JSON.parse(
            (config.inputs.data as Record<string, string>)["retention-policy.json"],
        );
        assert.strictEqual(policy.policy.phases.delete.min_age, "30d");
        const job = one(resources, "kubernetes:batch/v1:Job", "platform-bootstrap");
        const pod = at(job.inputs, "spec.template.spec") as Record<string, never>;
        assert.strictEqual(pod.automountServiceAccountToken, false);
        assert.strictEqual(at(pod, "securityContext.runAsNonRoot"), true);
        const container = (pod.containers as Record<string, never>[])[0];
        assert.strictEqual(at(container, "securityContext.readOnlyRootFilesystem"), true);
        assert.strictEqual(at(container, "securityContext.allowPrivilegeEscalation"), false);
        const env = container.env as { name: string; value?: string; valueFrom?: unknown }[];
        for (const name of ["ES_ADMIN_PASSWORD", "WRITER_PASSWORD"]) {
            const variable = env.find((e) => e.name === name)!;
            assert.strictEqual(variable.value, undefined, `${name} comes from a Secret`);
            assert.ok(variable.valueFrom);
        }
        const writer = byName(
            resources,
            "kubernetes:core/v1:Secret",
            "fluent-bit-elasticsearch",
        )[0];
        assert.ok(isSecretInput(writer, "stringData.password"));
    });

    it("admits only its own pods, the operator and tenant namespaces to Elasticsearch", () => {
        const policies = all(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter(
            (p) => at(p.inputs, "metadata.namespace") === LOGGING_NAMESPACE,
        );
        const names = policies.map((p) => at(p.inputs, "metadata.name")).sort();
        assert.deepStrictEqual(names, ["default-deny-ingress", "elasticsearch", "kibana"]);
        const deny = policies.find(
            (p) => at(p.inputs, "metadata.name") === "default-deny-ingress",
        )!;
        assert.deepStrictEqual(deny.inputs.spec, { podSelector: {}, policyTypes: ["Ingress"] });
        const kibana = policies.find((p) => at(p.inputs, "metadata.name") === "kibana")!;
        assert.ok(!JSON.stringify(kibana.inputs.spec).includes("ipBlock"));
    });

    it("exports the Elasticsearch endpoint for tenant stacks", () => {
        assert.strictEqual(run.outputs.loggingEndpoint, "https://logs-es-http.logging.svc:9200");
    });

    describe("refuses bad input", () => {
        before(() => useBareMocks());
        const refuses = (args: Partial<LoggingArgs>, field: string) =>
            assert.throws(
                () => new Logging("l", { provider: undefined as unknown as k8s.Provider, ...args }),
                (e: unknown) => e instanceof InvalidArgumentError && e.field === field,
            );
        it("an even node count", () => refuses({ elasticsearchNodes: 2 }, "elasticsearchNodes"));
        it("a retention of zero days", () => refuses({ retentionDays: 0 }, "retentionDays"));
        it("an unpinned chart version", () =>
            refuses({ fluentBitChartVersion: "latest" }, "fluentBitChartVersion"));
        it("an unpinned Elasticsearch version", () =>
            refuses({ elasticsearchVersion: "8" }, "elasticsearchVersion"));
    });
});

describe("TenantLogAccess", () => {
    let run: RunResult;
    before(async () => {
        run = await runProgram({
            project: "airflow-platform",
            stack: "test",
            config: {},
            program: path.join(__dirname, "support", "tenant-log-access-program.ts"),
        });
    });

    it("gives the tenant a role that reads only its own indices", () => {
        const config = all(run.resources, "kubernetes:core/v1:ConfigMap")[0];
        assert.deepStrictEqual(
            JSON.parse((config.inputs.data as Record<string, string>)["role.json"]),
            tenantRole("acme"),
        );
        assert.strictEqual(run.outputs.indexPattern, "logs-acme.*");
        assert.strictEqual(run.outputs.username, "tenant-acme");
    });

    it("runs its Job in the logging namespace, so the superuser's password stays there", () => {
        const job = all(run.resources, "kubernetes:batch/v1:Job")[0];
        assert.strictEqual(at(job.inputs, "metadata.namespace"), LOGGING_NAMESPACE);
        const env = at(job.inputs, "spec.template.spec.containers") as {
            env: { name: string; value?: string }[];
        }[];
        assert.strictEqual(env[0].env.find((e) => e.name === "TENANT")?.value, "acme");
    });

    it("puts a read-only credential, secret, in the tenant's namespace", () => {
        const secret = byName(run.resources, "kubernetes:core/v1:Secret", TENANT_LOG_SECRET)[0];
        assert.strictEqual(at(secret.inputs, "metadata.namespace"), "acme");
        assert.ok(isSecretInput(secret, "stringData.password"));
        assert.ok(isSecretInput(secret, "stringData.url"));
        assert.ok(run.secretOutputs.includes("password"));
        assert.strictEqual(String(run.outputs.password).length, 40);
    });

    it("refuses a tenant name that is not a DNS label", async () => {
        await useBareMocks();
        assert.throws(
            () =>
                new TenantLogAccess("x", {
                    tenant: "Acme;",
                    tenantNamespace: "x",
                    provider: undefined as unknown as k8s.Provider,
                }),
            (e: unknown) => e instanceof InvalidArgumentError && e.field === "tenant",
        );
    });
});
