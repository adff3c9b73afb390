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
    PolicyResource,
    Violation,
} from "../../tools/policy-engine";
import { loadStackConfig } from "../../tools/stack-config";
import { Path, UNSET, withField } from "./harness";

const TENANT_STACK = "tenant-acme-analytics";

/** One hardened setting: where it lives, a weak value, and the policy that must catch it. */
interface Weakening {
    type: string;
    /** Which resource of the type, by name; the first of the type when omitted. */
    name?: RegExp;
    path: Path;
    value: unknown;
    policy: string;
}

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

const CLUSTER = "gcp:container/cluster:Cluster";
const POOL = "gcp:container/nodePool:NodePool";
const FIREWALL = "gcp:compute/firewall:Firewall";
const NAT = "gcp:compute/routerNat:RouterNat";
const VM = "gcp:compute/instance:Instance";
const SQL = "gcp:sql/databaseInstance:DatabaseInstance";
const KEY = "gcp:kms/cryptoKey:CryptoKey";
const JOB = "kubernetes:batch/v1:Job";
const POD = ["spec", "template", "spec"];
const CONTAINER = [...POD, "containers", 0];

const PLATFORM_WEAKENINGS: Weakening[] = [
    { type: CLUSTER, path: "location", value: "us-east1-b", policy: "gke-cluster-location" },
    {
        type: CLUSTER,
        path: "privateClusterConfig.enablePrivateNodes",
        value: false,
        policy: "gke-private-nodes",
    },
    {
        type: CLUSTER,
        path: "privateClusterConfig.enablePrivateEndpoint",
        value: false,
        policy: "gke-private-endpoint",
    },
    {
        type: CLUSTER,
        path: "privateClusterConfig.masterGlobalAccessConfig.enabled",
        value: true,
        policy: "gke-control-plane-regional-access",
    },
    {
        type: CLUSTER,
        path: "controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic",
        value: true,
        policy: "gke-private-endpoint",
    },
    {
        type: CLUSTER,
        path: "masterAuthorizedNetworksConfig.cidrBlocks.0.cidrBlock",
        value: "0.0.0.0/0",
        policy: "gke-master-authorized-networks",
    },
    {
        type: CLUSTER,
        path: "masterAuthorizedNetworksConfig.privateEndpointEnforcementEnabled",
        value: false,
        policy: "gke-master-authorized-networks",
    },
    {
        type: CLUSTER,
        path: "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled",
        value: true,
        policy: "gke-no-google-public-access",
    },
    {
        type: CLUSTER,
        path: "masterAuth.clientCertificateConfig.issueClientCertificate",
        value: true,
        policy: "gke-no-client-certificate",
    },
    { type: CLUSTER, path: "enableLegacyAbac", value: true, policy: "gke-no-legacy-abac" },
    {
        type: CLUSTER,
        path: "rbacBindingConfig.enableInsecureBindingSystemAuthenticated",
        value: true,
        policy: "gke-no-insecure-rbac-bindings",
    },
    {
        type: CLUSTER,
        path: "rbacBindingConfig.enableInsecureBindingSystemUnauthenticated",
        value: true,
        policy: "gke-no-insecure-rbac-bindings",
    },
    {
        type: CLUSTER,
        path: "workloadIdentityConfig",
        value: UNSET,
        policy: "gke-workload-identity",
    },
    { type: CLUSTER, path: "datapathProvider", value: UNSET, policy: "gke-network-policy" },
    { type: CLUSTER, path: "networkingMode", value: "ROUTES", policy: "gke-vpc-native" },
    { type: CLUSTER, path: "enableShieldedNodes", value: false, policy: "gke-shielded-nodes" },
    {
        type: CLUSTER,
        path: "databaseEncryption.state",
        value: "DECRYPTED",
        policy: "gke-secrets-encryption",
    },
    { type: CLUSTER, path: "releaseChannel", value: UNSET, policy: "gke-release-channel" },
    {
        type: CLUSTER,
        path: "securityPostureConfig.mode",
        value: "DISABLED",
        policy: "gke-security-posture",
    },
    {
        type: CLUSTER,
        path: "loggingConfig.enableComponents",
        value: ["WORKLOADS"],
        policy: "gke-logging-monitoring",
    },
    {
        type: CLUSTER,
        path: "monitoringConfig.enableComponents",
        value: ["APISERVER"],
        policy: "gke-logging-monitoring",
    },
    {
        type: CLUSTER,
        path: "removeDefaultNodePool",
        value: false,
        policy: "gke-default-node-pool-removed",
    },
    { type: CLUSTER, path: "deletionProtection", value: false, policy: "gke-deletion-protection" },
    {
        type: CLUSTER,
        path: "nodeConfig.serviceAccount",
        value: "default",
        policy: "gke-node-service-account",
    },
    {
        type: CLUSTER,
        path: "nodeConfig.workloadMetadataConfig.mode",
        value: "GCE_METADATA",
        policy: "gke-node-metadata-server",
    },
    {
        type: CLUSTER,
        path: "nodeConfig.shieldedInstanceConfig.enableSecureBoot",
        value: false,
        policy: "gke-node-secure-boot",
    },
    {
        type: CLUSTER,
        path: "nodeConfig.bootDiskKmsKey",
        value: UNSET,
        policy: "gke-node-cmek-disks",
    },
    ...[/platform$/, /tenants$/].flatMap((name): Weakening[] => [
        {
            type: POOL,
            name,
            path: "nodeConfig.serviceAccount",
            value: "123-compute@developer.gserviceaccount.com",
            policy: "gke-node-service-account",
        },
        {
            type: POOL,
            name,
            path: "nodeConfig.workloadMetadataConfig.mode",
            value: "GCE_METADATA",
            policy: "gke-node-metadata-server",
        },
        {
            type: POOL,
            name,
            path: ["nodeConfig", "metadata", "disable-legacy-endpoints"],
            value: "false",
            policy: "gke-node-legacy-metadata-disabled",
        },
        {
            type: POOL,
            name,
            path: "nodeConfig.shieldedInstanceConfig.enableSecureBoot",
            value: false,
            policy: "gke-node-secure-boot",
        },
        {
            type: POOL,
            name,
            path: "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring",
            value: false,
            policy: "gke-node-integrity-monitoring",
        },
        {
            type: POOL,
            name,
            path: "nodeConfig.imageType",
            value: "UBUNTU_CONTAINERD",
            policy: "gke-node-image",
        },
        {
            type: POOL,
            name,
            path: "nodeConfig.bootDiskKmsKey",
            value: UNSET,
            policy: "gke-node-cmek-disks",
        },
        {
            type: POOL,
            name,
            path: "management.autoRepair",
            value: false,
            policy: "gke-node-auto-repair",
        },
        {
            type: POOL,
            name,
            path: "management.autoUpgrade",
            value: false,
            policy: "gke-node-auto-upgrade",
        },
    ]),
    {
        type: POOL,
        name: /tenants$/,
        path: "nodeConfig.sandboxConfig",
        value: UNSET,
        policy: "gke-tenant-pool-sandboxed",
    },
    {
        type: POOL,
        name: /tenants$/,
        path: "nodeConfig.taints",
        value: [],
        policy: "gke-tenant-pool-sandboxed",
    },
    {
        type: "gcp:compute/network:Network",
        path: "autoCreateSubnetworks",
        value: true,
        policy: "vpc-no-auto-subnets",
    },
    ...[/nodes$/, /bastion$/].flatMap((name): Weakening[] => [
        {
            type: "gcp:compute/subnetwork:Subnetwork",
            name,
            path: "privateIpGoogleAccess",
            value: false,
            policy: "subnet-private-google-access",
        },
        {
            type: "gcp:compute/subnetwork:Subnetwork",
            name,
            path: "logConfig",
            value: UNSET,
            policy: "subnet-flow-logs",
        },
    ]),
    {
        type: FIREWALL,
        name: /ssh-to-bastion$/,
        path: "sourceRanges",
        value: ["0.0.0.0/0"],
        policy: "firewall-no-public-ingress",
    },
    {
        type: FIREWALL,
        name: /ssh-to-bastion$/,
        path: "targetTags",
        value: UNSET,
        policy: "firewall-no-public-ingress",
    },
    {
        type: FIREWALL,
        name: /ssh-to-bastion$/,
        path: "allows.0.ports",
        value: ["22", "3389"],
        policy: "firewall-no-public-ingress",
    },
    {
        type: FIREWALL,
        name: /control-plane-to-nodes$/,
        path: "sourceRanges",
        value: ["0.0.0.0/0"],
        policy: "firewall-no-public-ingress",
    },
    {
        type: FIREWALL,
        name: /deny-all-ingress$/,
        path: "allows",
        value: [{ protocol: "all" }],
        policy: "firewall-no-world-all-ports",
    },
    {
        type: FIREWALL,
        name: /ssh-to-bastion$/,
        path: "logConfig",
        value: UNSET,
        policy: "firewall-logging",
    },
    { type: NAT, path: "logConfig.enable", value: false, policy: "nat-logging" },
    { type: NAT, path: "logConfig", value: UNSET, policy: "nat-logging" },
    {
        type: NAT,
        path: "subnetworks.0.sourceIpRangesToNats",
        value: ["PRIMARY_IP_RANGE"],
        policy: "nat-covers-all-subnets",
    },
    { type: NAT, path: "natIpAllocateOption", value: "AUTO_ONLY", policy: "nat-static-addresses" },
    {
        type: VM,
        path: "networkInterfaces.0.accessConfigs",
        value: [{ networkTier: "PREMIUM" }],
        policy: "vm-no-external-ip",
    },
    { type: VM, path: ["metadata", "enable-oslogin"], value: "FALSE", policy: "vm-os-login" },
    {
        type: VM,
        path: ["metadata", "block-project-ssh-keys"],
        value: UNSET,
        policy: "vm-block-project-ssh-keys",
    },
    {
        type: VM,
        path: ["metadata", "serial-port-enable"],
        value: "TRUE",
        policy: "vm-serial-port-disabled",
    },
    {
        type: VM,
        path: "shieldedInstanceConfig.enableSecureBoot",
        value: false,
        policy: "vm-shielded",
    },
    { type: VM, path: "shieldedInstanceConfig.enableVtpm", value: false, policy: "vm-shielded" },
    {
        type: VM,
        path: "shieldedInstanceConfig.enableIntegrityMonitoring",
        value: false,
        policy: "vm-shielded",
    },
    {
        type: VM,
        path: "serviceAccount.email",
        value: UNSET,
        policy: "vm-not-default-service-account",
    },
    { type: VM, path: "canIpForward", value: true, policy: "vm-no-ip-forwarding" },
    { type: VM, path: "bootDisk.kmsKeySelfLink", value: UNSET, policy: "vm-cmek-disks" },
    {
        type: SQL,
        path: "settings.ipConfiguration.ipv4Enabled",
        value: UNSET,
        policy: "sql-no-public-ip",
    },
    {
        type: SQL,
        path: "settings.ipConfiguration.authorizedNetworks",
        value: [{ value: "198.51.100.0/24" }],
        policy: "sql-no-authorized-networks",
    },
    {
        type: SQL,
        path: "settings.ipConfiguration.sslMode",
        value: "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
        policy: "sql-ssl-required",
    },
    { type: SQL, path: "encryptionKeyName", value: UNSET, policy: "sql-cmek" },
    {
        type: SQL,
        path: "settings.backupConfiguration.enabled",
        value: false,
        policy: "sql-backups-pitr",
    },
    {
        type: SQL,
        path: "settings.backupConfiguration.pointInTimeRecoveryEnabled",
        value: false,
        policy: "sql-backups-pitr",
    },
    {
        type: SQL,
        path: "settings.retainBackupsOnDelete",
        value: false,
        policy: "sql-backups-retained",
    },
    { type: SQL, path: "settings.availabilityType", value: "ZONAL", policy: "sql-regional" },
    { type: SQL, path: "deletionProtection", value: false, policy: "sql-deletion-protection" },
    {
        type: SQL,
        path: "settings.deletionProtectionEnabled",
        value: false,
        policy: "sql-deletion-protection",
    },
    { type: SQL, path: "settings.databaseFlags", value: [], policy: "sql-connection-logging" },
    {
        type: "gcp:kms/keyRing:KeyRing",
        path: "location",
        value: "global",
        policy: "kms-key-ring-region",
    },
    ...["kubernetes-secrets", "cloudsql", "disks"].flatMap((key): Weakening[] => [
        {
            type: KEY,
            name: new RegExp(`${key}$`),
            path: "rotationPeriod",
            value: "31536000s",
            policy: "kms-key-rotation",
        },
        {
            type: KEY,
            name: new RegExp(`${key}$`),
            path: "destroyScheduledDuration",
            value: "86400s",
            policy: "kms-destroy-delay",
        },
    ]),
    {
        type: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
        path: "member",
        value: "allUsers",
        policy: "kms-no-public-access",
    },
    {
        type: "gcp:projects/iAMMember:IAMMember",
        path: "role",
        value: "roles/editor",
        policy: "iam-no-basic-roles-for-service-accounts",
    },
    {
        type: "kubernetes:core/v1:Namespace",
        name: /^airflow-platform$/,
        path: ["metadata", "labels", "pod-security.kubernetes.io/enforce"],
        value: "baseline",
        policy: "namespace-pod-security-restricted",
    },
    {
        type: "kubernetes:core/v1:Namespace",
        name: /^logging$/,
        path: "metadata.name",
        value: "tools",
        policy: "namespace-pod-security-restricted",
    },
    {
        type: "kubernetes:helm.sh/v3:Release",
        name: /eck-operator$/,
        path: "version",
        value: "^3.3.0",
        policy: "k8s-helm-pinned-version",
    },
    {
        type: "kubernetes:helm.sh/v3:Release",
        name: /fluent-bit$/,
        path: "version",
        value: UNSET,
        policy: "k8s-helm-pinned-version",
    },
    {
        type: "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch",
        path: "spec.http.tls.selfSignedCertificate.disabled",
        value: true,
        policy: "logging-elasticsearch-tls",
    },
    {
        type: "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch",
        path: ["spec", "nodeSets", 0, "config", "xpack.security.enabled"],
        value: false,
        policy: "logging-elasticsearch-tls",
    },
    {
        type: "kubernetes:kibana.k8s.elastic.co/v1:Kibana",
        path: "spec.http.service.spec.type",
        value: "LoadBalancer",
        policy: "logging-not-published",
    },
    ...jobWeakenings(/bootstrap$/, true),
];

