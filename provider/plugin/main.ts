// Entry point of the `vmr` provider plugin (started by `pulumi-resource-vmr` beside package.json,
// or by a Node.js language host that runs PulumiPlugin.yaml plugins from source). It serves the
// protection resources through the full provider protocol, with the same resource logic as the
// dynamic providers of TypeScript programs.

import * as fs from "fs";
import * as path from "path";
import * as provider from "@pulumi/pulumi/provider";
import { schemaDir } from "../validation";
import { ops as protectionGroup } from "../resources/runtime/protection-group";
import { ops as recoveryTarget } from "../resources/runtime/recovery-target";
import { ops as storageMapping } from "../resources/runtime/storage-mapping";
import { packageSchemaText, secretPaths } from "./package-schema";
import { VmrProvider, type ResourceLogic } from "./provider";
import { RESOURCE_KINDS, type ResourceKind } from "../tokens";

function pluginVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(path.dirname(schemaDir()), "package.json"), "utf8"));
  return String(manifest.version);
}

/** The provider with the real resource logic; the schema and secret paths derived once. */
export function createProvider(): VmrProvider {
  const schema = packageSchemaText();
  const secrets = new Map(RESOURCE_KINDS.map((kind) => [kind, secretPaths(kind)] as const));
  const logic: Record<ResourceKind, ResourceLogic> = {
    ProtectionGroup: protectionGroup as ResourceLogic,
    RecoveryTarget: recoveryTarget as ResourceLogic,
    StorageMapping: storageMapping as ResourceLogic,
  };
  return new VmrProvider({ logic, schema: () => schema, secretPaths: (kind) => secrets.get(kind) ?? [], version: pluginVersion() });
}

// Started as a program (pulumi-resource-vmr) or required by a language host's plugin runner.
void provider.main(createProvider(), process.argv.slice(2));
