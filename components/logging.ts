import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
    INGRESS_NAMESPACE,
    LOGGING_NAMESPACE,
    PROJECT,
    TENANT_LABEL,
    TENANT_POOL_TAINT,
} from "./constants";
import {
    ELASTICSEARCH_CA_SECRET,
    ELASTICSEARCH_NAME,
    elasticsearchUrl,
    fluentBitPipeline,
    INDEX_PREFIX_LUA,
    KIBANA_NAME,
    LOG_WRITER_USER,
    logIndexTemplate,
    logWriterRole,
    retentionPolicy,
} from "./logging-config";
import { adminConnectionEnv, BOOTSTRAP_SCRIPT } from "./logging-scripts";
import { namespaceNamed } from "./network-policy-rules";
import { scriptJob } from "./script-job";
import { InvalidArgumentError, requireIntegerInRange } from "./validation";

/** The namespace of the ECK operator. */
export const ECK_NAMESPACE = "elastic-system";

export interface LoggingArgs {
    /** The cluster's Kubernetes provider. */
    provider: k8s.Provider;
    /** Days a log index is kept before it is deleted, 1-3650. Default 30. */
    retentionDays?: number;
    /** Elasticsearch and Kibana version. Default 8.17.0. */
    elasticsearchVersion?: string;
    /** Elasticsearch nodes: an odd number from 1 to 9, so master election keeps a quorum. Default 3. */
    elasticsearchNodes?: number;
    /** Disk per Elasticsearch node in GiB, 10-10000. Default 100. */
    elasticsearchStorageGb?: number;
    /** Version of the `eck-operator` chart. Default 3.3.0. */
    eckChartVersion?: string;
    /** Version of the `fluent-bit` chart. Default 0.47.10. */
    fluentBitChartVersion?: string;
}

const VERSION = /^\d+\.\d+\.\d+$/;

/**
 * The EFK stack: Elasticsearch and Kibana run by the ECK operator (TLS and authentication on,
 * Kibana on a ClusterIP service only), and Fluent Bit on every node, tenant nodes included,
 * writing each namespace's logs to indices named from that namespace. Retention is an index
 * lifecycle policy. Tenants get read access to their own indices through `TenantLogAccess`.
 */
export class Logging extends pulumi.ComponentResource {
    public readonly namespace: k8s.core.v1.Namespace;
    public readonly elasticsearch: k8s.apiextensions.CustomResource;
    public readonly kibana: k8s.apiextensions.CustomResource;
    public readonly fluentBit: k8s.helm.v3.Release;
    /** The in-cluster Elasticsearch URL. */
    public readonly endpoint: string;

    constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
        const retentionDays = requireIntegerInRange(
            "retentionDays",
            args.retentionDays ?? 30,
            1,
            3650,
        );
        const nodes = requireIntegerInRange(
            "elasticsearchNodes",
            args.elasticsearchNodes ?? 3,
            1,
            9,
        );
        if (nodes % 2 === 0) {
            throw new InvalidArgumentError(
                "elasticsearchNodes",
                nodes,
                "an odd number (1, 3, 5, 7 or 9)",
            );
        }
        const storageGb = requireIntegerInRange(
            "elasticsearchStorageGb",
            args.elasticsearchStorageGb ?? 100,
            10,
            10000,
        );
        const versions = {
            elasticsearchVersion: args.elasticsearchVersion ?? "8.17.0",
            eckChartVersion: args.eckChartVersion ?? "3.3.0",
            fluentBitChartVersion: args.fluentBitChartVersion ?? "0.47.10",
        };
        for (const [field, value] of Object.entries(versions)) {
            if (!VERSION.test(value)) {
                throw new InvalidArgumentError(field, value, "a pinned version such as 1.2.3");
            }
        }

        super(`${PROJECT}:index:Logging`, name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };

        // Fluent Bit reads the node's log files through a hostPath, which only the privileged
        // profile admits; audit and warn still report anything beyond baseline.
        this.namespace = new k8s.core.v1.Namespace(
            LOGGING_NAMESPACE,
            {
                metadata: {
                    name: LOGGING_NAMESPACE,
                    labels: {
                        "app.kubernetes.io/part-of": PROJECT,
                        "pod-security.kubernetes.io/enforce": "privileged",
                        "pod-security.kubernetes.io/audit": "baseline",
                        "pod-security.kubernetes.io/warn": "baseline",
                    },
                },
            },
            k8sOpts,
        );
        const namespace = this.namespace.metadata.name;
        this.endpoint = elasticsearchUrl(LOGGING_NAMESPACE);