/**
 * The hardening of a Job's pod, weakened one setting at a time. A Job in a namespace exempt from
 * Pod Security restricted (the logging namespace) is held to the baseline settings only.
 */
function jobWeakenings(name: RegExp, exempt = false): Weakening[] {
    const restricted: Weakening[] = [
        {
            type: JOB,
            name,
            path: [...CONTAINER, "securityContext", "runAsNonRoot"],
            value: false,
            policy: "k8s-run-as-non-root",
        },
        {
            type: JOB,
            name,
            path: [...CONTAINER, "securityContext", "allowPrivilegeEscalation"],
            value: UNSET,
            policy: "k8s-no-privilege-escalation",
        },
        {
            type: JOB,
            name,
            path: [...CONTAINER, "securityContext", "capabilities"],
            value: UNSET,
            policy: "k8s-drop-all-capabilities",
        },
        {
            type: JOB,
            name,
            path: [...POD, "securityContext", "seccompProfile"],
            value: UNSET,
            policy: "k8s-seccomp-profile",
        },
        {
            type: JOB,
            name,
            path: [...CONTAINER, "securityContext", "readOnlyRootFilesystem"],
            value: false,
            policy: "k8s-read-only-root-filesystem",
        },
        {
            type: JOB,
            name,
            path: [...POD, "volumes", 1],
            value: { name: "host", hostPath: { path: "/" } },
            policy: "k8s-no-host-path",
        },
    ];
    const baseline: Weakening[] = [
        {
            type: JOB,
            name,
            path: [...CONTAINER, "securityContext", "privileged"],
            value: true,
            policy: "k8s-no-privileged",
        },
        {
            type: JOB,
            name,
            path: [...POD, "automountServiceAccountToken"],
            value: UNSET,
            policy: "k8s-no-default-token-mount",
        },
        {
            type: JOB,
            name,
            path: [...CONTAINER, "resources", "limits"],
            value: UNSET,
            policy: "k8s-resource-limits",
        },
        {
            type: JOB,
            name,
            path: [...CONTAINER, "image"],
            value: "postgres:latest",
            policy: "k8s-no-latest-image",
        },
        {
            type: JOB,
            name,
            path: [...POD, "hostNetwork"],
            value: true,
            policy: "k8s-no-host-namespaces",
        },
    ];
    return exempt ? baseline : [...restricted, ...baseline];
}

