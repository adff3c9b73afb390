/**
 * Pure functions of the tenant stack tool: reading the tenants file into one stack config per
 * tenant, and a bounded-parallelism pool. Nothing here calls Pulumi, so all of it is tested
 * without the CLI.
 */
import { PROJECT } from "../components/constants";
import { parseTenantStackConfig } from "../components/tenant-stack";
import { InvalidArgumentError } from "../components/validation";

/** Each tenant's stack is named after it. */
export const STACK_PREFIX = "tenant-";

/** The largest `--parallel` the tool accepts. */
export const MAX_PARALLEL = 32;

/** One config value as the Automation API's `setAllConfig` takes it. */
export interface ConfigValue {
    value: string;
    secret: boolean;
}

/** What the tool applies to one tenant's stack. */
export interface TenantStackPlan {
    tenant: string;
    stackName: string;
    /** Fully qualified keys. */
    config: Record<string, ConfigValue>;
    /** The environment variable holding the SMTP password, when the tenant sends alerts. */
    smtpPasswordEnv?: string;
}

/** The tenants file: the platform stack and the tenants that run on it. */
export interface TenantsFile {
    platformStack: string;
    tenants: Record<string, unknown>[];
}

/** Re-labels an error so that it names the entry in the file. */
function inEntry<T>(prefix: string, check: () => T): T {
    try {
        return check();
    } catch (err) {
        if (err instanceof InvalidArgumentError) {
            const field = err.field.startsWith("tenant.")
                ? err.field.slice("tenant.".length)
                : err.field;
            throw new InvalidArgumentError(`${prefix}.${field}`, err.value, err.allowed);
        }
        throw err;
    }
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * Builds each tenant's stack name and config from the parsed tenants file. Throws an
 * {@link InvalidArgumentError} naming `tenants[i].<field>` for a bad entry or a repeated name.
 */
export function buildTenantStacks(file: unknown): TenantStackPlan[] {
    if (typeof file !== "object" || file === null || Array.isArray(file)) {
        throw new InvalidArgumentError("file", file, "a mapping with platformStack and tenants");
    }
    const { platformStack, tenants } = file as Partial<TenantsFile>;
    if (!Array.isArray(tenants) || tenants.length === 0) {
        throw new InvalidArgumentError("tenants", tenants, "a non-empty list of tenants");
    }
    const seen = new Map<string, number>();
    return tenants.map((entry, i) => {
        const prefix = `tenants[${i}]`;
        if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
            throw new InvalidArgumentError(
                prefix,
                entry,
                "a tenant mapping with at least name and workspace",
            );
        }
        const { smtpPasswordEnv, ...tenant } = entry as Record<string, unknown>;
        const parsed = inEntry(prefix, () => parseTenantStackConfig({ platformStack, tenant }));
        const name = parsed.tenant.name;
        const first = seen.get(name);
        if (first !== undefined) {
            throw new InvalidArgumentError(
                `${prefix}.name`,
                name,
                `a name not used by another tenant (tenants[${first}] is already "${name}")`,
            );
        }
        seen.set(name, i);
        if (
            smtpPasswordEnv !== undefined &&
            (typeof smtpPasswordEnv !== "string" || !ENV_NAME.test(smtpPasswordEnv))
        ) {
            throw new InvalidArgumentError(
                `${prefix}.smtpPasswordEnv`,
                smtpPasswordEnv,
                "the name of an environment variable, such as ACME_SMTP_PASSWORD",
            );
        }
        return {
            tenant: name,
            stackName: `${STACK_PREFIX}${name}`,
            config: {
                [`${PROJECT}:platformStack`]: { value: parsed.platformStack, secret: false },
                [`${PROJECT}:tenant`]: { value: JSON.stringify(parsed.tenant), secret: false },
            },
            ...(smtpPasswordEnv ? { smtpPasswordEnv: smtpPasswordEnv as string } : {}),
        };
    });
}

/** Parses `--parallel`: an integer from 1 to {@link MAX_PARALLEL}. */
export function parseParallel(value: string | undefined): number {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < 1 || n > MAX_PARALLEL) {
        throw new InvalidArgumentError("--parallel", value, `an integer from 1 to ${MAX_PARALLEL}`);
    }
    return n;
}

/**
 * Runs `task` on every item with at most `limit` running at once. Every item runs even when
 * others fail; the results keep the items' order.
 */
export async function runPool<T, R>(
    items: readonly T[],
    limit: number,
    task: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
    if (!Number.isInteger(limit) || limit < 1) {
        throw new InvalidArgumentError("limit", limit, "a positive integer");
    }
    const results: PromiseSettledResult<R>[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            try {
                results[index] = { status: "fulfilled", value: await task(items[index], index) };
            } catch (reason) {
                results[index] = { status: "rejected", reason };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}
