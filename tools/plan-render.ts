/**
 * Renders an offline plan as a tree for people and as a `pulumi preview --json` document
 * (a PreviewDigest) for tools.
 */
import { isSerializedSecret, PlannedResource, SECRET_SIG, SECRET_VALUE_SIG } from "./engine";
import type { Violation } from "./policy-engine";

interface Plan {
    stack: { project: string; stack: string; config: Record<string, string>; secretKeys: string[] };
    resources: PlannedResource[];
    outputs: Record<string, unknown>;
    secretOutputs: string[];
    violations: Violation[];
}

/** The URN of the stack resource that is the root of every plan. */
export function stackUrn(project: string, stack: string): string {
    return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

/** Replaces secret values with an opaque marker, as a preview without --show-secrets does. */
function maskSecrets(value: unknown): unknown {
    if (isSerializedSecret(value)) {
        return { [SECRET_SIG]: SECRET_VALUE_SIG, ciphertext: "[secret]" };
    }
    if (Array.isArray(value)) {
        return value.map(maskSecrets);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v)]));
    }
    return value;
}

/** A document shaped like `pulumi preview --json`: config, steps with newState, change summary. */
export function renderPreviewJson(plan: Plan): Record<string, unknown> {
    const { project, stack } = plan.stack;
    const root = stackUrn(project, stack);
    const config = Object.fromEntries(
        Object.entries(plan.stack.config).map(([k, v]) => [
            k,
            plan.stack.secretKeys.includes(k) ? "[secret]" : v,
        ]),
    );
    const steps = [
        {
            op: "create",
            urn: root,
            newState: {
                urn: root,
                custom: false,
                type: "pulumi:pulumi:Stack",
                inputs: {},
                outputs: {},
            },
        },
        ...plan.resources.map((r) => ({
            op: "create",
            urn: r.urn,
            provider: r.provider ?? "",
            newState: {
                urn: r.urn,
                custom: r.custom,
                type: r.type,
                inputs: maskSecrets(r.serializedInputs),
                parent: r.parent ?? root,
                dependencies: r.dependencies,
                propertyDependencies: r.propertyDependencies,
                provider: r.provider ?? "",
                protect: r.protect,
                retainOnDelete: r.retainOnDelete,
                deleteBeforeReplace: r.deleteBeforeReplace,
                ignoreChanges: r.ignoreChanges,
                additionalSecretOutputs: r.additionalSecretOutputs,
            },
        })),
    ];
    return {
        config,
        steps,
        diagnostics: plan.violations.map((v) => ({
            urn: v.urn ?? root,
            prefix: `${v.enforcementLevel} policy violation: `,
            message: `[${v.policy}] ${v.message}`,
            severity: v.enforcementLevel === "mandatory" ? "error" : "warning",
        })),
        policyViolations: plan.violations,
        duration: 0,
        changeSummary: { create: steps.length },
    };
}

/** The resources as a tree under their parents, with a summary. */
export function renderTree(plan: Plan): string {
    const { project, stack } = plan.stack;
    const children = new Map<string, PlannedResource[]>();
    for (const r of plan.resources) {
        const parent = r.parent ?? "";
        children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const lines = [`Plan for stack ${stack} of ${project} (offline, mock engine)`, ""];
    lines.push(`+ pulumi:pulumi:Stack  ${project}-${stack}`);
    const walk = (parent: string, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const flags = [
                r.protect ? "protected" : "",
                r.retainOnDelete ? "retained on delete" : "",
            ]
                .filter(Boolean)
                .join(", ");
            lines.push(
                `${"    ".repeat(depth)}+ ${r.type}  ${r.name}${flags ? `  [${flags}]` : ""}`,
            );
            walk(r.urn, depth + 1);
        }
    };
    walk("", 1);

    const byType = new Map<string, number>();
    for (const r of plan.resources) {
        byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    }
    lines.push("");
    lines.push(`Resources: ${plan.resources.length + 1} to create`);
    lines.push(`    protected: ${plan.resources.filter((r) => r.protect).length}`);
    lines.push(`    retained on delete: ${plan.resources.filter((r) => r.retainOnDelete).length}`);
    for (const [type, count] of [...byType.entries()].sort()) {
        lines.push(`    ${String(count).padStart(3)}  ${type}`);
    }
    lines.push("");
    lines.push("Outputs:");
    for (const [name, value] of Object.entries(plan.outputs)) {
        const shown = plan.secretOutputs.includes(name) ? "[secret]" : JSON.stringify(value);
        lines.push(`    ${name}: ${shown}`);
    }
    return lines.join("\n");
}
