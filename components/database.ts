import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PROJECT } from "./constants";
import { configuredRegion } from "./region";
import {
    InvalidArgumentError,
    requireDnsLabel,
    requireIntegerInRange,
    requireNonEmpty,
    requireOneOf,
    requireRegion,
} from "./validation";

/** Flags that make every connection and slow lock visible in Cloud Logging (CIS GCP 6.2). */
export const CONNECTION_LOGGING_FLAGS: Record<string, string> = {
    log_connections: "on",
    log_disconnections: "on",
    log_checkpoints: "on",
    log_lock_waits: "on",
    log_min_error_statement: "error",
    log_temp_files: "0",
    // Statement text is never logged, so no secret passed in SQL reaches the logs.
    log_min_duration_statement: "-1",
    log_statement: "none",
};

export interface DatabaseArgs {
    /** Region of the instance. Must be the configured region (default us-east1). */
    region: string;
    /** The VPC's id; the instance gets a private address in it and no public one. */
    network: pulumi.Input<string>;
    /** The private services access connection; the instance must wait for it. */
    privateServiceConnection: pulumi.Resource;
    /** KMS key (AES-256) for the instance's storage and backups. */
    encryptionKeyId: pulumi.Input<string>;
    /** Grants that let Cloud SQL's service agent use the key; the instance waits for them. */
    keyGrants?: pulumi.Resource[];
    /** PostgreSQL major version: POSTGRES_15, POSTGRES_16 or POSTGRES_17. Default POSTGRES_15. */
    databaseVersion?: "POSTGRES_15" | "POSTGRES_16" | "POSTGRES_17";
    /** Machine tier. Default `db-custom-2-7680`. Shared-core tiers (db-f1-micro, db-g1-small) have no HA SLA. */
    tier?: string;
    /** Initial disk size in GB, 10-65536; it grows automatically. Default 50. */
    diskSizeGb?: number;
    /** Automated backups kept, 7-365. Default 14. */
    backupRetentionCount?: number;
    /** Days of write-ahead log kept for point-in-time recovery, 1-7. Default 7. */
    transactionLogRetentionDays?: number;
    /** Maintenance window day, 1 (Monday) to 7 (Sunday). Default 7. */
    maintenanceDay?: number;
    /** Maintenance window hour in UTC, 0-23. Default 4. */
    maintenanceHour?: number;
    /** Name of the administrative user, a lowercase identifier. Default `platform_admin`. */
    adminUser?: string;
}

/**
 * Cloud SQL for PostgreSQL reachable only on a private address: SSL required, encrypted with the
 * platform's KMS key, highly available across zones, backed up with point-in-time recovery,
 * protected against deletion by Google and by Pulumi, with connection logging on. Its
 * administrative user gets a random 40-character password held as a Pulumi secret.
 */
export class Database extends pulumi.ComponentResource {
    public readonly instance: gcp.sql.DatabaseInstance;
    public readonly adminUser: gcp.sql.User;
    /** The administrative password (secret). */
    public readonly adminPassword: pulumi.Output<string>;
    public readonly privateIp: pulumi.Output<string>;
    /** The server CA certificate (PEM), for clients that verify the server. */
    public readonly serverCa: pulumi.Output<string>;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        const region = requireRegion("region", args.region, configuredRegion());
        const databaseVersion = requireOneOf(
            "databaseVersion",
            args.databaseVersion ?? "POSTGRES_15",
            ["POSTGRES_15", "POSTGRES_16", "POSTGRES_17"],
        );
        const tier = requireNonEmpty("tier", args.tier ?? "db-custom-2-7680");
        if (/^db-(f1-micro|g1-small)$/.test(tier)) {
            throw new InvalidArgumentError(
                "tier",
                tier,
                "a dedicated-core tier such as db-custom-2-7680",
            );
        }
        const diskSizeGb = requireIntegerInRange("diskSizeGb", args.diskSizeGb ?? 50, 10, 65536);
        const retainedBackups = requireIntegerInRange(
            "backupRetentionCount",
            args.backupRetentionCount ?? 14,
            7,
            365,
        );
        const logDays = requireIntegerInRange(
            "transactionLogRetentionDays",
            args.transactionLogRetentionDays ?? 7,
            1,
            7,
        );
        const maintenanceDay = requireIntegerInRange(
            "maintenanceDay",
            args.maintenanceDay ?? 7,
            1,
            7,
        );
        const maintenanceHour = requireIntegerInRange(
            "maintenanceHour",
            args.maintenanceHour ?? 4,
            0,
            23,
        );
        const adminUser = args.adminUser ?? "platform_admin";
        if (!/^[a-z][a-z0-9_]{0,62}$/.test(adminUser)) {
            throw new InvalidArgumentError(
                "adminUser",
                adminUser,
                "a lowercase PostgreSQL identifier: letters, digits and '_', starting with a letter, at most 63",
            );
        }
        requireDnsLabel("name", name, 84);

