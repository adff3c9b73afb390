/**
 * The offline plan: runs the program for a stack's real config under Pulumi's mock engine,
 * prints what `pulumi up` would create, and evaluates the policy pack against it.
 *
 *   npm run plan -- --stack prod [--json]
 *
 * Exit codes: 0 planned and no mandatory policy violated; 1 a mandatory policy is violated;
 * 2 the config or the program is invalid (the message names the field and the reason).
 */
import { InvalidArgumentError } from "../components/validation";
import { PlannedResource, runProgram } from "./engine";
import { renderPreviewJson, renderTree } from "./plan-render";
import { readConfig, renderViolations } from "./policy-check";
import { policyConfigFromStack } from "./policy-config";
import {
    DocumentError,
    evaluatePolicies,
    fromPlanned,
    PackConfig,
    Violation,
} from "./policy-engine";
import { loadStackConfig, StackConfig, StackConfigError } from "./stack-config";

export interface PlanResult {
    stack: StackConfig;
    resources: PlannedResource[];
    outputs: Record<string, unknown>;
    secretOutputs: string[];
    violations: Violation[];
}

/** The stack a tenant stack reads its platform outputs from, when its config file is here. */
function platformStackOf(stack: StackConfig): string | undefined {
    const reference = stack.config[`${stack.project}:platformStack`];
    if (stack.config[`${stack.project}:tenant`] === undefined) {
        return undefined;
    }
    if (!reference) {
        throw new InvalidArgumentError(
            `${stack.project}:platformStack`,
            reference ?? "",
            "the fully qualified name of the platform stack, such as acme/airflow-platform/prod",
        );
    }
    return reference;
}

/**
 * Plans one stack: runs the program, then the policy pack with the config the stack implies
 * (its region, a public bastion's SSH sources), overlaid by `policyConfig` when given.
 */
export async function plan(stackName: string, policyConfig: PackConfig = {}): Promise<PlanResult> {
    const stack = loadStackConfig(stackName);
    const stackOutputs: Record<string, Record<string, unknown>> = {};
    const reference = platformStackOf(stack);
    if (reference) {
        // A tenant stack is planned against the platform outputs of an offline plan of the
        // platform stack it names, so both sides of the StackReference contract are exercised.
        const platformName = reference.split("/").pop() ?? reference;
        const platform = await runProgram({ ...loadStackConfig(platformName), stackOutputs: {} });
        stackOutputs[reference] = platform.outputs;
    }
    const result = await runProgram({
        project: stack.project,
        stack: stack.stack,
        config: stack.config,
        secretKeys: stack.secretKeys,
        stackOutputs,
    });
    const violations = await evaluatePolicies(result.resources.map(fromPlanned), {
        ...policyConfigFromStack(stack.config, stack.project),
        ...policyConfig,
    });
    return { stack, ...result, violations };
}

interface Args {
    stack?: string;
    policyConfig?: string;
    json: boolean;
    help: boolean;
}

function parseArgs(argv: string[]): Args {
    const args: Args = { json: false, help: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--json") args.json = true;
        else if (arg === "--help" || arg === "-h") args.help = true;
        else if (arg === "--stack" || arg === "-s") args.stack = argv[++i];
        else if (arg.startsWith("--stack=")) args.stack = arg.slice("--stack=".length);
        else if (arg === "--policy-config") args.policyConfig = argv[++i];
        else throw new StackConfigError(`unknown argument ${JSON.stringify(arg)}; see --help`);
    }
    return args;
}

const USAGE = `Usage: npm run plan -- --stack NAME [--json] [--policy-config FILE]

Runs the program for Pulumi.NAME.yaml under Pulumi's mock engine, prints the resources
\`pulumi up\` would create, and evaluates the policy pack against them.
  --json            print a document shaped like \`pulumi preview --json\`, with the violations
  --policy-config   policy config in the format of \`pulumi preview --policy-pack-config\`
Exit: 0 no mandatory violation, 1 a mandatory policy is violated, 2 invalid config or program.`;

export async function main(argv: string[]): Promise<number> {
    let args: Args;
    try {
        args = parseArgs(argv);
    } catch (error) {
        console.error(`plan: ${(error as Error).message}`);
        return 2;
    }
    if (args.help || !args.stack) {
        (args.help ? console.log : console.error)(USAGE);
        return args.help ? 0 : 2;
    }
    let result: PlanResult;
    try {
        result = await plan(args.stack, readConfig(args.policyConfig));
    } catch (error) {
        if (
            error instanceof InvalidArgumentError ||
            error instanceof StackConfigError ||
            error instanceof DocumentError
        ) {
            console.error(`plan: stack ${args.stack}: ${error.message}`);
        } else {
            console.error(
                `plan: stack ${args.stack}: the program failed: ${(error as Error).message ?? error}`,
            );
        }
        return 2;
    }
    const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory");
    if (args.json) {
        console.log(JSON.stringify(renderPreviewJson(result), null, 2));
    } else {
        console.log(renderTree(result));
        console.log("");
        console.log(renderViolations(result.violations));
    }
    return mandatory.length > 0 ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (error) => {
            console.error(`plan: ${(error as Error).message}`);
            process.exit(2);
        },
    );
}
