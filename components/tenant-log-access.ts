import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { LOGGING_NAMESPACE, PROJECT } from "./constants";
import {
    ELASTICSEARCH_CA_SECRET,
    elasticsearchUrl,
    kibanaUrl,
    tenantIndexPattern,
    tenantRole,
} from "./logging-config";
import { adminConnectionEnv, TENANT_ACCESS_SCRIPT } from "./logging-scripts";
import { scriptJob } from "./script-job";
import { requireDnsLabel } from "./validation";

/** The Secret in the tenant's namespace with its Elasticsearch credentials. */
export const TENANT_LOG_SECRET = "airflow-logs-elasticsearch";

export interface TenantLogAccessArgs {
    /** The tenant's name: a DNS label, and the name of its namespace. */
    tenant: string;
    /** The tenant's namespace (an output, so the Secret waits for the namespace). */
    tenantNamespace: pulumi.Input<string>;
    /** The cluster's Kubernetes provider. */
    provider: k8s.Provider;
    /** The logging stack's namespace. Default `logging`. */
    loggingNamespace?: string;
}

/**
 * A tenant's read access to its own logs: an Elasticsearch role that reads only
 * `logs-<tenant>.*`, a user holding only that role, and a Kibana space of its own. A Job in the
 * logging namespace sets them up with the `elastic` superuser, whose password never leaves that
 * namespace; the tenant's namespace gets only its own read-only credential.
 */
export class TenantLogAccess extends pulumi.ComponentResource {
    /** The tenant's Elasticsearch user name. */
    public readonly username: string;
    /** The tenant's Elasticsearch password (secret). */
    public readonly password: pulumi.Output<string>;
    /** The index pattern the tenant may read. */
    public readonly indexPattern: string;
    public readonly secret: k8s.core.v1.Secret;
    public readonly job: k8s.batch.v1.Job;

    constructor(name: string, args: TenantLogAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        const tenant = requireDnsLabel("tenant", args.tenant);
        const loggingNamespace = requireDnsLabel(
            "loggingNamespace",
            args.loggingNamespace ?? LOGGING_NAMESPACE,
        );

        super(`${PROJECT}:index:TenantLogAccess`, name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };

        this.username = `tenant-${tenant}`;
        this.indexPattern = tenantIndexPattern(tenant);
        const password = new random.RandomPassword(
            name,
            { length: 40, special: true, overrideSpecial: "-_.~" },
            { parent: this },
        );
        this.password = pulumi.secret(password.result);

        // The password the Job sets lives beside it in the logging namespace.
        const provisioning = new k8s.core.v1.Secret(
            `${name}-provisioning`,
            {
                metadata: { name: `tenant-${tenant}-log-access`, namespace: loggingNamespace },
                stringData: { password: this.password },
            },
            k8sOpts,
        );
        this.job = scriptJob(this, `${name}-log-access`, {
            namespace: loggingNamespace,
            script: TENANT_ACCESS_SCRIPT,
            files: { "role.json": JSON.stringify(tenantRole(tenant)) },
            env: [
                { name: "TENANT", value: tenant },
                ...adminConnectionEnv(loggingNamespace),
                { name: "KIBANA_URL", value: kibanaUrl(loggingNamespace) },
                {
                    name: "TENANT_PASSWORD",
                    valueFrom: {
                        secretKeyRef: { name: provisioning.metadata.name, key: "password" },
                    },
                },
            ],
            caSecret: ELASTICSEARCH_CA_SECRET,
            dependsOn: [provisioning],
            opts: k8sOpts,
        }).job;

        // ECK's CA certificate, so Airflow verifies the server it sends its credential to.
        const ca = k8s.core.v1.Secret.get(
            `${name}-ca`,
            `${loggingNamespace}/${ELASTICSEARCH_CA_SECRET}`,
            k8sOpts,
        );
        const endpoint = elasticsearchUrl(loggingNamespace);
        this.secret = new k8s.core.v1.Secret(
            `${name}-credentials`,
            {
                metadata: { name: TENANT_LOG_SECRET, namespace: args.tenantNamespace },
                stringData: {
                    username: this.username,
                    password: this.password,
                    // The form Airflow's Elasticsearch task handler reads (AIRFLOW__ELASTICSEARCH__HOST).
                    url: pulumi.interpolate`https://${this.username}:${this.password}@${endpoint.replace("https://", "")}`,
                    indexPattern: this.indexPattern,
                },
                data: { "ca.crt": ca.data.apply((data) => data?.["ca.crt"] ?? "") },
            },
            { ...k8sOpts, dependsOn: [this.job] },
        );

        this.registerOutputs({ username: this.username, indexPattern: this.indexPattern });
    }
}
