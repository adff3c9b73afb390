/**
 * The bastion and every other VM (instances and instance templates): private addresses, OS Login
 * with project-wide SSH keys blocked, a shielded boot, no serial console, and a dedicated identity.
 * https://cloud.google.com/compute/docs/instances/create-start-instance
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { UNKNOWN, field, list, resourcePolicy, truthy } from "./lib";
import { GCP } from "./types";

const VM = [GCP.instance, GCP.instanceTemplate];

/** The label that marks the bastion; only it may carry an external address. */
export const BASTION_LABEL = { key: "role", value: "bastion" } as const;

function metadataOf(props: Record<string, unknown>, key: string): unknown {
    return field(props, "metadata", key);
}

export const noExternalIp = resourcePolicy(
    {
        name: "vm-no-external-ip",
        description:
            "VMs have no external address, except the bastion in public mode with a reserved address.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GCP",
            reference: "4.9",
            title: "Ensure that Compute instances do not have public IP addresses.",
        },
    },
    VM,
    (props) => {
        const interfaces = list(props, "networkInterfaces");
        if (interfaces === UNKNOWN) {
            return;
        }
        const bastion = field(props, "labels", BASTION_LABEL.key) === BASTION_LABEL.value;
        const messages: string[] = [];
        for (const [index, nic] of interfaces.entries()) {
            const accessConfigs = list(nic, "accessConfigs");
            if (accessConfigs === UNKNOWN || accessConfigs.length === 0) {
                continue;
            }
            // The bastion's public mode uses a reserved address; an ephemeral one means the
            // address was not declared on purpose.
            const reserved = accessConfigs.every(
                (c) => c === UNKNOWN || field(c, "natIp") !== undefined,
            );
            if (!(bastion && reserved)) {
                messages.push(
                    bastion
                        ? `The bastion's interface ${index} has an ephemeral external address: in public mode give it a reserved address (natIp); otherwise remove accessConfigs and use IAP.`
                        : `Interface ${index} has an external address: remove networkInterfaces[${index}].accessConfigs; VMs reach the internet through the Cloud NAT and are reached through the bastion.`,
                );
            }
        }
        return messages;
    },
);

export const osLogin = resourcePolicy(
    {
        name: "vm-os-login",
        description: "VMs admit SSH users through OS Login.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GCP",
            reference: "4.4",
            title: "Ensure oslogin is enabled for a project.",
        },
    },
    VM,
    (props) => {
        const value = metadataOf(props, "enable-oslogin");
        if (value !== UNKNOWN && !truthy(value)) {
            return 'Set metadata["enable-oslogin"] to "TRUE" so that SSH access follows IAM and is revoked with it.';
        }
        return undefined;
    },
);

export const blockProjectSshKeys = resourcePolicy(
    {
        name: "vm-block-project-ssh-keys",
        description: "VMs ignore project-wide SSH keys.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GCP",
            reference: "4.3",
            title: 'Ensure "Block Project-wide SSH keys" is enabled for VM instances.',
        },
    },
    VM,
    (props) => {
        const value = metadataOf(props, "block-project-ssh-keys");
        if (value !== UNKNOWN && !truthy(value)) {
            return 'Set metadata["block-project-ssh-keys"] to "TRUE" so that a key added to the project opens no VM.';
        }
        return undefined;
    },
);

export const serialPortDisabled = resourcePolicy(
    {
        name: "vm-serial-port-disabled",
        description: "VMs do not accept connections to their serial console.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GCP",
            reference: "4.5",
            title: 'Ensure "Enable connecting to serial ports" is not enabled for VM instances.',
        },
    },
    VM,
    (props) => {
        const value = metadataOf(props, "serial-port-enable");
        if (value !== undefined && value !== UNKNOWN && truthy(value)) {
            return 'Set metadata["serial-port-enable"] to "FALSE": the serial console bypasses the firewall.';
        }
        return undefined;
    },
);

export const shieldedVm = resourcePolicy(
    {
        name: "vm-shielded",
        description: "VMs boot as Shielded VMs with Secure Boot, vTPM and integrity monitoring.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GCP",
            reference: "4.8",
            title: "Ensure Compute instances are launched with Shielded VM enabled.",
        },
    },
    VM,
    (props) => {
        const messages: string[] = [];
        // Secure boot is off unless set; vTPM and integrity monitoring are on unless turned off.
        const secureBoot = field(props, "shieldedInstanceConfig", "enableSecureBoot");
        if (secureBoot !== UNKNOWN && secureBoot !== true) {
            messages.push("Set shieldedInstanceConfig.enableSecureBoot to true.");
        }
        for (const key of ["enableVtpm", "enableIntegrityMonitoring"]) {
            if (field(props, "shieldedInstanceConfig", key) === false) {
                messages.push(`Set shieldedInstanceConfig.${key} to true (or leave it unset).`);
            }
        }
        return messages;
    },
);

export const vmServiceAccount = resourcePolicy(
    {
        name: "vm-not-default-service-account",
        description: "VMs do not run as the Compute Engine default service account.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GCP",
            reference: "4.1",
            title: "Ensure that instances are not configured to use the default service account.",
        },
    },
    VM,
    (props) => {
        const serviceAccount = field(props, "serviceAccount");
        if (serviceAccount === undefined || serviceAccount === UNKNOWN) {
            // No service account block means no identity at all, which is the safest choice.
            return;
        }
        const email = field(serviceAccount, "email");
        if (email === UNKNOWN) {
            return;
        }
        if (
            email === undefined ||
            email === "" ||
            email === "default" ||
            /-compute@developer\.gserviceaccount\.com$/.test(String(email))
        ) {
            return "The Compute Engine default account holds Editor on the project: set serviceAccount.email to a dedicated account with only the roles the VM needs.";
        }
        return undefined;
    },
);

export const noIpForwarding = resourcePolicy(
    {
        name: "vm-no-ip-forwarding",
        description: "VMs do not forward packets for other addresses.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GCP",
            reference: "4.6",
            title: "Ensure that IP forwarding is not enabled on instances.",
        },
    },
    VM,
    (props) => {
        if (field(props, "canIpForward") === true) {
            return "Set canIpForward to false: a forwarding VM can route around the firewall and the NAT.";
        }
        return undefined;
    },
);

export const diskEncryption = resourcePolicy(
    {
        name: "vm-cmek-disks",
        description: "VM boot disks are encrypted with the platform's KMS key.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "encryption-at-rest",
            title: "Disks are encrypted with keys the platform controls.",
        },
    },
    VM,
    (props, args) => {
        // An instance names its boot disk's key directly; a template, on each of its disks.
        const keys =
            args.type === GCP.instance
                ? [field(props, "bootDisk", "kmsKeySelfLink")]
                : (() => {
                      const disks = list(props, "disks");
                      return disks === UNKNOWN
                          ? [UNKNOWN]
                          : disks.map((d) => field(d, "diskEncryptionKey", "kmsKeySelfLink"));
                  })();
        if (keys.includes(UNKNOWN)) {
            return undefined;
        }
        if (keys.length === 0 || keys.some((key) => typeof key !== "string" || key === "")) {
            return args.type === GCP.instance
                ? "Set bootDisk.kmsKeySelfLink to the platform's disk key."
                : "Set diskEncryptionKey.kmsKeySelfLink on every disk to the platform's disk key.";
        }
        return undefined;
    },
);

export const computePolicies: ResourceValidationPolicy[] = [
    noExternalIp,
    osLogin,
    blockProjectSshKeys,
    serialPortDisabled,
    shieldedVm,
    vmServiceAccount,
    noIpForwarding,
    diskEncryption,
];
