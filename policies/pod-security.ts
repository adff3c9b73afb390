/**
 * Pod Security for what the program declares: every container meets the "restricted" profile
 * (except in the declared exempt namespaces, which still meet "baseline": no privileged
 * containers, no host namespaces).
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { EXEMPT_NAMESPACES_CONFIG, UNKNOWN, field, list, resourcePolicy } from "./lib";
import { containerPolicy, effective, namespaceOf, podSpecOf, WORKLOADS } from "./pod-spec";

export const runAsNonRoot = containerPolicy(
    {
        name: "k8s-run-as-non-root",
        description: "Containers run as a non-root user.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Pod Security Standards",
            reference: "restricted: runAsNonRoot",
            title: "Containers must be required to run as non-root users.",
        },
    },
    true,
    (container, podSpec) => {
        const nonRoot = effective(container, podSpec, "runAsNonRoot");
        const user = effective(container, podSpec, "runAsUser");
        if (nonRoot === UNKNOWN || user === UNKNOWN) {
            return undefined;
        }
        // Pod Security restricted asks for runAsNonRoot itself; a non-zero runAsUser alone
        // does not satisfy it.
        if (user === 0 || nonRoot !== true) {
            return `${container.label} may run as root: set securityContext.runAsNonRoot to true (and a non-zero runAsUser) on the container or the pod.`;
        }
        return undefined;
    },
);

export const noPrivilegeEscalation = containerPolicy(
    {
        name: "k8s-no-privilege-escalation",
        description: "Containers cannot gain more privileges than they start with.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Pod Security Standards",
            reference: "restricted: allowPrivilegeEscalation",
            title: "Privilege escalation must not be allowed.",
        },
    },
    true,
    (container) => {
        // Kubernetes allows escalation unless told otherwise.
        const allowed = field(container.spec, "securityContext", "allowPrivilegeEscalation");
        if (allowed !== UNKNOWN && allowed !== false) {
            return `${container.label}: set securityContext.allowPrivilegeEscalation to false.`;
        }
        return undefined;
    },
);

export const noPrivileged = containerPolicy(
    {
        name: "k8s-no-privileged",
        description: "No container runs privileged, in any namespace.",
        enforcementLevel: "mandatory",
        severity: "critical",
        control: {
            framework: "Pod Security Standards",
            reference: "baseline: privileged",
            title: "Privileged pods disable most security mechanisms and must be disallowed.",
        },
    },
    false,
    (container) =>
        field(container.spec, "securityContext", "privileged") === true
            ? `${container.label} is privileged and owns the node: remove securityContext.privileged.`
            : undefined,
);

export const dropAllCapabilities = containerPolicy(
    {
        name: "k8s-drop-all-capabilities",
        description:
            "Containers drop every Linux capability and add back at most NET_BIND_SERVICE.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Pod Security Standards",
            reference: "restricted: capabilities",
            title: "Containers must drop ALL capabilities, and are only permitted to add back NET_BIND_SERVICE.",
        },
    },
    true,
    (container) => {
        const drop = list(container.spec, "securityContext", "capabilities", "drop");
        const add = list(container.spec, "securityContext", "capabilities", "add");
        if (drop === UNKNOWN || add === UNKNOWN) {
            return undefined;
        }
        const extra = add.filter((c) => c !== UNKNOWN && c !== "NET_BIND_SERVICE");
        if (!drop.includes("ALL") || extra.length > 0) {
            return `${container.label}: set securityContext.capabilities.drop to ["ALL"] and add nothing but NET_BIND_SERVICE${extra.length ? ` (it adds ${extra.join(", ")})` : ""}.`;
        }
        return undefined;
    },
);

export const seccompProfile = containerPolicy(
    {
        name: "k8s-seccomp-profile",
        description: "Containers run under the runtime's default seccomp profile (or a local one).",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Pod Security Standards",
            reference: "restricted: seccompProfile",
            title: "Seccomp profile must be explicitly set to one of the allowed values.",
        },
    },
    true,
    (container, podSpec) => {
        const type = field(container.spec, "securityContext", "seccompProfile", "type");
        const effectiveType =
            type !== undefined ? type : field(podSpec, "securityContext", "seccompProfile", "type");
        if (
            effectiveType !== UNKNOWN &&
            effectiveType !== "RuntimeDefault" &&
            effectiveType !== "Localhost"
        ) {
            return `${container.label}: set securityContext.seccompProfile.type to "RuntimeDefault" on the pod or the container.`;
        }
        return undefined;
    },
);

export const readOnlyRootFilesystem = containerPolicy(
    {
        name: "k8s-read-only-root-filesystem",
        description: "Containers mount their root filesystem read-only.",
        enforcementLevel: "advisory",
        severity: "low",
        control: {
            framework: "Platform",
            reference: "tenant-isolation",
            title: "A compromised container cannot change its own code.",
        },
    },
    true,
    (container) => {
        const readOnly = field(container.spec, "securityContext", "readOnlyRootFilesystem");
        if (readOnly !== UNKNOWN && readOnly !== true) {
            return `${container.label}: set securityContext.readOnlyRootFilesystem to true and mount an emptyDir where it must write.`;
        }
        return undefined;
    },
);

export const noServiceAccountToken = resourcePolicy(
    {
        name: "k8s-no-default-token-mount",
        description:
            "Pods that do not call the Kubernetes API do not mount a service account token.",
        enforcementLevel: "advisory",
        severity: "low",
        control: {
            framework: "CIS GKE",
            reference: "4.1.5",
            title: "Ensure that Service Account Tokens are only mounted where necessary.",
        },
    },
    WORKLOADS,
    (props, args) => {
        const podSpec = podSpecOf(args.type, props);
        const automount = field(podSpec, "automountServiceAccountToken");
        const account = field(podSpec, "serviceAccountName");
        // A pod with its own service account is presumed to need its token.
        if (automount === undefined && (account === undefined || account === "default")) {
            return "Set automountServiceAccountToken to false, or give the pod its own service account if it calls the API.";
        }
        return undefined;
    },
);

export const noHostNamespaces = resourcePolicy(
    {
        name: "k8s-no-host-namespaces",
        description: "Pods do not share the node's network, process or IPC namespaces.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Pod Security Standards",
            reference: "baseline: host namespaces",
            title: "Sharing the host namespaces must be disallowed.",
        },
    },
    WORKLOADS,
    (props, args) => {
        const podSpec = podSpecOf(args.type, props);
        return ["hostNetwork", "hostPID", "hostIPC"]
            .filter((key) => field(podSpec, key) === true)
            .map((key) => `Remove ${key}: true from the pod spec.`);
    },
);

export const noHostPath = resourcePolicy(
    {
        name: "k8s-no-host-path",
        description: "Pods mount no host paths, except in the declared exempt namespaces.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Pod Security Standards",
            reference: "baseline: hostPath volumes",
            title: "HostPath volumes must be forbidden.",
        },
        config: { exemptNamespaces: EXEMPT_NAMESPACES_CONFIG },
    },
    WORKLOADS,
    (props, args, config) => {
        if (((config.exemptNamespaces as string[]) ?? []).includes(String(namespaceOf(props)))) {
            return args.notApplicable("The namespace is exempt from Pod Security restricted");
        }
        const volumes = list(podSpecOf(args.type, props), "volumes");
        if (volumes === UNKNOWN) {
            return;
        }
        return volumes
            .filter((volume) => volume !== UNKNOWN && field(volume, "hostPath") !== undefined)
            .map(
                (volume) =>
                    `The volume ${String(field(volume, "name"))} mounts a host path: use an emptyDir, a ConfigMap or a PersistentVolumeClaim.`,
            );
    },
);

export const podSecurityPolicies: ResourceValidationPolicy[] = [
    runAsNonRoot,
    noPrivilegeEscalation,
    noPrivileged,
    dropAllCapabilities,
    seccompProfile,
    readOnlyRootFilesystem,
    noServiceAccountToken,
    noHostNamespaces,
    noHostPath,
];
