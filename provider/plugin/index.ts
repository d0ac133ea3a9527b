// The vmr provider plugin, assembled: the protocol front door (provider.ts) over the resource
// logic the dynamic providers use (resources/runtime/), with the package schema derived from
// schemas/. No side effects: main.ts serves it.

import * as fs from "fs";
import * as path from "path";
import { schemaDir } from "../validation";
import { ops as protectionGroup } from "../resources/runtime/protection-group";
import { ops as recoveryTarget } from "../resources/runtime/recovery-target";
import { ops as storageMapping } from "../resources/runtime/storage-mapping";
import { ops as networkMapping } from "../resources/runtime/network-mapping";
import { RESOURCE_KINDS, type ResourceKind } from "../tokens";
import { packageSchemaText, secretPaths } from "./package-schema";
import { VmrProvider, type ResourceLogic } from "./provider";

export { VmrProvider, type ResourceLogic } from "./provider";

/** The logic of each kind: the very objects the dynamic providers call. */
export const RESOURCE_LOGIC: Readonly<Record<ResourceKind, ResourceLogic>> = {
  ProtectionGroup: protectionGroup as ResourceLogic,
  RecoveryTarget: recoveryTarget as ResourceLogic,
  StorageMapping: storageMapping as ResourceLogic,
  NetworkMapping: networkMapping as ResourceLogic,
};

function pluginVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(path.dirname(schemaDir()), "package.json"), "utf8"));
  return String(manifest.version);
}

/** The provider with the real resource logic; the schema and secret paths derived once. */
export function createProvider(): VmrProvider {
  const schema = packageSchemaText();
  const secrets = new Map(RESOURCE_KINDS.map((kind) => [kind, secretPaths(kind)] as const));
  return new VmrProvider({ logic: RESOURCE_LOGIC, schema: () => schema, secretPaths: (kind) => secrets.get(kind) ?? [], version: pluginVersion() });
}
