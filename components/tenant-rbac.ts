/**
 * The tenant's Kubernetes identities: the scheduler's ServiceAccount and Role (it launches one
 * pod per task), a task pod ServiceAccount with no token and no bindings, a Role per member
 * role, and one RoleBinding per workspace member.
 */
import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MEMBER_ROLES, MemberRole, ResolvedTenantSpec } from "./tenant-args";
import { tenantLabels } from "./tenant-namespace";

/** ServiceAccount names the Airflow chart is told to use instead of creating its own. */
export const SCHEDULER_SERVICE_ACCOUNT = "airflow-scheduler";
export const WORKER_SERVICE_ACCOUNT = "airflow-worker";

/**
 * What the scheduler may do with the Kubernetes API under KubernetesExecutor: manage task pods
 * and read their logs. No `pods/exec`, no Secrets, no wildcards.
 */
export const SCHEDULER_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
    {
        apiGroups: [""],
        resources: ["pods"],
        verbs: ["create", "get", "list", "watch", "delete", "patch"],
    },
    { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
    { apiGroups: [""], resources: ["events"], verbs: ["list", "watch"] },
];

const READ = ["get", "list", "watch"];

/**
 * What workspace members may do in their namespace, by role. These replace Kubernetes' built-in
 * admin, edit and view ClusterRoles: admin and edit include `pods/exec`, and a shell in a pod
 * reaches every credential mounted there. Members see their workloads and logs; editors may
 * restart them; admins may also read the namespace's Secrets and RBAC.
 */
export const MEMBER_ROLE_RULES: Record<MemberRole, k8s.types.input.rbac.v1.PolicyRule[]> = (() => {
    const viewer = [
        {
            apiGroups: [""],
            resources: [
                "pods",
                "pods/log",
                "services",
                "endpoints",
                "configmaps",
                "events",
                "persistentvolumeclaims",
                "resourcequotas",
                "limitranges",
                "serviceaccounts",
            ],
            verbs: READ,
        },
        {
            apiGroups: ["apps"],
            resources: ["deployments", "statefulsets", "replicasets"],
            verbs: READ,
        },
        { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: READ },
        { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: READ },
    ];
    const editor = [
        ...viewer,
        { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
        // `kubectl rollout restart` patches the pod template's annotations.
        { apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: ["patch"] },
        { apiGroups: ["batch"], resources: ["jobs"], verbs: ["delete"] },
    ];
    const admin = [
        ...editor,
        { apiGroups: [""], resources: ["secrets"], verbs: READ },
        {
            apiGroups: ["rbac.authorization.k8s.io"],
            resources: ["roles", "rolebindings"],
            verbs: READ,
        },
    ];
    return { viewer, editor, admin };
})();

export interface TenantIdentities {
    schedulerAccount: k8s.core.v1.ServiceAccount;
    workerAccount: k8s.core.v1.ServiceAccount;
    schedulerRole: k8s.rbac.v1.Role;
    schedulerBinding: k8s.rbac.v1.RoleBinding;
    memberRoles: k8s.rbac.v1.Role[];
    memberBindings: k8s.rbac.v1.RoleBinding[];
}

/** A binding's name from the member's email: stable when the member list is reordered. */
export function memberBindingName(email: string): string {
    return `member-${crypto.createHash("sha256").update(email.toLowerCase()).digest("hex").slice(0, 12)}`;
}

/** Creates the identities in `namespace` as children of `parent`. */
export function createTenantIdentities(
    args: ResolvedTenantSpec,
    namespace: pulumi.Input<string>,
    parent: pulumi.Resource,
): TenantIdentities {
    const labels = tenantLabels(args);
    const schedulerAccount = new k8s.core.v1.ServiceAccount(
        `${args.name}-scheduler`,
        {
            metadata: { name: SCHEDULER_SERVICE_ACCOUNT, namespace, labels },
            // The scheduler needs its token to talk to the API; nothing else in the tenant does.
            automountServiceAccountToken: true,
        },
        { parent },
    );
    const workerAccount = new k8s.core.v1.ServiceAccount(
        `${args.name}-worker`,
        {
            metadata: { name: WORKER_SERVICE_ACCOUNT, namespace, labels },
            automountServiceAccountToken: false,
        },
        { parent },
    );

    const schedulerRole = new k8s.rbac.v1.Role(
        `${args.name}-scheduler`,
        { metadata: { name: "airflow-scheduler", namespace, labels }, rules: SCHEDULER_RULES },
        { parent },
    );
    const schedulerBinding = new k8s.rbac.v1.RoleBinding(
        `${args.name}-scheduler`,
        {
            metadata: { name: "airflow-scheduler", namespace, labels },
            roleRef: {
                apiGroup: "rbac.authorization.k8s.io",
                kind: "Role",
                name: "airflow-scheduler",
            },
            subjects: [{ kind: "ServiceAccount", name: SCHEDULER_SERVICE_ACCOUNT, namespace }],
        },
        { parent, dependsOn: [schedulerRole, schedulerAccount] },
    );

    const memberRoles = (Object.keys(MEMBER_ROLES) as MemberRole[]).map(
        (role) =>
            new k8s.rbac.v1.Role(
                `${args.name}-${MEMBER_ROLES[role]}`,
                {
                    metadata: { name: MEMBER_ROLES[role], namespace, labels },
                    rules: MEMBER_ROLE_RULES[role],
                },
                { parent },
            ),
    );

    // GKE authenticates Google identities as Kubernetes users named by their email:
    // https://cloud.google.com/kubernetes-engine/docs/how-to/role-based-access-control#rolebinding
    const memberBindings = args.members.map((member) => {
        const name = memberBindingName(member.email);
        return new k8s.rbac.v1.RoleBinding(
            `${args.name}-${name}`,
            {
                metadata: {
                    name,
                    namespace,
                    labels,
                    annotations: { "airflow-platform/member": member.email },
                },
                roleRef: {
                    apiGroup: "rbac.authorization.k8s.io",
                    kind: "Role",
                    name: MEMBER_ROLES[member.role],
                },
                subjects: [
                    { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: member.email },
                ],
            },
            { parent, dependsOn: memberRoles },
        );
    });

    return {
        schedulerAccount,
        workerAccount,
        schedulerRole,
        schedulerBinding,
        memberRoles,
        memberBindings,
    };
}
