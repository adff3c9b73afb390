/**
 * What every policy module shares: how a policy is declared, how its config is read, how values
 * that are unknown during preview are told apart, and the address arithmetic the network and
 * cluster policies need. Nothing here constructs the PolicyPack.
 */
import {
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/**
 * The sentinels the engine puts where a value is not known until the update runs. A string field
 * that is unknown arrives as the string sentinel; the others are what the SDK uses for other kinds.
 */
const UNKNOWN_SENTINELS = new Set<unknown>([
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** The marker `field` returns for a value that cannot be known before the update. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Maybe<T> = T | undefined | typeof UNKNOWN;

/** Whether a raw value is one of the engine's "unknown during preview" sentinels. */
export function isUnknownValue(value: unknown): boolean {
    return UNKNOWN_SENTINELS.has(value);
}

/**
 * The plain object behind the SDK's unknown-checking proxy. The proxy throws as soon as a policy
 * touches an unknown value, which would abort the whole policy; reading the plain object lets a
 * policy skip just the one check that depends on it.
 */
export function plain<T>(props: T): T {
    if (typeof props !== "object" || props === null) {
        return props;
    }
    const target = (props as Record<string, unknown>)["__getSpecialProxyTarget"];
    return (target ?? props) as T;
}

/**
 * Reads a nested field: `UNKNOWN` when the value or any object on the way is unknown, `undefined`
 * when the field is unset (the provider's default applies).
 */
export function field(value: unknown, ...path: (string | number)[]): unknown {
    let current: unknown = plain(value);
    for (const key of path) {
        if (current === UNKNOWN || isUnknownValue(current)) {
            return UNKNOWN;
        }
        if (current === undefined || current === null || typeof current !== "object") {
            return undefined;
        }
        current = plain((current as Record<string | number, unknown>)[key]);
    }
    return isUnknownValue(current) ? UNKNOWN : current;
}

/** A list field, with unknown elements kept as `UNKNOWN`; `UNKNOWN` if the list is unknown. */
export function list(value: unknown, ...path: (string | number)[]): unknown[] | typeof UNKNOWN {
    const found = field(value, ...path);
    if (found === UNKNOWN) {
        return UNKNOWN;
    }
    if (!Array.isArray(found)) {
        return found === undefined || found === null ? [] : [found];
    }
    return found.map((item) => (isUnknownValue(item) ? UNKNOWN : plain(item)));
}

/** Whether a string-ish value means "true" the way GCE metadata spells it. */
export function truthy(value: unknown): boolean {
    return value === true || ["true", "1", "yes", "on"].includes(String(value).toLowerCase());
}

/** Where a policy comes from: a CIS benchmark control or one of the platform's own promises. */
export interface Control {
    /** "CIS GKE 1.6.0", "CIS GCP 2.0.0", "Kubernetes Pod Security Standards" or "Platform". */
    framework: string;
    /** The control's number or the promise's short name. */
    reference: string;
    /** The control's title or the promise, in one sentence. */
    title: string;
}

const FRAMEWORK_VERSIONS: Record<string, string> = {
    "CIS GKE": "1.6.0",
    "CIS GCP": "2.0.0",
    "Pod Security Standards": "1.30",
    Platform: "0.1.0",
};

/** What every policy declares besides its check. */
export interface PolicyMeta {
    /** Stable kebab-case name; tests, config and suppressions refer to it. */
    name: string;
    /** One sentence. */
    description: string;
    enforcementLevel: Extract<EnforcementLevel, "advisory" | "mandatory">;
    severity: Severity;
    control: Control;
    /** Config properties with defaults; shared definitions are below. */
    config?: Record<string, PolicyConfigJSONSchema>;
}

function describe(meta: PolicyMeta) {
    return {
        name: meta.name,
        description: meta.description,
        enforcementLevel: meta.enforcementLevel,
        severity: meta.severity,
        framework: {
            name: meta.control.framework,
            version: FRAMEWORK_VERSIONS[meta.control.framework] ?? "",
            reference: meta.control.reference,
            specification: meta.control.title,
        },
        tags: [meta.control.framework, meta.control.reference],
        configSchema: meta.config ? ({ properties: meta.config } as PolicyConfigSchema) : undefined,
    };
}

/**
 * The policy's config: the schema's defaults overlaid by what the operator set. The CLI applies
 * the defaults too; applying them here keeps a policy correct when it is called directly.
 */
export function configOf<T>(meta: PolicyMeta, args: { getConfig<C extends object>(): C }): T {
    const defaults = Object.fromEntries(
        Object.entries(meta.config ?? {}).map(([key, schema]) => [key, schema.default]),
    );
    return { ...defaults, ...(args.getConfig<Record<string, unknown>>() ?? {}) } as T;
}

/** The check of one resource: returns the violation messages, none when compliant. */
export type ResourceCheck = (
    props: Record<string, unknown>,
    args: ResourceValidationArgs,
    config: Record<string, unknown>,
) => string[] | string | undefined | void;

/**
 * Declares a resource policy for the given Pulumi types. With one type the function carries the
 * SDK's type tag, so the engine skips other types without calling it, as `validateResourceOfType`
 * does; with several it tells the engine it does not apply.
 */
export function resourcePolicy(
    meta: PolicyMeta,
    types: readonly string[],
    check: ResourceCheck,
): ResourceValidationPolicy {
    const validate = (args: ResourceValidationArgs, report: ReportViolation) => {
        if (!types.includes(args.type)) {
            return args.notApplicable(`Policy only applies to ${types.join(", ")}`);
        }
        const config = configOf<Record<string, unknown>>(meta, args);
        const found = check(plain(args.props), args, config);
        for (const message of [found ?? []].flat()) {
            report(message);
        }
    };
    if (types.length === 1) {
        (validate as unknown as { __pulumiType: string }).__pulumiType = types[0];
    }
    return { ...describe(meta), validateResource: validate };
}

/** One violation of a stack policy, attached to the resource it concerns. */
export interface StackFinding {
    message: string;
    urn?: string;
}

/** Declares a stack policy. */
export function stackPolicy(
    meta: PolicyMeta,
    check: (args: StackValidationArgs, config: Record<string, unknown>) => StackFinding[],
): StackValidationPolicy {
    return {
        ...describe(meta),
        validateStack: (args, report) => {
            const config = configOf<Record<string, unknown>>(meta, args);
            for (const finding of check(args, config)) {
                report(finding.message, finding.urn);
            }
        },
    };
}

// Shared config definitions, so that every policy spells a tunable the same way.

export const REGION_CONFIG: PolicyConfigJSONSchema = {
    type: "string",
    default: "us-east1",
    description: "The platform's region: clusters and key rings must be there.",
};

export const SSH_SOURCES_CONFIG: PolicyConfigJSONSchema = {
    type: "array",
    items: { type: "string" },
    default: ["35.235.240.0/20"],
    description:
        "Public ranges allowed to reach the bastion on tcp:22: IAP's range by default; add the " +
        "bastion's authorized networks when it runs in public mode.",
};

export const MAX_ROTATION_CONFIG: PolicyConfigJSONSchema = {
    type: "integer",
    minimum: 1,
    default: 7776000,
    description: "The longest allowed KMS key rotation period, in seconds (90 days by default).",
};

export const EXEMPT_NAMESPACES_CONFIG: PolicyConfigJSONSchema = {
    type: "array",
    items: { type: "string" },
    default: ["logging"],
    description:
        "Namespaces exempt from Pod Security restricted (the log collector reads host paths).",
};

export const INGRESS_NAMESPACE_CONFIG: PolicyConfigJSONSchema = {
    type: "string",
    default: "ingress-nginx",
    description: "The namespace of the platform's ingress layer, the only one exposed outside.",
};

// Address arithmetic.

function ipv4ToNumber(address: string): number | undefined {
    const parts = address.split(".");
    if (parts.length !== 4) {
        return undefined;
    }
    let result = 0;
    for (const part of parts) {
        if (!/^\d{1,3}$/.test(part) || Number(part) > 255) {
            return undefined;
        }
        result = result * 256 + Number(part);
    }
    return result;
}

/** An IPv4 CIDR as its first and last address; a bare address is a /32. */
export function parseCidr(cidr: string): { first: number; last: number } | undefined {
    const [address, prefixText] = cidr.trim().split("/");
    const base = ipv4ToNumber(address);
    const prefix = prefixText === undefined ? 32 : Number(prefixText);
    if (base === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
        return undefined;
    }
    const size = 2 ** (32 - prefix);
    const first = Math.floor(base / size) * size;
    return { first, last: first + size - 1 };
}

/** Ranges no internet host can source: RFC 1918, shared address space, loopback, link-local. */
const NON_PUBLIC_RANGES = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
].map((cidr) => parseCidr(cidr)!);

/** Whether `inner` lies wholly inside `outer`; false for anything that does not parse. */
export function cidrWithin(inner: string, outer: string): boolean {
    const a = parseCidr(inner);
    const b = parseCidr(outer);
    return a !== undefined && b !== undefined && a.first >= b.first && a.last <= b.last;
}

/**
 * Whether a range is private. IPv6 ranges and anything that does not parse count as public, so a
 * typo never opens a hole.
 */
export function isPrivateCidr(cidr: string): boolean {
    const range = parseCidr(cidr);
    return (
        range !== undefined &&
        NON_PUBLIC_RANGES.some((p) => range.first >= p.first && range.last <= p.last)
    );
}

/** Whether a range is the whole internet. */
export function isWorld(cidr: string): boolean {
    const trimmed = cidr.trim();
    return trimmed === "0.0.0.0/0" || trimmed === "::/0" || trimmed === "*";
}
