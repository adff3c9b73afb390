import * as assert from "assert";
import { CONNECTION_LOGGING_FLAGS, Database, DatabaseArgs } from "../components/database";
import { InvalidArgumentError } from "../components/validation";
import { PlannedResource, RunResult } from "../tools/engine";
import { at, isSecretInput, one, prodPlatform, useBareMocks } from "./support/harness";

describe("Database", () => {
    let run: RunResult;
    let instance: PlannedResource;
    const field = (path: string) => at(instance.inputs, path);
    before(async () => {
        run = await prodPlatform();
        instance = one(run.resources, "gcp:sql/databaseInstance:DatabaseInstance");
    });

    it("is PostgreSQL 15 in us-east1", () => {
        assert.strictEqual(field("databaseVersion"), "POSTGRES_15");
        assert.strictEqual(field("region"), "us-east1");
    });

    it("has no public IP (set explicitly), no authorized networks, and a private address", () => {
        assert.strictEqual(field("settings.ipConfiguration.ipv4Enabled"), false);
        assert.deepStrictEqual(field("settings.ipConfiguration.authorizedNetworks"), []);
        const network = one(run.resources, "gcp:compute/network:Network");
        assert.strictEqual(field("settings.ipConfiguration.privateNetwork"), network.id);
        const peering = one(run.resources, "gcp:servicenetworking/connection:Connection");
        assert.ok(instance.dependencies.includes(peering.urn));
    });

    it("requires SSL", () =>
        assert.strictEqual(field("settings.ipConfiguration.sslMode"), "ENCRYPTED_ONLY"));

    it("is encrypted with its own KMS key, after the service agent's grant", () => {
        const key = one(run.resources, "gcp:kms/cryptoKey:CryptoKey", "platform-cloudsql");
        assert.strictEqual(field("encryptionKeyName"), key.id);
        const grant = one(
            run.resources,
            "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
            "platform-cloudsql",
        );
        assert.ok(instance.dependencies.includes(grant.urn));
    });

    it("is highly available with backups, point-in-time recovery and a retention count", () => {
        assert.strictEqual(field("settings.availabilityType"), "REGIONAL");
        assert.strictEqual(field("settings.backupConfiguration.enabled"), true);
        assert.strictEqual(field("settings.backupConfiguration.pointInTimeRecoveryEnabled"), true);
        assert.deepStrictEqual(field("settings.backupConfiguration.backupRetentionSettings"), {
            retainedBackups: 30,
            retentionUnit: "COUNT",
        });
        assert.strictEqual(field("settings.backupConfiguration.transactionLogRetentionDays"), 7);
        assert.strictEqual(field("settings.retainBackupsOnDelete"), true);
    });

    it("is protected against deletion by Google, by the provider and by Pulumi", () => {
        assert.strictEqual(field("deletionProtection"), true);
        assert.strictEqual(field("settings.deletionProtectionEnabled"), true);
        assert.strictEqual(instance.protect, true);
        assert.strictEqual(instance.retainOnDelete, true);
    });

    it("logs connections", () => {
        const flags = field("settings.databaseFlags") as { name: string; value: string }[];
        for (const [name, value] of Object.entries(CONNECTION_LOGGING_FLAGS)) {
            assert.ok(
                flags.some((f) => f.name === name && f.value === value),
                name,
            );
        }
        assert.ok(flags.some((f) => f.name === "log_connections" && f.value === "on"));
        assert.ok(flags.some((f) => f.name === "log_disconnections" && f.value === "on"));
    });

    it("has a maintenance window", () => {
        assert.deepStrictEqual(field("settings.maintenanceWindow"), {
            day: 7,
            hour: 4,
            updateTrack: "stable",
        });
    });

    it("gives the administrator a random password of 40 characters, held as a secret", () => {
        const password = one(
            run.resources,
            "random:index/randomPassword:RandomPassword",
            "platform-admin",
        );
        assert.strictEqual(password.inputs.length, 40);
        assert.strictEqual(String(password.outputs.result).length, 40);
        const user = one(run.resources, "gcp:sql/user:User");
        assert.ok(isSecretInput(user, "password"), "the user's password input is secret");
        assert.strictEqual(user.inputs.password, password.outputs.result);
        assert.strictEqual(user.inputs.type, "BUILT_IN");
    });

    describe("refuses bad input", () => {
        before(() => useBareMocks());
        const base = {
            region: "us-east1",
            network: "n",
            privateServiceConnection: undefined as never,
            encryptionKeyId: "k",
        } as DatabaseArgs;
        const refuses = (args: Partial<DatabaseArgs>, field: string) =>
            assert.throws(
                () => new Database("db", { ...base, ...args }),
                (e: unknown) => e instanceof InvalidArgumentError && e.field === field,
            );
        it("a region other than the configured one", () =>
            refuses({ region: "us-east4" }, "region"));
        it("a version that is not PostgreSQL 15-17", () =>
            refuses({ databaseVersion: "MYSQL_8_0" as never }, "databaseVersion"));
        it("a shared-core tier", () => refuses({ tier: "db-f1-micro" }, "tier"));
        it("fewer than 7 backups", () =>
            refuses({ backupRetentionCount: 3 }, "backupRetentionCount"));
        it("an administrator name that is not an identifier", () =>
            refuses({ adminUser: "admin; drop" }, "adminUser"));
        it("a maintenance hour past 23", () => refuses({ maintenanceHour: 24 }, "maintenanceHour"));
    });
});
