/**
 * Cloud KMS: keys rotate often, live in the platform's region, are kept out of reach of
 * `pulumi destroy`, and are never granted to everyone.
 * https://cloud.google.com/kms/docs/key-rotation
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { MAX_ROTATION_CONFIG, REGION_CONFIG, UNKNOWN, field, list, resourcePolicy } from "./lib";
import { GCP } from "./types";

/** A KMS duration such as "7776000s" in seconds; undefined when it does not parse. */
export function durationSeconds(value: string): number | undefined {
    const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
    return match ? Number(match[1]) : undefined;
}

export const keyRotation = resourcePolicy(
    {
        name: "kms-key-rotation",
        description: "Symmetric KMS keys rotate automatically within the maximum period.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GCP",
            reference: "1.10",
            title: "Ensure KMS encryption keys are rotated within a period of 90 days.",
        },
        config: { maxRotationPeriodSeconds: MAX_ROTATION_CONFIG },
    },
    [GCP.cryptoKey],
    (props, args, config) => {
        const purpose = field(props, "purpose");
        if (purpose === UNKNOWN) {
            return undefined;
        }
        if (purpose !== undefined && purpose !== "ENCRYPT_DECRYPT") {
            return args.notApplicable("Only symmetric keys rotate automatically");
        }
        const period = field(props, "rotationPeriod");
        if (period === UNKNOWN) {
            return;
        }
        const max = Number(config.maxRotationPeriodSeconds);
        const seconds = typeof period === "string" ? durationSeconds(period) : undefined;
        if (seconds === undefined || seconds > max) {
            return `Set rotationPeriod to at most "${max}s" (${Math.floor(max / 86400)} days); it is ${JSON.stringify(period ?? "unset")}.`;
        }
        return undefined;
    },
);

export const keyDestroyDelay = resourcePolicy(
    {
        name: "kms-destroy-delay",
        description:
            "A key version scheduled for destruction can be restored for at least the minimum delay.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "nothing-is-lost",
            title: "Clusters, databases and keys are protected against deletion.",
        },
        config: {
            minDestroyScheduledSeconds: {
                type: "integer",
                minimum: 86400,
                default: 2592000,
                description:
                    "The shortest allowed delay before a key version is destroyed, in seconds (30 days by default).",
            },
        },
    },
    [GCP.cryptoKey],
    (props, _args, config) => {
        const delay = field(props, "destroyScheduledDuration");
        if (delay === undefined || delay === UNKNOWN) {
            // Unset means Cloud KMS's default of 30 days.
            return undefined;
        }
        const min = Number(config.minDestroyScheduledSeconds);
        const seconds = typeof delay === "string" ? durationSeconds(delay) : undefined;
        if (seconds === undefined || seconds < min) {
            return `Set destroyScheduledDuration to at least "${min}s" so that a destruction scheduled by mistake can be cancelled; it is ${JSON.stringify(delay)}.`;
        }
        return undefined;
    },
);

export const keyRingRegion = resourcePolicy(
    {
        name: "kms-key-ring-region",
        description: "KMS key rings live in the platform's region.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "Platform",
            reference: "region",
            title: "All data stays in the platform's region.",
        },
        config: { region: REGION_CONFIG },
    },
    [GCP.keyRing],
    (props, _args, config) => {
        const location = field(props, "location");
        if (location !== UNKNOWN && location !== config.region) {
            return `Set location to "${config.region}"; a key ring elsewhere (${JSON.stringify(location)}) cannot encrypt the platform's regional resources.`;
        }
        return undefined;
    },
);

export const keysProtected = resourcePolicy(
    {
        name: "kms-keys-protected",
        description: "KMS key rings and keys are protected from deletion by Pulumi.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "Platform",
            reference: "nothing-is-lost",
            title: "Clusters, databases and keys are protected against deletion.",
        },
    },
    [GCP.keyRing, GCP.cryptoKey],
    (_props, args) => {
        if (args.opts.protect !== true) {
            return "Destroying a key makes everything it encrypted unreadable: declare it with the protect (and retainOnDelete) resource options.";
        }
        return undefined;
    },
);

const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"];

/** The members an IAM member, binding or policy resource grants, with the roles. */
export function grantsOf(props: Record<string, unknown>): { role: unknown; member: unknown }[] {
    const policyData = field(props, "policyData");
    if (typeof policyData === "string") {
        try {
            const parsed = JSON.parse(policyData) as {
                bindings?: { role?: string; members?: string[] }[];
            };
            return (parsed.bindings ?? []).flatMap((b) =>
                (b.members ?? []).map((member) => ({ role: b.role, member })),
            );
        } catch {
            return [];
        }
    }
    const role = field(props, "role");
    const members = list(props, "members");
    const single = field(props, "member");
    return [
        ...(single !== undefined ? [{ role, member: single }] : []),
        ...(members === UNKNOWN ? [] : members.map((member) => ({ role, member }))),
    ];
}

export const noPublicKeyAccess = resourcePolicy(
    {
        name: "kms-no-public-access",
        description: "No KMS key or key ring is granted to allUsers or allAuthenticatedUsers.",
        enforcementLevel: "mandatory",
        severity: "critical",
        control: {
            framework: "CIS GCP",
            reference: "1.9",
            title: "Ensure that Cloud KMS cryptokeys are not anonymously or publicly accessible.",
        },
    },
    [
        GCP.cryptoKeyIamMember,
        GCP.cryptoKeyIamBinding,
        GCP.cryptoKeyIamPolicy,
        GCP.keyRingIamMember,
        GCP.keyRingIamBinding,
        GCP.keyRingIamPolicy,
    ],
    (props) =>
        grantsOf(props)
            .filter((grant) => PUBLIC_MEMBERS.includes(String(grant.member)))
            .map(
                (grant) =>
                    `Remove the member ${String(grant.member)}: grant keys only to the service agents and accounts that use them.`,
            ),
);

export const keyPolicies: ResourceValidationPolicy[] = [
    keyRotation,
    keyDestroyDelay,
    keyRingRegion,
    keysProtected,
    noPublicKeyAccess,
];
