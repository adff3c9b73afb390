/**
 * Every policy of the pack, in the order the pack reports them. The pack's entry point and the
 * offline evaluator both take the list from here, so what CI checks is what the CLI runs.
 */
import { Policies } from "@pulumi/policy";
import { airflowPolicies } from "./airflow";
import { clusterPolicies } from "./cluster";
import { computePolicies } from "./compute";
import { controlPlanePolicies } from "./control-plane";
import { databasePolicies } from "./database";
import { iamPolicies } from "./iam";
import { keyPolicies } from "./keys";
import { workloadPolicies } from "./kubernetes-workloads";
import { loggingPolicies } from "./logging";
import { natPolicies } from "./nat";
import { networkPolicies } from "./network";
import { podSecurityPolicies } from "./pod-security";
import { nodePolicies } from "./nodes";
import { tenantIsolationPolicies } from "./tenant-isolation";
import { tenantNetworkPolicies } from "./tenant-network";

/** The pack's name, as `pulumi preview --policy-pack` reports it. */
export const PACK_NAME = "airflow-platform";

export const allPolicies: Policies = [
    ...clusterPolicies,
    ...controlPlanePolicies,
    ...nodePolicies,
    ...networkPolicies,
    ...natPolicies,
    ...computePolicies,
    ...databasePolicies,
    ...keyPolicies,
    ...iamPolicies,
    ...podSecurityPolicies,
    ...workloadPolicies,
    ...tenantIsolationPolicies,
    ...tenantNetworkPolicies,
    ...airflowPolicies,
    ...loggingPolicies,
];
