/**
 * Project IAM: no service account holds a basic role, and no service account key is created
 * (workloads use Workload Identity, people use their own accounts).
 * https://cloud.google.com/iam/docs/best-practices-service-accounts
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { grantsOf } from "./keys";
import { resourcePolicy } from "./lib";
import { GCP } from "./types";

const BASIC_ROLES = ["roles/owner", "roles/editor"];

export const noBasicRolesForServiceAccounts = resourcePolicy(
    {
        name: "iam-no-basic-roles-for-service-accounts",
        description: "No service account is granted Owner or Editor on the project.",
        enforcementLevel: "mandatory",
        severity: "critical",
        control: {
            framework: "CIS GCP",
            reference: "1.5",
            title: "Ensure that Service Account has no Admin privileges.",
        },
    },
    [GCP.projectIamMember, GCP.projectIamBinding, GCP.projectIamPolicy],
    (props) =>
        grantsOf(props)
            .filter(
                (grant) =>
                    BASIC_ROLES.includes(String(grant.role)) &&
                    String(grant.member).startsWith("serviceAccount:"),
            )
            .map(
                (grant) =>
                    `${String(grant.member)} must not hold ${String(grant.role)}: grant the narrow predefined roles it needs instead.`,
            ),
);

export const noServiceAccountKeys = resourcePolicy(
    {
        name: "iam-no-service-account-keys",
        description: "The program creates no service account keys.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GCP",
            reference: "1.4",
            title: "Ensure that there are only GCP-managed service account keys for each service account.",
        },
    },
    [GCP.serviceAccountKey],
    () =>
        "A downloadable key never expires on its own and leaks easily: use Workload Identity for workloads and impersonation for people, and remove this key.",
);

export const iamPolicies: ResourceValidationPolicy[] = [
    noBasicRolesForServiceAccounts,
    noServiceAccountKeys,
];
