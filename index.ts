import * as pulumi from "@pulumi/pulumi";
import { platformStack } from "./components/platform-stack";
import { tenantStack } from "./components/tenant-stack";

// A stack whose config has a `tenant` block declares one tenant; any other stack is the platform.
export = new pulumi.Config().get("tenant") !== undefined ? tenantStack() : platformStack();
