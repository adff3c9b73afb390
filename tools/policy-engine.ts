/**
 * Runs the policy pack's own policy objects over a list of resources, the way the Pulumi CLI's
 * policy runner does, without starting the pack's gRPC server: the same arguments
 * (type, props behind the unknown-checking proxy, urn, name, opts, isType/asType, getConfig,
 * notApplicable), the same enforcement-level resolution and config defaults, and the same
 * handling of resources the engine never shows to resource policies (the stack, providers).
 * The offline plan, the policy check command and the tests all evaluate through it.
 */
import {
    EnforcementLevel,
    Policy,
    PolicyResource as SdkPolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    unknownCheckingProxy,
    UnknownValueError,
} from "@pulumi/policy";
import { allPolicies } from "../policies/all";
import type { PlannedResource } from "./engine";

export interface PolicyResource {
    urn: string;
    type: string;
    name: string;
    props: Record<string, unknown>;
    parent?: string;
    dependencies?: string[];
    /** A provider reference, `<provider urn>::<provider id>`. */
    provider?: string;
    protect?: boolean;
}

export interface Violation {
    policy: string;
    enforcementLevel: "advisory" | "mandatory";
    severity?: string;
    urn?: string;
    message: string;
}

/** Policy config as `pulumi preview --policy-pack-config` reads it: by policy name (or `all`). */
export type PackConfig = Record<string, unknown>;

/** The signature key of a secret in serialized Pulumi state. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** What a secret whose plaintext cannot be read becomes: unknown, never a violation. */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The level the pack gives a policy that declares none; see policies/index.ts. */
const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "advisory";

class NotApplicable extends Error {}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicable(reason ?? "Policy does not apply");
}

/**
 * Turns serialized state into the plain values policies see: secrets unwrapped (an encrypted one
 * becomes unknown), undefined fields dropped.
 */
export function deserialize(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map((item) => (item === undefined ? null : deserialize(item)));
    }
    if (typeof value !== "object" || value === null) {
        return value;
    }
    const record = value as Record<string, unknown>;
    if (SECRET_SIG in record) {
        if ("plaintext" in record && typeof record.plaintext === "string") {
            return deserialize(parseJsonOr(record.plaintext, record.plaintext));
        }
        if ("value" in record) {
            const inner = record.value;
            // Some writers keep a secret's value as its JSON text.
            const parsed =
                typeof inner === "string" && /^\s*[[{]/.test(inner)
                    ? parseJsonOr(inner, inner)
                    : inner;
            return deserialize(parsed);
        }
        return UNKNOWN_STRING;
    }
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(record)) {
        if (item !== undefined) {
            result[key] = deserialize(item);
        }
    }
    return result;
}

function parseJsonOr(text: string, fallback: unknown): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return fallback;
    }
}

