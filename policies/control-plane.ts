/**
 * The GKE control plane: reachable on its private endpoint only, from the configured private
 * networks only, and authenticating with Google identities and RBAC only (no ABAC, no static
 * password, no client certificate, no bindings to everyone).
 * https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { UNKNOWN, field, isPrivateCidr, list, resourcePolicy } from "./lib";
import { GCP } from "./types";

const CLUSTER = [GCP.cluster];

export const privateEndpoint = resourcePolicy(
    {
        name: "gke-private-endpoint",
        description: "The GKE control plane is reachable on its private endpoint only.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.6.4",
            title: "Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled.",
        },
    },
    CLUSTER,
    (props) => {
        const messages: string[] = [];
        const enabled = field(props, "privateClusterConfig", "enablePrivateEndpoint");
        if (enabled !== UNKNOWN && enabled !== true) {
            messages.push(
                "The control plane must have no public endpoint: set privateClusterConfig.enablePrivateEndpoint to true.",
            );
        }
        const dnsExternal = field(
            props,
            "controlPlaneEndpointsConfig",
            "dnsEndpointConfig",
            "allowExternalTraffic",
        );
        if (dnsExternal === true) {
            messages.push(
                "The control plane's DNS endpoint must not admit traffic from outside the VPC: set controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic to false.",
            );
        }
        return messages;
    },
);

export const controlPlaneRegionalAccess = resourcePolicy(
    {
        name: "gke-control-plane-regional-access",
        description: "The private endpoint is reachable from the cluster's region only.",
        enforcementLevel: "advisory",
        severity: "low",
        control: {
            framework: "CIS GKE",
            reference: "5.6.4",
            title: "Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled.",
        },
    },
    CLUSTER,
    (props) => {
        if (field(props, "privateClusterConfig", "masterGlobalAccessConfig", "enabled") === true) {
            return "Set privateClusterConfig.masterGlobalAccessConfig.enabled to false unless clients in other regions must reach the control plane.";
        }
        return undefined;
    },
);

export const masterAuthorizedNetworks = resourcePolicy(
    {
        name: "gke-master-authorized-networks",
        description: "The control plane admits only the configured private networks.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.6.3",
            title: "Ensure Control Plane Authorized Networks is Enabled.",
        },
    },
    CLUSTER,
    (props) => {
        const config = field(props, "masterAuthorizedNetworksConfig");
        if (config === UNKNOWN) {
            return;
        }
        if (config === undefined || config === null) {
            return "Set masterAuthorizedNetworksConfig with the private ranges that may reach the control plane (the bastion's subnet).";
        }
        const messages: string[] = [];
        // Without enforcement on the private endpoint, any address in the VPC (a tenant pod
        // included) reaches the control plane.
        const enforced = field(config, "privateEndpointEnforcementEnabled");
        if (enforced !== UNKNOWN && enforced !== true) {
            messages.push(
                "The authorized networks must also guard the private endpoint: set masterAuthorizedNetworksConfig.privateEndpointEnforcementEnabled to true.",
            );
        }
        const blocks = list(config, "cidrBlocks");
        if (blocks === UNKNOWN) {
            return messages;
        }
        for (const cidr of blocks.map((block) => field(block, "cidrBlock"))) {
            if (typeof cidr === "string" && !isPrivateCidr(cidr)) {
                messages.push(
                    `The authorized network ${cidr} is not a private range: list only private ranges (such as the bastion's subnet) in masterAuthorizedNetworksConfig.cidrBlocks.`,
                );
            }
        }
        return messages;
    },
);

export const noGooglePublicCidrs = resourcePolicy(
    {
        name: "gke-no-google-public-access",
        description: "Google Cloud's public addresses cannot reach the control plane.",
        enforcementLevel: "mandatory",
        severity: "medium",
        control: {
            framework: "CIS GKE",
            reference: "5.6.3",
            title: "Ensure Control Plane Authorized Networks is Enabled.",
        },
    },
    CLUSTER,
    (props) => {
        if (
            field(props, "masterAuthorizedNetworksConfig", "gcpPublicCidrsAccessEnabled") === true
        ) {
            return "Any Google Cloud VM could reach the control plane: set masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled to false.";
        }
        return undefined;
    },
);

export const noInsecureRbacBindings = resourcePolicy(
    {
        name: "gke-no-insecure-rbac-bindings",
        description:
            "GKE refuses RBAC bindings to system:authenticated and system:unauthenticated.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "4.1.9",
            title: "Avoid non-default bindings to system:unauthenticated.",
        },
    },
    CLUSTER,
    (props) => {
        const messages: string[] = [];
        for (const key of [
            "enableInsecureBindingSystemAuthenticated",
            "enableInsecureBindingSystemUnauthenticated",
        ]) {
            const value = field(props, "rbacBindingConfig", key);
            if (value !== UNKNOWN && value !== false) {
                messages.push(
                    `Any Google account could be granted access through such a binding: set rbacBindingConfig.${key} to false.`,
                );
            }
        }
        return messages;
    },
);

export const noLegacyAbac = resourcePolicy(
    {
        name: "gke-no-legacy-abac",
        description: "GKE clusters authorize with RBAC only, not legacy ABAC.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.8.3",
            title: "Ensure Legacy Authorization (ABAC) is Disabled.",
        },
    },
    CLUSTER,
    (props) => {
        if (field(props, "enableLegacyAbac") === true) {
            return "Legacy ABAC grants broad static permissions: set enableLegacyAbac to false.";
        }
        return undefined;
    },
);

export const noBasicAuth = resourcePolicy(
    {
        name: "gke-no-basic-auth",
        description: "GKE clusters accept no static username and password.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.8.1",
            title: "Ensure Basic Authentication using static passwords is Disabled (numbered 5.8.1 in editions before 1.4).",
        },
    },
    CLUSTER,
    (props) => {
        const username = field(props, "masterAuth", "username");
        const password = field(props, "masterAuth", "password");
        if (
            (typeof username === "string" && username !== "") ||
            (typeof password === "string" && password !== "")
        ) {
            return "Basic authentication must stay off: remove masterAuth.username and masterAuth.password.";
        }
        return undefined;
    },
);

export const noClientCertificate = resourcePolicy(
    {
        name: "gke-no-client-certificate",
        description: "GKE clusters issue no client certificate.",
        enforcementLevel: "mandatory",
        severity: "high",
        control: {
            framework: "CIS GKE",
            reference: "5.8.1",
            title: "Ensure authentication using Client Certificates is Disabled.",
        },
    },
    CLUSTER,
    (props) => {
        if (
            field(props, "masterAuth", "clientCertificateConfig", "issueClientCertificate") === true
        ) {
            return "A client certificate is a credential that cannot be revoked: set masterAuth.clientCertificateConfig.issueClientCertificate to false.";
        }
        return undefined;
    },
);

export const controlPlanePolicies: ResourceValidationPolicy[] = [
    privateEndpoint,
    controlPlaneRegionalAccess,
    masterAuthorizedNetworks,
    noGooglePublicCidrs,
    noInsecureRbacBindings,
    noLegacyAbac,
    noBasicAuth,
    noClientCertificate,
];
