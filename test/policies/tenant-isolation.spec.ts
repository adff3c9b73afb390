import * as assert from "assert";
import { TENANT_LABEL } from "../../components/constants";
import {
    tenantDefaultDenyEgress,
    tenantDefaultDenyIngress,
    tenantIsolationPolicies,
    tenantLimitRange,
    tenantResourceQuota,
} from "../../policies/tenant-isolation";
import { K8S } from "../../policies/types";
import { PolicyResource } from "../../tools/policy-engine";
import {
    Path,
    proveDeclarations,
    proveResourcePolicies,
    resource,
    run,
    UNKNOWN_VALUE,
    UNSET,
    violated,
    withField,
} from "./harness";

const NS = "tenant-acme-analytics";

function namespace(): Record<string, unknown> {
    return {
        metadata: {
            name: NS,
            labels: {
                [TENANT_LABEL]: "acme-analytics",
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/warn": "restricted",
            },
        },
    };
}

/** A tenant namespace with everything the isolation policies ask for. */
function tenant(): PolicyResource[] {
    const meta = (name: string) => ({ name, namespace: NS });
    return [
        resource(K8S.namespace, namespace()),
        resource(K8S.networkPolicy, {
            metadata: meta("default-deny"),
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        }),
        resource(K8S.networkPolicy, {
            metadata: meta("allow-dns"),
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [{ ports: [{ port: 53, protocol: "UDP" }] }],
            },
        }),
        resource(K8S.resourceQuota, {
            metadata: meta("tenant-quota"),
            spec: { hard: { "limits.cpu": "8" } },
        }),
        resource(K8S.limitRange, {
            metadata: meta("tenant-limits"),
            spec: { limits: [{ type: "Container", default: { cpu: "500m" } }] },
        }),
    ];
}

const STACK_POLICIES = [
    tenantDefaultDenyIngress,
    tenantDefaultDenyEgress,
    tenantResourceQuota,
    tenantLimitRange,
];