/** The configured level of a policy: pack config first, then `all`, then the policy's own. */
function levelOf(policy: Policy, config: PackConfig): EnforcementLevel {
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
function configFunction(policy: Policy, config: PackConfig) {
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

function isTypeFunctions(type: string, props: unknown) {
    const matches = (resourceClass: unknown) => {
        const token = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
        if (typeof token === "string" && token !== "") {
            return token === type;
        }
        const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
        return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
    };
    return {
        isType: matches as ResourceValidationArgs["isType"],
        asType: ((resourceClass: unknown) => (matches(resourceClass) ? props : undefined)) as never,
    };
}

function optionsOf(resource: PolicyResource): PolicyResourceOptions {
    return {
        protect: resource.protect === true,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(resource.parent ? { parent: resource.parent } : {}),
    };
}

/** The resources the engine never passes to resource policies. */
function hiddenFromResourcePolicies(type: string): boolean {
    return type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
}

function providerUrn(reference: string | undefined): string | undefined {
    if (!reference) {
        return undefined;
    }
    const cut = reference.lastIndexOf("::");
    return cut > 0 ? reference.slice(0, cut) : reference;
}

const EMPTY_TAGS: ReadonlyMap<string, string> = new Map();

function isResourcePolicy(policy: Policy): policy is ResourceValidationPolicy {
    return "validateResource" in policy && policy.validateResource !== undefined;
}

function isStackPolicy(policy: Policy): policy is StackValidationPolicy {
    return typeof (policy as StackValidationPolicy).validateStack === "function";
}

/** What one policy made of one resource (or of the stack) besides violations. */
export type Outcome = "applied" | "not-applicable" | "unknown";

/** Violations, and which policies did not apply to which resources. */
export interface Evaluation {
    violations: Violation[];
    /** Policy and resource pairs (urn undefined for stack policies) the policy did not apply to. */
    notApplicable: { policy: string; urn?: string }[];
    /** Policy and resource pairs skipped because a value they read is unknown until the update. */
    unknown: { policy: string; urn?: string }[];
}

/** Runs one validation, turning the SDK's control-flow errors into outcomes. */
async function run(policy: Policy, urn: string | undefined, body: () => unknown): Promise<Outcome> {
    try {
        await Promise.resolve(body());
        return "applied";
    } catch (error) {
        // Not applicable: nothing to report. Unknown during preview: never a violation.
        if (error instanceof NotApplicable) {
            return "not-applicable";
        }
        if (error instanceof UnknownValueError) {
            return "unknown";
        }
        const where = urn ? ` on ${urn}` : "";
        throw new Error(`policy ${policy.name} failed${where}: ${(error as Error).message}`);
    }
}

/** Evaluates the pack's policies, or the given ones, over the resources: the violations. */
export async function evaluatePolicies(
    resources: PolicyResource[],
    config: PackConfig = {},
    policies: readonly Policy[] = allPolicies,
): Promise<Violation[]> {
    return (await evaluate(resources, config, policies)).violations;
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

/** Evaluates the policies and also tells which did not apply where. */
export async function evaluate(
    resources: PolicyResource[],
    config: PackConfig = {},
    policies: readonly Policy[] = allPolicies,
): Promise<Evaluation> {
    validateConfig(config, policies);
    const violations: Violation[] = [];
    const notApplicable: Evaluation["notApplicable"] = [];
    const unknown: Evaluation["unknown"] = [];
    const record = (outcome: Outcome, policy: string, urn?: string) => {
        if (outcome === "not-applicable") {
            notApplicable.push({ policy, urn });
        } else if (outcome === "unknown") {
            unknown.push({ policy, urn });
        }
    };
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const props = new Map(
        resources.map((r) => [r.urn, deserialize(r.props ?? {}) as Record<string, unknown>]),
    );

    for (const policy of policies) {
        const level = levelOf(policy, config);
        if (level === "disabled") {
            continue;
        }
        const reporter =
            (fallbackUrn?: string): ReportViolation =>
            (message: string, urn?: string) =>
                violations.push({
                    policy: policy.name,
                    enforcementLevel: level as "advisory" | "mandatory",
                    severity: policy.severity,
                    urn: urn ?? fallbackUrn,
                    message,
                });
        const getConfig = configFunction(policy, config);

        if (isResourcePolicy(policy)) {
            const validations: ResourceValidation[] = [policy.validateResource!].flat();
            for (const resource of resources) {
                if (hiddenFromResourcePolicies(resource.type)) {
                    continue;
                }
                const raw = props.get(resource.urn)!;
                const provider = byUrn.get(providerUrn(resource.provider) ?? "");
                for (const validation of validations) {
                    const tagged = (validation as { __pulumiType?: string }).__pulumiType;
                    if (validations.length === 1 && tagged && tagged !== resource.type) {
                        record("not-applicable", policy.name, resource.urn);
                        continue;
                    }
                    const proxied = unknownCheckingProxy(raw);
                    const args: ResourceValidationArgs = {
                        type: resource.type,
                        props: proxied,
                        urn: resource.urn,
                        name: resource.name,
                        opts: optionsOf(resource),
                        stackTags: EMPTY_TAGS,
                        ...isTypeFunctions(resource.type, proxied),
                        getConfig,
                        notApplicable: throwNotApplicable,
                        ...(provider
                            ? {
                                  provider: {
                                      type: provider.type,
                                      props: unknownCheckingProxy(props.get(provider.urn)!),
                                      urn: provider.urn,
                                      name: provider.name,
                                  },
                              }
                            : {}),
                    };
                    const outcome = await run(policy, resource.urn, () =>
                        validation(args, reporter(resource.urn)),
                    );
                    record(outcome, policy.name, resource.urn);
                }
            }
        }

        if (isStackPolicy(policy)) {
            const tagged = (policy.validateStack as { __pulumiType?: string }).__pulumiType;
            if (tagged && !resources.some((r) => r.type === tagged)) {
                record("not-applicable", policy.name);
                continue;
            }
            const args: StackValidationArgs = {
                resources: stackResources(resources, props),
                stackTags: EMPTY_TAGS,
                getConfig,
                notApplicable: throwNotApplicable,
            };
            record(
                await run(policy, undefined, () => policy.validateStack(args, reporter())),
                policy.name,
            );
        }
    }
    return { violations, notApplicable, unknown };
}

/** The stack view of the resources, with parents and dependencies linked as the engine links them. */
function stackResources(
    resources: PolicyResource[],
    props: Map<string, Record<string, unknown>>,
): SdkPolicyResource[] {
    const built = new Map<string, SdkPolicyResource>();
    for (const resource of resources) {
        const proxied = unknownCheckingProxy(props.get(resource.urn)!);
        built.set(resource.urn, {
            type: resource.type,
            props: proxied,
            urn: resource.urn,
            name: resource.name,
            opts: optionsOf(resource),
            dependencies: [],
            propertyDependencies: {},
            ...isTypeFunctions(resource.type, proxied),
        });
    }
    for (const resource of resources) {
        const entry = built.get(resource.urn)!;
        const parent = resource.parent ? built.get(resource.parent) : undefined;
        if (parent) {
            entry.parent = parent;
        }
        entry.dependencies = (resource.dependencies ?? [])
            .map((urn) => built.get(urn))
            .filter((r): r is SdkPolicyResource => r !== undefined);
        const provider = built.get(providerUrn(resource.provider) ?? "");
        if (provider) {
            entry.provider = {
                type: provider.type,
                props: provider.props,
                urn: provider.urn,
                name: provider.name,
            };
        }
    }
    return [...built.values()];
}

/** A resource as the mock engine recorded it, in the shape policies read. */
export function fromPlanned(r: PlannedResource): PolicyResource {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        // The serialized inputs keep secrets wrapped; deserialize unwraps them as the CLI does.
        props: r.serializedInputs ?? r.inputs,
        parent: r.parent,
        dependencies: r.dependencies,
        provider: r.provider,
        protect: r.protect,
    };
}

/** A document that is neither a preview nor a stack export, or is malformed. */
export class DocumentError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "DocumentError";
    }
}

