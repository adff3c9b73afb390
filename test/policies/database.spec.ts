import { databasePolicies } from "../../policies/database";
import { GCP } from "../../policies/types";
import { proveDeclarations, proveResourcePolicies, UNSET } from "./harness";

/** The Cloud SQL instance as the platform declares it. */
function instance(): Record<string, unknown> {
    return {
        region: "us-east1",
        databaseVersion: "POSTGRES_15",
        encryptionKeyName: "projects/p/locations/us-east1/keyRings/r/cryptoKeys/cloudsql",
        deletionProtection: true,
        settings: {
            tier: "db-custom-4-15360",
            availabilityType: "REGIONAL",
            deletionProtectionEnabled: true,
            retainBackupsOnDelete: true,
            ipConfiguration: {
                ipv4Enabled: false,
                privateNetwork: "n",
                sslMode: "ENCRYPTED_ONLY",
                authorizedNetworks: [],
            },
            backupConfiguration: {
                enabled: true,
                pointInTimeRecoveryEnabled: true,
                startTime: "02:00",
            },
            databaseFlags: [
                { name: "log_connections", value: "on" },
                { name: "log_disconnections", value: "on" },
            ],
        },
    };
}

describe("policies/database", () => {
    proveDeclarations(databasePolicies);

    proveResourcePolicies({
        policies: databasePolicies,
        type: GCP.databaseInstance,
        compliant: instance,
        extra: { protect: true },
        cases: [
            {
                path: "settings.ipConfiguration.ipv4Enabled",
                value: true,
                expect: "sql-no-public-ip",
            },
            {
                path: "settings.ipConfiguration.ipv4Enabled",
                value: UNSET,
                expect: "sql-no-public-ip",
            },
            {
                path: "settings.ipConfiguration",
                value: UNSET,
                expect: ["sql-no-public-ip", "sql-ssl-required"],
            },
            {
                path: "settings.ipConfiguration.authorizedNetworks",
                value: [{ value: "0.0.0.0/0" }],
                expect: "sql-no-authorized-networks",
            },
            {
                path: "settings.ipConfiguration.authorizedNetworks",
                value: [{ value: "10.0.0.0/8" }],
                expect: "sql-no-authorized-networks",
            },
            {
                path: "settings.ipConfiguration.sslMode",
                value: "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
                expect: "sql-ssl-required",
            },
            { path: "settings.ipConfiguration.sslMode", value: UNSET, expect: "sql-ssl-required" },
            {
                path: "settings.ipConfiguration.sslMode",
                value: "TRUSTED_CLIENT_CERTIFICATE_REQUIRED",
                expect: [],
            },
            {
                path: "settings.ipConfiguration.sslMode",
                value: UNSET,
                expect: [],
                also: [["settings.ipConfiguration.requireSsl", true]],
            },
            { path: "encryptionKeyName", value: UNSET, expect: "sql-cmek" },
            {
                path: "settings.backupConfiguration.enabled",
                value: false,
                expect: "sql-backups-pitr",
            },
            {
                path: "settings.backupConfiguration.pointInTimeRecoveryEnabled",
                value: false,
                expect: "sql-backups-pitr",
            },
            {
                path: "settings.backupConfiguration",
                value: UNSET,
                expect: ["sql-backups-pitr", "sql-backups-pitr"],
            },
            {
                path: "settings.retainBackupsOnDelete",
                value: false,
                expect: "sql-backups-retained",
            },
            {
                path: "settings.retainBackupsOnDelete",
                value: UNSET,
                expect: "sql-backups-retained",
            },
            { path: "settings.availabilityType", value: "ZONAL", expect: "sql-regional" },
            { path: "settings.availabilityType", value: UNSET, expect: "sql-regional" },
            {
                path: "masterInstanceName",
                value: "primary",
                expect: [],
                also: [["settings.availabilityType", "ZONAL"]],
            },
            { path: "deletionProtection", value: false, expect: "sql-deletion-protection" },
            { path: "deletionProtection", value: UNSET, expect: [] },
            {
                path: "settings.deletionProtectionEnabled",
                value: false,
                expect: "sql-deletion-protection",
            },
            {
                path: "settings.deletionProtectionEnabled",
                value: UNSET,
                expect: "sql-deletion-protection",
            },
            {
                path: "region",
                value: "us-east1",
                extra: { protect: false },
                expect: "sql-deletion-protection",
            },
            {
                path: "settings.databaseFlags.0.value",
                value: "off",
                expect: "sql-connection-logging",
            },
            { path: "settings.databaseFlags.1", value: UNSET, expect: "sql-connection-logging" },
            {
                path: "settings.databaseFlags",
                value: UNSET,
                expect: ["sql-connection-logging", "sql-connection-logging"],
            },
            {
                path: "databaseVersion",
                value: "MYSQL_8_0",
                expect: [],
                also: [["settings.databaseFlags", UNSET]],
            },
        ],
    });
});
