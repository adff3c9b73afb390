/**
 * The values the cloud would compute for a resource (ids, self links, addresses, certificates)
 * and truly random results for the random provider, so that a program run under the mock engine
 * sees realistic outputs and the generated values can be checked for real (a Fernet key that
 * really encrypts, a password of the declared length).
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";

interface Context {
    config: Record<string, string>;
}

interface Computed {
    id: string;
    state: Record<string, unknown>;
}

const FAKE_CA_PEM = [
    "-----BEGIN CERTIFICATE-----",
    "MIIBszCCAVmgAwIBAgIUOfflinePlanPlaceholderCertificateMAoGCCqGSM49",
    "-----END CERTIFICATE-----",
    "",
].join("\n");

function projectOf(ctx: Context): string {
    return ctx.config["gcp:project"] ?? "offline-project";
}

/** A stable fake public address in 203.0.113.0/24 (TEST-NET-3), derived from the name. */
function testNetAddress(name: string): string {
    const digest = crypto.createHash("sha256").update(name).digest();
    return `203.0.113.${(digest[0] % 250) + 1}`;
}

/** A stable private address in 10.255.0.0/16, derived from the name. */
function privateAddress(name: string): string {
    const digest = crypto.createHash("sha256").update(name).digest();
    return `10.255.${digest[0]}.${(digest[1] % 250) + 2}`;
}

function randomFrom(charset: string, length: number): string {
    let out = "";
    while (out.length < length) {
        const byte = crypto.randomBytes(1)[0];
        // Rejection sampling keeps every character equally likely.
        if (byte < 256 - (256 % charset.length)) {
            out += charset[byte % charset.length];
        }
    }
    return out;
}

/** A password drawn as the random provider draws it, honouring the character class flags. */
export function randomPassword(inputs: Record<string, unknown>): string {
    const length = Number(inputs.length ?? 16);
    const flag = (name: string) => inputs[name] !== false;
    let charset = "";
    if (flag("upper")) charset += "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if (flag("lower")) charset += "abcdefghijklmnopqrstuvwxyz";
    if (flag("numeric")) charset += "0123456789";
    if (flag("special")) charset += (inputs.overrideSpecial as string) ?? "!@#$%&*()-_=+[]{}<>:?";
    return randomFrom(charset, length);
}