        const operator = new k8s.helm.v3.Release(
            `${name}-eck-operator`,
            {
                chart: "eck-operator",
                version: versions.eckChartVersion,
                repositoryOpts: { repo: "https://helm.elastic.co" },
                namespace: ECK_NAMESPACE,
                createNamespace: true,
                atomic: true,
                values: { managedNamespaces: [LOGGING_NAMESPACE] },
            },
            k8sOpts,
        );

        const crOpts = { ...k8sOpts, dependsOn: [operator] };
        this.elasticsearch = new k8s.apiextensions.CustomResource(
            `${name}-elasticsearch`,
            {
                apiVersion: "elasticsearch.k8s.elastic.co/v1",
                kind: "Elasticsearch",
                metadata: { name: ELASTICSEARCH_NAME, namespace },
                spec: {
                    version: versions.elasticsearchVersion,
                    // ECK's self-signed CA serves HTTPS; the `elastic` user and security are on.
                    http: { tls: { selfSignedCertificate: { disabled: false } } },
                    nodeSets: [
                        {
                            name: "default",
                            count: nodes,
                            // No mmap, so no privileged sysctl init container is needed.
                            config: { "node.store.allow_mmap": false },
                            podTemplate: {
                                spec: {
                                    containers: [
                                        {
                                            name: "elasticsearch",
                                            resources: {
                                                requests: { cpu: "1", memory: "4Gi" },
                                                limits: { cpu: "2", memory: "4Gi" },
                                            },
                                        },
                                    ],
                                },
                            },
                            volumeClaimTemplates: [
                                {
                                    metadata: { name: "elasticsearch-data" },
                                    spec: {
                                        accessModes: ["ReadWriteOnce"],
                                        resources: { requests: { storage: `${storageGb}Gi` } },
                                    },
                                },
                            ],
                        },
                    ],
                },
            },
            { ...crOpts, protect: true, retainOnDelete: true },
        );

        this.kibana = new k8s.apiextensions.CustomResource(
            `${name}-kibana`,
            {
                apiVersion: "kibana.k8s.elastic.co/v1",
                kind: "Kibana",
                metadata: { name: KIBANA_NAME, namespace },
                spec: {
                    version: versions.elasticsearchVersion,
                    count: 1,
                    elasticsearchRef: { name: ELASTICSEARCH_NAME },
                    // Never public: reached through the bastion or the ingress controller.
                    http: { service: { spec: { type: "ClusterIP" } } },
                },
            },
            crOpts,
        );

        this.bootstrap(name, namespace, retentionDays, k8sOpts);
        this.fluentBit = this.deployFluentBit(
            name,
            namespace,
            versions.fluentBitChartVersion,
            k8sOpts,
        );
        this.isolate(name, namespace, k8sOpts);

