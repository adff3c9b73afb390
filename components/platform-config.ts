import * as pulumi from "@pulumi/pulumi";
import { BastionMode } from "./bastion";
import { PROJECT } from "./constants";
import { PlatformArgs } from "./platform";
import { DEFAULT_REGION } from "./region";
import { InvalidArgumentError } from "./validation";

type ConfigType = "string" | "integer" | "boolean" | "array";

/** One key of the platform stack's config, as Pulumi.yaml declares it. */
export interface ConfigKey {
    type: ConfigType;
    default?: string | number | boolean | string[];
    description: string;
    /** The arguments this key feeds, so a component's error can name the config key. */
    argument?: string | string[];
}

/**
 * Every simple config key of the platform stack. Pulumi.yaml declares the same keys with the same
 * types and defaults (a test holds them equal); the SDK does not apply Pulumi.yaml defaults by
 * itself, so the loader applies these.
 */
export const PLATFORM_CONFIG: Record<string, ConfigKey> = {
    region: {
        type: "string",
        default: DEFAULT_REGION,
        description: "Region of every regional resource.",
        argument: "region",
    },
    nodeCidr: {
        type: "string",
        default: "10.0.0.0/20",
        description: "Primary range of the GKE node subnet.",
        argument: "nodeCidr",
    },
    podCidr: {
        type: "string",
        default: "10.4.0.0/14",
        description: "Secondary range for pods.",
        argument: "podCidr",
    },
    serviceCidr: {
        type: "string",
        default: "10.8.0.0/20",
        description: "Secondary range for Services.",
        argument: "serviceCidr",
    },
    bastionCidr: {
        type: "string",
        default: "10.0.16.0/28",
        description: "Range of the bastion subnet; the only network admitted to the cluster API.",
        argument: "bastionCidr",
    },
    masterCidr: {
        type: "string",
        default: "172.16.0.0/28",
        description: "The GKE control plane's private /28.",
        argument: "masterCidr",
    },
    privateServiceCidr: {
        type: "string",
        default: "10.16.0.0/20",
        description: "Range reserved for private services access (Cloud SQL).",
        argument: "privateServiceCidr",
    },
    natAddressCount: {
        type: "integer",
        default: 1,
        description: "Reserved static addresses of the single Cloud NAT (1-16).",
        argument: "natAddressCount",
    },
    bastionMode: {
        type: "string",
        default: "iap",
        description:
            "iap (no external IP, SSH through IAP) or public (SSH from bastionAuthorizedNetworks only).",
        argument: "mode",
    },
    bastionAuthorizedNetworks: {
        type: "array",
        default: [],
        description: "CIDR ranges admitted to SSH on a public bastion; never 0.0.0.0/0.",
        argument: ["authorizedNetworks", "sshSourceRanges"],
    },
    bastionMachineType: {
        type: "string",
        default: "e2-small",
        description: "Machine type of the bastion.",
        argument: "machineType",
    },
    releaseChannel: {
        type: "string",
        default: "REGULAR",
        description: "GKE release channel: RAPID, REGULAR or STABLE.",
        argument: "releaseChannel",
    },
    kubernetesProxyUrl: {
        type: "string",
        default: "",
        description:
            "Proxy in the kubeconfig for reaching the private endpoint, e.g. socks5://localhost:8888 over a bastion tunnel; empty for none.",
        argument: "proxyUrl",
    },
    platformMachineType: {
        type: "string",
        default: "e2-standard-4",
        description: "Machine type of the platform node pool.",
        argument: "platformPool.machineType",
    },
    platformMinNodes: {
        type: "integer",
        default: 1,
        description: "Minimum platform nodes per zone.",
        argument: "platformPool.minNodesPerZone",
    },
    platformMaxNodes: {
        type: "integer",
        default: 3,
        description: "Maximum platform nodes per zone.",
        argument: "platformPool.maxNodesPerZone",
    },
    tenantMachineType: {
        type: "string",
        default: "e2-standard-8",
        description: "Machine type of the tenant node pool (not shared-core: gVisor).",
        argument: "tenantPool.machineType",
    },
    tenantMinNodes: {
        type: "integer",
        default: 1,
        description: "Minimum tenant nodes per zone.",
        argument: "tenantPool.minNodesPerZone",
    },
    tenantMaxNodes: {
        type: "integer",
        default: 5,
        description: "Maximum tenant nodes per zone.",
        argument: "tenantPool.maxNodesPerZone",
    },
    nodeDiskSizeGb: {
        type: "integer",
        default: 100,
        description: "Boot disk size of every node, in GB.",
        argument: ["platformPool.diskSizeGb", "tenantPool.diskSizeGb"],
    },
    kmsRotationDays: {
        type: "integer",
        default: 90,
        description: "Days between KMS key rotations (1-90).",
        argument: "rotationDays",
    },
    kmsProtectionLevel: {
        type: "string",
        default: "SOFTWARE",
        description: "SOFTWARE or HSM; both AES-256.",
        argument: "protectionLevel",
    },
    databaseVersion: {
        type: "string",
        default: "POSTGRES_15",
        description: "Cloud SQL PostgreSQL version.",
        argument: "databaseVersion",
    },
    databaseTier: {
        type: "string",
        default: "db-custom-2-7680",
        description: "Cloud SQL machine tier.",
        argument: "tier",
    },
    databaseDiskSizeGb: {
        type: "integer",
        default: 50,
        description: "Initial Cloud SQL disk size in GB (grows automatically).",
        argument: "diskSizeGb",
    },
    backupRetentionCount: {
        type: "integer",
        default: 14,
        description: "Automated Cloud SQL backups kept (7-365).",
        argument: "backupRetentionCount",
    },
    maintenanceDay: {
        type: "integer",
        default: 7,
        description: "Cloud SQL maintenance day, 1 (Monday) to 7 (Sunday).",
        argument: "maintenanceDay",
    },
    maintenanceHour: {
        type: "integer",
        default: 4,
        description: "Cloud SQL maintenance hour, UTC.",
        argument: "maintenanceHour",
    },
    databaseAdminUser: {
        type: "string",
        default: "platform_admin",
        description: "Name of the Cloud SQL administrative user.",
        argument: "adminUser",
    },
    loggingRetentionDays: {
        type: "integer",
        default: 30,
        description: "Days a log index is kept (1-3650).",
        argument: "retentionDays",
    },
    elasticsearchNodes: {
        type: "integer",
        default: 3,
        description: "Elasticsearch nodes: an odd number from 1 to 9.",
        argument: "elasticsearchNodes",
    },
    elasticsearchStorageGb: {
        type: "integer",
        default: 100,
        description: "Disk per Elasticsearch node, in GiB.",
        argument: "elasticsearchStorageGb",
    },
    inCluster: {
        type: "boolean",
        default: true,
        description:
            "Declare the objects inside the cluster (platform namespace, admin Secret, logging). False for the first deployment, before the bastion tunnel exists.",
        argument: "inCluster",
    },
    elasticsearchVersion: {
        type: "string",
        default: "8.17.0",
        description: "Elasticsearch and Kibana version, pinned.",
        argument: "elasticsearchVersion",
    },
};

