/**
 * The shared harness of the policy specs: builds resources as the engine hands them to the pack,
 * weakens one field at a time, and runs policies through the same evaluator the offline check
 * uses, so that a spec proves what CI and the CLI see.
 */
import * as assert from "assert";
import { Policy } from "@pulumi/policy";
import { evaluate, Evaluation, PackConfig, PolicyResource } from "../../tools/policy-engine";

/** The string the engine puts where a value is unknown during preview. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Marks a field to remove, so that the provider's default applies. */
export const UNSET = Symbol("unset");

export type Path = string | (string | number)[];

let counter = 0;

/** A resource of the given type, as the engine presents it to policies. */
export function resource(
    type: string,
    props: Record<string, unknown>,
    extra: Partial<PolicyResource> = {},
): PolicyResource {
    const name = extra.name ?? `r${++counter}`;
    return {
        urn: `urn:pulumi:test::airflow-platform::${type}::${name}`,
        type,
        name,
        props,
        protect: false,
        ...extra,
    };
}

function splitPath(path: Path): (string | number)[] {
    return Array.isArray(path)
        ? path
        : path.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** A deep copy of `props` with one field set (or removed with UNSET), creating objects on the way. */
export function withField(
    props: Record<string, unknown>,
    path: Path,
    value: unknown,
): Record<string, unknown> {
    const copy = structuredClone(props);
    const keys = splitPath(path);
    let cursor = copy as Record<string | number, unknown>;
    for (const key of keys.slice(0, -1)) {
        if (typeof cursor[key] !== "object" || cursor[key] === null) {
            cursor[key] = typeof keys[keys.indexOf(key) + 1] === "number" ? [] : {};
        }
        cursor = cursor[key] as Record<string | number, unknown>;
    }
    const last = keys[keys.length - 1];
    if (value === UNSET) {
        if (Array.isArray(cursor) && typeof last === "number") {
            cursor.splice(last, 1);
        } else {
            delete cursor[last];
        }
    } else {
        cursor[last] = value;
    }
    return copy;
}

/** Runs policies over resources. */
export function run(
    policies: readonly Policy[],
    resources: PolicyResource[],
    config: PackConfig = {},
): Promise<Evaluation> {
    return evaluate(resources, config, policies);
}

/** The names of the violated policies, one entry per violation, sorted. */
export function violated(evaluation: Evaluation): string[] {
    return evaluation.violations.map((v) => v.policy).sort();
}

/** One way to weaken a compliant resource, and the policies that must catch it. */
export interface WeakeningCase {
    path: Path;
    value: unknown;
    /** The policies expected to report, one entry per expected violation. */
    expect: string | string[];
    /** Other fields to change at the same time (to reach a state the case needs). */
    also?: [Path, unknown][];
    /** Extra resource fields such as protect. */
    extra?: Partial<PolicyResource>;
    config?: PackConfig;
}

function describeCase(c: WeakeningCase): string {
    const shown = c.value === UNSET ? "unset" : JSON.stringify(c.value);
    return `${splitPath(c.path).join(".")} = ${shown}`;
}

/**
 * The standard proof for a group of policies on one resource type: the compliant resource passes
 * every policy of the group; each weakening gives exactly the expected violations; a value that is
 * unknown during preview gives none; resources of other types are not applicable.
 */
export function proveResourcePolicies(options: {
    policies: readonly Policy[];
    type: string;
    compliant: () => Record<string, unknown>;
    extra?: Partial<PolicyResource>;
    cases: WeakeningCase[];
    config?: PackConfig;
}): void {
    const { policies, type, compliant } = options;

    it("passes the compliant resource", async () => {
        const evaluation = await run(
            policies,
            [resource(type, compliant(), options.extra)],
            options.config,
        );
        assert.deepStrictEqual(evaluation.violations, []);
    });

    for (const c of options.cases) {
        const expected = [c.expect].flat().sort();
        const title = expected.length === 0 ? "nothing" : [...new Set(expected)].join(", ");
        it(`reports ${title} when ${describeCase(c)}`, async () => {
            let props = withField(compliant(), c.path, c.value);
            for (const [path, value] of c.also ?? []) {
                props = withField(props, path, value);
            }
            const evaluation = await run(
                policies,
                [resource(type, props, { ...options.extra, ...c.extra })],
                { ...options.config, ...c.config },
            );
            assert.deepStrictEqual(
                violated(evaluation),
                expected,
                JSON.stringify(evaluation.violations, null, 2),
            );
            for (const v of evaluation.violations) {
                assert.ok(v.message.length > 20, `the message of ${v.policy} says what must hold`);
            }
        });
        if (c.value !== UNSET && c.extra === undefined) {
            it(`reports nothing while ${splitPath(c.path).join(".")} is unknown`, async () => {
                let props = withField(compliant(), c.path, UNKNOWN_VALUE);
                for (const [path, value] of c.also ?? []) {
                    props = withField(props, path, value);
                }
                const evaluation = await run(policies, [resource(type, props, options.extra)], {
                    ...options.config,
                    ...c.config,
                });
                assert.deepStrictEqual(violated(evaluation), []);
            });
        }
    }

    it("does not apply to other resource types", async () => {
        const other = resource("gcp:storage/bucket:Bucket", compliant());
        const evaluation = await run(policies, [other], options.config);
        assert.deepStrictEqual(evaluation.violations, []);
        const skipped = new Set(evaluation.notApplicable.map((n) => n.policy));
        for (const policy of policies) {
            if ("validateResource" in policy) {
                assert.ok(skipped.has(policy.name), `${policy.name} says it does not apply`);
            }
        }
    });
}

/** Asserts that every policy of a module declares what the pack requires of a policy. */
export function proveDeclarations(policies: readonly Policy[]): void {
    it("declares a kebab-case name, a sentence, a level, a severity and a control for every policy", () => {
        for (const p of policies) {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/, p.name);
            assert.match(p.description, /^[A-Z].*\.$/, `${p.name}: ${p.description}`);
            assert.ok(
                p.enforcementLevel === "mandatory" || p.enforcementLevel === "advisory",
                p.name,
            );
            assert.ok(["low", "medium", "high", "critical"].includes(String(p.severity)), p.name);
            assert.ok(
                p.framework?.name && p.framework.reference && p.framework.specification,
                p.name,
            );
        }
    });
}
