/**
 * Creates or updates one Pulumi stack per tenant listed in a file, through Pulumi's Automation
 * API, several at a time.
 *
 *   npm run tenants -- up|preview|destroy --file tenants.yaml [--parallel N] [--only NAME]
 *
 * Exit codes: 0 every stack succeeded; 1 at least one stack failed; 2 bad arguments, a bad
 * tenants file or no Pulumi CLI.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { InvalidArgumentError } from "../components/validation";
import {
    buildTenantStacks,
    ConfigValue,
    parseParallel,
    runPool,
    TenantStackPlan,
} from "./tenant-stacks";

const REPOSITORY_ROOT = path.resolve(__dirname, "..");
const ACTIONS = ["up", "preview", "destroy"] as const;
type Action = (typeof ACTIONS)[number];

const USAGE = `Usage: npm run tenants -- up|preview|destroy --file FILE [--parallel N] [--only NAME]

For each tenant in FILE (see tenants.example.yaml), creates or selects the stack
tenant-<name> in this project, sets its config (platformStack, tenant, and smtpPassword
as a secret from the environment variable named by smtpPasswordEnv), and runs the action.
  --parallel N   stacks processed at once, 1-32 (default 4)
  --only NAME    act on this tenant only (repeatable)

Needs the Pulumi CLI on PATH, logged in to the backend that holds the platform stack
(https://www.pulumi.com/docs/install/). Without the CLI, plan a tenant stack offline with
  npm run plan -- --stack tenant-<name>
A tenant removed from FILE is left alone: destroy it explicitly first. Tenants whose data is
kept refuse to be destroyed until their protected resources are unprotected (see README).`;

interface CliArgs {
    action: Action;
    file: string;
    parallel: number;
    only: string[];
}

function parseArgs(argv: string[]): CliArgs | "help" {
    if (argv.includes("--help") || argv.includes("-h") || argv.length === 0) return "help";
    const [action, ...rest] = argv;
    if (!ACTIONS.includes(action as Action)) {
        throw new InvalidArgumentError("action", action, ACTIONS.join(", "));
    }
    const args: CliArgs = { action: action as Action, file: "", parallel: 4, only: [] };
    for (let i = 0; i < rest.length; i++) {
        const flag = rest[i];
        const value = rest[i + 1];
        if (flag === "--file") args.file = value;
        else if (flag === "--parallel") args.parallel = parseParallel(value);
        else if (flag === "--only") args.only.push(value);
        else
            throw new InvalidArgumentError(
                "argument",
                flag,
                "--file, --parallel or --only; see --help",
            );
        i++;
    }
    if (!args.file)
        throw new InvalidArgumentError("--file", args.file, "the path of a tenants file");
    return args;
}

function requirePulumiCli(): void {
    const probe = spawnSync("pulumi", ["version"], { encoding: "utf8" });
    if (probe.error || probe.status !== 0) {
        throw new Error(
            "the Pulumi CLI was not found on PATH; install it (https://www.pulumi.com/docs/install/) " +
                "and log in to the backend of the platform stack, or plan offline with " +
                "`npm run plan -- --stack tenant-<name>`",
        );
    }
}

function stackConfig(plan: TenantStackPlan): Record<string, ConfigValue> {
    const config = { ...plan.config };
    if (plan.smtpPasswordEnv) {
        const value = process.env[plan.smtpPasswordEnv];
        if (!value) {
            throw new InvalidArgumentError(
                plan.smtpPasswordEnv,
                "(unset)",
                `the SMTP password of ${plan.tenant}`,
            );
        }
        config["airflow-platform:smtpPassword"] = { value, secret: true };
    }
    return config;
}

async function runOne(action: Action, plan: TenantStackPlan): Promise<string> {
    // Loaded here so that --help and argument errors need no Pulumi SDK start-up.
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const stack = await LocalWorkspace.createOrSelectStack({
        stackName: plan.stackName,
        workDir: REPOSITORY_ROOT,
    });
    await stack.setAllConfig(stackConfig(plan));
    const onOutput = (line: string) => process.stdout.write(`[${plan.tenant}] ${line}`);
    if (action === "preview") {
        const result = await stack.preview({ onOutput });
        return JSON.stringify(result.changeSummary);
    }
    if (action === "up") {
        const result = await stack.up({ onOutput });
        return JSON.stringify(result.summary.resourceChanges ?? {});
    }
    const result = await stack.destroy({ onOutput });
    return JSON.stringify(result.summary.resourceChanges ?? {});
}

async function main(argv: string[]): Promise<number> {
    let args: CliArgs | "help";
    let plans: TenantStackPlan[];
    try {
        args = parseArgs(argv);
        if (args === "help") {
            console.log(USAGE);
            return 0;
        }
        const text = fs.readFileSync(path.resolve(args.file), "utf8");
        plans = buildTenantStacks(YAML.parse(text));
        const only = args.only;
        const unknown = only.filter((name) => !plans.some((p) => p.tenant === name));
        if (unknown.length > 0) {
            throw new InvalidArgumentError("--only", unknown, "names of tenants in the file");
        }
        if (only.length > 0) plans = plans.filter((p) => only.includes(p.tenant));
        plans.forEach(stackConfig);
        requirePulumiCli();
    } catch (err) {
        console.error(`error: ${(err as Error).message}`);
        return 2;
    }

    const { action, parallel } = args;
    const results = await runPool(plans, parallel, (plan) => runOne(action, plan));
    let failed = 0;
    results.forEach((result, i) => {
        if (result.status === "fulfilled") {
            console.log(`${plans[i].stackName}: ${action} succeeded ${result.value}`);
        } else {
            failed++;
            console.error(
                `${plans[i].stackName}: ${action} failed: ${(result.reason as Error).message}`,
            );
        }
    });
    return failed > 0 ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}

export { main, parseArgs };
