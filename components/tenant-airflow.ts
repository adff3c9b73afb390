/**
 * The tenant's Airflow: the official Apache Airflow chart at a pinned version, wired to the
 * Secrets the Tenant made, with KubernetesExecutor, on the tenant node pool, non-root.
 * Values are built by a pure function so they can be checked without a cluster.
 * Chart reference: https://airflow.apache.org/docs/helm-chart/1.15.0/parameters-ref.html
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { TENANT_POOL_LABEL, TENANT_POOL_TAINT } from "./constants";
import { tenantIndexPattern } from "./logging-config";
import { TENANT_LOG_SECRET } from "./tenant-log-access";
import { DEFAULT_AIRFLOW_IMAGE, ResolvedTenantSpec } from "./tenant-args";
import { SCHEDULER_SERVICE_ACCOUNT, WORKER_SERVICE_ACCOUNT } from "./tenant-rbac";
import { AIRFLOW_SECRETS } from "./tenant-secrets";

/** The official chart repository. */
export const AIRFLOW_CHART_REPOSITORY = "https://airflow.apache.org";
/** The Helm release name; the chart prefixes its objects with it. */
export const AIRFLOW_RELEASE_NAME = "airflow";
/** Where Airflow containers find the CA of the platform's Elasticsearch. */
export const LOGS_CA_DIR = "/opt/airflow/logs-ca";
/** The user and group of the official Airflow image. */
export const AIRFLOW_UID = 50000;

const resources = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string) => ({
    requests: { cpu, memory },
    limits: { cpu: cpuLimit, memory: memoryLimit },
});

/** The container security context every chart container gets. */
export const CONTAINER_SECURITY_CONTEXT = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    runAsNonRoot: true,
} as const;

/** The pod security context every chart pod gets; satisfies Pod Security `restricted`. */
export const POD_SECURITY_CONTEXT = {
    runAsNonRoot: true,
    runAsUser: AIRFLOW_UID,
    runAsGroup: 0,
    fsGroup: 0,
    seccompProfile: { type: "RuntimeDefault" },
} as const;

/** Environment variables for alerts: SMTP settings and the recipients DAGs read. */
export function alertEnvironment(args: ResolvedTenantSpec): { name: string; value: string }[] {
    const alerts = args.airflow.alerts;
    if (!alerts) return [];
    const env: Record<string, string> = {
        AIRFLOW__EMAIL__EMAIL_BACKEND: "airflow.utils.email.send_email_smtp",
        AIRFLOW__SMTP__SMTP_HOST: alerts.smtpHost,
        AIRFLOW__SMTP__SMTP_PORT: String(alerts.smtpPort ?? 587),
        AIRFLOW__SMTP__SMTP_STARTTLS: alerts.startTls === false ? "False" : "True",
        AIRFLOW__SMTP__SMTP_SSL: "False",
        AIRFLOW__SMTP__SMTP_MAIL_FROM: alerts.mailFrom,
        // Airflow exposes AIRFLOW_VAR_<NAME> as the variable <name>: DAGs read `alert_emails`.
        AIRFLOW_VAR_ALERT_EMAILS: (alerts.recipients ?? []).join(","),
    };
    if (alerts.smtpUser) env.AIRFLOW__SMTP__SMTP_USER = alerts.smtpUser;
    return Object.entries(env).map(([name, value]) => ({ name, value }));
}

/**
 * The Airflow version the chart should assume, read from an image tag such as `2.9.3` or
 * `2.9.3-python3.11`.
 *
 * Note: a custom image whose tag does not start with the Airflow version is assumed to carry the
 * pinned chart's default version; tag custom images with the Airflow version first.
 */
export function airflowVersionOf(tag: string): string {
    return /^(\d+\.\d+\.\d+)/.exec(tag)?.[1] ?? DEFAULT_AIRFLOW_IMAGE.tag;
}

