/**
 * The pack against the program itself: the prod stack and a tenant stack, planned under the mock
 * engine from their real config files, pass every mandatory policy; and each setting the program
 * hardens, weakened alone in the planned resources, is caught by the policy that guards it.
 */
import * as assert from "assert";
import { PlannedResource, runProgram } from "../../tools/engine";
import {
    deserialize,
    evaluatePolicies,
    fromPlanned,
    policyConfigFromStack,
    PolicyResource,
    Violation,
} from "../../tools/policy-engine";
import { loadStackConfig } from "../../tools/stack-config";
import { UNSET, withField } from "./harness";
import { PLATFORM_WEAKENINGS, TENANT_WEAKENINGS, Weakening } from "./weakenings";

const TENANT_STACK = "tenant-acme-analytics";

/** The planned resources as the pack sees them, with props already plain. */
function planned(resources: PlannedResource[]): PolicyResource[] {
    return resources
        .map(fromPlanned)
        .map((r) => ({ ...r, props: deserialize(r.props) as Record<string, unknown> }));
}

function weaken(
    resources: PolicyResource[],
    w: Weakening,
): { resources: PolicyResource[]; target: PolicyResource } {
    const target = resources.find((r) => r.type === w.type && (!w.name || w.name.test(r.name)));
    assert.ok(target, `the program declares a ${w.type}${w.name ? ` named like ${w.name}` : ""}`);
    const weakened = { ...target, props: withField(target.props, w.path, w.value) };
    return { resources: resources.map((r) => (r === target ? weakened : r)), target };
}

function mandatory(violations: Violation[]): Violation[] {
    return violations.filter((v) => v.enforcementLevel === "mandatory");
}

function show(violations: Violation[]): string {
    return violations.map((v) => `${v.policy} ${v.urn}: ${v.message}`).join("\n");
}

/** Proves each weakening against the stack's planned resources. */
function proveWeakenings(getResources: () => PolicyResource[], weakenings: Weakening[]): void {
    for (const w of weakenings) {
        const shown = w.value === UNSET ? "unset" : JSON.stringify(w.value);
        const where = Array.isArray(w.path) ? w.path.join(".") : w.path;
        it(`catches ${w.type.split(":").pop()}${w.name ? ` ${w.name.source}` : ""} ${where} = ${shown} (${w.policy})`, async () => {
            const { resources, target } = weaken(getResources(), w);
            const violations = await evaluatePolicies(resources);
            // Stack policies report on the tenant namespace rather than on the weakened resource.
            const onStack = w.policy.startsWith("tenant-default-deny");
            assert.ok(
                violations.some((v) => v.policy === w.policy && (onStack || v.urn === target.urn)),
                `expected ${w.policy} on ${target.urn}; got:\n${show(violations)}`,
            );
        });
    }
}

const NAT = "gcp:compute/routerNat:RouterNat";
const SQL = "gcp:sql/databaseInstance:DatabaseInstance";
const KEY = "gcp:kms/cryptoKey:CryptoKey";

/** Stack-level weakenings: a resource removed or added. */
function proveStackWeakenings(
    getResources: () => PolicyResource[],
    cases: [string, (rs: PolicyResource[]) => PolicyResource[], string][],
): void {
    for (const [title, change, policy] of cases) {
        it(`catches ${title} (${policy})`, async () => {
            const violations = await evaluatePolicies(change(getResources()));
            assert.ok(
                violations.some((v) => v.policy === policy),
                `expected ${policy}; got:\n${show(violations)}`,
            );
        });
    }
}

