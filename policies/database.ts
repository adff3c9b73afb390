/**
 * Cloud SQL: reachable on its private address only, over TLS, encrypted with the platform's key,
 * highly available, backed up with point-in-time recovery, impossible to delete by accident,
 * and logging its connections. Cloud SQL's own defaults are public IP, unencrypted connections
 * allowed and a zonal instance, so an unset field is a violation here.
 * https://cloud.google.com/sql/docs/postgres/configure-private-ip
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { UNKNOWN, field, list, resourcePolicy } from "./lib";
import { GCP } from "./types";

const SQL = [GCP.databaseInstance];

export const sqlNoPublicIp = resourcePolicy(
    {
        name: "sql-no-public-ip",
        description: "Cloud SQL instances have no public address.",
        enforcementLevel: "mandatory",
        severity: "critical",
        control: {
            framework: "CIS GCP",
            reference: "6.6",
            title: "Ensure that Cloud SQL database instances do not have public IPs.",
        },
    },
    SQL,
    (props) => {
        // Cloud SQL assigns a public address unless told otherwise.
        const ipv4 = field(props, "settings", "ipConfiguration", "ipv4Enabled");
        if (ipv4 !== UNKNOWN && ipv4 !== false) {
            return "Set settings.ipConfiguration.ipv4Enabled to false and connect over the private network (privateNetwork).";
        }
        return undefined;
    },
);

export const sqlNoAuthorizedNetworks = resourcePolicy(
    {
        name: "sql-no-authorized-networks",
        description: "Cloud SQL instances admit no networks by address.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GCP",
            reference: "6.5",
            title: "Ensure that Cloud SQL database instances do not implicitly whitelist all public IP addresses.",
        },
    },
    SQL,
    (props) => {
        const networks = list(props, "settings", "ipConfiguration", "authorizedNetworks");
        if (networks !== UNKNOWN && networks.length > 0) {
            return "Remove settings.ipConfiguration.authorizedNetworks: clients reach the database over the private network only.";
        }
        return undefined;
    },
);

export const sqlSslRequired = resourcePolicy(
    {
        name: "sql-ssl-required",
        description: "Cloud SQL instances refuse unencrypted connections.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GCP",
            reference: "6.4",
            title: "Ensure that the Cloud SQL database instance requires all incoming connections to use SSL.",
        },
    },
    SQL,
    (props) => {
        const mode = field(props, "settings", "ipConfiguration", "sslMode");
        const legacy = field(props, "settings", "ipConfiguration", "requireSsl");
        if (mode === UNKNOWN || legacy === UNKNOWN) {
            return;
        }
        const encrypted = ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"].includes(
            String(mode),
        );
        // sslMode supersedes requireSsl; requireSsl alone counts only when sslMode is unset.
        if (!encrypted && !(mode === undefined && legacy === true)) {
            return 'Set settings.ipConfiguration.sslMode to "ENCRYPTED_ONLY" (or "TRUSTED_CLIENT_CERTIFICATE_REQUIRED").';
        }
        return undefined;
    },
);

export const sqlCmek = resourcePolicy(
    {
        name: "sql-cmek",
        description: "Cloud SQL instances are encrypted with the platform's KMS key.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "encryption-at-rest",
            title: "Databases are encrypted with keys the platform controls (AES-256).",
        },
    },
    SQL,
    (props) => {
        const key = field(props, "encryptionKeyName");
        if (key !== UNKNOWN && (typeof key !== "string" || key === "")) {
            return "Set encryptionKeyName to the platform's Cloud SQL key.";
        }
        return undefined;
    },
);

export const sqlBackups = resourcePolicy(
    {
        name: "sql-backups-pitr",
        description: "Cloud SQL instances take automated backups with point-in-time recovery.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GCP",
            reference: "6.7",
            title: "Ensure that Cloud SQL database instances are configured with automated backups.",
        },
    },
    SQL,
    (props) => {
        const messages: string[] = [];
        for (const key of ["enabled", "pointInTimeRecoveryEnabled"]) {
            const value = field(props, "settings", "backupConfiguration", key);
            if (value !== UNKNOWN && value !== true) {
                messages.push(`Set settings.backupConfiguration.${key} to true.`);
            }
        }
        return messages;
    },
);

export const sqlBackupsRetained = resourcePolicy(
    {
        name: "sql-backups-retained",
        description: "Cloud SQL backups outlive the instance.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "nothing-is-lost",
            title: "Clusters, databases and keys are protected against deletion.",
        },
    },
    SQL,
    (props) => {
        const retained = field(props, "settings", "retainBackupsOnDelete");
        if (retained !== UNKNOWN && retained !== true) {
            return "Set settings.retainBackupsOnDelete to true so that deleting the instance keeps its backups.";
        }
        return undefined;
    },
);

export const sqlRegional = resourcePolicy(
    {
        name: "sql-regional",
        description: "Cloud SQL instances fail over to a second zone.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "availability",
            title: "The platform survives the loss of a zone.",
        },
    },
    SQL,
    (props, args) => {
        if (field(props, "masterInstanceName") !== undefined) {
            return args.notApplicable("Read replicas follow their primary");
        }
        const availability = field(props, "settings", "availabilityType");
        if (availability !== UNKNOWN && availability !== "REGIONAL") {
            return 'Set settings.availabilityType to "REGIONAL" (Cloud SQL is zonal unless told otherwise).';
        }
        return undefined;
    },
);

export const sqlDeletionProtection = resourcePolicy(
    {
        name: "sql-deletion-protection",
        description: "Cloud SQL instances are protected against deletion by Pulumi and by Google.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Platform",
            reference: "nothing-is-lost",
            title: "Clusters, databases and keys are protected against deletion.",
        },
    },
    SQL,
    (props, args) => {
        const messages: string[] = [];
        if (field(props, "deletionProtection") === false) {
            messages.push("Set deletionProtection to true (the provider's default).");
        }
        const google = field(props, "settings", "deletionProtectionEnabled");
        if (google !== UNKNOWN && google !== true) {
            messages.push(
                "Set settings.deletionProtectionEnabled to true so that no API call can delete the instance.",
            );
        }
        if (args.opts.protect !== true) {
            messages.push("Declare the instance with the protect resource option.");
        }
        return messages;
    },
);

/** The flags that record who connected and when. */
const CONNECTION_FLAGS = ["log_connections", "log_disconnections"];

