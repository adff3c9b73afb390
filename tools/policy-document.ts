/**
 * Reads what the policy check is given: `pulumi preview --json` documents (a PreviewDigest),
 * `pulumi stack export` documents (a versioned deployment) and the mock engine's planned
 * resources, into the resources policies see. Secrets are unwrapped as the CLI unwraps them; an
 * encrypted secret becomes an unknown value, which no policy reports.
 */
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

/** The signature key of a secret in serialized Pulumi state. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** What a secret whose plaintext cannot be read becomes: unknown, never a violation. */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
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