/** Computes the outputs of one resource. */
export function computedOutputs(args: pulumi.runtime.MockResourceArgs, ctx: Context): Computed {
    const project = projectOf(ctx);
    const inputs = args.inputs as Record<string, unknown>;
    const name = (inputs.name as string) ?? args.name;
    const region = (inputs.region as string) ?? ctx.config["gcp:region"] ?? "us-east1";
    const selfLink = (kind: string, scope = "global") =>
        `https://www.googleapis.com/compute/v1/projects/${project}/${scope}/${kind}/${name}`;

    switch (args.type) {
        case "gcp:compute/network:Network":
            return {
                id: `projects/${project}/global/networks/${name}`,
                state: { name, selfLink: selfLink("networks") },
            };
        case "gcp:compute/subnetwork:Subnetwork":
            return {
                id: `projects/${project}/regions/${region}/subnetworks/${name}`,
                state: { name, selfLink: selfLink("subnetworks", `regions/${region}`) },
            };
        case "gcp:compute/address:Address":
            return {
                id: `projects/${project}/regions/${region}/addresses/${name}`,
                state: {
                    name,
                    address:
                        inputs.addressType === "INTERNAL"
                            ? privateAddress(name)
                            : testNetAddress(name),
                    selfLink: selfLink("addresses", `regions/${region}`),
                },
            };
        case "gcp:compute/globalAddress:GlobalAddress":
            return {
                id: `projects/${project}/global/addresses/${name}`,
                state: { name, selfLink: selfLink("addresses") },
            };
        case "gcp:compute/instance:Instance":
            return {
                id: `projects/${project}/zones/${inputs.zone}/instances/${name}`,
                state: {
                    name,
                    instanceId: String(crypto.randomInt(1e9, 2e9)),
                    selfLink: selfLink("instances", `zones/${inputs.zone}`),
                    networkInterfaces: (
                        (inputs.networkInterfaces as Record<string, unknown>[]) ?? []
                    ).map((nic) => ({ ...nic, networkIp: privateAddress(`${name}-nic`) })),
                },
            };
        case "gcp:kms/keyRing:KeyRing":
            return {
                id: `projects/${project}/locations/${inputs.location}/keyRings/${name}`,
                state: { name },
            };
        case "gcp:kms/cryptoKey:CryptoKey":
            return { id: `${inputs.keyRing}/cryptoKeys/${name}`, state: { name } };
        case "gcp:serviceaccount/account:Account": {
            const email = `${inputs.accountId}@${project}.iam.gserviceaccount.com`;
            return {
                id: `projects/${project}/serviceAccounts/${email}`,
                state: {
                    email,
                    member: `serviceAccount:${email}`,
                    uniqueId: "100000000000000000001",
                },
            };
        }
        case "gcp:projects/serviceIdentity:ServiceIdentity": {
            const service = String(inputs.service).split(".")[0];
            const email = `service-123456789012@gcp-sa-${service}.iam.gserviceaccount.com`;
            return {
                id: `${project}/${inputs.service}`,
                state: { email, member: `serviceAccount:${email}` },
            };
        }
        case "gcp:container/cluster:Cluster":
            return {
                id: `projects/${project}/locations/${inputs.location}/clusters/${name}`,
                state: {
                    name,
                    endpoint: "172.16.0.2",
                    selfLink: `https://container.googleapis.com/v1/projects/${project}/locations/${inputs.location}/clusters/${name}`,
                    masterAuth: {
                        ...((inputs.masterAuth as object) ?? {}),
                        clusterCaCertificate: Buffer.from(FAKE_CA_PEM).toString("base64"),
                    },
                },
            };
        case "gcp:sql/databaseInstance:DatabaseInstance":
            return {
                id: name,
                state: {
                    name,
                    connectionName: `${project}:${region}:${name}`,
                    privateIpAddress: privateAddress(name),
                    selfLink: `https://sqladmin.googleapis.com/sql/v1beta4/projects/${project}/instances/${name}`,
                    serverCaCerts: [{ cert: FAKE_CA_PEM, sha1Fingerprint: "00".repeat(20) }],
                },
            };
        case "random:index/randomPassword:RandomPassword": {
            const result = randomPassword(inputs);
            return { id: "none", state: { result, bcryptHash: "" } };
        }
        case "random:index/randomBytes:RandomBytes": {
            const bytes = crypto.randomBytes(Number(inputs.length));
            return {
                id: "none",
                state: { base64: bytes.toString("base64"), hex: bytes.toString("hex") },
            };
        }
        case "random:index/randomId:RandomId": {
            const bytes = crypto.randomBytes(Number(inputs.byteLength));
            return {
                id: bytes.toString("base64url"),
                state: {
                    b64Url: bytes.toString("base64url"),
                    b64Std: bytes.toString("base64"),
                    hex: bytes.toString("hex"),
                    dec: BigInt(`0x${bytes.toString("hex")}`).toString(),
                },
            };
        }
        case "random:index/randomString:RandomString":
            return { id: "none", state: { result: randomPassword(inputs) } };
    }

    if (args.type.startsWith("kubernetes:")) {
        // The Kubernetes provider auto-names objects that declare no name.
        const metadata = (inputs.metadata as Record<string, unknown>) ?? {};
        const objectName =
            (metadata.name as string) ?? `${args.name}-${crypto.randomBytes(4).toString("hex")}`;
        const namespace = metadata.namespace as string | undefined;
        return {
            id: namespace ? `${namespace}/${objectName}` : objectName,
            state: { metadata: { ...metadata, name: objectName } },
        };
    }
    return { id: `${args.name}-id`, state: {} };
}

/** Answers provider function calls (data sources). */
export function mockCall(args: pulumi.runtime.MockCallArgs, ctx: Context): Record<string, unknown> {
    const project = projectOf(ctx);
    switch (args.token) {
        case "gcp:organizations/getProject:getProject":
            return { projectId: project, number: "123456789012", name: project };
        case "gcp:organizations/getClientConfig:getClientConfig":
            return {
                project,
                region: ctx.config["gcp:region"] ?? "us-east1",
                accessToken: "offline",
            };
        case "gcp:compute/getZones:getZones":
            return {
                names: ["b", "c", "d"].map((z) => `${args.inputs.region ?? "us-east1"}-${z}`),
            };
    }
    return {};
}
