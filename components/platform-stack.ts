import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import {
    INGRESS_NAMESPACE,
    LOGGING_NAMESPACE,
    PLATFORM_NAMESPACE,
    DATABASE_ADMIN_SECRET,
} from "./constants";
import { elasticsearchUrl } from "./logging-config";
import { Platform } from "./platform";
import { inConfigTerms, loadPlatformConfig } from "./platform-config";

/**
 * The platform stack's program: one Platform, and the outputs tenant stacks read through a
 * StackReference. Output names are a contract with the tenant stacks; change them together.
 */
export function platformStack(): Record<string, pulumi.Input<unknown>> {
    const args = loadPlatformConfig();
    let platform: Platform;
    try {
        platform = new Platform("platform", args);
    } catch (error) {
        throw inConfigTerms(error);
    }
    const network = platform.network;
    const database = platform.database;
    return {
        project: gcp.organizations.getProjectOutput({}).projectId,
        region: args.region,
        networkName: network.network.name,
        nodeSubnetName: network.nodeSubnet.name,
        nodeSubnetCidr: args.network.nodeCidr,
        podCidr: args.network.podCidr,
        serviceCidr: args.network.serviceCidr,
        natAddresses: network.natAddresses.map((a) => a.address),
        clusterName: platform.cluster.cluster.name,
        clusterEndpoint: platform.cluster.cluster.endpoint,
        kubeconfig: platform.cluster.kubeconfig,
        bastionName: platform.bastion.instance.name,
        bastionZone: platform.bastion.zone,
        databaseInstanceName: database.instance.name,
        databaseConnectionName: database.instance.connectionName,
        databasePrivateIp: database.privateIp,
        databaseServerCa: database.serverCa,
        databaseAdminUser: database.adminUser.name,
        databaseAdminSecret: DATABASE_ADMIN_SECRET,
        platformNamespace: PLATFORM_NAMESPACE,
        loggingNamespace: LOGGING_NAMESPACE,
        loggingEndpoint: elasticsearchUrl(LOGGING_NAMESPACE),
        ingressNamespace: INGRESS_NAMESPACE,
    };
}
