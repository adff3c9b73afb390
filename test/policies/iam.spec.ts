import * as assert from "assert";
import { iamPolicies } from "../../policies/iam";
import { GCP } from "../../policies/types";
import { proveDeclarations, proveResourcePolicies, resource, run, violated } from "./harness";

describe("policies/iam", () => {
    proveDeclarations(iamPolicies);

    describe("project grants", () => {
        proveResourcePolicies({
            policies: iamPolicies,
            type: GCP.projectIamMember,
            compliant: () => ({
                project: "p",
                role: "roles/logging.logWriter",
                member: "serviceAccount:nodes@p.iam.gserviceaccount.com",
            }),
            cases: [
                {
                    path: "role",
                    value: "roles/owner",
                    expect: "iam-no-basic-roles-for-service-accounts",
                },
                {
                    path: "role",
                    value: "roles/editor",
                    expect: "iam-no-basic-roles-for-service-accounts",
                },
                {
                    path: "member",
                    value: "user:admin@example.com",
                    expect: [],
                    also: [["role", "roles/owner"]],
                },
            ],
        });

        it("reads bindings and policy documents", async () => {
            const binding = resource(GCP.projectIamBinding, {
                role: "roles/editor",
                members: ["serviceAccount:a@p.iam.gserviceaccount.com", "group:ops@example.com"],
            });
            const policy = resource(GCP.projectIamPolicy, {
                policyData: JSON.stringify({
                    bindings: [
                        {
                            role: "roles/owner",
                            members: ["serviceAccount:b@p.iam.gserviceaccount.com"],
                        },
                    ],
                }),
            });
            assert.deepStrictEqual(violated(await run(iamPolicies, [binding, policy])), [
                "iam-no-basic-roles-for-service-accounts",
                "iam-no-basic-roles-for-service-accounts",
            ]);
        });
    });

    describe("service account keys", () => {
        it("reports any key", async () => {
            const evaluation = await run(iamPolicies, [
                resource(GCP.serviceAccountKey, { serviceAccountId: "a" }),
            ]);
            assert.deepStrictEqual(violated(evaluation), ["iam-no-service-account-keys"]);
        });

        it("does not apply to other types", async () => {
            const evaluation = await run(iamPolicies, [
                resource("gcp:serviceaccount/account:Account", { accountId: "a" }),
            ]);
            assert.deepStrictEqual(evaluation.violations, []);
            assert.deepStrictEqual(
                evaluation.notApplicable.map((n) => n.policy).sort(),
                iamPolicies.map((p) => p.name).sort(),
            );
        });
    });
});
