import * as assert from "assert";
import { RunResult } from "../tools/engine";
import { ACME, Json, lookups, runBoth, runTenants } from "./support/tenant-fixtures";
import { TENANT_LABEL, WORKSPACE_LABEL } from "../components/constants";
import { INTERNET_EGRESS_EXCEPT } from "../components/tenant-network-policies";
import { TEST_PLATFORM } from "./support/tenant-platform";

describe("Tenant under the mock engine: namespace, network, identities", function () {
    this.timeout(120000);
    let run: RunResult;
    const { find, inputs, all, policy } = lookups(() => run);

    before(async () => {
        run = await runBoth();
    });

    describe("namespace", () => {
        it("is named after the tenant, labelled with tenant and workspace, and Pod Security restricted", () => {
            const ns = inputs("kubernetes:core/v1:Namespace", "acme-namespace");
            assert.strictEqual(ns.metadata.name, "acme");
            assert.strictEqual(ns.metadata.labels[TENANT_LABEL], "acme");
            assert.strictEqual(ns.metadata.labels[WORKSPACE_LABEL], "acme-corp");
            for (const mode of ["enforce", "audit", "warn"]) {
                assert.strictEqual(
                    ns.metadata.labels[`pod-security.kubernetes.io/${mode}`],
                    "restricted",
                    mode,
                );
            }
        });

        it("has a quota with no LoadBalancer or NodePort Services, from the resources given", () => {
            const acme = inputs("kubernetes:core/v1:ResourceQuota", "acme-quota");
            assert.strictEqual(acme.metadata.namespace, "acme");
            assert.deepStrictEqual(acme.spec.hard, {
                "requests.cpu": "8",
                "limits.cpu": "8",
                "requests.memory": "32Gi",
                "limits.memory": "32Gi",
                pods: "50",
                persistentvolumeclaims: "4",
                "requests.storage": "100Gi",
                "services.loadbalancers": "0",
                "services.nodeports": "0",
            });
            const globex = inputs("kubernetes:core/v1:ResourceQuota", "globex-quota");
            assert.strictEqual(globex.spec.hard["requests.cpu"], "4");
            assert.strictEqual(globex.spec.hard["limits.memory"], "16Gi");
            assert.strictEqual(globex.spec.hard.pods, "20");
        });

        it("has a LimitRange giving containers default requests and limits", () => {
            const limits = inputs("kubernetes:core/v1:LimitRange", "acme-limits");
            assert.strictEqual(limits.metadata.namespace, "acme");
            assert.deepStrictEqual(limits.spec.limits, [
                {
                    type: "Container",
                    defaultRequest: { cpu: "250m", memory: "512Mi" },
                    default: { cpu: "1", memory: "2Gi" },
                },
            ]);
        });
    });

    describe("network policies", () => {
        it("deny all ingress and egress for every pod by default", () => {
            const deny = policy("acme", "default-deny");
            assert.strictEqual(deny.metadata.namespace, "acme");
            assert.deepStrictEqual(deny.spec, {
                podSelector: {},
                policyTypes: ["Ingress", "Egress"],
            });
        });

        it("allow DNS to kube-dns only, on UDP and TCP 53", () => {
            const dns = policy("acme", "allow-dns");
            assert.deepStrictEqual(dns.spec.egress, [
                {
                    to: [
                        {
                            namespaceSelector: {
                                matchLabels: { "kubernetes.io/metadata.name": "kube-system" },
                            },
                            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                        },
                    ],
                    ports: [
                        { protocol: "UDP", port: 53 },
                        { protocol: "TCP", port: 53 },
                    ],
                },
            ]);
        });

        it("allow the Cloud SQL private address alone on 5432", () => {
            assert.deepStrictEqual(policy("acme", "allow-database").spec.egress, [
                {
                    to: [{ ipBlock: { cidr: `${TEST_PLATFORM.databasePrivateIp}/32` } }],
                    ports: [{ protocol: "TCP", port: 5432 }],
                },
            ]);
        });

        it("allow the logging namespace on 9200 and the ingress controller to the webserver", () => {
            assert.deepStrictEqual(policy("acme", "allow-logging").spec.egress, [
                {
                    to: [
                        {
                            namespaceSelector: {
                                matchLabels: { "kubernetes.io/metadata.name": "logging" },
                            },
                        },
                    ],
                    ports: [{ protocol: "TCP", port: 9200 }],
                },
            ]);
            const ingress = policy("acme", "allow-ingress-controller");
            assert.deepStrictEqual(ingress.spec.podSelector, {
                matchLabels: { component: "webserver" },
            });
            assert.deepStrictEqual(ingress.spec.policyTypes, ["Ingress"]);
            assert.deepStrictEqual(ingress.spec.ingress, [
                {
                    from: [
                        {
                            namespaceSelector: {
                                matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" },
                            },
                        },
                    ],
                    ports: [{ protocol: "TCP", port: 8080 }],
                },
            ]);
        });

        it("allow traffic among the tenant's own pods and the scheduler to the API server", () => {
            const same = policy("acme", "allow-same-namespace");
            assert.deepStrictEqual(same.spec.ingress, [{ from: [{ podSelector: {} }] }]);
            assert.deepStrictEqual(same.spec.egress, [{ to: [{ podSelector: {} }] }]);
            const api = policy("acme", "allow-kube-api");
            assert.deepStrictEqual(api.spec.podSelector, {
                matchLabels: { component: "scheduler" },
            });
            assert.deepStrictEqual(api.spec.egress, [
                {
                    to: [{ ipBlock: { cidr: `${TEST_PLATFORM.clusterEndpoint}/32` } }],
                    ports: [{ protocol: "TCP", port: 443 }],
                },
            ]);
        });

        it("give no internet egress by default, and only outside private ranges when allowed", () => {
            assert.strictEqual(
                run.resources.find((r) => r.name === "acme-allow-internet-egress"),
                undefined,
            );
            const internet = policy("globex", "allow-internet-egress");
            assert.deepStrictEqual(internet.spec.podSelector, {
                matchLabels: { component: "worker" },
            });
            assert.deepStrictEqual(internet.spec.egress, [
                { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...INTERNET_EGRESS_EXCEPT] } }] },
            ]);
        });

        it("never admit the metadata server nor another namespace than DNS, logging and ingress", () => {
            const metadata = 0xa9fea9fe; // 169.254.169.254
            const toInt = (ip: string) => ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
            const covers = (cidr: string, address: number) => {
                const [base, bits] = cidr.split("/");
                const size = 2 ** (32 - Number(bits));
                const first = toInt(base) - (toInt(base) % size);
                return address >= first && address < first + size;
            };
            for (const tenant of ["acme", "globex"]) {
                for (const p of all("kubernetes:networking.k8s.io/v1:NetworkPolicy", tenant)) {
                    const spec = (p.inputs as Json).spec;
                    const peers = [
                        ...(spec.egress ?? []).flatMap((r: Json) => r.to ?? []),
                        ...(spec.ingress ?? []).flatMap((r: Json) => r.from ?? []),
                    ];
                    for (const peer of peers) {
                        if (peer.ipBlock) {
                            const excluded = (peer.ipBlock.except ?? []).some((e: string) =>
                                covers(e, metadata),
                            );
                            assert.ok(
                                !covers(peer.ipBlock.cidr, metadata) || excluded,
                                `${p.name} admits metadata`,
                            );
                        }
                        if (peer.namespaceSelector) {
                            const ns =
                                peer.namespaceSelector.matchLabels?.["kubernetes.io/metadata.name"];
                            assert.ok(
                                ["kube-system", "logging", "ingress-nginx"].includes(ns),
                                `${p.name}: ${ns}`,
                            );
                        }
                    }
                }
            }
        });
    });

    describe("identities", () => {
        it("let the scheduler manage pods and read logs, with no pods/exec and no wildcard", () => {
            const role = inputs("kubernetes:rbac.authorization.k8s.io/v1:Role", "acme-scheduler");
            assert.strictEqual(role.metadata.namespace, "acme");
            assert.deepStrictEqual(role.rules, [
                {
                    apiGroups: [""],
                    resources: ["pods"],
                    verbs: ["create", "get", "list", "watch", "delete", "patch"],
                },
                { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
                { apiGroups: [""], resources: ["events"], verbs: ["list", "watch"] },
            ]);
            const flat = JSON.stringify(role.rules);
            assert.ok(!flat.includes("pods/exec") && !flat.includes("*"));
            const binding = inputs(
                "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
                "acme-scheduler",
            );
            assert.deepStrictEqual(binding.roleRef, {
                apiGroup: "rbac.authorization.k8s.io",
                kind: "Role",
                name: "airflow-scheduler",
            });
            assert.deepStrictEqual(binding.subjects, [
                { kind: "ServiceAccount", name: "airflow-scheduler", namespace: "acme" },
            ]);
        });

        it("give task pods a ServiceAccount with no token and no binding", () => {
            const worker = inputs("kubernetes:core/v1:ServiceAccount", "acme-worker");
            assert.strictEqual(worker.metadata.name, "airflow-worker");
            assert.strictEqual(worker.automountServiceAccountToken, false);
            const bound = run.resources.filter(
                (r) =>
                    r.type.endsWith("RoleBinding") &&
                    JSON.stringify((r.inputs as Json).subjects).includes("airflow-worker"),
            );
            assert.deepStrictEqual(bound, []);
        });

        it("bind each member's Google identity to the tenant Role of the member's role", () => {
            const bindings = all(
                "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
                "acme",
            ).filter((r) => r.name.startsWith("acme-member-"));
            const seen = bindings.map((b) => {
                const i = b.inputs as Json;
                assert.strictEqual(i.metadata.namespace, "acme");
                assert.strictEqual(i.roleRef.kind, "Role");
                assert.strictEqual(i.roleRef.apiGroup, "rbac.authorization.k8s.io");
                assert.strictEqual(i.subjects.length, 1);
                assert.strictEqual(i.subjects[0].kind, "User");
                assert.strictEqual(i.subjects[0].apiGroup, "rbac.authorization.k8s.io");
                return [i.subjects[0].name, i.roleRef.name];
            });
            assert.deepStrictEqual(seen.sort(), [
                ["ada@acme.example", "tenant-admin"],
                ["grace@acme.example", "tenant-editor"],
                ["linus@acme.example", "tenant-viewer"],
            ]);
        });

        it("give members no shell, no wildcard, and Secrets to admins only", () => {
            const rules = (role: string) =>
                inputs("kubernetes:rbac.authorization.k8s.io/v1:Role", `acme-tenant-${role}`)
                    .rules as Json[];
            const grants = (role: string, resource: string, verb: string) =>
                rules(role).some((r) => r.resources.includes(resource) && r.verbs.includes(verb));
            for (const role of ["admin", "editor", "viewer"]) {
                const role_ = inputs(
                    "kubernetes:rbac.authorization.k8s.io/v1:Role",
                    `acme-tenant-${role}`,
                );
                assert.strictEqual(role_.metadata.namespace, "acme");
                const flat = JSON.stringify(rules(role));
                for (const forbidden of [
                    "*",
                    "pods/exec",
                    "pods/attach",
                    "escalate",
                    "bind",
                    "impersonate",
                ]) {
                    assert.ok(!flat.includes(`"${forbidden}"`), `${role} grants ${forbidden}`);
                }
                assert.ok(grants(role, "pods/log", "get"), `${role} reads logs`);
                assert.ok(!grants(role, "pods", "create"), `${role} creates pods`);
            }
            assert.ok(grants("admin", "secrets", "get"));
            assert.ok(!grants("editor", "secrets", "get") && !grants("viewer", "secrets", "get"));
            assert.ok(grants("editor", "pods", "delete") && !grants("viewer", "pods", "delete"));
        });
    });

    describe("composition", () => {
        it("parents every child to its Tenant and gives Kubernetes objects the given provider", () => {
            for (const tenant of ["acme", "globex"]) {
                const component = find("airflow-platform:index:Tenant", tenant);
                const children = run.resources.filter((r) => r.name.startsWith(`${tenant}-`));
                assert.ok(children.length >= 20);
                const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
                for (const child of children) {
                    // A child of a component the Tenant composes (its log access) counts as its own.
                    let parent = byUrn.get(child.parent ?? "");
                    while (parent && parent.urn !== component.urn && !parent.custom) {
                        parent = byUrn.get(parent.parent ?? "");
                    }
                    assert.strictEqual(parent?.urn, component.urn, child.name);
                    if (child.type.startsWith("kubernetes:")) {
                        assert.match(child.provider ?? "", /test-cluster/, child.name);
                    }
                }
            }
        });

        it("keeps every Kubernetes name within 63 characters for the longest tenant name", async () => {
            const longest = `a${"b".repeat(36)}c`;
            const long = await runTenants([{ name: longest, workspace: "w" }]);
            const names = long.resources
                .filter((r) => r.type.startsWith("kubernetes:") && r.custom)
                .map((r) => String(((r.inputs as Json).metadata ?? {}).name ?? r.outputs.metadata));
            assert.ok(names.length > 20);
            for (const name of names) {
                assert.ok(name.length <= 63, `${name} has ${name.length} characters`);
            }
        });

        it("creates nothing when an argument is bad", async () => {
            await assert.rejects(
                runTenants([{ ...ACME, name: "kube-acme" }]),
                /name: "kube-acme" is not allowed/,
            );
            await assert.rejects(
                runTenants([{ ...ACME, members: [{ email: "not-an-email", role: "admin" }] }]),
                /members\[0\]\.email/,
            );
        });
    });
});
