/**
 * Runs the Pulumi program under Pulumi's mock engine and records every resource it registers,
 * with the options the real engine would see (parent, dependencies, provider, protect,
 * retainOnDelete). The offline plan, the policy check and the tests all use it, so what CI
 * checks is what the tests prove.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { computedOutputs, mockCall } from "./mock-outputs";

/** The signature key Pulumi uses to mark a secret value in serialized state. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** The signature value of a secret. */
export const SECRET_VALUE_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** One resource as the engine saw it: the fields of a ResourceV3 that a plan can know. */
export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    /** Inputs with secrets unwrapped: what policies read. */
    inputs: Record<string, unknown>;
    /** Inputs as serialized state, secrets kept as `{ [SECRET_SIG]: ..., value }` objects. */
    serializedInputs: Record<string, unknown>;
    /** Outputs the mock engine computed (ids, addresses, random values), secrets unwrapped. */
    outputs: Record<string, unknown>;
    id?: string;
    parent?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    provider?: string;
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    ignoreChanges: string[];
    additionalSecretOutputs: string[];
}

export interface RunOptions {
    /** The Pulumi project name, as in Pulumi.yaml. */
    project: string;
    stack: string;
    /** Fully qualified config (`project:key` / `gcp:project`); structured values as JSON strings. */
    config: Record<string, string>;
    /** Keys of `config` that are secret. */
    secretKeys?: string[];
    /** Outputs of the stacks that the program reads through StackReferences, by stack name. */
    stackOutputs?: Record<string, Record<string, unknown>>;
    /** The program's entry module; defaults to the repository's index.ts. */
    program?: string;
    /** How long to wait for the program's outputs before reporting a hang. */
    timeoutMs?: number;
}

export interface RunResult {
    resources: PlannedResource[];
    /** Stack outputs, with secrets unwrapped. */
    outputs: Record<string, unknown>;
    /** The names of stack outputs that are secret. */
    secretOutputs: string[];
}

const REPOSITORY_ROOT = path.resolve(__dirname, "..");

/** Whether a serialized value is a Pulumi secret. */
export function isSerializedSecret(value: unknown): boolean {
    return typeof value === "object" && value !== null && SECRET_SIG in value;
}

/** Removes secret wrappers from serialized state. */
export function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        if (record[SECRET_SIG] === SECRET_VALUE_SIG) {
            return unwrapSecrets(record.value);
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** Forgets the project's own modules so that the next import runs the program anew. */
function forgetProjectModules(): void {
    for (const key of Object.keys(require.cache)) {
        if (
            key.startsWith(REPOSITORY_ROOT) &&
            !key.includes(`${path.sep}node_modules${path.sep}`)
        ) {
            delete require.cache[key];
        }
    }
}

/** Resolves an Output to its value and secretness, failing after a timeout rather than hanging. */
export async function settle<T>(
    output: pulumi.Input<T>,
    timeoutMs = 30000,
): Promise<{ value: T; secret: boolean }> {
    const out = pulumi.output(output);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
            () => reject(new Error(`an output did not resolve within ${timeoutMs} ms`)),
            timeoutMs,
        );
    });
    try {
        const [value, secret] = await Promise.race([
            Promise.all([
                (out as unknown as { promise(): Promise<T> }).promise(),
                pulumi.isSecret(out),
            ]),
            timeout,
        ]);
        return { value, secret };
    } finally {
        clearTimeout(timer);
    }
}

/** Runs the program once under the mock engine and returns what it registered. */
export async function runProgram(options: RunOptions): Promise<RunResult> {
    const recorded = new Map<string, PlannedResource>();
    const project = options.project;
    const stackOutputs = options.stackOutputs ?? {};

    await pulumi.runtime.setMocks(
        {
            newResource: (args: pulumi.runtime.MockResourceArgs) => {
                if (args.type === "pulumi:pulumi:StackReference") {
                    const stackName = String(args.inputs.name);
                    const outputs = stackOutputs[stackName];
                    if (!outputs) {
                        throw new Error(`no outputs are mocked for the stack "${stackName}"`);
                    }
                    return { id: stackName, state: { ...args.inputs, name: stackName, outputs } };
                }
                const { id, state } = computedOutputs(args, options);
                return { id, state: { ...args.inputs, ...state } };
            },
            call: (args: pulumi.runtime.MockCallArgs) => mockCall(args, options),
        },
        project,
        options.stack,
        // Not a dry run: every mocked output is known, so nothing waits on an unknown value.
        false,
    );
    pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);

    const monitor = (pulumi.runtime as unknown as { getMonitor(): MonitorLike }).getMonitor();
    recordRegistrations(monitor, recorded);

    forgetProjectModules();
    const program = options.program ?? path.join(REPOSITORY_ROOT, "index.ts");
    const exported = (await import(program)) as Record<string, unknown>;
    // `export =` modules arrive as their `default`; ES-style exports as the namespace itself.
    const stackExports = (
        exported.__esModule ? exported : (exported.default ?? exported)
    ) as Record<string, unknown>;

    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [name, value] of Object.entries(stackExports ?? {})) {
        const settled = await settle(value as pulumi.Input<unknown>, options.timeoutMs);
        outputs[name] = settled.value;
        if (settled.secret) {
            secretOutputs.push(name);
        }
    }
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs?.();
    await new Promise((resolve) => setTimeout(resolve, 20));

    return { resources: [...recorded.values()], outputs, secretOutputs };
}

interface MonitorLike {
    registerResource(req: RegisterRequest, callback: (err: unknown, resp: unknown) => void): void;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): {
        forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void;
    };
    getProvider(): string;
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getDeletebeforereplace(): boolean;
    getIgnorechangesList(): string[];
    getAdditionalsecretoutputsList(): string[];
}

interface RegisterResponse {
    getUrn(): string;
    getId(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

function recordRegistrations(monitor: MonitorLike, recorded: Map<string, PlannedResource>): void {
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        original(req, (err, resp) => {
            if (!err && resp) {
                const response = resp as RegisterResponse;
                const serializedInputs = req.getObject()?.toJavaScript() ?? {};
                const propertyDependencies: Record<string, string[]> = {};
                req.getPropertydependenciesMap().forEach((value, key) => {
                    propertyDependencies[key] = value.getUrnsList();
                });
                const urn = response.getUrn();
                recorded.set(urn, {
                    urn,
                    type: req.getType(),
                    name: req.getName(),
                    custom: req.getCustom(),
                    inputs: unwrapSecrets(serializedInputs) as Record<string, unknown>,
                    serializedInputs,
                    outputs: unwrapSecrets(response.getObject()?.toJavaScript() ?? {}) as Record<
                        string,
                        unknown
                    >,
                    id: response.getId() || undefined,
                    parent: req.getParent() || undefined,
                    dependencies: req.getDependenciesList(),
                    propertyDependencies,
                    provider: req.getProvider() || undefined,
                    protect: req.getProtect(),
                    retainOnDelete: req.getRetainondelete(),
                    deleteBeforeReplace: req.getDeletebeforereplace(),
                    ignoreChanges: req.getIgnorechangesList(),
                    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                });
            }
            callback(err, resp);
        });
    };
}
