import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "./constants";
import { configuredRegion } from "./region";
import { requireIntegerInRange, requireOneOf, requireRegion } from "./validation";

export interface KeysArgs {
    /** Location of the key ring. Must be the configured region (default us-east1). */
    region: string;
    /** Days between automatic rotations, 1-90. Default 90 (CIS GKE 5.3 / Google's guidance). */
    rotationDays?: number;
    /**
     * `SOFTWARE` or `HSM`. Default `SOFTWARE`. Both use AES-256 in GCM mode
     * (GOOGLE_SYMMETRIC_ENCRYPTION); HSM keeps the key material in Cloud HSM.
     */
    protectionLevel?: "SOFTWARE" | "HSM";
}

/**
 * One KMS key ring in the platform's region with a separate AES-256 key for each use, each
 * rotated at most every 90 days, protected against deletion, and usable only by the Google
 * service agent that needs it.
 */
export class Keys extends pulumi.ComponentResource {
    public readonly keyRing: gcp.kms.KeyRing;
    public readonly kubernetesSecretsKey: gcp.kms.CryptoKey;
    public readonly cloudSqlKey: gcp.kms.CryptoKey;
    public readonly diskKey: gcp.kms.CryptoKey;
    /** The Cloud SQL service agent; the instance cannot use its key before this exists. */
    public readonly cloudSqlServiceAgent: gcp.projects.ServiceIdentity;
    /** The key grants; resources that encrypt with a key should depend on them. */
    public readonly grants: gcp.kms.CryptoKeyIAMMember[];

    constructor(name: string, args: KeysArgs, opts?: pulumi.ComponentResourceOptions) {
        const region = requireRegion("region", args.region, configuredRegion());
        const rotationDays = requireIntegerInRange("rotationDays", args.rotationDays ?? 90, 1, 90);
        const protectionLevel = requireOneOf(
            "protectionLevel",
            args.protectionLevel ?? "SOFTWARE",
            ["SOFTWARE", "HSM"],
        );

        super(`${PROJECT}:index:Keys`, name, {}, opts);

        // A key ring cannot be deleted in Google Cloud, and destroying a key makes everything it
        // encrypted unreadable: both are kept out of reach of `pulumi destroy`.
        const keep = { parent: this, protect: true, retainOnDelete: true };
        this.keyRing = new gcp.kms.KeyRing(name, { location: region }, keep);

        const key = (use: string) =>
            new gcp.kms.CryptoKey(
                `${name}-${use}`,
                {
                    keyRing: this.keyRing.id,
                    purpose: "ENCRYPT_DECRYPT",
                    rotationPeriod: `${rotationDays * 86400}s`,
                    // Thirty days to notice and cancel a destruction scheduled by mistake.
                    destroyScheduledDuration: `${30 * 86400}s`,
                    versionTemplate: { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", protectionLevel },
                    labels: { use, platform: PROJECT },
                },
                { ...keep },
            );
        this.kubernetesSecretsKey = key("kubernetes-secrets");
        this.cloudSqlKey = key("cloudsql");
        this.diskKey = key("disks");

        // Each service agent may use only its own key:
        // https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets
        // https://cloud.google.com/sql/docs/postgres/configure-cmek
        const project = gcp.organizations.getProjectOutput({}, { parent: this });
        const agent = (service: string) =>
            pulumi.interpolate`serviceAccount:service-${project.number}@${service}.iam.gserviceaccount.com`;
        this.cloudSqlServiceAgent = new gcp.projects.ServiceIdentity(
            `${name}-cloudsql-agent`,
            { service: "sqladmin.googleapis.com" },
            { parent: this },
        );
        const grant = (
            suffix: string,
            cryptoKey: gcp.kms.CryptoKey,
            member: pulumi.Input<string>,
        ) =>
            new gcp.kms.CryptoKeyIAMMember(
                `${name}-${suffix}`,
                {
                    cryptoKeyId: cryptoKey.id,
                    role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
                    member,
                },
                { parent: this },
            );
        this.grants = [
            grant("gke-secrets", this.kubernetesSecretsKey, agent("container-engine-robot")),
            grant("cloudsql", this.cloudSqlKey, this.cloudSqlServiceAgent.member),
            grant("compute-disks", this.diskKey, agent("compute-system")),
        ];

        this.registerOutputs({
            keyRingId: this.keyRing.id,
            kubernetesSecretsKeyId: this.kubernetesSecretsKey.id,
            cloudSqlKeyId: this.cloudSqlKey.id,
            diskKeyId: this.diskKey.id,
        });
    }
}