        this.registerOutputs({ namespace, endpoint: this.endpoint });
    }

    /** Retention policy, index template and the writer's identity, set through the API by a Job. */
    private bootstrap(
        name: string,
        namespace: pulumi.Output<string>,
        retentionDays: number,
        opts: pulumi.CustomResourceOptions,
    ) {
        const writerPassword = new random.RandomPassword(
            `${name}-writer`,
            { length: 40, special: true, overrideSpecial: "-_.~" },
            { parent: this },
        );
        const writerSecret = new k8s.core.v1.Secret(
            `${name}-writer`,
            {
                metadata: { name: "fluent-bit-elasticsearch", namespace },
                stringData: {
                    username: LOG_WRITER_USER,
                    password: pulumi.secret(writerPassword.result),
                },
            },
            opts,
        );
        scriptJob(this, `${name}-bootstrap`, {
            namespace,
            script: BOOTSTRAP_SCRIPT,
            files: {
                "retention-policy.json": JSON.stringify(retentionPolicy(retentionDays)),
                "index-template.json": JSON.stringify(logIndexTemplate()),
                "log-writer-role.json": JSON.stringify(logWriterRole()),
            },
            env: [
                ...adminConnectionEnv(LOGGING_NAMESPACE),
                {
                    name: "WRITER_PASSWORD",
                    valueFrom: {
                        secretKeyRef: { name: writerSecret.metadata.name, key: "password" },
                    },
                },
            ],
            caSecret: ELASTICSEARCH_CA_SECRET,
            dependsOn: [this.elasticsearch, writerSecret],
            opts,
        });
    }

    private deployFluentBit(
        name: string,
        namespace: pulumi.Output<string>,
        version: string,
        opts: pulumi.CustomResourceOptions,
    ) {
        const pipeline = fluentBitPipeline(LOGGING_NAMESPACE);
        return new k8s.helm.v3.Release(
            `${name}-fluent-bit`,
            {
                chart: "fluent-bit",
                version,
                repositoryOpts: { repo: "https://fluent.github.io/helm-charts" },
                namespace,
                atomic: true,
                values: {
                    config: {
                        inputs: [
                            "[INPUT]",
                            "    Name              tail",
                            "    Path              /var/log/containers/*.log",
                            "    multiline.parser  cri, docker",
                            "    Tag               kube.*",
                            "    Mem_Buf_Limit     50MB",
                            "    Skip_Long_Lines   On",
                            "",
                        ].join("\n"),
                        filters: pipeline.filters,
                        outputs: pipeline.outputs,
                    },
                    luaScripts: { "index.lua": INDEX_PREFIX_LUA },
                    env: [
                        { name: "ES_USER", value: LOG_WRITER_USER },
                        {
                            name: "ES_PASSWORD",
                            valueFrom: {
                                secretKeyRef: { name: "fluent-bit-elasticsearch", key: "password" },
                            },
                        },
                    ],
                    extraVolumes: [
                        { name: "es-ca", secret: { secretName: ELASTICSEARCH_CA_SECRET } },
                    ],
                    extraVolumeMounts: [
                        { name: "es-ca", mountPath: "/fluent-bit/tls", readOnly: true },
                    ],
                    // Every node, tenant nodes included, ships its logs.
                    tolerations: [
                        {
                            key: TENANT_POOL_TAINT.key,
                            operator: "Exists",
                            effect: TENANT_POOL_TAINT.kubernetesEffect,
                        },
                        { key: "sandbox.gke.io/runtime", operator: "Exists", effect: "NoSchedule" },
                    ],
                    // Limitation: reading the node's log files needs root and a hostPath; the
                    // container is otherwise locked down (read-only root, no capabilities).
                    securityContext: {
                        readOnlyRootFilesystem: true,
                        allowPrivilegeEscalation: false,
                        capabilities: { drop: ["ALL"] },
                        runAsUser: 0,
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    resources: {
                        requests: { cpu: "100m", memory: "128Mi" },
                        limits: { cpu: "500m", memory: "256Mi" },
                    },
                },
            },
            { ...opts, dependsOn: [this.elasticsearch] },
        );
    }

    /** Only the platform's own parts and tenants' webservers reach Elasticsearch; Kibana is internal. */
    private isolate(
        name: string,
        namespace: pulumi.Output<string>,
        opts: pulumi.CustomResourceOptions,
    ) {
        const policy = (suffix: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
            new k8s.networking.v1.NetworkPolicy(
                `${name}-${suffix}`,
                { metadata: { name: suffix, namespace }, spec },
                opts,
            );
        const fromNamespace = (ns: string) => ({ namespaceSelector: namespaceNamed(ns) });
        policy("default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] });
        policy("elasticsearch", {
            podSelector: {
                matchLabels: { "elasticsearch.k8s.elastic.co/cluster-name": ELASTICSEARCH_NAME },
            },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [{ podSelector: {} }, fromNamespace(ECK_NAMESPACE)],
                    ports: [{ port: 9200 }, { port: 9300 }],
                },
                {
                    from: [
                        {
                            namespaceSelector: {
                                matchExpressions: [{ key: TENANT_LABEL, operator: "Exists" }],
                            },
                        },
                    ],
                    ports: [{ port: 9200 }],
                },
            ],
        });
        policy("kibana", {
            podSelector: { matchLabels: { "kibana.k8s.elastic.co/name": KIBANA_NAME } },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [{ podSelector: {} }, fromNamespace(INGRESS_NAMESPACE)],
                    ports: [{ port: 5601 }],
                },
            ],
        });
    }
}
