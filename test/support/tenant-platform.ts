/** The fake platform the tenant tests run on, and the platform stack outputs it stands for. */
import { TenantPlatform } from "../../components/tenant";

/** The platform the tests run tenants on. */
export const TEST_PLATFORM = {
    project: "acme-platform-prod",
    clusterEndpoint: "172.16.0.2",
    databaseInstanceName: "airflow-platform-db",
    databasePrivateIp: "10.16.0.3",
    databaseServerCa: "-----BEGIN CERTIFICATE-----\nTESTCA\n-----END CERTIFICATE-----\n",
    databaseAdminSecret: "cloudsql-admin",
} as const satisfies TenantPlatform;

/** The platform stack's outputs, as a StackReference in a tenant stack reads them. */
export const TEST_PLATFORM_OUTPUTS: Record<string, unknown> = {
    ...TEST_PLATFORM,
    region: "us-east1",
    loggingEndpoint: "https://elasticsearch.logging.svc:9200",
    clusterName: "airflow-platform",
    kubeconfig: "apiVersion: v1\nkind: Config\nclusters: []\n",
    databaseConnectionName: "acme-platform-prod:us-east1:airflow-platform-db",
    databaseAdminUser: "postgres",
    platformNamespace: "airflow-platform",
    loggingNamespace: "logging",
    ingressNamespace: "ingress-nginx",
    podCidr: "10.4.0.0/14",
    serviceCidr: "10.8.0.0/20",
    nodeSubnetCidr: "10.0.0.0/20",
};