const TENANT_WEAKENINGS: Weakening[] = [
    {
        type: "kubernetes:core/v1:Namespace",
        path: ["metadata", "labels", "pod-security.kubernetes.io/enforce"],
        value: "baseline",
        policy: "tenant-namespace-pod-security",
    },
    {
        type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        name: /default-deny$/,
        path: "spec.policyTypes",
        value: ["Ingress"],
        policy: "tenant-default-deny-egress",
    },
    {
        type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        name: /default-deny$/,
        path: "spec.policyTypes",
        value: ["Egress"],
        policy: "tenant-default-deny-ingress",
    },
    {
        type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        name: /default-deny$/,
        path: "spec.podSelector",
        value: { matchLabels: { component: "web" } },
        policy: "tenant-default-deny-ingress",
    },
    {
        type: "kubernetes:rbac.authorization.k8s.io/v1:Role",
        path: "rules.0.verbs",
        value: ["*"],
        policy: "k8s-role-no-wildcards",
    },
    {
        type: "kubernetes:rbac.authorization.k8s.io/v1:Role",
        path: "rules.0.resources",
        value: ["pods", "pods/exec"],
        policy: "k8s-role-no-pod-exec",
    },
    {
        type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
        name: /scheduler$/,
        path: "roleRef",
        value: { kind: "ClusterRole", name: "cluster-admin" },
        policy: "k8s-no-cluster-admin-binding",
    },
    {
        type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
        name: /scheduler$/,
        path: "subjects.1",
        value: { kind: "Group", name: "system:unauthenticated" },
        policy: "k8s-no-anonymous-binding",
    },
    {
        type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
        name: /scheduler$/,
        path: "roleRef",
        value: { kind: "ClusterRole", name: "edit" },
        policy: "tenant-no-exec-through-built-in-roles",
    },
    {
        type: "kubernetes:helm.sh/v3:Release",
        path: "version",
        value: ">=1.15.0",
        policy: "k8s-helm-pinned-version",
    },
    {
        type: "kubernetes:helm.sh/v3:Release",
        path: "values.webserver.service.type",
        value: "LoadBalancer",
        policy: "k8s-no-public-service",
    },
    {
        type: "kubernetes:helm.sh/v3:Release",
        path: "values.securityContexts.pod.runAsNonRoot",
        value: false,
        policy: "airflow-chart-security-contexts",
    },
    {
        type: "kubernetes:helm.sh/v3:Release",
        path: "values.securityContexts.containers.allowPrivilegeEscalation",
        value: true,
        policy: "airflow-chart-security-contexts",
    },
    {
        type: "kubernetes:helm.sh/v3:Release",
        path: "values.webserver.defaultUser.enabled",
        value: true,
        policy: "airflow-no-default-user",
    },
    {
        type: "kubernetes:helm.sh/v3:Release",
        path: "values.rbac.create",
        value: true,
        policy: "airflow-chart-rbac-off",
    },
    {
        type: "kubernetes:helm.sh/v3:Release",
        path: "values.nodeSelector",
        value: UNSET,
        policy: "airflow-on-tenant-pool",
    },
    {
        type: "kubernetes:helm.sh/v3:Release",
        path: "values.tolerations",
        value: [],
        policy: "airflow-on-tenant-pool",
    },
    {
        type: "kubernetes:helm.sh/v3:Release",
        path: "values.config.webserver.expose_config",
        value: "True",
        policy: "airflow-config-hidden",
    },
    ...jobWeakenings(/database-provisioning$/),
];

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
