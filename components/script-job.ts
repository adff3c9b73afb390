import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** The image the platform's API-provisioning Jobs run: curl and a POSIX shell, non-root. */
export const SCRIPT_JOB_IMAGE = "curlimages/curl:8.11.1";

export interface ScriptJobArgs {
    /** Namespace of the Job; the Secrets it reads must live there. */
    namespace: pulumi.Input<string>;
    /** The POSIX shell script to run. */
    script: string;
    /** Extra files, mounted read-only under /config (CONFIG_DIR). */
    files?: Record<string, string>;
    /** Environment, credentials by `secretKeyRef` only. */
    env: k8s.types.input.core.v1.EnvVar[];
    /** A Secret with `ca.crt`, mounted at /tls. */
    caSecret?: string;
    dependsOn?: pulumi.Resource[];
    opts: pulumi.CustomResourceOptions;
}

/**
 * A run-to-completion Job that executes a script from a ConfigMap in a locked-down pod: non-root,
 * read-only root file system, no capabilities, no service account token. Its name carries a hash
 * of the script and files, so a change runs it again; the Kubernetes provider waits for it to
 * finish, so a failing script fails the deployment.
 */
export function scriptJob(parent: pulumi.Resource, name: string, args: ScriptJobArgs) {
    const files = { "run.sh": args.script, ...(args.files ?? {}) };
    const digest = crypto
        .createHash("sha256")
        .update(JSON.stringify(files))
        .digest("hex")
        .slice(0, 8);
    const opts = { ...args.opts, parent };
    const configMap = new k8s.core.v1.ConfigMap(
        name,
        { metadata: { name: `${name}-${digest}`, namespace: args.namespace }, data: files },
        opts,
    );
    const volumes: k8s.types.input.core.v1.Volume[] = [
        { name: "config", configMap: { name: configMap.metadata.name, defaultMode: 0o444 } },
        { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
    ];
    const mounts: k8s.types.input.core.v1.VolumeMount[] = [
        { name: "config", mountPath: "/config", readOnly: true },
        { name: "tmp", mountPath: "/tmp" },
    ];
    if (args.caSecret) {
        volumes.push({
            name: "tls",
            secret: { secretName: args.caSecret, items: [{ key: "ca.crt", path: "ca.crt" }] },
        });
        mounts.push({ name: "tls", mountPath: "/tls", readOnly: true });
    }
    const job = new k8s.batch.v1.Job(
        name,
        {
            metadata: { name: `${name}-${digest}`, namespace: args.namespace },
            spec: {
                backoffLimit: 3,
                activeDeadlineSeconds: 900,
                template: {
                    metadata: {
                        labels: {
                            "app.kubernetes.io/name": name,
                            "app.kubernetes.io/part-of": "airflow-platform",
                        },
                    },
                    spec: {
                        restartPolicy: "Never",
                        automountServiceAccountToken: false,
                        nodeSelector: { "airflow-platform/pool": "platform" },
                        securityContext: {
                            runAsNonRoot: true,
                            runAsUser: 100,
                            runAsGroup: 101,
                            seccompProfile: { type: "RuntimeDefault" },
                        },
                        containers: [
                            {
                                name: "run",
                                image: SCRIPT_JOB_IMAGE,
                                command: ["/bin/sh", "/config/run.sh"],
                                env: [{ name: "CONFIG_DIR", value: "/config" }, ...args.env],
                                volumeMounts: mounts,
                                securityContext: {
                                    allowPrivilegeEscalation: false,
                                    readOnlyRootFilesystem: true,
                                    capabilities: { drop: ["ALL"] },
                                },
                                resources: {
                                    requests: { cpu: "50m", memory: "32Mi" },
                                    limits: { cpu: "200m", memory: "64Mi" },
                                },
                            },
                        ],
                        volumes,
                    },
                },
            },
        },
        { ...opts, dependsOn: [configMap, ...(args.dependsOn ?? [])] },
    );
    return { configMap, job };
}