describe("policies/tenant-isolation", () => {
    proveDeclarations(tenantIsolationPolicies);

    describe("tenant namespaces (Pod Security)", () => {
        proveResourcePolicies({
            policies: tenantIsolationPolicies.filter((p) => !STACK_POLICIES.includes(p as never)),
            type: K8S.namespace,
            compliant: namespace,
            cases: [
                {
                    path: ["metadata", "labels", "pod-security.kubernetes.io/enforce"],
                    value: "baseline",
                    expect: "tenant-namespace-pod-security",
                },
                {
                    path: ["metadata", "labels", "pod-security.kubernetes.io/enforce"],
                    value: UNSET,
                    expect: "tenant-namespace-pod-security",
                },
                {
                    path: ["metadata", "labels", TENANT_LABEL],
                    value: UNSET,
                    also: [[["metadata", "labels", "pod-security.kubernetes.io/enforce"], UNSET]],
                    expect: [],
                },
            ],
        });
    });

    describe("per-tenant resources (stack)", () => {
        it("pass a complete tenant namespace", async () => {
            assert.deepStrictEqual(violated(await run(STACK_POLICIES, tenant())), []);
        });

        const without = (pred: (r: PolicyResource) => boolean) => tenant().filter((r) => !pred(r));
        const cases: [string, PolicyResource[], string[]][] = [
            [
                "no default deny at all",
                without(
                    (r) =>
                        r.name === tenant()[1].name ||
                        (r.props.metadata as { name: string }).name === "default-deny",
                ),
                ["tenant-default-deny-egress", "tenant-default-deny-ingress"],
            ],
            [
                "no ResourceQuota",
                without((r) => r.type === K8S.resourceQuota),
                ["tenant-resource-quota"],
            ],
            ["no LimitRange", without((r) => r.type === K8S.limitRange), ["tenant-limit-range"]],
        ];
        for (const [title, resources, expected] of cases) {
            it(`report ${expected.join(", ")} with ${title}`, async () => {
                const evaluation = await run(STACK_POLICIES, resources);
                assert.deepStrictEqual(violated(evaluation), expected);
                assert.ok(
                    evaluation.violations.every((v) => v.urn === resources[0].urn),
                    "reported on the namespace",
                );
            });
        }

        const weakenDeny = (path: (string | number)[], value: unknown) =>
            tenant().map((r) =>
                (r.props.metadata as { name: string }).name === "default-deny"
                    ? { ...r, props: withField(r.props, path, value) }
                    : r,
            );
        const denyCases: [string, (string | number)[], unknown, string[]][] = [
            [
                "a deny that selects some pods only",
                ["spec", "podSelector"],
                { matchLabels: { app: "web" } },
                ["tenant-default-deny-egress", "tenant-default-deny-ingress"],
            ],
            [
                "a deny of ingress only",
                ["spec", "policyTypes"],
                ["Ingress"],
                ["tenant-default-deny-egress"],
            ],
            [
                "a deny of egress only",
                ["spec", "policyTypes"],
                ["Egress"],
                ["tenant-default-deny-ingress"],
            ],
            [
                "a deny that admits everything",
                ["spec", "ingress"],
                [{}],
                ["tenant-default-deny-ingress"],
            ],
            [
                "a deny in another namespace",
                ["metadata", "namespace"],
                "default",
                ["tenant-default-deny-egress", "tenant-default-deny-ingress"],
            ],
        ];
        for (const [title, path, value, expected] of denyCases) {
            it(`report ${expected.join(", ")} with ${title}`, async () => {
                assert.deepStrictEqual(
                    violated(await run(STACK_POLICIES, weakenDeny(path, value))),
                    expected,
                );
            });
        }

        it("report nothing while the deny's selector is unknown", async () => {
            const evaluation = await run(
                STACK_POLICIES,
                weakenDeny(["spec", "podSelector"], UNKNOWN_VALUE),
            );
            assert.deepStrictEqual(violated(evaluation), []);
        });

        it("report nothing while the namespace of the resources is unknown", async () => {
            const unknownNamespace = tenant().map((r) =>
                r.type === K8S.namespace
                    ? r
                    : { ...r, props: withField(r.props, ["metadata", "namespace"], UNKNOWN_VALUE) },
            );
            assert.deepStrictEqual(violated(await run(STACK_POLICIES, unknownNamespace)), []);
        });

        it("do not apply to a stack without tenant namespaces", async () => {
            const evaluation = await run(STACK_POLICIES, [
                resource(K8S.namespace, { metadata: { name: "logging" } }),
            ]);
            assert.deepStrictEqual(evaluation.violations, []);
            assert.strictEqual(evaluation.notApplicable.length, STACK_POLICIES.length);
        });
    });

    describe("roles", () => {
        for (const type of [K8S.role, K8S.clusterRole]) {
            proveResourcePolicies({
                policies: tenantIsolationPolicies.filter(
                    (p) => !STACK_POLICIES.includes(p as never),
                ),
                type,
                compliant: () => ({
                    metadata: { name: "member", namespace: NS },
                    rules: [
                        {
                            apiGroups: [""],
                            resources: ["pods", "pods/log"],
                            verbs: ["get", "list"],
                        },
                    ],
                }),
                cases: [
                    { path: "rules.0.verbs", value: ["*"], expect: "k8s-role-no-wildcards" },
                    { path: "rules.0.resources", value: ["*"], expect: "k8s-role-no-wildcards" },
                    { path: "rules.0.apiGroups", value: ["*"], expect: "k8s-role-no-wildcards" },
                    {
                        path: "rules.0.resources",
                        value: ["pods", "pods/exec"],
                        expect: "k8s-role-no-pod-exec",
                    },
                    {
                        path: "rules.1",
                        value: { apiGroups: [""], resources: ["pods/attach"], verbs: ["create"] },
                        expect: "k8s-role-no-pod-exec",
                    },
                ],
            });
        }
    });

    describe("bindings", () => {
        for (const type of [K8S.roleBinding, K8S.clusterRoleBinding]) {
            proveResourcePolicies({
                policies: tenantIsolationPolicies.filter(
                    (p) => !STACK_POLICIES.includes(p as never),
                ),
                type,
                compliant: () => ({
                    metadata: {
                        name: "members",
                        namespace: NS,
                        labels: { [TENANT_LABEL]: "acme-analytics" },
                    },
                    roleRef: {
                        apiGroup: "rbac.authorization.k8s.io",
                        kind: "Role",
                        name: "member",
                    },
                    subjects: [{ kind: "User", name: "ada@example.com" }],
                }),
                cases: [
                    {
                        path: "roleRef.name",
                        value: "cluster-admin",
                        expect: "k8s-no-cluster-admin-binding",
                    },
                    ...(type === K8S.roleBinding
                        ? [
                              {
                                  path: "roleRef",
                                  value: { kind: "ClusterRole", name: "edit" },
                                  expect: "tenant-no-exec-through-built-in-roles",
                              },
                              {
                                  path: "roleRef",
                                  value: { kind: "ClusterRole", name: "admin" },
                                  expect: "tenant-no-exec-through-built-in-roles",
                              },
                              {
                                  path: "roleRef",
                                  value: { kind: "ClusterRole", name: "view" },
                                  expect: [],
                              },
                              {
                                  path: "roleRef",
                                  value: { kind: "ClusterRole", name: "edit" },
                                  expect: [],
                                  config: {
                                      "tenant-no-exec-through-built-in-roles": {
                                          allowedClusterRoles: ["edit"],
                                      },
                                  },
                              },
                              {
                                  path: ["metadata", "labels"],
                                  value: {},
                                  also: [["roleRef", { kind: "ClusterRole", name: "edit" }]] as [
                                      Path,
                                      unknown,
                                  ][],
                                  expect: [],
                              },
                          ]
                        : []),
                    {
                        path: "subjects.1",
                        value: { kind: "User", name: "system:anonymous" },
                        expect: "k8s-no-anonymous-binding",
                    },
                    {
                        path: "subjects.0",
                        value: { kind: "Group", name: "system:unauthenticated" },
                        expect: "k8s-no-anonymous-binding",
                    },
                    {
                        path: "subjects.0",
                        value: { kind: "Group", name: "system:authenticated" },
                        expect: "k8s-no-anonymous-binding",
                    },
                ],
            });
        }
    });
});
