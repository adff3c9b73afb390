/** Compliant resources shared by more than one policy spec. */
import { WORKLOAD_POD_SPEC_PATHS } from "../../policies/types";

/** A cluster as the platform declares it. */
export function compliantCluster(): Record<string, unknown> {
    return {
        location: "us-east1",
        privateClusterConfig: {
            enablePrivateNodes: true,
            enablePrivateEndpoint: true,
            masterIpv4CidrBlock: "172.16.0.0/28",
            masterGlobalAccessConfig: { enabled: false },
        },
        masterAuthorizedNetworksConfig: {
            cidrBlocks: [{ cidrBlock: "10.0.16.0/28", displayName: "bastion" }],
            gcpPublicCidrsAccessEnabled: false,
            privateEndpointEnforcementEnabled: true,
        },
        controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: false } },
        masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
        enableLegacyAbac: false,
        rbacBindingConfig: {
            enableInsecureBindingSystemAuthenticated: false,
            enableInsecureBindingSystemUnauthenticated: false,
        },
        workloadIdentityConfig: { workloadPool: "my-project.svc.id.goog" },
        datapathProvider: "ADVANCED_DATAPATH",
        enableShieldedNodes: true,
        databaseEncryption: {
            state: "ENCRYPTED",
            keyName: "projects/p/locations/us-east1/keyRings/r/cryptoKeys/k",
        },
        releaseChannel: { channel: "REGULAR" },
        securityPostureConfig: { mode: "BASIC", vulnerabilityMode: "VULNERABILITY_BASIC" },
        loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] },
        removeDefaultNodePool: true,
        deletionProtection: true,
    };
}

/** A container that meets Pod Security restricted and the workload policies. */
export function compliantContainer(): Record<string, unknown> {
    return {
        name: "scheduler",
        image: "apache/airflow:2.10.3",
        securityContext: {
            runAsNonRoot: true,
            runAsUser: 50000,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        },
        resources: {
            limits: { cpu: "1", memory: "2Gi" },
            requests: { cpu: "250m", memory: "1Gi" },
        },
    };
}

/** A workload of the given type wrapping one compliant container. */
export function compliantWorkload(type: string): Record<string, unknown> {
    const podSpec = {
        containers: [compliantContainer()],
        securityContext: {
            runAsNonRoot: true,
            runAsUser: 50000,
            seccompProfile: { type: "RuntimeDefault" },
        },
        automountServiceAccountToken: false,
    };
    let body: Record<string, unknown> = podSpec;
    const path = WORKLOAD_POD_SPEC_PATHS[type];
    for (const key of [...path].reverse()) {
        body = { [key]: body };
    }
    return { metadata: { name: "w", namespace: "tenant-acme-analytics" }, ...body };
}

/** A path inside the pod template of the given workload kind. */
export const podPath = (type: string, rest: string) =>
    [...WORKLOAD_POD_SPEC_PATHS[type], ...rest.split(".")].map((k) =>
        /^\d+$/.test(k) ? Number(k) : k,
    );