/** The taint GKE puts on the nodes of a GKE Sandbox (gVisor) pool. */
export const GVISOR_TOLERATION = {
    key: "sandbox.gke.io/runtime",
    operator: "Equal",
    value: "gvisor",
    effect: "NoSchedule",
} as const;

/**
 * The chart values. Secrets appear only by name: no credential is in the values.
 *
 * Limitation: the official chart (1.15.0) has no `runtimeClassName` setting, so its pods run on
 * the gVisor pool with the node's default runtime rather than inside the sandbox; the pool's
 * taint, Pod Security `restricted`, the NetworkPolicies and the tokenless service accounts still
 * hold. To run them inside gVisor, add `runtimeClassName: gvisor` to the chart's pod templates
 * (a chart fork, a Helm post-renderer, or a mutating admission policy on tenant namespaces).
 */
export function airflowValues(args: ResolvedTenantSpec): Record<string, unknown> {
    const placement = {
        nodeSelector: { [TENANT_POOL_LABEL.key]: TENANT_POOL_LABEL.value },
        tolerations: [
            {
                key: TENANT_POOL_TAINT.key,
                operator: "Equal",
                value: TENANT_POOL_TAINT.value,
                effect: TENANT_POOL_TAINT.kubernetesEffect,
            },
            // GKE taints every node of a sandbox pool with this; without the toleration (or
            // `runtimeClassName: gvisor`) no pod of the chart would ever be scheduled there.
            GVISOR_TOLERATION,
        ],
    };
    const contexts = { pod: POD_SECURITY_CONTEXT, container: CONTAINER_SECURITY_CONTEXT };
    const noToken = { create: true, automountServiceAccountToken: false };
    const smtpPassword = args.airflow.alerts?.smtpPassword !== undefined;
    return {
        executor: args.airflow.executor,
        airflowVersion: airflowVersionOf(args.airflow.image.tag),
        defaultAirflowRepository: args.airflow.image.repository,
        defaultAirflowTag: args.airflow.image.tag,
        images: {
            airflow: { repository: args.airflow.image.repository, tag: args.airflow.image.tag },
        },
        ...placement,
        securityContexts: { pod: POD_SECURITY_CONTEXT, containers: CONTAINER_SECURITY_CONTEXT },

        // Credentials come from the Tenant's Secrets; the chart generates none of its own.
        data: { metadataSecretName: AIRFLOW_SECRETS.metadata.name },
        fernetKeySecretName: AIRFLOW_SECRETS.fernetKey.name,
        webserverSecretKeySecretName: AIRFLOW_SECRETS.webserverSecretKey.name,
        postgresql: { enabled: false },
        redis: { enabled: false },
        pgbouncer: { enabled: false },
        statsd: { enabled: false },
        flower: { enabled: false },

        // The Tenant declares the scheduler's Role itself, without pods/exec.
        rbac: { create: false },
        scheduler: {
            serviceAccount: { create: false, name: SCHEDULER_SERVICE_ACCOUNT },
            securityContexts: contexts,
            resources: resources("500m", "1Gi", "1", "2Gi"),
            logGroomerSidecar: { resources: resources("50m", "128Mi", "100m", "256Mi") },
        },
        workers: {
            // Under KubernetesExecutor these settings shape each short-lived task pod.
            serviceAccount: { create: false, name: WORKER_SERVICE_ACCOUNT },
            securityContexts: contexts,
            resources: resources("250m", "512Mi", "1", "2Gi"),
            persistence: { enabled: false },
            ...placement,
        },
        webserver: {
            service: { type: "ClusterIP" },
            // No admin/admin account.
            // Limitation: no sign-in method is configured, so nobody can log in to the UI yet.
            // Configure Google sign-in through `webserver.webserverConfig` (Flask AppBuilder's
            // AUTH_OAUTH), or create the first user with `airflow users create` in a one-off Job.
            defaultUser: { enabled: false },
            serviceAccount: noToken,
            securityContexts: contexts,
            resources: resources("250m", "1Gi", "1", "2Gi"),
        },
        triggerer: {
            persistence: { enabled: false },
            serviceAccount: noToken,
            securityContexts: contexts,
            resources: resources("100m", "512Mi", "500m", "1Gi"),
            logGroomerSidecar: { resources: resources("50m", "128Mi", "100m", "256Mi") },
        },
        dagProcessor: { enabled: false },
        createUserJob: {
            serviceAccount: noToken,
            securityContexts: contexts,
            resources: resources("100m", "256Mi", "500m", "1Gi"),
        },
        migrateDatabaseJob: {
            enabled: true,
            // The Release waits on the hook, so a failed migration fails the update.
            useHelmHooks: true,
            serviceAccount: noToken,
            securityContexts: contexts,
            resources: resources("100m", "512Mi", "500m", "1Gi"),
        },
        cleanup: { enabled: false },
        logs: { persistence: { enabled: false } },
        dags: { persistence: { enabled: false }, gitSync: { enabled: false } },

        // Task logs: tasks write JSON lines to stdout, Fluent Bit ships them to the index of the
        // namespace, and Airflow reads them back with the tenant's read-only credential. The
        // chart's own Elasticsearch wiring expects a `connection` key, so it stays off and the
        // URL comes from the log access Secret instead (see the `secret` list below).
        // https://airflow.apache.org/docs/apache-airflow-providers-elasticsearch/stable/logging/index.html
        elasticsearch: { enabled: false },
        volumes: [
            {
                name: "logs-ca",
                secret: {
                    secretName: TENANT_LOG_SECRET,
                    items: [{ key: "ca.crt", path: "ca.crt" }],
                },
            },
        ],
        volumeMounts: [{ name: "logs-ca", mountPath: LOGS_CA_DIR, readOnly: true }],
        config: {
            core: { load_examples: "False" },
            logging: { remote_logging: "True" },
            elasticsearch: {
                write_stdout: "True",
                json_format: "True",
                index_patterns: tenantIndexPattern(args.name),
            },
            elasticsearch_configs: { verify_certs: "True", ca_certs: `${LOGS_CA_DIR}/ca.crt` },
            kubernetes_executor: {
                delete_worker_pods: "True",
                delete_worker_pods_on_failure: "True",
            },
            webserver: { expose_config: "False" },
        },
        env: [
            ...Object.entries(args.airflow.env).map(([name, value]) => ({ name, value })),
            ...alertEnvironment(args),
        ],
        secret: [
            {
                envName: "AIRFLOW__ELASTICSEARCH__HOST",
                secretName: TENANT_LOG_SECRET,
                secretKey: "url",
            },
            ...(smtpPassword
                ? [
                      {
                          envName: "AIRFLOW__SMTP__SMTP_PASSWORD",
                          secretName: AIRFLOW_SECRETS.smtp.name,
                          secretKey: AIRFLOW_SECRETS.smtp.key,
                      },
                  ]
                : []),
        ],
    };
}

/** Creates the Helm release in `namespace` as a child of `parent`. */
export function createAirflowRelease(
    args: ResolvedTenantSpec,
    namespace: pulumi.Input<string>,
    dependsOn: pulumi.Resource[],
    parent: pulumi.Resource,
): k8s.helm.v3.Release {
    return new k8s.helm.v3.Release(
        `${args.name}-airflow`,
        {
            name: AIRFLOW_RELEASE_NAME,
            namespace,
            chart: "airflow",
            version: args.airflow.chartVersion,
            repositoryOpts: { repo: AIRFLOW_CHART_REPOSITORY },
            createNamespace: false,
            values: airflowValues(args),
            // Roll back a failed install or upgrade rather than leave a half-deployed tenant.
            atomic: true,
            timeout: 900,
        },
        { parent, dependsOn },
    );
}
