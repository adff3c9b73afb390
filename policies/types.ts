/**
 * The Pulumi type tokens the policies match, read from the SDK classes themselves so that a
 * misspelt token cannot make a policy silently apply to nothing. The SDK modules load lazily:
 * only the classes named here are loaded.
 */
import * as compute from "@pulumi/gcp/compute";
import * as container from "@pulumi/gcp/container";
import * as kms from "@pulumi/gcp/kms";
import * as projects from "@pulumi/gcp/projects";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as sql from "@pulumi/gcp/sql";
import * as apps from "@pulumi/kubernetes/apps";
import * as batch from "@pulumi/kubernetes/batch";
import * as core from "@pulumi/kubernetes/core";
import * as helm from "@pulumi/kubernetes/helm";
import * as networking from "@pulumi/kubernetes/networking";
import * as rbac from "@pulumi/kubernetes/rbac";

function tokenOf(resourceClass: unknown): string {
    const token = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
    if (typeof token !== "string" || token === "") {
        throw new Error(`${String(resourceClass)} carries no Pulumi type token`);
    }
    return token;
}

export const GCP = {
    cluster: tokenOf(container.Cluster),
    nodePool: tokenOf(container.NodePool),
    network: tokenOf(compute.Network),
    subnetwork: tokenOf(compute.Subnetwork),
    firewall: tokenOf(compute.Firewall),
    router: tokenOf(compute.Router),
    routerNat: tokenOf(compute.RouterNat),
    instance: tokenOf(compute.Instance),
    instanceTemplate: tokenOf(compute.InstanceTemplate),
    databaseInstance: tokenOf(sql.DatabaseInstance),
    keyRing: tokenOf(kms.KeyRing),
    cryptoKey: tokenOf(kms.CryptoKey),
    cryptoKeyIamMember: tokenOf(kms.CryptoKeyIAMMember),
    cryptoKeyIamBinding: tokenOf(kms.CryptoKeyIAMBinding),
    cryptoKeyIamPolicy: tokenOf(kms.CryptoKeyIAMPolicy),
    keyRingIamMember: tokenOf(kms.KeyRingIAMMember),
    keyRingIamBinding: tokenOf(kms.KeyRingIAMBinding),
    keyRingIamPolicy: tokenOf(kms.KeyRingIAMPolicy),
    projectIamMember: tokenOf(projects.IAMMember),
    projectIamBinding: tokenOf(projects.IAMBinding),
    projectIamPolicy: tokenOf(projects.IAMPolicy),
    serviceAccountKey: tokenOf(serviceaccount.Key),
} as const;

export const K8S = {
    namespace: tokenOf(core.v1.Namespace),
    service: tokenOf(core.v1.Service),
    pod: tokenOf(core.v1.Pod),
    resourceQuota: tokenOf(core.v1.ResourceQuota),
    limitRange: tokenOf(core.v1.LimitRange),
    deployment: tokenOf(apps.v1.Deployment),
    statefulSet: tokenOf(apps.v1.StatefulSet),
    daemonSet: tokenOf(apps.v1.DaemonSet),
    replicaSet: tokenOf(apps.v1.ReplicaSet),
    job: tokenOf(batch.v1.Job),
    cronJob: tokenOf(batch.v1.CronJob),
    networkPolicy: tokenOf(networking.v1.NetworkPolicy),
    ingress: tokenOf(networking.v1.Ingress),
    role: tokenOf(rbac.v1.Role),
    clusterRole: tokenOf(rbac.v1.ClusterRole),
    roleBinding: tokenOf(rbac.v1.RoleBinding),
    clusterRoleBinding: tokenOf(rbac.v1.ClusterRoleBinding),
    helmRelease: tokenOf(helm.v3.Release),
    helmChart: tokenOf(helm.v4.Chart),
} as const;

/** The kinds that carry a pod template, and where in their spec it sits. */
export const WORKLOAD_POD_SPEC_PATHS: Record<string, string[]> = {
    [K8S.pod]: ["spec"],
    [K8S.deployment]: ["spec", "template", "spec"],
    [K8S.statefulSet]: ["spec", "template", "spec"],
    [K8S.daemonSet]: ["spec", "template", "spec"],
    [K8S.replicaSet]: ["spec", "template", "spec"],
    [K8S.job]: ["spec", "template", "spec"],
    [K8S.cronJob]: ["spec", "jobTemplate", "spec", "template", "spec"],
};
