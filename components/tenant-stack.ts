/**
 * The program of a tenant stack: reads the platform stack's outputs through a StackReference,
 * makes a Kubernetes provider from its kubeconfig and declares one Tenant.
 *
 * Config (namespace `airflow-platform:`):
 * - `platformStack`: the platform stack's fully qualified name, such as acme/airflow-platform/prod.
 * - `tenant`: the tenant spec, an object (see {@link TenantSpec}); validated here because
 *   Pulumi.yaml cannot type objects.
 * - `smtpPassword` (optional, secret): the SMTP password for `tenant.airflow.alerts`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DATABASE_ADMIN_SECRET } from "./constants";
import { Tenant } from "./tenant";
import { resolveTenantSpec, TenantSpec } from "./tenant-args";
import { InvalidArgumentError } from "./validation";

/** A fully qualified stack name: organization, project, stack. */
const QUALIFIED_STACK = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** The platform stack's outputs a tenant stack reads; the platform stack must export them all. */
export const PLATFORM_OUTPUTS = [
    "project",
    "kubeconfig",
    "clusterEndpoint",
    "databaseInstanceName",
    "databasePrivateIp",
    "databaseServerCa",
    "databaseAdminSecret",
] as const;

/** Re-labels a spec error so that it names the config key: `tenant.<field>`. */
function inTenantBlock<T>(check: () => T): T {
    try {
        return check();
    } catch (err) {
        if (err instanceof InvalidArgumentError) {
            throw new InvalidArgumentError(`tenant.${err.field}`, err.value, err.allowed);
        }
        throw err;
    }
}

/** Checks a tenant stack's config; pure, so the stack tool can use it before any run. */
export function parseTenantStackConfig(raw: { platformStack?: unknown; tenant?: unknown }): {
    platformStack: string;
    tenant: TenantSpec;
} {
    const platformStack = raw.platformStack;
    if (typeof platformStack !== "string" || !QUALIFIED_STACK.test(platformStack)) {
        throw new InvalidArgumentError(
            "platformStack",
            platformStack,
            "the platform stack's fully qualified name, organization/project/stack, such as acme/airflow-platform/prod",
        );
    }
    if (typeof raw.tenant !== "object" || raw.tenant === null || Array.isArray(raw.tenant)) {
        throw new InvalidArgumentError(
            "tenant",
            raw.tenant,
            "an object with at least name and workspace",
        );
    }
    const tenant = raw.tenant as TenantSpec;
    inTenantBlock(() => resolveTenantSpec(tenant));
    return { platformStack, tenant };
}

/** Declares a tenant stack from config; returns the stack outputs. */
export function tenantStack(): Record<string, pulumi.Output<unknown>> {
    const config = new pulumi.Config();
    const parsed = parseTenantStackConfig({
        platformStack: config.get("platformStack"),
        tenant: config.getObject<unknown>("tenant"),
    });
    const smtpPassword = config.getSecret("smtpPassword");
    const spec: TenantSpec = { ...parsed.tenant };
    if (spec.airflow?.alerts && smtpPassword !== undefined) {
        spec.airflow = { ...spec.airflow, alerts: { ...spec.airflow.alerts, smtpPassword } };
    }

    const platform = new pulumi.StackReference("platform", { name: parsed.platformStack });
    const text = (name: (typeof PLATFORM_OUTPUTS)[number]) =>
        platform.requireOutput(name).apply((v) => String(v));

    // The kubeconfig authenticates with gke-gcloud-auth-plugin; it holds no long-lived secret,
    // but it is marked secret anyway because it names the private endpoint and CA.
    const provider = new k8s.Provider("tenant-cluster", {
        kubeconfig: pulumi.secret(text("kubeconfig")),
        enableServerSideApply: true,
    });

    const tenant = inTenantBlock(
        () =>
            new Tenant(
                spec.name,
                {
                    ...spec,
                    platform: {
                        project: text("project"),
                        clusterEndpoint: text("clusterEndpoint"),
                        databaseInstanceName: text("databaseInstanceName"),
                        databasePrivateIp: text("databasePrivateIp"),
                        databaseServerCa: text("databaseServerCa"),
                        databaseAdminSecret: platform
                            .getOutput("databaseAdminSecret")
                            .apply((v) => (v ? String(v) : DATABASE_ADMIN_SECRET)),
                    },
                },
                { providers: { kubernetes: provider } },
            ),
    );

    return {
        namespace: tenant.namespace,
        databaseName: tenant.databaseName,
        databaseRole: tenant.databaseRole,
        releaseName: tenant.releaseName,
        fernetKey: tenant.fernetKey,
    };
}
