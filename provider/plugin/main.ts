// Entry point of the `vmr` provider plugin (package.json `main`): started by `pulumi-resource-vmr`
// beside package.json, or required by a Node.js language host that runs PulumiPlugin.yaml plugins
// from source. Serves the protection resources through the full provider protocol.

import * as provider from "@pulumi/pulumi/provider";
import { createProvider } from "./index";

void provider.main(createProvider(), process.argv.slice(2));