function read(config: pulumi.Config, key: string): unknown {
    const spec = PLATFORM_CONFIG[key];
    switch (spec.type) {
        case "integer": {
            const raw = config.get(key);
            if (raw === undefined) return spec.default;
            const value = Number(raw);
            if (!Number.isInteger(value)) {
                throw new InvalidArgumentError(`${PROJECT}:${key}`, raw, "an integer");
            }
            return value;
        }
        case "boolean": {
            const raw = config.get(key);
            if (raw === undefined) return spec.default;
            if (raw !== "true" && raw !== "false") {
                throw new InvalidArgumentError(`${PROJECT}:${key}`, raw, "true or false");
            }
            return raw === "true";
        }
        case "array": {
            const raw = config.get(key);
            if (raw === undefined) return spec.default;
            let value: unknown;
            try {
                value = JSON.parse(raw);
            } catch {
                value = undefined;
            }
            if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
                throw new InvalidArgumentError(`${PROJECT}:${key}`, raw, "a list of strings");
            }
            return value;
        }
        default:
            return config.get(key) ?? spec.default;
    }
}

/** Reads the platform stack's config into the Platform component's arguments. */
export function loadPlatformConfig(): PlatformArgs {
    const config = new pulumi.Config(PROJECT);
    const c = Object.fromEntries(
        Object.keys(PLATFORM_CONFIG).map((k) => [k, read(config, k)]),
    ) as Record<string, never>;
    const providerRegion = new pulumi.Config("gcp").get("region");
    if (providerRegion !== undefined && c.region !== providerRegion) {
        throw new InvalidArgumentError(
            `${PROJECT}:region`,
            c.region,
            `the Google provider's region gcp:region ("${providerRegion}"); set both to the same region`,
        );
    }
    const pool = (prefix: "platform" | "tenant") => ({
        machineType: c[`${prefix}MachineType`],
        minNodesPerZone: c[`${prefix}MinNodes`],
        maxNodesPerZone: c[`${prefix}MaxNodes`],
        diskSizeGb: c.nodeDiskSizeGb,
    });
    return {
        region: c.region,
        network: {
            nodeCidr: c.nodeCidr,
            podCidr: c.podCidr,
            serviceCidr: c.serviceCidr,
            bastionCidr: c.bastionCidr,
            masterCidr: c.masterCidr,
            privateServiceCidr: c.privateServiceCidr,
            natAddressCount: c.natAddressCount,
        },
        keys: { rotationDays: c.kmsRotationDays, protectionLevel: c.kmsProtectionLevel },
        bastion: {
            mode: c.bastionMode as BastionMode,
            authorizedNetworks: c.bastionAuthorizedNetworks,
            machineType: c.bastionMachineType,
        },
        cluster: {
            releaseChannel: c.releaseChannel,
            platformPool: pool("platform"),
            tenantPool: pool("tenant"),
            proxyUrl: (c.kubernetesProxyUrl as string) === "" ? undefined : c.kubernetesProxyUrl,
        },
        database: {
            databaseVersion: c.databaseVersion,
            tier: c.databaseTier,
            diskSizeGb: c.databaseDiskSizeGb,
            backupRetentionCount: c.backupRetentionCount,
            maintenanceDay: c.maintenanceDay,
            maintenanceHour: c.maintenanceHour,
            adminUser: c.databaseAdminUser,
        },
        inCluster: c.inCluster,
        logging: {
            retentionDays: c.loggingRetentionDays,
            elasticsearchNodes: c.elasticsearchNodes,
            elasticsearchStorageGb: c.elasticsearchStorageGb,
            elasticsearchVersion: c.elasticsearchVersion,
        },
    };
}

/**
 * Rewrites a component's argument error to name the config key that fed it, so an operator
 * sees `airflow-platform:podCidr` rather than an argument path they never wrote.
 */
export function inConfigTerms(error: unknown): unknown {
    if (!(error instanceof InvalidArgumentError)) {
        return error;
    }
    const bare = error.field.replace(/\[\d+\]$/, "");
    const index = error.field.slice(bare.length);
    const key = Object.entries(PLATFORM_CONFIG).find(([, spec]) =>
        ([] as string[]).concat(spec.argument ?? []).includes(bare),
    )?.[0];
    return key
        ? new InvalidArgumentError(`${PROJECT}:${key}${index}`, error.value, error.allowed)
        : error;
}