export const sqlConnectionLogging = resourcePolicy(
    {
        name: "sql-connection-logging",
        description: "Cloud SQL for PostgreSQL logs every connection and disconnection.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GCP",
            reference: "6.2.2",
            title: "Ensure that the log_connections and log_disconnections flags are on.",
        },
    },
    SQL,
    (props, args) => {
        const version = field(props, "databaseVersion");
        if (version === UNKNOWN) {
            return undefined;
        }
        if (typeof version === "string" && !version.startsWith("POSTGRES")) {
            return args.notApplicable("Not a PostgreSQL instance");
        }
        const flags = list(props, "settings", "databaseFlags");
        if (flags === UNKNOWN) {
            return;
        }
        const missing = CONNECTION_FLAGS.filter((name) => {
            const flag = flags.find((f) => f === UNKNOWN || field(f, "name") === name);
            if (flag === UNKNOWN) {
                return false;
            }
            const value = field(flag, "value");
            return value !== UNKNOWN && value !== "on";
        });
        return missing.map(
            (name) =>
                `Add the database flag { name: "${name}", value: "on" } to settings.databaseFlags.`,
        );
    },
);

export const databasePolicies: ResourceValidationPolicy[] = [
    sqlNoPublicIp,
    sqlNoAuthorizedNetworks,
    sqlSslRequired,
    sqlCmek,
    sqlBackups,
    sqlBackupsRetained,
    sqlRegional,
    sqlDeletionProtection,
    sqlConnectionLogging,
];
