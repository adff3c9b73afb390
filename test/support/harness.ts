/**
 * Shared helpers for specs that run the program under the mock engine.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { isSerializedSecret, PlannedResource, runProgram, RunResult } from "../../tools/engine";
import { loadStackConfig } from "../../tools/stack-config";

export const PLATFORM_PROGRAM = path.join(__dirname, "platform-program.ts");

/** Runs the platform program with the prod stack's config, with some keys changed. */
export async function runPlatform(overrides: Record<string, string> = {}): Promise<RunResult> {
    const stack = loadStackConfig("prod");
    const config = { ...stack.config };
    for (const [key, value] of Object.entries(overrides)) {
        config[key.includes(":") ? key : `${stack.project}:${key}`] = value;
    }
    return runProgram({ ...stack, config, program: PLATFORM_PROGRAM });
}

let cached: Promise<RunResult> | undefined;

/** The prod platform plan, run once and shared by every spec that only reads it. */
export function prodPlatform(): Promise<RunResult> {
    cached ??= runPlatform();
    return cached;
}

/** All resources of a type, optionally with a given logical name. */
export function all(resources: PlannedResource[], type: string, name?: string): PlannedResource[] {
    return resources.filter((r) => r.type === type && (name === undefined || r.name === name));
}

/** The single resource of a type (and name); fails when there is not exactly one. */
export function one(resources: PlannedResource[], type: string, name?: string): PlannedResource {
    const found = all(resources, type, name);
    if (found.length !== 1) {
        throw new Error(
            `expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`,
        );
    }
    return found[0];
}

/** Reads a dotted path (`settings.ipConfiguration.ipv4Enabled`) from inputs. */
export function at(value: unknown, dotted: string): unknown {
    return dotted
        .split(".")
        .reduce<unknown>(
            (v, k) =>
                v === undefined || v === null ? undefined : (v as Record<string, unknown>)[k],
            value,
        );
}

/** Whether the serialized input at a dotted path is a Pulumi secret, itself or inside one. */
export function isSecretInput(resource: PlannedResource, dotted: string): boolean {
    let value: unknown = resource.serializedInputs;
    for (const key of dotted.split(".")) {
        if (isSerializedSecret(value)) return true;
        value =
            value === undefined || value === null
                ? undefined
                : (value as Record<string, unknown>)[key];
    }
    return isSerializedSecret(value);
}

/** Sets mocks that accept any resource, for specs that construct components directly. */
export async function useBareMocks(config: Record<string, string> = {}): Promise<void> {
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
            call: () => ({}),
        },
        "airflow-platform",
        "test",
        false,
    );
    pulumi.runtime.setAllConfig(config, []);
}
