/**
 * The Tenant's arguments, their defaults and their validation. Pure: nothing here touches Pulumi
 * resources, so the stack tool and the tests can check a tenant before anything exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { RESERVED_NAMESPACE_PREFIXES, RESERVED_NAMESPACES } from "./constants";
import { postgresIdentifiers } from "./tenant-sql";
import {
    InvalidArgumentError,
    requireDnsLabel,
    requireIntegerInRange,
    requireNonEmpty,
    requireOneOf,
} from "./validation";

/** The roles a workspace member may hold, and the tenant Role each one binds. */
export const MEMBER_ROLES = {
    admin: "tenant-admin",
    editor: "tenant-editor",
    viewer: "tenant-viewer",
} as const;
export type MemberRole = keyof typeof MEMBER_ROLES;

/** The only executor the platform runs: one short-lived pod per task, no broker to operate. */
export const EXECUTORS = ["KubernetesExecutor"] as const;

/** The official chart's version this platform is tested with (Airflow 2.9.3). */
export const DEFAULT_CHART_VERSION = "1.15.0";
/** The Airflow image the pinned chart ships with. */
export const DEFAULT_AIRFLOW_IMAGE = { repository: "apache/airflow", tag: "2.9.3" } as const;

/** A person who may use the tenant's namespace. */
export interface TenantMember {
    /** The member's Google identity; GKE names the Kubernetes user by this email. Required. */
    email: string;
    /** admin, editor or viewer: binds the tenant Role of that name. Required. */
    role: MemberRole;
}

/** Quotas for the tenant's namespace; each must be a positive integer. */
export interface TenantResources {
    /** CPU cores all pods may request, and limit, together. Default 8; 1-256. */
    cpu?: number;
    /** Memory in GiB all pods may request, and limit, together. Default 32; 1-1024. */
    memoryGi?: number;
    /** Pods at once (each running task is one). Default 50; 1-1000. */
    pods?: number;
    /** PersistentVolumeClaims. Default 4; 1-100. */
    persistentVolumeClaims?: number;
    /** Storage in GiB all claims may request. Default 100; 1-10000. */
    storageGi?: number;
    /**
     * The database role's connection limit. Default 100; 1-1000. Airflow opens a pool per
     * process and a connection per running task; the sum over tenants must stay below the
     * instance's `max_connections`.
     */
    databaseConnections?: number;
}

/** Alerting by email, configured through Airflow's environment variables. */
export interface TenantAlerts {
    /** SMTP server host name. Required when alerts are set. */
    smtpHost: string;
    /** SMTP port. Default 587; 1-65535. */
    smtpPort?: number;
    /** SMTP user. Default none (no authentication). */
    smtpUser?: string;
    /** The SMTP password, kept in a Secret and read by Airflow from it. Default none. */
    smtpPassword?: pulumi.Input<string>;
    /** The sender address. Required when alerts are set. */
    mailFrom: string;
    /** Use STARTTLS. Default true. */
    startTls?: boolean;
    /** Recipients of failure alerts, exposed to DAGs as the Airflow variable `alert_emails`. */
    recipients?: string[];
}

/** The tenant's Airflow deployment. */
export interface TenantAirflow {
    /** The official chart's version, pinned `x.y.z`. Default {@link DEFAULT_CHART_VERSION}. */
    chartVersion?: string;
    /** Only KubernetesExecutor. Default KubernetesExecutor. */
    executor?: string;
    /** The Airflow image; the tag may not be `latest`. Default apache/airflow:2.9.3. */
    image?: { repository: string; tag: string };
    /**
     * Extra environment variables for every Airflow container, names `[A-Z_][A-Z0-9_]*`. Default
     * none. Names the platform sets itself (the database, Fernet and secret keys) are refused.
     */
    env?: Record<string, string>;
    /** Email alerts. Default none. */
    alerts?: TenantAlerts;
}

