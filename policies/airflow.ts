/**
 * A tenant's Airflow, installed from the official chart: the objects the chart renders are not
 * visible to the pack, so the chart values that shape them are judged instead. Every pod runs
 * under the restricted security contexts on the sandboxed tenant pool, the chart creates no Role
 * of its own (its launcher role allows `pods/exec`), and no default admin account exists.
 * https://airflow.apache.org/docs/helm-chart/stable/parameters-ref.html
 */
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { TENANT_POOL_LABEL, TENANT_POOL_TAINT } from "../components/constants";
import { UNKNOWN, field, list, PolicyMeta, resourcePolicy, truthy } from "./lib";
import { K8S } from "./types";

/** Whether a Helm resource installs the official Airflow chart. */
function isAirflowChart(props: Record<string, unknown>): boolean {
    const chart = field(props, "chart");
    const repo = field(props, "repositoryOpts", "repo");
    return (
        chart === "airflow" ||
        (typeof chart === "string" && /(^|\/)apache-airflow\/airflow$/.test(chart)) ||
        (typeof repo === "string" && repo.includes("airflow.apache.org"))
    );
}

/** A policy on the values of the Airflow chart; other Helm resources are not its business. */
function airflowPolicy(
    meta: PolicyMeta,
    check: (values: unknown, args: ResourceValidationArgs) => string[] | string | undefined,
): ResourceValidationPolicy {
    return resourcePolicy(meta, [K8S.helmRelease, K8S.helmChart], (props, args) => {
        if (!isAirflowChart(props)) {
            return args.notApplicable("Not the Airflow chart");
        }
        const values = field(props, "values");
        return values === UNKNOWN ? undefined : check(values ?? {}, args);
    });
}

export const airflowSecurityContexts = airflowPolicy(
    {
        name: "airflow-chart-security-contexts",
        description:
            "The Airflow chart runs every pod and container under the restricted security contexts.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Pod Security Standards",
            reference: "restricted",
            title: "Pods follow current pod hardening best practices.",
        },
    },
    (values) => {
        const messages: string[] = [];
        const pod = (key: string) => field(values, "securityContexts", "pod", key);
        const container = (key: string) => field(values, "securityContexts", "containers", key);
        if (pod("runAsNonRoot") !== true && pod("runAsNonRoot") !== UNKNOWN) {
            messages.push("Set values.securityContexts.pod.runAsNonRoot to true.");
        }
        const seccomp = field(values, "securityContexts", "pod", "seccompProfile", "type");
        if (seccomp !== UNKNOWN && seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
            messages.push(
                'Set values.securityContexts.pod.seccompProfile.type to "RuntimeDefault".',
            );
        }
        if (
            container("allowPrivilegeEscalation") !== false &&
            container("allowPrivilegeEscalation") !== UNKNOWN
        ) {
            messages.push(
                "Set values.securityContexts.containers.allowPrivilegeEscalation to false.",
            );
        }
        const drop = list(values, "securityContexts", "containers", "capabilities", "drop");
        if (drop !== UNKNOWN && !drop.includes("ALL")) {
            messages.push('Set values.securityContexts.containers.capabilities.drop to ["ALL"].');
        }
        return messages;
    },
);

export const airflowNoDefaultUser = airflowPolicy(
    {
        name: "airflow-no-default-user",
        description: "The Airflow chart creates no default admin account.",
        enforcementLevel: "mandatory",
        severity: "critical",
        control: {
            framework: "Platform",
            reference: "credentials",
            title: "Every credential is generated and kept secret.",
        },
    },
    (values) => {
        // The chart creates admin/admin unless told otherwise.
        const enabled = field(values, "webserver", "defaultUser", "enabled");
        if (enabled !== UNKNOWN && enabled !== false) {
            return "Set values.webserver.defaultUser.enabled to false: the chart's default account has a well-known password.";
        }
        return undefined;
    },
);

export const airflowNoChartRbac = airflowPolicy(
    {
        name: "airflow-chart-rbac-off",
        description:
            "The Airflow chart creates no Role of its own; the platform declares the scheduler's Role.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Platform",
            reference: "tenant-isolation",
            title: "No one gets a shell in a tenant's pods, where its secrets live.",
        },
    },
    (values) => {
        // The chart creates its launcher Role (which allows pods/exec) unless told otherwise.
        const create = field(values, "rbac", "create");
        if (create !== UNKNOWN && create !== false) {
            return "Set values.rbac.create to false and bind the scheduler to the platform's Role without pods/exec.";
        }
        return undefined;
    },
);

export const airflowOnTenantPool = airflowPolicy(
    {
        name: "airflow-on-tenant-pool",
        description: "Airflow pods are placed on the sandboxed tenant node pool.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.10.3",
            title: "Consider GKE Sandbox for running untrusted workloads.",
        },
    },
    (values) => {
        const messages: string[] = [];
        const selected = field(values, "nodeSelector", TENANT_POOL_LABEL.key);
        if (selected !== UNKNOWN && selected !== TENANT_POOL_LABEL.value) {
            messages.push(
                `Set values.nodeSelector["${TENANT_POOL_LABEL.key}"] to "${TENANT_POOL_LABEL.value}".`,
            );
        }
        const tolerations = list(values, "tolerations");
        const tolerates =
            tolerations === UNKNOWN ||
            tolerations.some((t) => t === UNKNOWN || field(t, "key") === TENANT_POOL_TAINT.key);
        if (!tolerates) {
            messages.push(
                `Add a toleration of the taint ${TENANT_POOL_TAINT.key} to values.tolerations.`,
            );
        }
        return messages;
    },
);

export const airflowConfigHidden = airflowPolicy(
    {
        name: "airflow-config-hidden",
        description:
            "The Airflow web UI does not show the configuration, which holds connection details.",
        enforcementLevel: "advisory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "credentials",
            title: "Every credential is generated and kept secret.",
        },
    },
    (values) => {
        const exposed = field(values, "config", "webserver", "expose_config");
        if (exposed !== undefined && exposed !== UNKNOWN && truthy(exposed)) {
            return 'Set values.config.webserver.expose_config to "False".';
        }
        return undefined;
    },
);

export const airflowPolicies: ResourceValidationPolicy[] = [
    airflowSecurityContexts,
    airflowNoDefaultUser,
    airflowNoChartRbac,
    airflowOnTenantPool,
    airflowConfigHidden,
];
