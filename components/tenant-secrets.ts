/**
 * The tenant's generated credentials and the Secrets the official Airflow chart reads. Every
 * generated value is a Pulumi secret, and every value derived from one stays a secret.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { SCRAM_SALT_BYTES, scramSha256Verifier } from "./scram";
import { ResolvedTenantSpec } from "./tenant-args";
import { tenantLabels } from "./tenant-namespace";
import { PostgresIdentifiers } from "./tenant-sql";

/** Secret names and keys as the chart's values refer to them. */
export const AIRFLOW_SECRETS = {
    metadata: { name: "airflow-metadata", key: "connection" },
    fernetKey: { name: "airflow-fernet-key", key: "fernet-key" },
    webserverSecretKey: { name: "airflow-webserver-secret-key", key: "webserver-secret-key" },
    smtp: { name: "airflow-smtp", key: "password" },
} as const;

/** The database password's length; the Airflow metadata URL carries it URL-encoded. */
export const PASSWORD_LENGTH = 40;

/** Turns standard base64 into the URL-safe alphabet Fernet keys use (padding kept). */
export function toUrlSafeBase64(standard: string): string {
    return standard.replace(/\+/g, "-").replace(/\//g, "_");
}

/** The metadata database URL in the form SQLAlchemy and the chart expect. */
export function metadataConnectionUrl(
    ids: PostgresIdentifiers,
    password: string,
    host: string,
): string {
    const user = encodeURIComponent(ids.role);
    const database = encodeURIComponent(ids.database);
    // sslmode=require: Cloud SQL's server certificate does not name its private IP, so
    // verify-full cannot pass; the private IP is reachable only inside the VPC.
    return `postgresql://${user}:${encodeURIComponent(password)}@${host}:5432/${database}?sslmode=require`;
}

export interface TenantCredentials {
    password: pulumi.Output<string>;
    /** The SCRAM-SHA-256 verifier of the password; what the server is given. */
    passwordVerifier: pulumi.Output<string>;
    fernetKey: pulumi.Output<string>;
    webserverSecretKey: pulumi.Output<string>;
    /** Random resources, for options and tests. */
    resources: (random.RandomPassword | random.RandomBytes)[];
}

/** Generates the tenant's credentials as children of `parent`. */
export function createTenantCredentials(
    args: ResolvedTenantSpec,
    parent: pulumi.Resource,
): TenantCredentials {
    const password = new random.RandomPassword(
        `${args.name}-database-password`,
        {
            length: PASSWORD_LENGTH,
            special: true,
            overrideSpecial: "-_.~!*()",
            minUpper: 2,
            minLower: 2,
            minNumeric: 2,
        },
        { parent },
    );
    // A stable salt keeps the verifier, and so the provisioning Job, unchanged between runs.
    const salt = new random.RandomBytes(
        `${args.name}-password-salt`,
        { length: SCRAM_SALT_BYTES },
        { parent },
    );
    // The Fernet key encrypts connections and variables stored in the database: losing it loses
    // them, so it is protected whenever the database is kept.
    const fernet = new random.RandomBytes(
        `${args.name}-fernet-key`,
        { length: 32 },
        { parent, protect: !args.dropDataOnDelete },
    );
    const webserver = new random.RandomBytes(
        `${args.name}-webserver-secret-key`,
        { length: 32 },
        { parent },
    );

    const passwordVerifier = pulumi
        .all([password.result, salt.base64])
        .apply(([pw, s]) => scramSha256Verifier(pw, Buffer.from(s, "base64")));
    return {
        password: pulumi.secret(password.result),
        passwordVerifier: pulumi.secret(passwordVerifier),
        fernetKey: pulumi.secret(fernet.base64.apply(toUrlSafeBase64)),
        webserverSecretKey: pulumi.secret(webserver.hex),
        resources: [password, salt, fernet, webserver],
    };
}

export interface SecretInputs {
    credentials: TenantCredentials;
    ids: PostgresIdentifiers;
    databasePrivateIp: pulumi.Input<string>;
}

/** Creates the chart's Secrets in `namespace` as children of `parent`. */
export function createAirflowSecrets(
    args: ResolvedTenantSpec,
    namespace: pulumi.Input<string>,
    inputs: SecretInputs,
    parent: pulumi.Resource,
): k8s.core.v1.Secret[] {
    const labels = tenantLabels(args);
    const secret = (id: string, spec: { name: string; key: string }, value: pulumi.Input<string>) =>
        new k8s.core.v1.Secret(
            `${args.name}-${id}`,
            {
                metadata: { name: spec.name, namespace, labels },
                type: "Opaque",
                stringData: { [spec.key]: pulumi.secret(value) },
            },
            { parent },
        );

    const connection = pulumi
        .all([inputs.credentials.password, inputs.databasePrivateIp])
        .apply(([pw, host]) => metadataConnectionUrl(inputs.ids, pw, host));
    const secrets = [
        secret("metadata", AIRFLOW_SECRETS.metadata, connection),
        secret("fernet-key", AIRFLOW_SECRETS.fernetKey, inputs.credentials.fernetKey),
        secret(
            "webserver-secret-key",
            AIRFLOW_SECRETS.webserverSecretKey,
            inputs.credentials.webserverSecretKey,
        ),
    ];
    const smtpPassword = args.airflow.alerts?.smtpPassword;
    if (smtpPassword !== undefined) {
        secrets.push(secret("smtp", AIRFLOW_SECRETS.smtp, smtpPassword));
    }
    return secrets;
}
