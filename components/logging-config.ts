/**
 * Pure pieces of the EFK logging stack: how indices are named, what a tenant's Elasticsearch role
 * may read, and the Fluent Bit pipeline. Kept apart from the resources so that the isolation
 * rules can be tested on their own.
 *
 * Index naming: `logs-<namespace>.<yyyy.MM.dd>`. The namespace comes from the log file's path,
 * which the kubelet writes (`/var/log/containers/<pod>_<namespace>_<container>-<id>.log`), never
 * from a label a tenant controls. A tenant reads `logs-<tenant>.*`; since namespace names hold no
 * dot, that pattern matches no other namespace's index (not even `logs-<tenant>-x.*`).
 */

/** The Elasticsearch cluster's name; ECK derives service and secret names from it. */
export const ELASTICSEARCH_NAME = "logs";
/** ECK's in-cluster HTTPS service of the Elasticsearch cluster. */
export const ELASTICSEARCH_SERVICE = `${ELASTICSEARCH_NAME}-es-http`;
/** ECK's Secret holding the `elastic` superuser's password (key `elastic`). */
export const ELASTIC_USER_SECRET = `${ELASTICSEARCH_NAME}-es-elastic-user`;
/** ECK's Secret holding the HTTP CA certificate (key `ca.crt`). */
export const ELASTICSEARCH_CA_SECRET = `${ELASTICSEARCH_NAME}-es-http-certs-public`;
/** The Kibana instance's name and ECK's service for it. */
export const KIBANA_NAME = "logs";
export const KIBANA_SERVICE = `${KIBANA_NAME}-kb-http`;
/** The Elasticsearch user Fluent Bit writes with; it may only create documents and indices. */
export const LOG_WRITER_USER = "fluent-bit";
/** The index lifecycle policy that enforces retention. */
export const RETENTION_POLICY = "logs-retention";

/** Where logs whose namespace could not be read go; `_` cannot appear in a tenant name. */
export const UNATTRIBUTED_INDEX_PREFIX = "logs-_unattributed";

/** The Elasticsearch URL inside the cluster. */
export function elasticsearchUrl(loggingNamespace: string): string {
    return `https://${ELASTICSEARCH_SERVICE}.${loggingNamespace}.svc:9200`;
}

/** The Kibana URL inside the cluster. */
export function kibanaUrl(loggingNamespace: string): string {
    return `https://${KIBANA_SERVICE}.${loggingNamespace}.svc:5601`;
}

/** The index prefix of a namespace's logs. */
export function indexPrefix(namespace: string): string {
    return `logs-${namespace}`;
}

/** The pattern of every index of one namespace: what its tenant may read. */
export function tenantIndexPattern(namespace: string): string {
    return `${indexPrefix(namespace)}.*`;
}

/** The index a log line of a namespace lands in on a given UTC day. */
export function indexFor(namespace: string, day: Date): string {
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${indexPrefix(namespace)}.${day.getUTCFullYear()}.${pad(day.getUTCMonth() + 1)}.${pad(day.getUTCDate())}`;
}

/** Whether an Elasticsearch index pattern (`*` wildcards only) matches an index name. */
export function patternMatches(pattern: string, index: string): boolean {
    const regex = new RegExp(
        `^${pattern
            .split("*")
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
    );
    return regex.test(index);
}

/** The Elasticsearch role of a tenant: read its own indices, and Discover in its own Kibana space. */
export function tenantRole(tenant: string): Record<string, unknown> {
    return {
        cluster: [],
        indices: [
            {
                names: [tenantIndexPattern(tenant)],
                privileges: ["read", "view_index_metadata"],
                allow_restricted_indices: false,
            },
        ],
        applications: [
            {
                application: "kibana-.kibana",
                privileges: ["feature_discover.read", "feature_dashboard.read"],
                resources: [`space:${tenant}`],
            },
        ],
        run_as: [],
        metadata: { managed_by: "airflow-platform", tenant },
    };
}

/** The role of the log shipper: create indices and documents under `logs-*`, read nothing. */
export function logWriterRole(): Record<string, unknown> {
    return {
        cluster: ["monitor"],
        indices: [
            { names: ["logs-*"], privileges: ["create_index", "create_doc", "auto_configure"] },
        ],
        run_as: [],
        metadata: { managed_by: "airflow-platform" },
    };
}

/** The lifecycle policy that deletes indices after `retentionDays`. */
export function retentionPolicy(retentionDays: number): Record<string, unknown> {
    return {
        policy: {
            phases: {
                hot: { min_age: "0ms", actions: {} },
                delete: { min_age: `${retentionDays}d`, actions: { delete: {} } },
            },
        },
    };
}

/** The index template that applies retention to every log index. */
export function logIndexTemplate(): Record<string, unknown> {
    return {
        index_patterns: ["logs-*"],
        priority: 100,
        template: {
            settings: { "index.lifecycle.name": RETENTION_POLICY, "index.number_of_replicas": 1 },
        },
    };
}

/**
 * Fluent Bit's Lua filter: sets the index prefix from the namespace that the kubernetes filter
 * read from the log file's name.
 */
export const INDEX_PREFIX_LUA = `function set_index(tag, timestamp, record)
    local k8s = record["kubernetes"]
    local namespace = k8s and k8s["namespace_name"]
    if namespace == nil or namespace == "" or string.find(namespace, "[^a-z0-9-]") then
        record["es_index"] = "${UNATTRIBUTED_INDEX_PREFIX}"
    else
        record["es_index"] = "logs-" .. namespace
    end
    return 2, timestamp, record
end
`;

/** Fluent Bit's pipeline in its classic configuration format. */
export function fluentBitPipeline(loggingNamespace: string): { filters: string; outputs: string } {
    const filters = [
        "[FILTER]",
        "    Name                kubernetes",
        "    Match               kube.*",
        "    Merge_Log           On",
        "    Keep_Log            Off",
        "    K8S-Logging.Parser  Off",
        "    K8S-Logging.Exclude Off",
        "    Labels              On",
        "    Annotations         Off",
        "",
        "[FILTER]",
        "    Name    lua",
        "    Match   kube.*",
        "    script  /fluent-bit/scripts/index.lua",
        "    call    set_index",
        "",
    ].join("\n");
    const outputs = [
        "[OUTPUT]",
        "    Name                      es",
        "    Match                     kube.*",
        `    Host                      ${ELASTICSEARCH_SERVICE}.${loggingNamespace}.svc`,
        "    Port                      9200",
        "    HTTP_User                 ${ES_USER}",
        "    HTTP_Passwd               ${ES_PASSWORD}",
        "    tls                       On",
        "    tls.verify                On",
        "    tls.ca_file               /fluent-bit/tls/ca.crt",
        "    Logstash_Format           On",
        `    Logstash_Prefix           ${UNATTRIBUTED_INDEX_PREFIX}`,
        "    Logstash_Prefix_Key       $es_index",
        "    Logstash_Prefix_Separator .",
        "    Logstash_DateFormat       %Y.%m.%d",
        "    Suppress_Type_Name        On",
        "    Replace_Dots              On",
        "    Retry_Limit               False",
        "",
    ].join("\n");
    return { filters, outputs };
}
