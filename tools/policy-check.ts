/**
 * Evaluates the policy pack against a `pulumi preview --json` document or a `pulumi stack export`
 * document, so that a real preview or a deployed stack can be checked without credentials.
 *
 *   npm run policy:check -- FILE [--json] [--config POLICY_CONFIG.json]
 *
 * Exit codes: 0 no mandatory policy violated; 1 a mandatory policy is violated; 2 the input (or
 * the policy config) cannot be read.
 */
import * as fs from "fs";
import {
    DocumentError,
    evaluatePolicies,
    PackConfig,
    readDocument,
    Violation,
} from "./policy-engine";

export const USAGE = `Usage: npm run policy:check -- FILE [--json] [--config POLICY_CONFIG.json]

Evaluates the policy pack against FILE, a \`pulumi preview --json\` document or a
\`pulumi stack export\` document ("-" reads standard input).
  --json     print {"violations": [{"policy", "enforcementLevel", "urn", "message"}]}
  --config   policy config in the format of \`pulumi preview --policy-pack-config\`
Exit: 0 no mandatory violation, 1 a mandatory policy is violated, 2 the input cannot be read.`;

interface Options {
    file: string;
    json: boolean;
    config?: string;
}

/** A command line that cannot be followed. */
class UsageError extends Error {}

export function parseArguments(argv: string[]): Options {
    let file: string | undefined;
    let json = false;
    let config: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--json") {
            json = true;
        } else if (arg === "--config") {
            config = argv[++i];
            if (config === undefined) {
                throw new UsageError("--config needs a file");
            }
        } else if (arg.startsWith("--")) {
            throw new UsageError(`unknown option ${arg}`);
        } else if (file === undefined) {
            file = arg;
        } else {
            throw new UsageError(`only one FILE may be given (got ${file} and ${arg})`);
        }
    }
    if (file === undefined) {
        throw new UsageError("no FILE given");
    }
    return { file, json, config };
}

function readText(file: string): string {
    try {
        return fs.readFileSync(file === "-" ? 0 : file, "utf8");
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new DocumentError(
            code === "ENOENT"
                ? `${file} does not exist`
                : `${file} cannot be read (${code ?? (error as Error).message})`,
        );
    }
}

/** Reads policy config in the format of `pulumi preview --policy-pack-config`. */
export function readConfig(file: string | undefined): PackConfig {
    if (file === undefined) {
        return {};
    }
    try {
        const parsed = JSON.parse(readText(file)) as unknown;
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
            throw new DocumentError(
                `${file}: the policy config must be a JSON object keyed by policy name`,
            );
        }
        return parsed as PackConfig;
    } catch (error) {
        if (error instanceof DocumentError) {
            throw error;
        }
        throw new DocumentError(`${file} is not JSON: ${(error as Error).message}`);
    }
}

/** Violations grouped by policy, mandatory policies first, as text. */
export function renderViolations(violations: Violation[]): string {
    if (violations.length === 0) {
        return "No policy violations.";
    }
    const byPolicy = new Map<string, Violation[]>();
    for (const v of violations) {
        byPolicy.set(v.policy, [...(byPolicy.get(v.policy) ?? []), v]);
    }
    const ordered = [...byPolicy.entries()].sort(
        ([a, x], [b, y]) =>
            Number(x[0].enforcementLevel !== "mandatory") -
                Number(y[0].enforcementLevel !== "mandatory") || a.localeCompare(b),
    );
    const lines: string[] = [];
    for (const [policy, list] of ordered) {
        const severity = list[0].severity ? `, ${list[0].severity}` : "";
        lines.push(`${policy} (${list[0].enforcementLevel}${severity})`);
        for (const v of list) {
            lines.push(`  ${v.urn ?? "(stack)"}`);
            lines.push(`    ${v.message}`);
        }
    }
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    lines.push("", `${violations.length} violation(s), ${mandatory} mandatory.`);
    return lines.join("\n");
}

/** Where the command writes; the process streams by default. */
export interface Sink {
    write(text: string): unknown;
}

export async function main(
    argv: string[],
    out: Sink = process.stdout,
    err: Sink = process.stderr,
): Promise<number> {
    let options: Options;
    try {
        options = parseArguments(argv);
    } catch (error) {
        err.write(`policy:check: ${(error as Error).message}\n\n${USAGE}\n`);
        return 2;
    }
    let violations: Violation[];
    try {
        const resources = readDocument(readText(options.file));
        violations = await evaluatePolicies(resources, readConfig(options.config));
    } catch (error) {
        err.write(`policy:check: cannot check ${options.file}: ${(error as Error).message}\n`);
        return 2;
    }
    if (options.json) {
        const shaped = violations.map(({ policy, enforcementLevel, urn, message }) => ({
            policy,
            enforcementLevel,
            urn,
            message,
        }));
        out.write(`${JSON.stringify({ violations: shaped }, null, 2)}\n`);
    } else {
        out.write(`${renderViolations(violations)}\n`);
    }
    return violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (error: Error) => {
            process.stderr.write(`policy:check: ${error.message}\n`);
            process.exit(2);
        },
    );
}
