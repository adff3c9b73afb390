import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { IAP_TCP_FORWARDING_RANGE, PROJECT } from "./constants";
import { BASTION_TAG } from "./network";
import { configuredRegion } from "./region";
import {
    InvalidArgumentError,
    requireAuthorizedNetworks,
    requireNonEmpty,
    requireOneOf,
    requireRegion,
} from "./validation";

/**
 * How operators reach the bastion.
 * - `iap`: no external address; SSH arrives only through IAP's TCP forwarding range, after IAM
 *   (`roles/iap.tunnelResourceAccessor`) and OS Login have admitted the user.
 * - `public`: a reserved external address; SSH is admitted only from `authorizedNetworks`.
 */
export type BastionMode = "iap" | "public";

export interface BastionArgs {
    /** Region of the bastion. Must be the configured region (default us-east1). */
    region: string;
    /** Zone inside `region`. Default `<region>-b`. */
    zone?: string;
    /** The bastion subnet's id. */
    subnetwork: pulumi.Input<string>;
    /** `iap` (default) or `public`. */
    mode?: BastionMode;
    /**
     * Networks admitted to SSH in `public` mode: specific ranges, never 0.0.0.0/0. Required, and
     * only allowed, in `public` mode.
     */
    authorizedNetworks?: string[];
    /** Machine type. Default `e2-small`. */
    machineType?: string;
    /** KMS key that encrypts the boot disk. */
    diskKeyId: pulumi.Input<string>;
}

/** The SSH sources a bastion mode admits; the network's firewall rule uses the same list. */
export function bastionSshSources(mode: BastionMode, authorizedNetworks: string[] = []): string[] {
    return mode === "iap" ? [IAP_TCP_FORWARDING_RANGE] : authorizedNetworks;
}

/**
 * The single host from which operators reach the cluster's private endpoint: OS Login,
 * project-wide SSH keys blocked, a shielded VM with the serial port off, and a dedicated service
 * account that holds no role.
 */
export class Bastion extends pulumi.ComponentResource {
    public readonly instance: gcp.compute.Instance;
    public readonly serviceAccount: gcp.serviceaccount.Account;
    /** The reserved external address, in `public` mode only. */
    public readonly publicAddress?: gcp.compute.Address;
    public readonly zone: string;

    constructor(name: string, args: BastionArgs, opts?: pulumi.ComponentResourceOptions) {
        const region = requireRegion("region", args.region, configuredRegion());
        const zone = args.zone ?? `${region}-b`;
        if (!zone.startsWith(`${region}-`)) {
            throw new InvalidArgumentError(
                "zone",
                zone,
                `a zone of ${region}, such as ${region}-b`,
            );
        }
        const mode = requireOneOf("mode", args.mode ?? "iap", ["iap", "public"]);
        if (mode === "public") {
            requireAuthorizedNetworks("authorizedNetworks", args.authorizedNetworks ?? []);
        } else if ((args.authorizedNetworks ?? []).length > 0) {
            throw new InvalidArgumentError(
                "authorizedNetworks",
                args.authorizedNetworks,
                "no networks in iap mode (SSH arrives only through IAP); set mode to public to use them",
            );
        }
        const machineType = requireNonEmpty("machineType", args.machineType ?? "e2-small");

        super(`${PROJECT}:index:Bastion`, name, {}, opts);

        // An identity with no role: a stolen bastion token opens nothing.
        this.serviceAccount = new gcp.serviceaccount.Account(
            name,
            { accountId: `${name}-vm`.slice(0, 30), displayName: "Bastion (holds no roles)" },
            { parent: this },
        );

        if (mode === "public") {
            this.publicAddress = new gcp.compute.Address(
                name,
                { region, addressType: "EXTERNAL", networkTier: "PREMIUM" },
                { parent: this },
            );
        }

        this.zone = zone;
        this.instance = new gcp.compute.Instance(
            name,
            {
                zone,
                machineType,
                tags: [BASTION_TAG],
                bootDisk: {
                    initializeParams: {
                        image: "debian-cloud/debian-12",
                        size: 20,
                        type: "pd-balanced",
                    },
                    kmsKeySelfLink: args.diskKeyId,
                },
                networkInterfaces: [
                    {
                        subnetwork: args.subnetwork,
                        accessConfigs: this.publicAddress
                            ? [{ natIp: this.publicAddress.address, networkTier: "PREMIUM" }]
                            : [],
                    },
                ],
                // https://cloud.google.com/compute/docs/oslogin/set-up-oslogin
                metadata: {
                    "enable-oslogin": "TRUE",
                    "block-project-ssh-keys": "TRUE",
                    "serial-port-enable": "FALSE",
                },
                shieldedInstanceConfig: {
                    enableSecureBoot: true,
                    enableVtpm: true,
                    enableIntegrityMonitoring: true,
                },
                serviceAccount: {
                    email: this.serviceAccount.email,
                    scopes: ["https://www.googleapis.com/auth/cloud-platform"],
                },
                canIpForward: false,
                allowStoppingForUpdate: true,
                labels: { role: "bastion", platform: PROJECT },
            },
            { parent: this },
        );

        this.registerOutputs({
            instanceName: this.instance.name,
            zone,
            publicAddress: this.publicAddress?.address,
        });
    }
}
