/**
 * Where the pod template sits in each workload kind, its containers, and a way to declare a
 * policy over every container of every kind. Shared by pod-security.ts and
 * kubernetes-workloads.ts.
 */
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { EXEMPT_NAMESPACES_CONFIG, PolicyMeta, UNKNOWN, field, list, resourcePolicy } from "./lib";
import { WORKLOAD_POD_SPEC_PATHS } from "./types";

export const WORKLOADS = Object.keys(WORKLOAD_POD_SPEC_PATHS);

/** A container of a pod template, named for messages. */
export interface Container {
    label: string;
    spec: unknown;
}

export function podSpecOf(type: string, props: Record<string, unknown>): unknown {
    return field(props, ...WORKLOAD_POD_SPEC_PATHS[type]);
}

export function containersOf(podSpec: unknown): Container[] {
    const found: Container[] = [];
    for (const kind of ["initContainers", "containers", "ephemeralContainers"]) {
        const items = list(podSpec, kind);
        if (items === UNKNOWN) {
            continue;
        }
        items.forEach((spec, index) => {
            if (spec !== UNKNOWN) {
                const name = field(spec, "name");
                found.push({
                    label: `${kind}[${index}]${typeof name === "string" ? ` (${name})` : ""}`,
                    spec,
                });
            }
        });
    }
    return found;
}

export function namespaceOf(props: Record<string, unknown>): unknown {
    return field(props, "metadata", "namespace") ?? "default";
}

/**
 * A policy over every container of every workload kind. `exemptable` policies belong to the
 * restricted profile and do not apply in the configured exempt namespaces.
 */
export function containerPolicy(
    meta: PolicyMeta,
    exemptable: boolean,
    check: (container: Container, podSpec: unknown) => string | undefined,
): ResourceValidationPolicy {
    const withConfig: PolicyMeta = exemptable
        ? { ...meta, config: { ...meta.config, exemptNamespaces: EXEMPT_NAMESPACES_CONFIG } }
        : meta;
    return resourcePolicy(withConfig, WORKLOADS, (props, args: ResourceValidationArgs, config) => {
        if (
            exemptable &&
            ((config.exemptNamespaces as string[]) ?? []).includes(String(namespaceOf(props)))
        ) {
            return args.notApplicable("The namespace is exempt from Pod Security restricted");
        }
        const podSpec = podSpecOf(args.type, props);
        if (podSpec === UNKNOWN || podSpec === undefined) {
            return;
        }
        return containersOf(podSpec)
            .map((container) => check(container, podSpec))
            .filter((message): message is string => message !== undefined);
    });
}

/** A container's security setting, falling back to the pod's where Kubernetes does. */
export function effective(container: Container, podSpec: unknown, key: string): unknown {
    const own = field(container.spec, "securityContext", key);
    return own !== undefined ? own : field(podSpec, "securityContext", key);
}
