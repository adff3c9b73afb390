import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "./constants";

/** The region the platform runs in when nothing else is configured. */
export const DEFAULT_REGION = "us-east1";

/**
 * The platform's configured region: `airflow-platform:region`, else the Google provider's
 * `gcp:region`, else us-east1. Components refuse any other region so that keys, data and
 * nodes never land somewhere the policies and operators do not expect.
 */
export function configuredRegion(): string {
    return (
        new pulumi.Config(PROJECT).get("region") ??
        new pulumi.Config("gcp").get("region") ??
        DEFAULT_REGION
    );
}
