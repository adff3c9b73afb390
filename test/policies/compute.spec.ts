import * as assert from "assert";
import { computePolicies } from "../../policies/compute";
import { GCP } from "../../policies/types";
import {
    proveDeclarations,
    proveResourcePolicies,
    resource,
    run,
    UNSET,
    violated,
} from "./harness";

/** The bastion as the platform declares it in IAP mode. */
function bastion(): Record<string, unknown> {
    return {
        zone: "us-east1-b",
        machineType: "e2-small",
        tags: ["bastion"],
        bootDisk: { initializeParams: { image: "debian-cloud/debian-12" }, kmsKeySelfLink: "k" },
        disks: [
            { sourceImage: "debian-cloud/debian-12", diskEncryptionKey: { kmsKeySelfLink: "k" } },
        ],
        networkInterfaces: [{ subnetwork: "bastion", accessConfigs: [] }],
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
            email: "bastion@p.iam.gserviceaccount.com",
            scopes: ["https://www.googleapis.com/auth/cloud-platform"],
        },
        canIpForward: false,
        labels: { role: "bastion", platform: "airflow-platform" },
    };
}

describe("policies/compute", () => {
    proveDeclarations(computePolicies);

    for (const type of [GCP.instance, GCP.instanceTemplate]) {
        describe(type, () => {
            proveResourcePolicies({
                policies: computePolicies,
                type,
                compliant: bastion,
                cases: [
                    {
                        path: "networkInterfaces.0.accessConfigs",
                        value: [{}],
                        expect: "vm-no-external-ip",
                    },
                    {
                        path: "networkInterfaces.0.accessConfigs",
                        value: [{ natIp: "203.0.113.7" }],
                        expect: [],
                    },
                    {
                        path: "networkInterfaces.0.accessConfigs",
                        value: [{ natIp: "203.0.113.7" }],
                        also: [["labels.role", "worker"]],
                        expect: "vm-no-external-ip",
                    },
                    { path: "networkInterfaces.0.accessConfigs", value: UNSET, expect: [] },
                    { path: ["metadata", "enable-oslogin"], value: "FALSE", expect: "vm-os-login" },
                    { path: ["metadata", "enable-oslogin"], value: UNSET, expect: "vm-os-login" },
                    {
                        path: ["metadata", "block-project-ssh-keys"],
                        value: "false",
                        expect: "vm-block-project-ssh-keys",
                    },
                    {
                        path: ["metadata", "block-project-ssh-keys"],
                        value: UNSET,
                        expect: "vm-block-project-ssh-keys",
                    },
                    {
                        path: ["metadata", "serial-port-enable"],
                        value: "TRUE",
                        expect: "vm-serial-port-disabled",
                    },
                    {
                        path: ["metadata", "serial-port-enable"],
                        value: "1",
                        expect: "vm-serial-port-disabled",
                    },
                    { path: ["metadata", "serial-port-enable"], value: UNSET, expect: [] },
                    {
                        path: "shieldedInstanceConfig.enableSecureBoot",
                        value: false,
                        expect: "vm-shielded",
                    },
                    { path: "shieldedInstanceConfig", value: UNSET, expect: "vm-shielded" },
                    {
                        path: "shieldedInstanceConfig.enableVtpm",
                        value: false,
                        expect: "vm-shielded",
                    },
                    {
                        path: "shieldedInstanceConfig.enableIntegrityMonitoring",
                        value: false,
                        expect: "vm-shielded",
                    },
                    {
                        path: "serviceAccount.email",
                        value: UNSET,
                        expect: "vm-not-default-service-account",
                    },
                    {
                        path: "serviceAccount.email",
                        value: "1234-compute@developer.gserviceaccount.com",
                        expect: "vm-not-default-service-account",
                    },
                    { path: "serviceAccount", value: UNSET, expect: [] },
                    { path: "canIpForward", value: true, expect: "vm-no-ip-forwarding" },
                    type === GCP.instance
                        ? { path: "bootDisk.kmsKeySelfLink", value: UNSET, expect: "vm-cmek-disks" }
                        : {
                              path: "disks.0.diskEncryptionKey",
                              value: UNSET,
                              expect: "vm-cmek-disks",
                          },
                ],
            });
        });
    }

    it("reports every interface with an external address", async () => {
        const props = {
            ...bastion(),
            labels: {},
            networkInterfaces: [
                { accessConfigs: [{}] },
                { accessConfigs: [{ natIp: "203.0.113.9" }] },
            ],
        };
        const evaluation = await run(computePolicies, [resource(GCP.instance, props)]);
        assert.deepStrictEqual(violated(evaluation), ["vm-no-external-ip", "vm-no-external-ip"]);
    });
});
