/**
 * The tenant's database on the platform's Cloud SQL instance, and the Job that makes its role,
 * gives it the database and sets the grants. The Job runs in the platform namespace with the
 * administrator's Secret, so that credential never enters the tenant's namespace or state.
 */
import * as crypto from "crypto";
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DATABASE_ADMIN_SECRET, PLATFORM_NAMESPACE } from "./constants";
import { ResolvedTenantSpec } from "./tenant-args";
import { tenantLabels } from "./tenant-namespace";
import {
    buildTenantSql,
    PostgresIdentifiers,
    TENANT_SQL_ENV,
    tenantSqlEnvironment,
} from "./tenant-sql";

/** psql 15 or newer is needed for `\getenv`; the alpine image runs as the `postgres` user, 70. */
export const PSQL_IMAGE = "postgres:15.8-alpine";
export const PSQL_UID = 70;

/** The platform's database, as the platform stack exports it. */
export interface DatabasePlatform {
    project: pulumi.Input<string>;
    databaseInstanceName: pulumi.Input<string>;
    databasePrivateIp: pulumi.Input<string>;
    /** PEM of the instance's server CA; when given, psql verifies the server with it. */
    databaseServerCa?: pulumi.Input<string>;
    /** The Secret in the platform namespace with the administrator's username and password. */
    databaseAdminSecret?: pulumi.Input<string>;
}

export interface TenantDatabase {
    database: gcp.sql.Database;
    job: k8s.batch.v1.Job;
    script: k8s.core.v1.ConfigMap;
    verifierSecret: k8s.core.v1.Secret;
}

/** The data-protecting options: kept unless the operator explicitly drops data. */
export function dataRetention(args: ResolvedTenantSpec): {
    protect: boolean;
    retainOnDelete: boolean;
    deletionPolicy: "ABANDON" | "DELETE";
} {
    return args.dropDataOnDelete
        ? { protect: false, retainOnDelete: false, deletionPolicy: "DELETE" }
        : { protect: true, retainOnDelete: true, deletionPolicy: "ABANDON" };
}

/** The Job's name carries a hash of everything it applies, so a change runs it again. */
export function provisioningJobName(tenant: string, inputs: string[]): string {
    const hash = crypto.createHash("sha256").update(inputs.join("\0")).digest("hex").slice(0, 8);
    return `tenant-db-${tenant}-${hash}`;
}

/** Creates the database and its provisioning Job as children of `parent`. */
export function createTenantDatabase(
    args: ResolvedTenantSpec,
    ids: PostgresIdentifiers,
    passwordVerifier: pulumi.Output<string>,
    platform: DatabasePlatform,
    parent: pulumi.Resource,
): TenantDatabase {
    const labels = tenantLabels(args);
    const retention = dataRetention(args);
    const database = new gcp.sql.Database(
        `${args.name}-database`,
        {
            name: ids.database,
            instance: platform.databaseInstanceName,
            project: platform.project,
            charset: "UTF8",
            collation: "en_US.UTF8",
            // ABANDON leaves the database in Cloud SQL when the resource is deleted.
            deletionPolicy: retention.deletionPolicy,
        },
        { parent, protect: retention.protect, retainOnDelete: retention.retainOnDelete },
    );

    const resourceName = `tenant-db-${args.name}`;
    const sql = buildTenantSql(args.resources.databaseConnections);
    const serverCa = platform.databaseServerCa;
    const script = new k8s.core.v1.ConfigMap(
        `${args.name}-database-script`,
        {
            metadata: { name: resourceName, namespace: PLATFORM_NAMESPACE, labels },
            data: serverCa
                ? { "tenant.sql": sql, "server-ca.pem": serverCa }
                : { "tenant.sql": sql },
        },
        { parent },
    );
    const verifierSecret = new k8s.core.v1.Secret(
        `${args.name}-database-verifier`,
        {
            metadata: { name: resourceName, namespace: PLATFORM_NAMESPACE, labels },
            type: "Opaque",
            stringData: { verifier: passwordVerifier },
        },
        { parent },
    );

    // The hash covers a secret; eight hex digits of a SHA-256 reveal nothing usable about it,
    // and a secret-marked name would hide the Job's identity in every plan.
    const jobName = pulumi.unsecret(
        pulumi
            .all([passwordVerifier, serverCa ?? ""])
            .apply(([v, ca]) =>
                provisioningJobName(args.name, [sql, ids.role, ids.database, v, ca]),
            ),
    );
    const adminSecret = platform.databaseAdminSecret ?? DATABASE_ADMIN_SECRET;
    const env: k8s.types.input.core.v1.EnvVar[] = [
        { name: "PGHOST", value: platform.databasePrivateIp },
        { name: "PGPORT", value: "5432" },
        { name: "PGDATABASE", value: "postgres" },
        { name: "PGCONNECT_TIMEOUT", value: "10" },
        { name: "PGAPPNAME", value: resourceName },
        // Cloud SQL's server certificate does not name the IP, so verify-ca is the strictest mode.
        ...(serverCa
            ? [
                  { name: "PGSSLMODE", value: "verify-ca" },
                  { name: "PGSSLROOTCERT", value: "/provisioning/server-ca.pem" },
              ]
            : [{ name: "PGSSLMODE", value: "require" }]),
        { name: "PGUSER", valueFrom: { secretKeyRef: { name: adminSecret, key: "username" } } },
        { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: adminSecret, key: "password" } } },
        ...Object.entries(tenantSqlEnvironment(ids)).map(([name, value]) => ({ name, value })),
        {
            name: TENANT_SQL_ENV.verifier,
            valueFrom: { secretKeyRef: { name: resourceName, key: "verifier" } },
        },
    ];
    // The platform namespace denies all traffic but DNS and the database on 5432
    // (components/platform.ts), which is all this Job needs.
    const job = new k8s.batch.v1.Job(
        `${args.name}-database-provisioning`,
        {
            metadata: { name: jobName, namespace: PLATFORM_NAMESPACE, labels },
            spec: {
                backoffLimit: 3,
                activeDeadlineSeconds: 600,
                template: {
                    metadata: { labels },
                    spec: {
                        restartPolicy: "Never",
                        automountServiceAccountToken: false,
                        securityContext: {
                            runAsNonRoot: true,
                            runAsUser: PSQL_UID,
                            runAsGroup: PSQL_UID,
                            seccompProfile: { type: "RuntimeDefault" },
                        },
                        containers: [
                            {
                                name: "psql",
                                image: PSQL_IMAGE,
                                command: [
                                    "psql",
                                    "-X",
                                    "-v",
                                    "ON_ERROR_STOP=1",
                                    "-f",
                                    "/provisioning/tenant.sql",
                                ],
                                env,
                                volumeMounts: [
                                    {
                                        name: "provisioning",
                                        mountPath: "/provisioning",
                                        readOnly: true,
                                    },
                                ],
                                securityContext: {
                                    allowPrivilegeEscalation: false,
                                    readOnlyRootFilesystem: true,
                                    runAsNonRoot: true,
                                    capabilities: { drop: ["ALL"] },
                                },
                                resources: {
                                    requests: { cpu: "50m", memory: "64Mi" },
                                    limits: { cpu: "200m", memory: "128Mi" },
                                },
                            },
                        ],
                        volumes: [{ name: "provisioning", configMap: { name: resourceName } }],
                    },
                },
            },
        },
        // The provider waits for the Job to complete, so a failing script fails the update.
        { parent, dependsOn: [database, script, verifierSecret] },
    );

    return { database, job, script, verifierSecret };
}
