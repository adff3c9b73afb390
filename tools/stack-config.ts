/**
 * Reads a stack's configuration the way the Pulumi CLI does: Pulumi.yaml's declared defaults
 * overlaid by Pulumi.<stack>.yaml. Encrypted values cannot be decrypted offline; they become
 * placeholder secrets.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

export const REPOSITORY_ROOT = path.resolve(__dirname, "..");

/** What an encrypted config value becomes in an offline run. */
export const SECRET_PLACEHOLDER = "offline-placeholder-secret";

export interface StackConfig {
    project: string;
    stack: string;
    /** Fully qualified keys; structured values as JSON, as the Pulumi SDK expects them. */
    config: Record<string, string>;
    secretKeys: string[];
}

/** A stack config that cannot be read; the message names the file and what is wrong. */
export class StackConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackConfigError";
    }
}

function readYaml(file: string): Record<string, unknown> {
    if (!fs.existsSync(file)) {
        throw new StackConfigError(`${path.relative(REPOSITORY_ROOT, file)} does not exist`);
    }
    try {
        return (YAML.parse(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>;
    } catch (error) {
        throw new StackConfigError(
            `${path.relative(REPOSITORY_ROOT, file)} is not valid YAML: ${(error as Error).message}`,
        );
    }
}

function qualify(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** The stacks that have a config file in the repository. */
export function listStacks(root = REPOSITORY_ROOT): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** Loads Pulumi.yaml defaults overlaid by Pulumi.<stack>.yaml. */
export function loadStackConfig(stack: string, root = REPOSITORY_ROOT): StackConfig {
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
        throw new StackConfigError(
            `stack name ${JSON.stringify(stack)} may hold only letters, digits, '-', '_' and '.'`,
        );
    }
    const projectFile = readYaml(path.join(root, "Pulumi.yaml"));
    const project = String(projectFile.name ?? "");
    if (!project) {
        throw new StackConfigError("Pulumi.yaml has no project name");
    }
    const config: Record<string, string> = {};
    const declared = (projectFile.config ?? {}) as Record<string, unknown>;
    for (const [key, spec] of Object.entries(declared)) {
        const hasDefault = typeof spec === "object" && spec !== null && "default" in spec;
        const value = hasDefault
            ? (spec as { default: unknown }).default
            : typeof spec === "object"
              ? undefined
              : spec;
        if (value !== undefined) {
            config[qualify(project, key)] = asConfigString(value);
        }
    }

    const stackFile = readYaml(path.join(root, `Pulumi.${stack}.yaml`));
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(
        (stackFile.config ?? {}) as Record<string, unknown>,
    )) {
        const qualified = qualify(project, key);
        if (typeof value === "object" && value !== null && "secure" in value) {
            config[qualified] = SECRET_PLACEHOLDER;
            secretKeys.push(qualified);
        } else {
            config[qualified] = asConfigString(value);
        }
    }
    return { project, stack, config, secretKeys };
}
