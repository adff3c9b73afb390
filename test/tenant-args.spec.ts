import * as assert from "assert";
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { RESERVED_NAMESPACES } from "../components/constants";
import { Tenant } from "../components/tenant";
import { resolveTenantSpec, TenantSpec } from "../components/tenant-args";
import { postgresIdentifiers } from "../components/tenant-sql";
import { InvalidArgumentError } from "../components/validation";
import { TEST_PLATFORM } from "./support/tenant-platform";

const GOOD: TenantSpec = {
    name: "acme",
    workspace: "acme-corp",
    members: [{ email: "ada@acme.example", role: "admin" }],
};

/** Asserts that the spec is refused, naming this field and saying what is allowed. */
function refuses(spec: unknown, field: string, allowed: RegExp): void {
    assert.throws(
        () => resolveTenantSpec(spec as TenantSpec),
        (err: unknown) => {
            assert.ok(err instanceof InvalidArgumentError, String(err));
            assert.strictEqual(err.field, field);
            assert.match(err.allowed, allowed);
            assert.ok(err.message.startsWith(`${field}: `), err.message);
            return true;
        },
    );
}

describe("tenant arguments", () => {
    it("applies the documented defaults", () => {
        const r = resolveTenantSpec({ name: "acme", workspace: "acme-corp" });
        assert.deepStrictEqual(r.members, []);
        assert.deepStrictEqual(r.resources, {
            cpu: 8,
            memoryGi: 32,
            pods: 50,
            persistentVolumeClaims: 4,
            storageGi: 100,
            databaseConnections: 100,
        });
        assert.strictEqual(r.airflow.chartVersion, "1.15.0");
        assert.strictEqual(r.airflow.executor, "KubernetesExecutor");
        assert.deepStrictEqual(r.airflow.image, { repository: "apache/airflow", tag: "2.9.3" });
        assert.strictEqual(r.allowInternetEgress, false);
        assert.strictEqual(r.dropDataOnDelete, false);
    });

    describe("name", () => {
        it("refuses what is not a DNS label", () => {
            for (const bad of [
                "Acme",
                "acme_corp",
                "-acme",
                "acme-",
                "1acme",
                "",
                "a.b",
                "acme corp",
            ]) {
                refuses({ ...GOOD, name: bad }, "name", /DNS label/);
            }
        });

        it("refuses reserved namespaces and prefixes", () => {
            for (const bad of [...RESERVED_NAMESPACES, "kube-tenant", "gke-x", "gmp-y"]) {
                refuses({ ...GOOD, name: bad }, "name", /not reserved|DNS label/);
            }
        });

        it("refuses a name too long for a derived Kubernetes name", () => {
            assert.doesNotThrow(() => resolveTenantSpec({ ...GOOD, name: "a".repeat(38) }));
            refuses(
                { ...GOOD, name: "a".repeat(39) },
                "name",
                /log access Job name .* at most 63 characters/,
            );
        });

        it("derives names within every limit for every accepted name (property)", () => {
            fc.assert(
                fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{0,60}[a-z0-9]$/), (name) => {
                    let accepted = true;
                    try {
                        resolveTenantSpec({ ...GOOD, name });
                    } catch (err) {
                        assert.ok(err instanceof InvalidArgumentError && err.field === "name");
                        accepted = false;
                    }
                    if (accepted) {
                        assert.ok(name.length <= 38);
                        assert.ok(Buffer.byteLength(postgresIdentifiers(name).role) <= 63);
                    }
                }),
            );
        });
    });

    it("refuses a workspace that is not a DNS label", () => {
        refuses({ ...GOOD, workspace: "Acme Corp" }, "workspace", /DNS label/);
        refuses({ ...GOOD, workspace: undefined }, "workspace", /DNS label/);
    });

    describe("members", () => {
        it("refuses an email that is not one", () => {
            for (const bad of [
                "ada",
                "ada@",
                "@acme.example",
                "ada@acme",
                "ada @acme.example",
                42,
            ]) {
                refuses(
                    { ...GOOD, members: [{ email: bad, role: "admin" }] },
                    "members[0].email",
                    /email address/,
                );
            }
        });

        it("refuses an unknown role", () => {
            refuses(
                { ...GOOD, members: [{ email: "ada@acme.example", role: "owner" }] },
                "members[0].role",
                /one of admin, editor, viewer/,
            );
        });

        it("refuses the same member twice", () => {
            refuses(
                {
                    ...GOOD,
                    members: [
                        { email: "ada@acme.example", role: "admin" },
                        { email: "Ada@acme.example", role: "viewer" },
                    ],
                },
                "members[1].email",
                /only once/,
            );
        });
    });

    it("refuses a non-positive or non-integer quota, naming it", () => {
        for (const key of [
            "cpu",
            "memoryGi",
            "pods",
            "persistentVolumeClaims",
            "storageGi",
            "databaseConnections",
        ]) {
            for (const bad of [0, -1, 1.5, "8"]) {
                refuses(
                    { ...GOOD, resources: { [key]: bad } },
                    `resources.${key}`,
                    /an integer from 1 to/,
                );
            }
        }
    });

    describe("airflow", () => {
        it("refuses an unpinned chart version, another executor and a latest image", () => {
            refuses(
                { ...GOOD, airflow: { chartVersion: "^1.15" } },
                "airflow.chartVersion",
                /pinned version/,
            );
            refuses(
                { ...GOOD, airflow: { executor: "CeleryExecutor" } },
                "airflow.executor",
                /KubernetesExecutor/,
            );
            refuses(
                { ...GOOD, airflow: { image: { repository: "apache/airflow", tag: "latest" } } },
                "airflow.image.tag",
                /other than latest/,
            );
        });

        it("refuses environment variables the platform sets or that are malformed", () => {
            refuses(
                { ...GOOD, airflow: { env: { AIRFLOW__CORE__FERNET_KEY: "x" } } },
                "airflow.env.AIRFLOW__CORE__FERNET_KEY",
                /does not set/,
            );
            refuses(
                { ...GOOD, airflow: { env: { "bad-name": "x" } } },
                "airflow.env.bad-name",
                /\[A-Z_\]/,
            );
            refuses(
                { ...GOOD, airflow: { env: { GOOD_NAME: 3 } } },
                "airflow.env.GOOD_NAME",
                /string/,
            );
        });

        it("refuses alert settings without a host, with a bad sender, port or recipient", () => {
            const alerts = { smtpHost: "smtp.acme.example", mailFrom: "airflow@acme.example" };
            assert.doesNotThrow(() => resolveTenantSpec({ ...GOOD, airflow: { alerts } }));
            refuses(
                { ...GOOD, airflow: { alerts: { ...alerts, smtpHost: "" } } },
                "airflow.alerts.smtpHost",
                /non-empty/,
            );
            refuses(
                { ...GOOD, airflow: { alerts: { ...alerts, mailFrom: "x" } } },
                "airflow.alerts.mailFrom",
                /email/,
            );
            refuses(
                { ...GOOD, airflow: { alerts: { ...alerts, smtpPort: 0 } } },
                "airflow.alerts.smtpPort",
                /1 to 65535/,
            );
            refuses(
                {
                    ...GOOD,
                    airflow: { alerts: { ...alerts, recipients: ["ok@acme.example", "nope"] } },
                },
                "airflow.alerts.recipients[1]",
                /email/,
            );
        });
    });

    it("refuses flags that are not booleans", () => {
        refuses({ ...GOOD, allowInternetEgress: "yes" }, "allowInternetEgress", /true or false/);
        refuses({ ...GOOD, dropDataOnDelete: 1 }, "dropDataOnDelete", /true or false/);
    });
});

describe("Tenant refusing bad input", () => {
    let registered: string[];

    before(async () => {
        registered = [];
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    registered.push(args.name);
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: () => ({}),
            },
            "airflow-platform",
            "test",
            false,
        );
    });

    it("throws before any resource exists, the component included", async () => {
        const bad: unknown[] = [
            { ...GOOD, name: "default" },
            { ...GOOD, resources: { pods: 0 } },
            { ...GOOD, members: [{ email: "ada@acme.example", role: "root" }] },
        ];
        for (const spec of bad) {
            assert.throws(
                () => new Tenant("bad", { ...(spec as TenantSpec), platform: TEST_PLATFORM }),
                InvalidArgumentError,
            );
        }
        assert.throws(
            () => new Tenant("bad", { ...GOOD, platform: undefined as never }),
            (err: InvalidArgumentError) => err.field === "platform",
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.deepStrictEqual(registered, []);
    });
});
