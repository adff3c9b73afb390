import * as assert from "assert";
import { Bastion, BastionArgs } from "../components/bastion";
import { InvalidArgumentError } from "../components/validation";
import { PlannedResource } from "../tools/engine";
import { all, one, prodPlatform, runPlatform, useBareMocks } from "./support/harness";

describe("Bastion", () => {
    let resources: PlannedResource[];
    before(async () => {
        resources = (await prodPlatform()).resources;
    });

    it("is a shielded VM with OS Login, project keys blocked and the serial port off", () => {
        const vm = one(resources, "gcp:compute/instance:Instance");
        assert.deepStrictEqual(vm.inputs.metadata, {
            "enable-oslogin": "TRUE",
            "block-project-ssh-keys": "TRUE",
            "serial-port-enable": "FALSE",
        });
        assert.deepStrictEqual(vm.inputs.shieldedInstanceConfig, {
            enableSecureBoot: true,
            enableVtpm: true,
            enableIntegrityMonitoring: true,
        });
        assert.strictEqual(vm.inputs.canIpForward, false);
        assert.strictEqual(vm.inputs.zone, "us-east1-b");
        assert.deepStrictEqual(vm.inputs.tags, ["bastion"]);
    });

    it("has no external address in the default IAP mode", () => {
        const vm = one(resources, "gcp:compute/instance:Instance");
        const nics = vm.inputs.networkInterfaces as { accessConfigs?: unknown[] }[];
        assert.strictEqual(nics.length, 1);
        assert.deepStrictEqual(nics[0].accessConfigs ?? [], []);
    });

    it("runs as a dedicated service account that holds no role", () => {
        const vm = one(resources, "gcp:compute/instance:Instance");
        const account = one(resources, "gcp:serviceaccount/account:Account", "platform-bastion");
        const email = `${account.inputs.accountId}@REPLACE-WITH-YOUR-GCP-PROJECT-ID.iam.gserviceaccount.com`;
        assert.strictEqual((vm.inputs.serviceAccount as { email: string }).email, email);
        const bindings = [
            ...all(resources, "gcp:projects/iAMMember:IAMMember"),
            ...all(resources, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"),
        ];
        assert.ok(bindings.every((b) => !String(b.inputs.member).includes(email)));
    });

    it("encrypts its boot disk with the platform's disk key", () => {
        const vm = one(resources, "gcp:compute/instance:Instance");
        const key = one(resources, "gcp:kms/cryptoKey:CryptoKey", "platform-disks");
        assert.strictEqual(
            (vm.inputs.bootDisk as { kmsKeySelfLink: string }).kmsKeySelfLink,
            key.id,
        );
    });

    it("gets a reserved external address in the public mode", async () => {
        const { resources: publicMode } = await runPlatform({
            bastionMode: "public",
            bastionAuthorizedNetworks: JSON.stringify(["198.51.100.0/24"]),
        });
        const address = one(publicMode, "gcp:compute/address:Address", "platform-bastion");
        const vm = one(publicMode, "gcp:compute/instance:Instance");
        const nics = vm.inputs.networkInterfaces as { accessConfigs: { natIp: string }[] }[];
        assert.strictEqual(nics[0].accessConfigs[0].natIp, address.outputs.address);
    });

    describe("refuses bad input", () => {
        before(() => useBareMocks());
        const base: BastionArgs = { region: "us-east1", subnetwork: "s", diskKeyId: "k" };
        const refuses = (args: Partial<BastionArgs>, field: string) =>
            assert.throws(
                () => new Bastion("b", { ...base, ...args }),
                (e: unknown) => e instanceof InvalidArgumentError && e.field === field,
            );
        it("SSH from 0.0.0.0/0 in public mode", () =>
            refuses(
                { mode: "public", authorizedNetworks: ["0.0.0.0/0"] },
                "authorizedNetworks[0]",
            ));
        it("public mode without authorized networks", () =>
            refuses({ mode: "public" }, "authorizedNetworks"));
        it("authorized networks in IAP mode", () =>
            refuses({ authorizedNetworks: ["203.0.113.0/24"] }, "authorizedNetworks"));
        it("a zone outside the region", () => refuses({ zone: "us-west1-a" }, "zone"));
        it("an unknown mode", () => refuses({ mode: "open" as never }, "mode"));
        it("a region other than the configured one", () =>
            refuses({ region: "asia-east1" }, "region"));
    });
});
