/**
 * Runs the policy pack's own policy objects over a list of resources, the way the Pulumi CLI's
 * policy runner does, without starting the pack's gRPC server: the same arguments
 * (type, props behind the unknown-checking proxy, urn, name, opts, isType/asType, getConfig,
 * notApplicable), the same enforcement-level resolution and config defaults, and the same
 * handling of resources the engine never shows to resource policies (the stack, providers).
 * The offline plan, the policy check command and the tests all evaluate through it.
 */
import {
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
import { configFunction, levelOf, PackConfig, validateConfig } from "./policy-config";
import { deserialize, PolicyResource } from "./policy-document";

export { DocumentError, deserialize, fromPlanned, readDocument } from "./policy-document";
export type { PolicyResource } from "./policy-document";
export { PolicyConfigError, policyConfigFromStack, validateConfig } from "./policy-config";
export type { PackConfig } from "./policy-config";

export interface Violation {
    policy: string;
    enforcementLevel: "advisory" | "mandatory";
    severity?: string;
    urn?: string;
    message: string;
}

class NotApplicable extends Error {}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicable(reason ?? "Policy does not apply");
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