/** The fields of a ResourceV3 (state) that the check reads. */
interface StateLike {
    urn?: unknown;
    type?: unknown;
    inputs?: unknown;
    outputs?: unknown;
    parent?: unknown;
    dependencies?: unknown;
    provider?: unknown;
    protect?: unknown;
}

function nameFromUrn(urn: string): string {
    const cut = urn.lastIndexOf("::");
    return cut >= 0 ? urn.slice(cut + 2) : urn;
}

function fromState(state: StateLike, where: string): PolicyResource {
    const urn = state.urn;
    if (typeof urn !== "string" || !urn.startsWith("urn:pulumi:")) {
        throw new DocumentError(`${where} has no valid urn`);
    }
    const type = typeof state.type === "string" ? state.type : urn.split("::")[2]?.split("$").pop();
    if (!type) {
        throw new DocumentError(`${where} (${urn}) has no type`);
    }
    const props = state.inputs ?? state.outputs ?? {};
    if (typeof props !== "object" || props === null || Array.isArray(props)) {
        throw new DocumentError(`${where} (${urn}) has inputs that are not an object`);
    }
    return {
        urn,
        type,
        name: nameFromUrn(urn),
        props: props as Record<string, unknown>,
        parent: typeof state.parent === "string" && state.parent !== "" ? state.parent : undefined,
        dependencies: Array.isArray(state.dependencies) ? (state.dependencies as string[]) : [],
        provider:
            typeof state.provider === "string" && state.provider !== ""
                ? state.provider
                : undefined,
        protect: state.protect === true,
    };
}

/** Steps that remove a resource: it will not exist after the update. */
const REMOVING_OPS = new Set([
    "delete",
    "delete-replaced",
    "discard",
    "discard-replaced",
    "remove-pending-replace",
]);

/**
 * Reads a `pulumi preview --json` document (PreviewDigest) or a `pulumi stack export` document
 * (a versioned deployment) into the resources the update leaves behind.
 */
export function readDocument(text: string): PolicyResource[] {
    let document: unknown;
    try {
        document = JSON.parse(text);
    } catch (error) {
        throw new DocumentError(`not JSON: ${(error as Error).message}`);
    }
    if (typeof document !== "object" || document === null) {
        throw new DocumentError("expected a JSON object");
    }
    const record = document as Record<string, unknown>;
    if (Array.isArray(record.steps)) {
        return fromPreview(record.steps);
    }
    if (typeof record.deployment === "object" && record.deployment !== null) {
        const version = record.version;
        if (version !== undefined && version !== 3) {
            throw new DocumentError(
                `unsupported stack export version ${JSON.stringify(version)}; expected 3`,
            );
        }
        const resources = (record.deployment as { resources?: unknown }).resources ?? [];
        if (!Array.isArray(resources)) {
            throw new DocumentError("deployment.resources is not a list");
        }
        return resources.map((state, i) =>
            fromState(state as StateLike, `deployment.resources[${i}]`),
        );
    }
    throw new DocumentError(
        "neither a `pulumi preview --json` document (steps) nor a `pulumi stack export` document (deployment)",
    );
}

function fromPreview(steps: unknown[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    steps.forEach((step, i) => {
        const s = step as {
            op?: unknown;
            urn?: unknown;
            newState?: StateLike;
            oldState?: StateLike;
        };
        if (typeof s !== "object" || s === null) {
            throw new DocumentError(`steps[${i}] is not an object`);
        }
        const op = String(s.op ?? "");
        if (REMOVING_OPS.has(op)) {
            return;
        }
        const state = s.newState ?? s.oldState;
        if (!state) {
            throw new DocumentError(
                `steps[${i}] (${String(s.urn)}) has neither newState nor oldState`,
            );
        }
        const resource = fromState({ urn: s.urn, ...state }, `steps[${i}]`);
        byUrn.set(resource.urn, resource);
    });
    return [...byUrn.values()];
}
