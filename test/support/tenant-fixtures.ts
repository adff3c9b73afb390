/**
 * Shared fixtures of the Tenant specs: two tenants (one with every default, one with every option
 * on), a run of them under the mock engine, and lookups into what the run registered.
 */
import * as assert from "assert";
import * as path from "path";
import { PlannedResource, runProgram, RunResult } from "../../tools/engine";

const PROGRAM = path.join(__dirname, "tenant-program.ts");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** Runs the test entry with these tenant specs. */
export function runTenants(
    specs: unknown[],
    extraConfig: Record<string, string> = {},
): Promise<RunResult> {
    return runProgram({
        project: "airflow-platform",
        stack: "test",
        config: { "airflow-platform:testTenants": JSON.stringify(specs), ...extraConfig },
        secretKeys: Object.keys(extraConfig).filter((k) => k.endsWith("smtpPassword")),
        program: PROGRAM,
    });
}

/** The SMTP password given as secret config; it must never appear inline. */
export const SMTP_PASSWORD = "smtp-pass-not-inline";

export const ACME = {
    name: "acme",
    workspace: "acme-corp",
    members: [
        { email: "ada@acme.example", role: "admin" },
        { email: "grace@acme.example", role: "editor" },
        { email: "linus@acme.example", role: "viewer" },
    ],
};
export const GLOBEX = {
    name: "globex",
    workspace: "globex-inc",
    allowInternetEgress: true,
    dropDataOnDelete: true,
    resources: { cpu: 4, memoryGi: 16, pods: 20, persistentVolumeClaims: 2, storageGi: 50 },
    airflow: {
        env: { AIRFLOW__CORE__PARALLELISM: "16" },
        alerts: {
            smtpHost: "smtp.globex.example",
            smtpUser: "airflow",
            mailFrom: "airflow@globex.example",
            recipients: ["oncall@globex.example", "data@globex.example"],
        },
    },
};

/** Runs ACME and GLOBEX together. */
export function runBoth(): Promise<RunResult> {
    return runTenants([ACME, GLOBEX], { "airflow-platform:smtpPassword": SMTP_PASSWORD });
}

/** Lookups into a run. */
export function lookups(run: () => RunResult) {
    const find = (type: string, name: string): PlannedResource => {
        const found = run().resources.find((r) => r.type === type && r.name === name);
        assert.ok(found, `${type} ${name} was not registered`);
        return found;
    };
    return {
        find,
        inputs: (type: string, name: string) => find(type, name).inputs as Json,
        all: (type: string, tenant: string) =>
            run().resources.filter((r) => r.type === type && r.name.startsWith(`${tenant}-`)),
        policy: (tenant: string, name: string) =>
            find("kubernetes:networking.k8s.io/v1:NetworkPolicy", `${tenant}-${name}`)
                .inputs as Json,
    };
}
