/**
 * Policy config as the CLI handles it: checked against the pack before anything runs, levels
 * resolved (a policy's own entry, then `all`, then the policy's declared level), and each
 * policy's properties given over its schema's defaults.
 */
import { EnforcementLevel, Policy } from "@pulumi/policy";
import { allPolicies } from "../policies/all";

/** Policy config as `pulumi preview --policy-pack-config` reads it: by policy name (or `all`). */
export type PackConfig = Record<string, unknown>;

/** The level the pack gives a policy that declares none; see policies/index.ts. */
const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "advisory";

/** The configured level of a policy: pack config first, then `all`, then the policy's own. */
export function levelOf(policy: Policy, config: PackConfig): EnforcementLevel {
    const own = config[policy.name];
    const configured =
        typeof own === "string"
            ? own
            : (own as { enforcementLevel?: string } | undefined)?.enforcementLevel;
    const all = typeof config.all === "string" ? config.all : undefined;
    const level = (configured ??
        all ??
        policy.enforcementLevel ??
        PACK_ENFORCEMENT_LEVEL) as EnforcementLevel;
    return level === "remediate" ? "mandatory" : level;
}

/** A policy's config as the CLI hands it over: schema defaults overlaid by the pack config. */
export function configFunction(policy: Policy, config: PackConfig) {
    const defaults = Object.fromEntries(
        Object.entries(policy.configSchema?.properties ?? {})
            .filter(([, schema]) => schema.default !== undefined)
            .map(([key, schema]) => [key, schema.default]),
    );
    const own = config[policy.name];
    const given = { ...(typeof own === "object" && own !== null ? own : {}) } as Record<
        string,
        unknown
    >;
    // The level is the engine's business, never part of the policy's own config.
    delete given.enforcementLevel;
    return <T extends object>() => ({ ...defaults, ...given }) as T;
}

/** Policy config that names no policy of the pack or gives a value of the wrong type. */
export class PolicyConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyConfigError";
    }
}

const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

function typeMatches(value: unknown, type: string): boolean {
    switch (type) {
        case "array":
            return Array.isArray(value);
        case "integer":
            return Number.isInteger(value);
        case "number":
            return typeof value === "number";
        case "object":
            return typeof value === "object" && value !== null && !Array.isArray(value);
        case "null":
            return value === null;
        default:
            return typeof value === type;
    }
}

/**
 * Checks policy config the way the CLI does before it runs a pack: every key names a policy (or
 * is `all`), levels are known, and each property has its schema's type.
 */
export function validateConfig(
    config: PackConfig,
    policies: readonly Policy[] = allPolicies,
): void {
    const byName = new Map(policies.map((p) => [p.name, p]));
    for (const [name, entry] of Object.entries(config)) {
        const policy = byName.get(name);
        if (name !== "all" && !policy) {
            throw new PolicyConfigError(`"${name}" is not a policy of the pack`);
        }
        const level =
            typeof entry === "string"
                ? entry
                : (entry as { enforcementLevel?: unknown })?.enforcementLevel;
        if (level !== undefined && !LEVELS.includes(String(level))) {
            throw new PolicyConfigError(
                `${name}: enforcement level ${JSON.stringify(level)} is not one of ${LEVELS.join(", ")}`,
            );
        }
        if (typeof entry !== "object" || entry === null || !policy) {
            continue;
        }
        for (const [key, value] of Object.entries(entry)) {
            if (key === "enforcementLevel") {
                continue;
            }
            const schema = policy.configSchema?.properties?.[key];
            const types = [schema?.type ?? []].flat() as string[];
            if (types.length > 0 && !types.some((t) => typeMatches(value, t))) {
                throw new PolicyConfigError(
                    `${name}.${key}: ${JSON.stringify(value)} is not of type ${types.join(" or ")}`,
                );
            }
            const items = schema?.items as { type?: string } | undefined;
            if (
                Array.isArray(value) &&
                items?.type &&
                !value.every((v) => typeMatches(v, items.type!))
            ) {
                throw new PolicyConfigError(
                    `${name}.${key}: every element must be of type ${items.type}`,
                );
            }
        }
    }
}

/** The policies whose `region` property follows the stack's region. */
const REGION_POLICIES = ["gke-cluster-location", "kms-key-ring-region"];

/**
 * The pack config a stack's own config implies: its region, and in the bastion's public mode
 * its authorized networks as allowed SSH sources (next to IAP's range). The offline plan uses it
 * so that a stack is judged by what its operator declared; a `pulumi preview` is given the same
 * through `--policy-pack-config`.
 */
export function policyConfigFromStack(
    stackConfig: Record<string, string>,
    project = "airflow-platform",
    policies: readonly Policy[] = allPolicies,
): PackConfig {
    const config: PackConfig = {};
    const region = stackConfig[`${project}:region`];
    if (region) {
        for (const name of REGION_POLICIES) {
            config[name] = { region };
        }
    }
    if (stackConfig[`${project}:bastionMode`] === "public") {
        const ssh = policies.find((p) => p.name === "firewall-no-public-ingress");
        const defaults = (ssh?.configSchema?.properties?.allowedSshSources?.default ??
            []) as string[];
        let networks: unknown = [];
        try {
            networks = JSON.parse(stackConfig[`${project}:bastionAuthorizedNetworks`] ?? "[]");
        } catch {
            throw new PolicyConfigError(
                `${project}:bastionAuthorizedNetworks is not a JSON list of CIDR ranges`,
            );
        }
        if (!Array.isArray(networks) || !networks.every((n) => typeof n === "string")) {
            throw new PolicyConfigError(
                `${project}:bastionAuthorizedNetworks must be a list of CIDR ranges`,
            );
        }
        config["firewall-no-public-ingress"] = {
            allowedSshSources: [...new Set([...defaults, ...networks])],
        };
    }
    return config;
}
