// A TenantLogAccess on its own, for its spec.
import * as k8s from "@pulumi/kubernetes";
import { TenantLogAccess } from "../../components/tenant-log-access";

const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
const access = new TenantLogAccess("acme-logs", {
    tenant: "acme",
    tenantNamespace: "acme",
    provider,
});

export const username = access.username;
export const password = access.password;
export const indexPattern = access.indexPattern;
