// The platform stack's program alone, for specs that must not depend on the tenant program.
import { platformStack } from "../../components/platform-stack";

export = platformStack();
