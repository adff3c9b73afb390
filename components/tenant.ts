/**
 * One customer's Airflow deployment: its namespace, network isolation, quotas, identities,
 * database, credentials, read access to its own logs (the logging stack's TenantLogAccess) and
 * Airflow release. Its promise is that the namespace, database, credentials, Fernet key and logs
 * are its own and no other tenant can reach them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "./constants";
import { resolveTenantSpec, TenantSpec } from "./tenant-args";
import { createAirflowRelease } from "./tenant-airflow";
import { createTenantDatabase, dataRetention, DatabasePlatform } from "./tenant-database";
import { createTenantNamespace } from "./tenant-namespace";
import { createTenantNetworkPolicies } from "./tenant-network-policies";
import { TenantLogAccess } from "./tenant-log-access";
import { createTenantIdentities } from "./tenant-rbac";
import { createAirflowSecrets, createTenantCredentials } from "./tenant-secrets";
import { postgresIdentifiers } from "./tenant-sql";
import { InvalidArgumentError } from "./validation";

/** What a tenant needs from the platform stack. */
export interface TenantPlatform extends DatabasePlatform {
    /** The GKE control plane's private address; the scheduler reaches the API there on 443. */
    clusterEndpoint: pulumi.Input<string>;
}

/** The arguments of a {@link Tenant}: the tenant's spec plus the platform it runs on. */
export interface TenantArgs extends TenantSpec {
    /** The platform stack's outputs. Required. */
    platform: TenantPlatform;
}

/**
 * A tenant. Kubernetes children use the provider given in `opts.providers`/`opts.provider`.
 *
 * Note: removing a tenant keeps its database (abandoned in Cloud SQL, protected in state) and
 * its role, and refuses to delete the protected Fernet key until the operator unprotects it;
 * set `dropDataOnDelete: true` to delete the database with the tenant. The role stays on the
 * instance either way; drop it by hand once the database is gone.
 */
export class Tenant extends pulumi.ComponentResource {
    public readonly namespace: pulumi.Output<string>;
    public readonly databaseName: pulumi.Output<string>;
    public readonly databaseRole: pulumi.Output<string>;
    public readonly releaseName: pulumi.Output<string>;
    /** The Fernet key, secret; keep a copy before removing a tenant whose data is kept. */
    public readonly fernetKey: pulumi.Output<string>;

    constructor(name: string, args: TenantArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validation runs before the component registers, so bad input creates nothing at all.
        const spec = resolveTenantSpec(args);
        const ids = postgresIdentifiers(spec.name);
        if (typeof args.platform !== "object" || args.platform === null) {
            throw new InvalidArgumentError(
                "platform",
                args.platform,
                "the platform stack's outputs",
            );
        }
        super(`${PROJECT}:index:Tenant`, name, {}, opts);

        if (spec.dropDataOnDelete) {
            pulumi.log.warn(
                `tenant ${spec.name}: its database will be deleted when the tenant is removed`,
                this,
            );
        }

        // The namespace comes first: every other object lives in it.
        const ns = createTenantNamespace(spec, this);

        const policies = createTenantNetworkPolicies(spec, ns.name, args.platform, this);

        const identities = createTenantIdentities(spec, ns.name, this);
        const credentials = createTenantCredentials(spec, this);

        const database = createTenantDatabase(
            spec,
            ids,
            credentials.passwordVerifier,
            args.platform,
            this,
        );
        const secrets = createAirflowSecrets(
            spec,
            ns.name,
            {
                credentials,
                ids,
                databasePrivateIp: args.platform.databasePrivateIp,
            },
            this,
        );
        // Read-only access to the tenant's own log indices, from the logging stack's component;
        // Airflow reads task logs back with it. It takes the provider this Tenant was given.
        const logs = new TenantLogAccess(
            `${spec.name}-logs`,
            {
                tenant: spec.name,
                tenantNamespace: ns.name,
                provider: this.getProvider("kubernetes:core/v1:Secret") as k8s.Provider,
            },
            { parent: this },
        );
        const release = createAirflowRelease(
            spec,
            ns.name,
            [
                ns.quota,
                ns.limits,
                ...policies,
                identities.schedulerBinding,
                identities.workerAccount,
                database.job,
                ...secrets,
                logs.secret,
            ],
            this,
        );
        pulumi.log.info(
            `tenant ${spec.name}: data ${dataRetention(spec).retainOnDelete ? "kept" : "deleted"} on removal`,
            this,
        );

        this.namespace = ns.name;
        this.databaseName = database.database.name;
        this.databaseRole = pulumi.output(ids.role);
        this.releaseName = release.name;
        this.fernetKey = credentials.fernetKey;
        this.registerOutputs({
            namespace: this.namespace,
            databaseName: this.databaseName,
            databaseRole: this.databaseRole,
            releaseName: this.releaseName,
            fernetKey: this.fernetKey,
        });
    }
}