describe("policies against the program", function () {
    this.timeout(120000);
    let platform: PolicyResource[] = [];
    let platformOutputs: Record<string, unknown> = {};
    let tenant: PolicyResource[] = [];

    before(async () => {
        const prod = loadStackConfig("prod");
        const result = await runProgram({ ...prod, stackOutputs: {} });
        platform = planned(result.resources);
        platformOutputs = result.outputs;
        const tenantConfig = loadStackConfig(TENANT_STACK);
        const reference = tenantConfig.config[`${tenantConfig.project}:platformStack`];
        const tenantResult = await runProgram({
            ...tenantConfig,
            stackOutputs: { [reference]: platformOutputs },
        });
        tenant = planned(tenantResult.resources);
    });

    describe("the prod stack", () => {
        it("passes every policy, mandatory and advisory", async () => {
            const violations = await evaluatePolicies(platform);
            assert.deepStrictEqual(violations, [], show(violations));
        });

        proveWeakenings(() => platform, PLATFORM_WEAKENINGS);

        proveStackWeakenings(
            () => platform,
            [
                [
                    "a second Cloud NAT",
                    (rs) => {
                        const nat = rs.find((r) => r.type === NAT)!;
                        return [
                            ...rs,
                            { ...nat, urn: `${nat.urn}-second`, name: `${nat.name}-second` },
                        ];
                    },
                    "nat-single",
                ],
                ["the Cloud NAT removed", (rs) => rs.filter((r) => r.type !== NAT), "nat-single"],
                [
                    "the database unprotected",
                    (rs) => rs.map((r) => (r.type === SQL ? { ...r, protect: false } : r)),
                    "sql-deletion-protection",
                ],
                [
                    "a KMS key unprotected",
                    (rs) => rs.map((r) => (r.type === KEY ? { ...r, protect: false } : r)),
                    "kms-keys-protected",
                ],
                [
                    "a service account key",
                    (rs) => [
                        ...rs,
                        {
                            urn: "urn:pulumi:prod::airflow-platform::gcp:serviceaccount/key:Key::k",
                            type: "gcp:serviceaccount/key:Key",
                            name: "k",
                            props: { serviceAccountId: "a" },
                        },
                    ],
                    "iam-no-service-account-keys",
                ],
            ],
        );
    });

    describe("the prod stack with a public bastion", () => {
        let publicMode: PolicyResource[] = [];
        let stackConfig: Record<string, string> = {};

        before(async () => {
            const prod = loadStackConfig("prod");
            stackConfig = {
                ...prod.config,
                "airflow-platform:bastionMode": "public",
                "airflow-platform:bastionAuthorizedNetworks": JSON.stringify(["198.51.100.0/24"]),
            };
            const result = await runProgram({ ...prod, config: stackConfig, stackOutputs: {} });
            publicMode = planned(result.resources);
        });

        it("passes every mandatory policy with the config the stack implies", async () => {
            const violations = mandatory(
                await evaluatePolicies(publicMode, policyConfigFromStack(stackConfig)),
            );
            assert.deepStrictEqual(violations, [], show(violations));
        });

        it("is caught without that config: the authorized networks are not allowed SSH sources", async () => {
            const violations = mandatory(await evaluatePolicies(publicMode));
            assert.deepStrictEqual(
                violations.map((v) => [v.policy, v.urn?.split("::").pop()]),
                [["firewall-no-public-ingress", "platform-allow-ssh-to-bastion"]],
            );
        });

        it("catches an ephemeral external address on the bastion", async () => {
            const { resources, target } = weaken(publicMode, {
                type: "gcp:compute/instance:Instance",
                path: "networkInterfaces.0.accessConfigs.0.natIp",
                value: UNSET,
                policy: "vm-no-external-ip",
            });
            const violations = await evaluatePolicies(
                resources,
                policyConfigFromStack(stackConfig),
            );
            assert.ok(
                violations.some((v) => v.policy === "vm-no-external-ip" && v.urn === target.urn),
                show(violations),
            );
        });
    });

    describe("the tenant stack", () => {
        it("passes every mandatory policy", async () => {
            const violations = mandatory(await evaluatePolicies(tenant));
            assert.deepStrictEqual(violations, [], show(violations));
        });

        proveWeakenings(() => tenant, TENANT_WEAKENINGS);

        proveStackWeakenings(
            () => tenant,
            [
                [
                    "the default deny removed",
                    (rs) => rs.filter((r) => !/default-deny$/.test(r.name)),
                    "tenant-default-deny-ingress",
                ],
                [
                    "the ResourceQuota removed",
                    (rs) => rs.filter((r) => r.type !== "kubernetes:core/v1:ResourceQuota"),
                    "tenant-resource-quota",
                ],
                [
                    "the LimitRange removed",
                    (rs) => rs.filter((r) => r.type !== "kubernetes:core/v1:LimitRange"),
                    "tenant-limit-range",
                ],
            ],
        );
    });
});
