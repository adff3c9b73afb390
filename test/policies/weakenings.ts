/**
 * The settings the program hardens, one row each: where the setting lives, a weak value, and the
 * policy that must catch it. test/policies/program.spec.ts applies each row alone to the
 * planned resources of the prod and tenant stacks.
 */
import { Path, UNSET } from "./harness";

/** One hardened setting: where it lives, a weak value, and the policy that must catch it. */
export interface Weakening {
    type: string;
    /** Which resource of the type, by name; the first of the type when omitted. */
    name?: RegExp;
    path: Path;
    value: unknown;
    policy: string;
}

/** The rows of one resource: [path, weak value, policy]. */
function on(type: string, name: RegExp | undefined, rows: [Path, unknown, string][]): Weakening[] {
    return rows.map(([path, value, policy]) => ({ type, name, path, value, policy }));
}

const CLUSTER = "gcp:container/cluster:Cluster";
const POOL = "gcp:container/nodePool:NodePool";
const SUBNET = "gcp:compute/subnetwork:Subnetwork";
const FIREWALL = "gcp:compute/firewall:Firewall";
const NAT = "gcp:compute/routerNat:RouterNat";
const VM = "gcp:compute/instance:Instance";
const SQL = "gcp:sql/databaseInstance:DatabaseInstance";
const KEY = "gcp:kms/cryptoKey:CryptoKey";
const JOB = "kubernetes:batch/v1:Job";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const POD = ["spec", "template", "spec"];
const CONTAINER = [...POD, "containers", 0];

/**
 * The hardening of a Job's pod, weakened one setting at a time. A Job in a namespace exempt from
 * Pod Security restricted (the logging namespace) is held to the baseline settings only.
 */
