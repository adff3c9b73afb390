/** A test entry that runs the tenant stack program alone, as index.ts does for a tenant stack. */
import { tenantStack } from "../../components/tenant-stack";

export = tenantStack();
