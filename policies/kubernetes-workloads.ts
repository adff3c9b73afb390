/**
 * Kubernetes workloads beyond Pod Security: containers run with limits from pinned images, charts
 * are installed at exact versions, and nothing is exposed outside the ingress layer.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { INGRESS_NAMESPACE_CONFIG, UNKNOWN, field, plain, resourcePolicy } from "./lib";
import { containerPolicy, namespaceOf } from "./pod-spec";
import { K8S } from "./types";

export const resourceLimits = containerPolicy(
    {
        name: "k8s-resource-limits",
        description: "Containers declare CPU and memory limits.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "tenant-isolation",
            title: "One tenant cannot starve another.",
        },
    },
    false,
    (container) => {
        const missing = ["cpu", "memory"].filter(
            (r) => field(container.spec, "resources", "limits", r) === undefined,
        );
        return missing.length > 0
            ? `${container.label}: set resources.limits.${missing.join(" and resources.limits.")}.`
            : undefined;
    },
);

export const noLatestImage = containerPolicy(
    {
        name: "k8s-no-latest-image",
        description: "Container images are pinned to a version or digest, never latest.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "pinned-versions",
            title: "What runs is what was reviewed.",
        },
    },
    false,
    (container) => {
        const image = field(container.spec, "image");
        if (typeof image !== "string" || image.includes("@sha256:")) {
            return undefined;
        }
        const lastSegment = image.split("/").pop() ?? image;
        const tag = lastSegment.includes(":") ? lastSegment.split(":").pop() : undefined;
        if (tag === undefined || tag === "latest") {
            return `${container.label} uses ${image}: pin the image to a version tag or a digest.`;
        }
        return undefined;
    },
);

const PUBLIC_SERVICE_TYPES = ["LoadBalancer", "NodePort"];

/** Where Helm values ask for a public Service: any `type` of LoadBalancer or NodePort under a key naming a service. */
function publicServicesInValues(value: unknown, path: string[] = []): string[] {
    if (typeof value !== "object" || value === null) {
        return [];
    }
    const found: string[] = [];
    for (const [key, item] of Object.entries(value)) {
        const here = [...path, key];
        if (
            key === "type" &&
            PUBLIC_SERVICE_TYPES.includes(String(item)) &&
            path.some((p) => /service/i.test(p))
        ) {
            found.push(`values.${here.join(".")} = ${String(item)}`);
        }
        found.push(...publicServicesInValues(item, here));
    }
    return found;
}

export const noPublicService = resourcePolicy(
    {
        name: "k8s-no-public-service",
        description:
            "No LoadBalancer or NodePort Service exists outside the ingress layer, declared directly or through Helm values.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Platform",
            reference: "tenant-isolation",
            title: "Tenants are reached only through the platform's ingress.",
        },
        config: { ingressNamespace: INGRESS_NAMESPACE_CONFIG },
    },
    [K8S.service, K8S.helmRelease, K8S.helmChart],
    (props, args, config) => {
        const helm = args.type !== K8S.service;
        const namespace = helm ? (field(props, "namespace") ?? "default") : namespaceOf(props);
        if (namespace === UNKNOWN || namespace === config.ingressNamespace) {
            return undefined;
        }
        const fix = `use a ClusterIP Service behind the ingress in "${config.ingressNamespace}"`;
        if (helm) {
            return publicServicesInValues(plain(field(props, "values"))).map(
                (where) => `${where} in "${String(namespace)}" bypasses the ingress layer: ${fix}.`,
            );
        }
        const type = field(props, "spec", "type");
        if (PUBLIC_SERVICE_TYPES.includes(String(type))) {
            return `A ${String(type)} Service in "${String(namespace)}" bypasses the ingress layer: ${fix}.`;
        }
        return undefined;
    },
);

const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export const helmPinnedVersion = resourcePolicy(
    {
        name: "k8s-helm-pinned-version",
        description: "Helm charts from a repository are installed at an exact version.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "pinned-versions",
            title: "What runs is what was reviewed.",
        },
    },
    [K8S.helmRelease, K8S.helmChart],
    (props, args) => {
        const chart = field(props, "chart");
        const repo = field(props, "repositoryOpts", "repo");
        const fromRepository =
            repo !== undefined ||
            (typeof chart === "string" &&
                (chart.startsWith("oci://") || /^[^./][^/]*\/[^/]+$/.test(chart)));
        if (!fromRepository) {
            return args.notApplicable(
                "A chart from a local path is pinned by the repository itself",
            );
        }
        const version = field(props, "version");
        if (version !== UNKNOWN && !(typeof version === "string" && EXACT_VERSION.test(version))) {
            return `Set version to an exact chart version (such as "1.15.0"), not ${JSON.stringify(version ?? "unset")}.`;
        }
        return undefined;
    },
);

export const workloadPolicies: ResourceValidationPolicy[] = [
    resourceLimits,
    noLatestImage,
    noPublicService,
    helmPinnedVersion,
];