export function jobWeakenings(name: RegExp, exempt = false): Weakening[] {
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

export const PLATFORM_WEAKENINGS: Weakening[] = [
    ...on(CLUSTER, undefined, [
        ["location", "us-east1-b", "gke-cluster-location"],
        ["privateClusterConfig.enablePrivateNodes", false, "gke-private-nodes"],
        ["privateClusterConfig.enablePrivateEndpoint", false, "gke-private-endpoint"],
        [
            "privateClusterConfig.masterGlobalAccessConfig.enabled",
            true,
            "gke-control-plane-regional-access",
        ],
        [
            "controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic",
            true,
            "gke-private-endpoint",
        ],
        [
            "masterAuthorizedNetworksConfig.cidrBlocks.0.cidrBlock",
            "0.0.0.0/0",
            "gke-master-authorized-networks",
        ],
        [
            "masterAuthorizedNetworksConfig.privateEndpointEnforcementEnabled",
            false,
            "gke-master-authorized-networks",
        ],
        [
            "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled",
            true,
            "gke-no-google-public-access",
        ],
        [
            "masterAuth.clientCertificateConfig.issueClientCertificate",
            true,
            "gke-no-client-certificate",
        ],
        ["enableLegacyAbac", true, "gke-no-legacy-abac"],
        [
            "rbacBindingConfig.enableInsecureBindingSystemAuthenticated",
            true,
            "gke-no-insecure-rbac-bindings",
        ],
        [
            "rbacBindingConfig.enableInsecureBindingSystemUnauthenticated",
            true,
            "gke-no-insecure-rbac-bindings",
        ],
        ["workloadIdentityConfig", UNSET, "gke-workload-identity"],
        ["datapathProvider", UNSET, "gke-network-policy"],
        ["networkingMode", "ROUTES", "gke-vpc-native"],
        ["enableShieldedNodes", false, "gke-shielded-nodes"],
        ["databaseEncryption.state", "DECRYPTED", "gke-secrets-encryption"],
        ["releaseChannel", UNSET, "gke-release-channel"],
        ["securityPostureConfig.mode", "DISABLED", "gke-security-posture"],
        ["loggingConfig.enableComponents", ["WORKLOADS"], "gke-logging-monitoring"],
        ["monitoringConfig.enableComponents", ["APISERVER"], "gke-logging-monitoring"],
        ["removeDefaultNodePool", false, "gke-default-node-pool-removed"],
        ["deletionProtection", false, "gke-deletion-protection"],
        ["nodeConfig.serviceAccount", "default", "gke-node-service-account"],
        ["nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA", "gke-node-metadata-server"],
        ["nodeConfig.shieldedInstanceConfig.enableSecureBoot", false, "gke-node-secure-boot"],
        ["nodeConfig.bootDiskKmsKey", UNSET, "gke-node-cmek-disks"],
    ]),
    ...on(POOL, /tenants$/, [
        ["nodeConfig.sandboxConfig", UNSET, "gke-tenant-pool-sandboxed"],
        ["nodeConfig.taints", [], "gke-tenant-pool-sandboxed"],
    ]),
    ...on("gcp:compute/network:Network", undefined, [
        ["autoCreateSubnetworks", true, "vpc-no-auto-subnets"],
    ]),
    ...on(FIREWALL, /ssh-to-bastion$/, [
        ["sourceRanges", ["0.0.0.0/0"], "firewall-no-public-ingress"],
        ["targetTags", UNSET, "firewall-no-public-ingress"],
        ["allows.0.ports", ["22", "3389"], "firewall-no-public-ingress"],
        ["logConfig", UNSET, "firewall-logging"],
    ]),
    ...on(FIREWALL, /control-plane-to-nodes$/, [
        ["sourceRanges", ["0.0.0.0/0"], "firewall-no-public-ingress"],
    ]),
    ...on(FIREWALL, /deny-all-ingress$/, [
        ["allows", [{ protocol: "all" }], "firewall-no-world-all-ports"],
    ]),
    ...on(NAT, undefined, [
        ["logConfig.enable", false, "nat-logging"],
        ["logConfig", UNSET, "nat-logging"],
        ["subnetworks.0.sourceIpRangesToNats", ["PRIMARY_IP_RANGE"], "nat-covers-all-subnets"],
        ["natIpAllocateOption", "AUTO_ONLY", "nat-static-addresses"],
    ]),
    ...on(VM, undefined, [
        ["networkInterfaces.0.accessConfigs", [{ networkTier: "PREMIUM" }], "vm-no-external-ip"],
        [["metadata", "enable-oslogin"], "FALSE", "vm-os-login"],
        [["metadata", "block-project-ssh-keys"], UNSET, "vm-block-project-ssh-keys"],
        [["metadata", "serial-port-enable"], "TRUE", "vm-serial-port-disabled"],
        ["shieldedInstanceConfig.enableSecureBoot", false, "vm-shielded"],
        ["shieldedInstanceConfig.enableVtpm", false, "vm-shielded"],
        ["shieldedInstanceConfig.enableIntegrityMonitoring", false, "vm-shielded"],
        ["serviceAccount.email", UNSET, "vm-not-default-service-account"],
        ["canIpForward", true, "vm-no-ip-forwarding"],
        ["bootDisk.kmsKeySelfLink", UNSET, "vm-cmek-disks"],
    ]),
    ...on(SQL, undefined, [
        ["settings.ipConfiguration.ipv4Enabled", UNSET, "sql-no-public-ip"],
        [
            "settings.ipConfiguration.authorizedNetworks",
            [{ value: "198.51.100.0/24" }],
            "sql-no-authorized-networks",
        ],
        ["settings.ipConfiguration.sslMode", "ALLOW_UNENCRYPTED_AND_ENCRYPTED", "sql-ssl-required"],
        ["encryptionKeyName", UNSET, "sql-cmek"],
        ["settings.backupConfiguration.enabled", false, "sql-backups-pitr"],
        ["settings.backupConfiguration.pointInTimeRecoveryEnabled", false, "sql-backups-pitr"],
        ["settings.retainBackupsOnDelete", false, "sql-backups-retained"],
        ["settings.availabilityType", "ZONAL", "sql-regional"],
        ["deletionProtection", false, "sql-deletion-protection"],
        ["settings.deletionProtectionEnabled", false, "sql-deletion-protection"],
        ["settings.databaseFlags", [], "sql-connection-logging"],
    ]),
    ...on("gcp:kms/keyRing:KeyRing", undefined, [["location", "global", "kms-key-ring-region"]]),
    ...on("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", undefined, [
        ["member", "allUsers", "kms-no-public-access"],
    ]),
    ...on("gcp:projects/iAMMember:IAMMember", undefined, [
        ["role", "roles/editor", "iam-no-basic-roles-for-service-accounts"],
    ]),
    ...on("kubernetes:core/v1:Namespace", /^airflow-platform$/, [
        [
            ["metadata", "labels", "pod-security.kubernetes.io/enforce"],
            "baseline",
            "namespace-pod-security-restricted",
        ],
    ]),
    ...on("kubernetes:core/v1:Namespace", /^logging$/, [
        ["metadata.name", "tools", "namespace-pod-security-restricted"],
    ]),
    ...on(RELEASE, /eck-operator$/, [["version", "^3.3.0", "k8s-helm-pinned-version"]]),
    ...on(RELEASE, /fluent-bit$/, [["version", UNSET, "k8s-helm-pinned-version"]]),
    ...on("kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch", undefined, [
        ["spec.http.tls.selfSignedCertificate.disabled", true, "logging-elasticsearch-tls"],
        [
            ["spec", "nodeSets", 0, "config", "xpack.security.enabled"],
            false,
            "logging-elasticsearch-tls",
        ],
    ]),
    ...on("kubernetes:kibana.k8s.elastic.co/v1:Kibana", undefined, [
        ["spec.http.service.spec.type", "LoadBalancer", "logging-not-published"],
    ]),
    ...[/platform$/, /tenants$/].flatMap((name) =>
        on(POOL, name, [
            [
                "nodeConfig.serviceAccount",
                "123-compute@developer.gserviceaccount.com",
                "gke-node-service-account",
            ],
            ["nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA", "gke-node-metadata-server"],
            [
                ["nodeConfig", "metadata", "disable-legacy-endpoints"],
                "false",
                "gke-node-legacy-metadata-disabled",
            ],
            ["nodeConfig.shieldedInstanceConfig.enableSecureBoot", false, "gke-node-secure-boot"],
            [
                "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring",
                false,
                "gke-node-integrity-monitoring",
            ],
            ["nodeConfig.imageType", "UBUNTU_CONTAINERD", "gke-node-image"],
            ["nodeConfig.bootDiskKmsKey", UNSET, "gke-node-cmek-disks"],
            ["management.autoRepair", false, "gke-node-auto-repair"],
            ["management.autoUpgrade", false, "gke-node-auto-upgrade"],
        ]),
    ),
    ...[/nodes$/, /bastion$/].flatMap((name) =>
        on(SUBNET, name, [
            ["privateIpGoogleAccess", false, "subnet-private-google-access"],
            ["logConfig", UNSET, "subnet-flow-logs"],
        ]),
    ),
    ...[/kubernetes-secrets$/, /cloudsql$/, /disks$/].flatMap((name) =>
        on(KEY, name, [
            ["rotationPeriod", "31536000s", "kms-key-rotation"],
            ["destroyScheduledDuration", "86400s", "kms-destroy-delay"],
        ]),
    ),
    ...jobWeakenings(/bootstrap$/, true),
];

export const TENANT_WEAKENINGS: Weakening[] = [
    ...on("kubernetes:networking.k8s.io/v1:NetworkPolicy", /allow-database$/, [
        ["spec.egress.0.to.0.ipBlock.cidr", "10.0.0.0/8", "tenant-network-policy-scoped"],
        ["spec.egress.0.to", UNSET, "tenant-network-policy-scoped"],
    ]),
    ...on("kubernetes:networking.k8s.io/v1:NetworkPolicy", /allow-logging$/, [
        ["spec.egress.0.to.0.namespaceSelector", {}, "tenant-network-policy-scoped"],
    ]),
    ...on("kubernetes:networking.k8s.io/v1:NetworkPolicy", /allow-ingress-controller$/, [
        ["spec.ingress.0.from", [], "tenant-network-policy-scoped"],
    ]),
    ...on("kubernetes:core/v1:Namespace", undefined, [
        [
            ["metadata", "labels", "pod-security.kubernetes.io/enforce"],
            "baseline",
            "tenant-namespace-pod-security",
        ],
    ]),
    ...on("kubernetes:networking.k8s.io/v1:NetworkPolicy", /default-deny$/, [
        ["spec.policyTypes", ["Ingress"], "tenant-default-deny-egress"],
        ["spec.policyTypes", ["Egress"], "tenant-default-deny-ingress"],
        ["spec.podSelector", { matchLabels: { component: "web" } }, "tenant-default-deny-ingress"],
    ]),
    ...on("kubernetes:rbac.authorization.k8s.io/v1:Role", undefined, [
        ["rules.0.verbs", ["*"], "k8s-role-no-wildcards"],
        ["rules.0.resources", ["pods", "pods/exec"], "k8s-role-no-pod-exec"],
    ]),
    ...on("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", /scheduler$/, [
        ["roleRef", { kind: "ClusterRole", name: "cluster-admin" }, "k8s-no-cluster-admin-binding"],
        [
            "subjects.1",
            { kind: "Group", name: "system:unauthenticated" },
            "k8s-no-anonymous-binding",
        ],
        ["roleRef", { kind: "ClusterRole", name: "edit" }, "tenant-no-exec-through-built-in-roles"],
    ]),
    ...on(RELEASE, undefined, [
        ["version", ">=1.15.0", "k8s-helm-pinned-version"],
        ["values.webserver.service.type", "LoadBalancer", "k8s-no-public-service"],
        ["values.securityContexts.pod.runAsNonRoot", false, "airflow-chart-security-contexts"],
        [
            "values.securityContexts.containers.allowPrivilegeEscalation",
            true,
            "airflow-chart-security-contexts",
        ],
        ["values.webserver.defaultUser.enabled", true, "airflow-no-default-user"],
        ["values.rbac.create", true, "airflow-chart-rbac-off"],
        ["values.nodeSelector", UNSET, "airflow-on-tenant-pool"],
        ["values.tolerations", [], "airflow-on-tenant-pool"],
        ["values.config.webserver.expose_config", "True", "airflow-config-hidden"],
    ]),
    ...jobWeakenings(/database-provisioning$/),
];
