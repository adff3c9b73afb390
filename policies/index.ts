import { PolicyPack } from "@pulumi/policy";
import { allPolicies, PACK_NAME } from "./all";

// Constructing the pack starts its gRPC server: only the CLI's policy runner imports this file.
new PolicyPack(PACK_NAME, {
    description:
        "Security baseline of the Airflow platform on Google Cloud: GKE, network, VMs, Cloud SQL, KMS, IAM and tenant isolation.",
    enforcementLevel: "advisory",
    policies: allPolicies,
});
