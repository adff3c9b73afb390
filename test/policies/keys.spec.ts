import * as assert from "assert";
import { durationSeconds, keyPolicies } from "../../policies/keys";
import { GCP } from "../../policies/types";
import {
    proveDeclarations,
    proveResourcePolicies,
    resource,
    run,
    UNSET,
    violated,
} from "./harness";

describe("policies/keys", () => {
    proveDeclarations(keyPolicies);

    describe("crypto keys", () => {
        proveResourcePolicies({
            policies: keyPolicies,
            type: GCP.cryptoKey,
            extra: { protect: true },
            compliant: () => ({
                keyRing: "r",
                purpose: "ENCRYPT_DECRYPT",
                rotationPeriod: "7776000s",
            }),
            cases: [
                { path: "rotationPeriod", value: "7776001s", expect: "kms-key-rotation" },
                { path: "rotationPeriod", value: "31536000s", expect: "kms-key-rotation" },
                { path: "rotationPeriod", value: UNSET, expect: "kms-key-rotation" },
                { path: "rotationPeriod", value: "90d", expect: "kms-key-rotation" },
                { path: "rotationPeriod", value: "2592000s", expect: [] },
                {
                    path: "rotationPeriod",
                    value: "2592000s",
                    expect: "kms-key-rotation",
                    config: { "kms-key-rotation": { maxRotationPeriodSeconds: 86400 } },
                },
                {
                    path: "purpose",
                    value: "ASYMMETRIC_SIGN",
                    expect: [],
                    also: [["rotationPeriod", UNSET]],
                },
                { path: "purpose", value: UNSET, expect: [] },
                { path: "destroyScheduledDuration", value: "86400s", expect: "kms-destroy-delay" },
                { path: "destroyScheduledDuration", value: "2592000s", expect: [] },
                {
                    path: "destroyScheduledDuration",
                    value: "86400s",
                    expect: [],
                    config: { "kms-destroy-delay": { minDestroyScheduledSeconds: 86400 } },
                },
                {
                    path: "keyRing",
                    value: "r",
                    extra: { protect: false },
                    expect: "kms-keys-protected",
                },
            ],
        });
    });

    describe("key rings", () => {
        proveResourcePolicies({
            policies: keyPolicies,
            type: GCP.keyRing,
            extra: { protect: true },
            compliant: () => ({ location: "us-east1" }),
            cases: [
                { path: "location", value: "global", expect: "kms-key-ring-region" },
                {
                    path: "location",
                    value: "europe-west1",
                    expect: [],
                    config: { "kms-key-ring-region": { region: "europe-west1" } },
                },
                {
                    path: "location",
                    value: "us-east1",
                    extra: { protect: false },
                    expect: "kms-keys-protected",
                },
            ],
        });
    });

    describe("key access", () => {
        for (const type of [GCP.cryptoKeyIamMember, GCP.keyRingIamMember]) {
            proveResourcePolicies({
                policies: keyPolicies,
                type,
                compliant: () => ({
                    cryptoKeyId: "k",
                    role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
                    member: "serviceAccount:a@p.iam.gserviceaccount.com",
                }),
                cases: [
                    { path: "member", value: "allUsers", expect: "kms-no-public-access" },
                    {
                        path: "member",
                        value: "allAuthenticatedUsers",
                        expect: "kms-no-public-access",
                    },
                ],
            });
        }

        it("reads bindings and policy documents", async () => {
            const binding = resource(GCP.cryptoKeyIamBinding, {
                role: "roles/cloudkms.cryptoKeyDecrypter",
                members: ["user:a@example.com", "allUsers"],
            });
            const policy = resource(GCP.keyRingIamPolicy, {
                policyData: JSON.stringify({
                    bindings: [
                        { role: "roles/cloudkms.admin", members: ["allAuthenticatedUsers"] },
                    ],
                }),
            });
            assert.deepStrictEqual(violated(await run(keyPolicies, [binding, policy])), [
                "kms-no-public-access",
                "kms-no-public-access",
            ]);
        });
    });

    it("reads KMS durations in seconds", () => {
        assert.strictEqual(durationSeconds("7776000s"), 7776000);
        assert.strictEqual(durationSeconds("100000.5s"), 100000.5);
        assert.strictEqual(durationSeconds("90d"), undefined);
    });
});
