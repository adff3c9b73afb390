import * as assert from "assert";
import { podSecurityPolicies } from "../../policies/pod-security";
import { K8S, WORKLOAD_POD_SPEC_PATHS } from "../../policies/types";
import { compliantContainer, compliantWorkload, podPath } from "./compliant";
import {
    proveDeclarations,
    proveResourcePolicies,
    resource,
    run,
    UNSET,
    violated,
} from "./harness";

describe("policies/pod-security", () => {
    proveDeclarations(podSecurityPolicies);

    for (const type of Object.keys(WORKLOAD_POD_SPEC_PATHS)) {
        describe(type, () => {
            proveResourcePolicies({
                policies: podSecurityPolicies,
                type,
                compliant: () => compliantWorkload(type),
                cases: [
                    {
                        path: podPath(type, "containers.0.securityContext.runAsNonRoot"),
                        value: false,
                        expect: "k8s-run-as-non-root",
                    },
                    {
                        path: podPath(type, "containers.0.securityContext.runAsNonRoot"),
                        value: UNSET,
                        expect: [],
                    },
                    {
                        path: podPath(type, "containers.0.securityContext.runAsNonRoot"),
                        value: UNSET,
                        also: [
                            [podPath(type, "containers.0.securityContext.runAsUser"), UNSET],
                            [podPath(type, "securityContext"), UNSET],
                        ],
                        expect: "k8s-run-as-non-root",
                    },
                    {
                        path: podPath(type, "containers.0.securityContext.runAsUser"),
                        value: 0,
                        expect: "k8s-run-as-non-root",
                    },
                    {
                        path: podPath(
                            type,
                            "containers.0.securityContext.allowPrivilegeEscalation",
                        ),
                        value: true,
                        expect: "k8s-no-privilege-escalation",
                    },
                    {
                        path: podPath(
                            type,
                            "containers.0.securityContext.allowPrivilegeEscalation",
                        ),
                        value: UNSET,
                        expect: "k8s-no-privilege-escalation",
                    },
                    {
                        path: podPath(type, "containers.0.securityContext.privileged"),
                        value: true,
                        expect: "k8s-no-privileged",
                    },
                    {
                        path: podPath(type, "containers.0.securityContext.seccompProfile.type"),
                        value: "Unconfined",
                        expect: "k8s-seccomp-profile",
                    },
                    {
                        path: podPath(type, "containers.0.securityContext.seccompProfile"),
                        value: UNSET,
                        also: [[podPath(type, "securityContext.seccompProfile"), UNSET]],
                        expect: "k8s-seccomp-profile",
                    },
                    {
                        path: podPath(type, "containers.0.securityContext.readOnlyRootFilesystem"),
                        value: false,
                        expect: "k8s-read-only-root-filesystem",
                    },
                    {
                        path: podPath(type, "automountServiceAccountToken"),
                        value: UNSET,
                        expect: "k8s-no-default-token-mount",
                    },
                    {
                        path: podPath(type, "automountServiceAccountToken"),
                        value: UNSET,
                        also: [[podPath(type, "serviceAccountName"), "scheduler"]],
                        expect: [],
                    },
                    {
                        path: podPath(type, "containers.0.securityContext.capabilities"),
                        value: UNSET,
                        expect: "k8s-drop-all-capabilities",
                    },
                    {
                        path: podPath(type, "containers.0.securityContext.capabilities.add"),
                        value: ["NET_ADMIN"],
                        expect: "k8s-drop-all-capabilities",
                    },
                    {
                        path: podPath(type, "containers.0.securityContext.capabilities.add"),
                        value: ["NET_BIND_SERVICE"],
                        expect: [],
                    },
                    {
                        path: podPath(type, "initContainers"),
                        value: [{ name: "init", image: "busybox:1.36" }],
                        expect: [
                            "k8s-drop-all-capabilities",
                            "k8s-no-privilege-escalation",
                            "k8s-read-only-root-filesystem",
                        ],
                    },
                    {
                        path: podPath(type, "hostNetwork"),
                        value: true,
                        expect: "k8s-no-host-namespaces",
                    },
                    {
                        path: podPath(type, "hostPID"),
                        value: true,
                        expect: "k8s-no-host-namespaces",
                    },
                    {
                        path: podPath(type, "hostIPC"),
                        value: true,
                        expect: "k8s-no-host-namespaces",
                    },
                    {
                        path: podPath(type, "volumes"),
                        value: [{ name: "logs", hostPath: { path: "/var/log" } }],
                        expect: "k8s-no-host-path",
                    },
                    {
                        path: podPath(type, "volumes"),
                        value: [{ name: "logs", hostPath: { path: "/var/log" } }],
                        also: [
                            ["metadata.namespace", "logging"],
                            [podPath(type, "containers.0.securityContext.capabilities"), UNSET],
                        ],
                        expect: [],
                    },
                    {
                        path: podPath(type, "containers.0.securityContext.privileged"),
                        value: true,
                        also: [["metadata.namespace", "logging"]],
                        expect: "k8s-no-privileged",
                    },
                ],
            });
        });
    }

    it("names every offending container", async () => {
        const props = compliantWorkload(K8S.deployment);
        const spec = (
            (props.spec as Record<string, unknown>).template as Record<
                string,
                Record<string, unknown>
            >
        ).spec;
        spec.containers = [
            compliantContainer(),
            { ...compliantContainer(), name: "sidecar", securityContext: {} },
        ];
        const evaluation = await run(podSecurityPolicies, [resource(K8S.deployment, props)]);
        assert.deepStrictEqual(violated(evaluation), [
            "k8s-drop-all-capabilities",
            "k8s-no-privilege-escalation",
            "k8s-read-only-root-filesystem",
        ]);
        assert.ok(
            evaluation.violations.every((v) => v.message.includes("containers[1] (sidecar)")),
        );
    });
});