/** What describes one tenant: the `tenant` block of a tenant stack's config. */
export interface TenantSpec {
    /**
     * The tenant name; also its namespace. Required. A DNS label, not reserved (default, kube-*,
     * gke-*, gmp-*, the platform's namespaces), short enough for every derived name.
     */
    name: string;
    /** The workspace the tenant belongs to; a DNS label. Required. */
    workspace: string;
    /** Who may use the namespace. Default none. Emails must be unique. */
    members?: TenantMember[];
    /** Namespace quotas. Defaults in {@link TenantResources}. */
    resources?: TenantResources;
    /** Airflow settings. Defaults in {@link TenantAirflow}. */
    airflow?: TenantAirflow;
    /** Lets task pods reach the internet (never private ranges or metadata). Default false. */
    allowInternetEgress?: boolean;
    /**
     * Drops the database and the Fernet key when the tenant is removed. Default false: the
     * database is abandoned in Cloud SQL, protected and retained. Set true only to delete data.
     */
    dropDataOnDelete?: boolean;
}

/** A tenant spec with every default applied. */
export interface ResolvedTenantSpec {
    name: string;
    workspace: string;
    members: TenantMember[];
    resources: Required<TenantResources>;
    airflow: {
        chartVersion: string;
        executor: (typeof EXECUTORS)[number];
        image: { repository: string; tag: string };
        env: Record<string, string>;
        alerts?: TenantAlerts;
    };
    allowInternetEgress: boolean;
    dropDataOnDelete: boolean;
}

const RESOURCE_LIMITS: Record<keyof TenantResources, [number, number, number]> = {
    cpu: [8, 1, 256],
    memoryGi: [32, 1, 1024],
    pods: [50, 1, 1000],
    persistentVolumeClaims: [4, 1, 100],
    storageGi: [100, 1, 10000],
    databaseConnections: [100, 1, 1000],
};

/** Names built from the tenant name, which must each fit in 63 characters. */
export function derivedKubernetesNames(name: string): Record<string, string> {
    return {
        namespace: name,
        "provisioning Job": `tenant-db-${name}-0123abcd`,
        "provisioning ConfigMap and Secret": `tenant-db-${name}`,
        // TenantLogAccess, named `<name>-logs`, runs a Job named after itself plus a hash.
        "log access Job": `${name}-logs-log-access-0123abcd`,
    };
}

const EMAIL =
    /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const CHART_VERSION = /^\d+\.\d+\.\d+$/;
/** Variables the component sets from its own secrets; a tenant may not override them. */
const PLATFORM_ENV_PREFIXES = [
    "AIRFLOW__CORE__FERNET_KEY",
    "AIRFLOW__CORE__SQL_ALCHEMY_CONN",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW_CONN_AIRFLOW_DB",
    "AIRFLOW__WEBSERVER__SECRET_KEY",
    "AIRFLOW__ELASTICSEARCH__",
    "AIRFLOW__KUBERNETES",
    "AIRFLOW__SMTP__",
];

/** An email address; the error names the field. */
export function requireEmail(field: string, value: string): string {
    if (typeof value !== "string" || value.length > 254 || !EMAIL.test(value)) {
        throw new InvalidArgumentError(field, value, "an email address such as ada@example.com");
    }
    return value;
}

function requireTenantName(name: string): string {
    requireDnsLabel("name", name);
    if (
        RESERVED_NAMESPACES.includes(name) ||
        RESERVED_NAMESPACE_PREFIXES.some((p) => name.startsWith(p))
    ) {
        throw new InvalidArgumentError(
            "name",
            name,
            `a name that is not reserved (${RESERVED_NAMESPACES.join(", ")}, or starting with ${RESERVED_NAMESPACE_PREFIXES.join(", ")})`,
        );
    }
    for (const [what, derived] of Object.entries(derivedKubernetesNames(name))) {
        if (derived.length > 63) {
            throw new InvalidArgumentError(
                "name",
                name,
                `a shorter name: the ${what} name "${derived}" must be at most 63 characters`,
            );
        }
    }
    postgresIdentifiers(name);
    return name;
}

function resolveResources(resources: TenantResources | undefined): Required<TenantResources> {
    if (resources !== undefined && (typeof resources !== "object" || resources === null)) {
        throw new InvalidArgumentError("resources", resources, "an object of quotas");
    }
    const out = {} as Required<TenantResources>;
    for (const [key, [fallback, min, max]] of Object.entries(RESOURCE_LIMITS)) {
        const k = key as keyof TenantResources;
        out[k] = requireIntegerInRange(`resources.${k}`, resources?.[k] ?? fallback, min, max);
    }
    return out;
}