        super(`${PROJECT}:index:Database`, name, {}, opts);

        this.instance = new gcp.sql.DatabaseInstance(
            name,
            {
                region,
                databaseVersion,
                encryptionKeyName: args.encryptionKeyId,
                deletionProtection: true,
                settings: {
                    tier,
                    edition: "ENTERPRISE",
                    availabilityType: "REGIONAL",
                    diskType: "PD_SSD",
                    diskSize: diskSizeGb,
                    diskAutoresize: true,
                    // Google-side protection: the instance cannot be deleted through any API.
                    deletionProtectionEnabled: true,
                    // Backups outlive an instance deleted by mistake.
                    retainBackupsOnDelete: true,
                    finalBackupConfig: { enabled: true, retentionDays: 30 },
                    ipConfiguration: {
                        ipv4Enabled: false,
                        privateNetwork: args.network,
                        sslMode: "ENCRYPTED_ONLY",
                        enablePrivatePathForGoogleCloudServices: false,
                        authorizedNetworks: [],
                    },
                    backupConfiguration: {
                        enabled: true,
                        pointInTimeRecoveryEnabled: true,
                        startTime: "02:00",
                        location: region,
                        transactionLogRetentionDays: logDays,
                        backupRetentionSettings: { retainedBackups, retentionUnit: "COUNT" },
                    },
                    maintenanceWindow: {
                        day: maintenanceDay,
                        hour: maintenanceHour,
                        updateTrack: "stable",
                    },
                    databaseFlags: Object.entries(CONNECTION_LOGGING_FLAGS).map(
                        ([flag, value]) => ({
                            name: flag,
                            value,
                        }),
                    ),
                    insightsConfig: { queryInsightsEnabled: true, recordClientAddress: false },
                    userLabels: { platform: PROJECT },
                },
            },
            {
                parent: this,
                protect: true,
                retainOnDelete: true,
                dependsOn: [args.privateServiceConnection, ...(args.keyGrants ?? [])],
            },
        );

        // Alphanumeric plus URL-safe marks, so the password needs no quoting in a connection URL.
        const password = new random.RandomPassword(
            `${name}-admin`,
            {
                length: 40,
                special: true,
                overrideSpecial: "-_.~",
                minUpper: 2,
                minLower: 2,
                minNumeric: 2,
            },
            { parent: this },
        );
        this.adminPassword = pulumi.secret(password.result);
        this.adminUser = new gcp.sql.User(
            `${name}-admin`,
            {
                instance: this.instance.name,
                name: adminUser,
                type: "BUILT_IN",
                password: this.adminPassword,
                // Dropping the role would orphan what it owns; leave it with the instance.
                deletionPolicy: "ABANDON",
            },
            { parent: this },
        );

        this.privateIp = this.instance.privateIpAddress;
        this.serverCa = this.instance.serverCaCerts.apply((certs) => certs?.[0]?.cert ?? "");

        this.registerOutputs({
            instanceName: this.instance.name,
            connectionName: this.instance.connectionName,
            privateIp: this.privateIp,
            adminUser: this.adminUser.name,
        });
    }
}
