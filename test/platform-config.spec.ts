import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { PLATFORM_CONFIG } from "../components/platform-config";
import { InvalidArgumentError } from "../components/validation";
import { loadStackConfig, StackConfigError } from "../tools/stack-config";
import { runPlatform } from "./support/harness";

const ROOT = path.resolve(__dirname, "..");

async function refusedKey(overrides: Record<string, string>): Promise<InvalidArgumentError> {
    try {
        await runPlatform(overrides);
    } catch (error) {
        assert.ok(
            error instanceof InvalidArgumentError,
            `expected InvalidArgumentError, got ${error}`,
        );
        return error;
    }
    assert.fail("expected the config to be refused");
}

describe("platform config", () => {
    it("Pulumi.yaml declares exactly the keys the loader reads, with the same types and defaults", () => {
        const declared = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).config;
        for (const [key, spec] of Object.entries(PLATFORM_CONFIG)) {
            assert.ok(declared[key], `Pulumi.yaml declares ${key}`);
            assert.strictEqual(declared[key].type, spec.type, key);
            assert.deepStrictEqual(declared[key].default, spec.default, key);
            assert.ok(String(declared[key].description).length > 10, key);
        }
        const extra = Object.keys(declared).filter((k) => !(k in PLATFORM_CONFIG));
        assert.deepStrictEqual(extra, ["platformStack"]);
    });

    it("Pulumi.prod.yaml sets only declared keys, with a placeholder only for the project id", () => {
        const prod = YAML.parse(
            fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8"),
        ).config;
        for (const key of Object.keys(prod)) {
            if (key.startsWith("gcp:")) continue;
            assert.ok(key.replace("airflow-platform:", "") in PLATFORM_CONFIG, key);
        }
        const placeholders = Object.entries(prod).filter(([, v]) => /REPLACE/i.test(String(v)));
        assert.deepStrictEqual(
            placeholders.map(([k]) => k),
            ["gcp:project"],
        );
    });

    it("overlays the stack file on Pulumi.yaml's defaults", () => {
        const { config } = loadStackConfig("prod");
        assert.strictEqual(config["airflow-platform:natAddressCount"], "2");
        assert.strictEqual(config["airflow-platform:bastionMode"], "iap");
        assert.strictEqual(config["airflow-platform:bastionAuthorizedNetworks"], "[]");
        assert.strictEqual(config["airflow-platform:databaseAdminUser"], "platform_admin");
    });

    it("turns encrypted values into placeholder secrets", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-config-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(
            path.join(dir, "Pulumi.x.yaml"),
            "config:\n  airflow-platform:token:\n    secure: AAABAJ==\n",
        );
        const loaded = loadStackConfig("x", dir);
        assert.deepStrictEqual(loaded.secretKeys, ["airflow-platform:token"]);
        assert.notStrictEqual(loaded.config["airflow-platform:token"], "AAABAJ==");
    });

    it("refuses a stack without a config file", () => {
        assert.throws(() => loadStackConfig("nonexistent"), StackConfigError);
    });

    describe("names the config key in errors", () => {
        it("overlapping ranges", async () => {
            const error = await refusedKey({ podCidr: "10.0.0.0/14" });
            assert.match(
                error.message,
                /^airflow-platform:nodeCidr: "10.0.0.0\/20" is not allowed; expected .*podCidr/,
            );
        });

        it("a public range", async () => {
            const error = await refusedKey({ serviceCidr: "8.8.0.0/20" });
            assert.strictEqual(error.field, "airflow-platform:serviceCidr");
        });

        it("0.0.0.0/0 as a bastion authorized network", async () => {
            const error = await refusedKey({
                bastionMode: "public",
                bastionAuthorizedNetworks: JSON.stringify(["0.0.0.0/0"]),
            });
            assert.strictEqual(error.field, "airflow-platform:bastionAuthorizedNetworks[0]");
        });

        it("a region other than the one configured for the provider", async () => {
            const error = await refusedKey({ region: "europe-west1", "gcp:region": "us-east1" });
            assert.strictEqual(error.field, "airflow-platform:region");
        });

        it("a node count that is not an integer", async () => {
            const error = await refusedKey({ tenantMaxNodes: "many" });
            assert.strictEqual(error.field, "airflow-platform:tenantMaxNodes");
        });

        it("authorized networks that are not a list", async () => {
            const error = await refusedKey({ bastionAuthorizedNetworks: "203.0.113.0/24" });
            assert.strictEqual(error.field, "airflow-platform:bastionAuthorizedNetworks");
        });

        it("a key rotation longer than 90 days", async () => {
            const error = await refusedKey({ kmsRotationDays: "365" });
            assert.strictEqual(error.field, "airflow-platform:kmsRotationDays");
        });
    });
});
