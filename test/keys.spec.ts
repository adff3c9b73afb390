import * as assert from "assert";
import { Keys } from "../components/keys";
import { InvalidArgumentError } from "../components/validation";
import { PlannedResource } from "../tools/engine";
import { all, one, prodPlatform, useBareMocks } from "./support/harness";

describe("Keys", () => {
    let resources: PlannedResource[];
    before(async () => {
        resources = (await prodPlatform()).resources;
    });

    it("puts one key ring in us-east1, protected and kept on delete", () => {
        const ring = one(resources, "gcp:kms/keyRing:KeyRing");
        assert.strictEqual(ring.inputs.location, "us-east1");
        assert.strictEqual(ring.protect, true);
        assert.strictEqual(ring.retainOnDelete, true);
    });

    it("has a separate AES-256 key per use, rotated every 90 days, protected", () => {
        const keys = all(resources, "gcp:kms/cryptoKey:CryptoKey");
        assert.deepStrictEqual(keys.map((k) => k.name).sort(), [
            "platform-cloudsql",
            "platform-disks",
            "platform-kubernetes-secrets",
        ]);
        for (const key of keys) {
            assert.strictEqual(key.inputs.purpose, "ENCRYPT_DECRYPT", key.name);
            assert.strictEqual(key.inputs.rotationPeriod, "7776000s", key.name);
            assert.deepStrictEqual(key.inputs.versionTemplate, {
                algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION",
                protectionLevel: "SOFTWARE",
            });
            assert.strictEqual(key.protect, true, key.name);
            assert.strictEqual(key.retainOnDelete, true, key.name);
            assert.strictEqual(key.inputs.destroyScheduledDuration, "2592000s");
        }
    });

    it("grants each service agent encrypt/decrypt on its own key only", () => {
        const keyId = (name: string) => one(resources, "gcp:kms/cryptoKey:CryptoKey", name).id;
        const grants = all(resources, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
        const byKey = Object.fromEntries(
            grants.map((g) => [g.inputs.cryptoKeyId as string, g.inputs.member]),
        );
        assert.strictEqual(grants.length, 3);
        for (const g of grants) {
            assert.strictEqual(g.inputs.role, "roles/cloudkms.cryptoKeyEncrypterDecrypter");
        }
        assert.match(
            String(byKey[keyId("platform-kubernetes-secrets")!]),
            /@container-engine-robot\.iam/,
        );
        assert.match(String(byKey[keyId("platform-disks")!]), /@compute-system\.iam/);
        assert.match(String(byKey[keyId("platform-cloudsql")!]), /@gcp-sa-sqladmin\.iam/);
    });

    describe("refuses bad input", () => {
        before(() => useBareMocks());
        const refuses = (args: object, field: string) =>
            assert.throws(
                () => new Keys("k", { region: "us-east1", ...args }),
                (e: unknown) => e instanceof InvalidArgumentError && e.field === field,
            );
        it("a rotation period over 90 days", () => refuses({ rotationDays: 91 }, "rotationDays"));
        it("a region other than the configured one", () =>
            refuses({ region: "us-west1" }, "region"));
        it("an unknown protection level", () =>
            refuses({ protectionLevel: "EXTERNAL" }, "protectionLevel"));
    });
});