function resolveAlerts(alerts: TenantAlerts | undefined): TenantAlerts | undefined {
    if (alerts === undefined) return undefined;
    requireNonEmpty("airflow.alerts.smtpHost", alerts.smtpHost);
    requireIntegerInRange("airflow.alerts.smtpPort", alerts.smtpPort ?? 587, 1, 65535);
    requireEmail("airflow.alerts.mailFrom", alerts.mailFrom);
    if (alerts.smtpUser !== undefined) requireNonEmpty("airflow.alerts.smtpUser", alerts.smtpUser);
    (alerts.recipients ?? []).forEach((r, i) => requireEmail(`airflow.alerts.recipients[${i}]`, r));
    return { smtpPort: 587, startTls: true, recipients: [], ...alerts };
}

function resolveAirflow(airflow: TenantAirflow | undefined): ResolvedTenantSpec["airflow"] {
    const a = airflow ?? {};
    const chartVersion = a.chartVersion ?? DEFAULT_CHART_VERSION;
    if (typeof chartVersion !== "string" || !CHART_VERSION.test(chartVersion)) {
        throw new InvalidArgumentError(
            "airflow.chartVersion",
            chartVersion,
            "a pinned version x.y.z such as 1.15.0",
        );
    }
    const executor = requireOneOf("airflow.executor", a.executor ?? EXECUTORS[0], EXECUTORS);
    const image = a.image ?? DEFAULT_AIRFLOW_IMAGE;
    requireNonEmpty("airflow.image.repository", image.repository);
    requireNonEmpty("airflow.image.tag", image.tag);
    if (image.tag === "latest" || /[:@\s]/.test(image.tag) || /[:@\s]/.test(image.repository)) {
        throw new InvalidArgumentError(
            "airflow.image.tag",
            image.tag,
            "a pinned tag other than latest",
        );
    }
    const env = a.env ?? {};
    for (const [key, value] of Object.entries(env)) {
        if (!ENV_NAME.test(key) || PLATFORM_ENV_PREFIXES.some((p) => key.startsWith(p))) {
            throw new InvalidArgumentError(
                `airflow.env.${key}`,
                key,
                `a name matching [A-Z_][A-Z0-9_]* that the platform does not set (${PLATFORM_ENV_PREFIXES.join(", ")})`,
            );
        }
        if (typeof value !== "string") {
            throw new InvalidArgumentError(`airflow.env.${key}`, value, "a string value");
        }
    }
    return {
        chartVersion,
        executor,
        image: { ...image },
        env: { ...env },
        alerts: resolveAlerts(a.alerts),
    };
}

/** Checks every argument and applies the defaults; throws an {@link InvalidArgumentError}. */
export function resolveTenantSpec(args: TenantSpec): ResolvedTenantSpec {
    if (typeof args !== "object" || args === null) {
        throw new InvalidArgumentError(
            "tenant",
            args,
            "an object with at least name and workspace",
        );
    }
    const name = requireTenantName(args.name);
    const workspace = requireDnsLabel("workspace", args.workspace);
    const members = args.members ?? [];
    if (!Array.isArray(members)) {
        throw new InvalidArgumentError("members", members, "a list of { email, role }");
    }
    const seen = new Set<string>();
    members.forEach((m, i) => {
        const email = requireEmail(`members[${i}].email`, m?.email);
        requireOneOf(`members[${i}].role`, m.role, Object.keys(MEMBER_ROLES) as MemberRole[]);
        if (seen.has(email.toLowerCase())) {
            throw new InvalidArgumentError(
                `members[${i}].email`,
                email,
                "an email listed only once",
            );
        }
        seen.add(email.toLowerCase());
    });
    for (const flag of ["allowInternetEgress", "dropDataOnDelete"] as const) {
        if (args[flag] !== undefined && typeof args[flag] !== "boolean") {
            throw new InvalidArgumentError(flag, args[flag], "true or false");
        }
    }
    return {
        name,
        workspace,
        members: members.map((m) => ({ email: m.email, role: m.role })),
        resources: resolveResources(args.resources),
        airflow: resolveAirflow(args.airflow),
        allowInternetEgress: args.allowInternetEgress ?? false,
        dropDataOnDelete: args.dropDataOnDelete ?? false,
    };
}
