/**
 * A test entry for the mock engine: declares the Tenants listed in the config key
 * `airflow-platform:testTenants` (a JSON list of tenant specs) on a fixed, fake platform, and
 * exports each tenant's outputs under its name.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Tenant } from "../../components/tenant";
import { TenantSpec } from "../../components/tenant-args";
import { TEST_PLATFORM } from "./tenant-platform";

const config = new pulumi.Config();
const specs = config.requireObject<TenantSpec[]>("testTenants");
const smtpPassword = config.getSecret("smtpPassword");
const provider = new k8s.Provider("test-cluster", {
    kubeconfig: "{}",
    enableServerSideApply: true,
});

const outputs: Record<string, pulumi.Output<unknown>> = {};
for (const spec of specs) {
    const alerts = spec.airflow?.alerts;
    const withSecret: TenantSpec =
        alerts && smtpPassword !== undefined
            ? { ...spec, airflow: { ...spec.airflow, alerts: { ...alerts, smtpPassword } } }
            : spec;
    const tenant = new Tenant(
        spec.name,
        { ...withSecret, platform: TEST_PLATFORM },
        { providers: { kubernetes: provider } },
    );
    outputs[`${spec.name}Namespace`] = tenant.namespace;
    outputs[`${spec.name}FernetKey`] = tenant.fernetKey;
    outputs[`${spec.name}DatabaseRole`] = tenant.databaseRole;
}

export = outputs;
