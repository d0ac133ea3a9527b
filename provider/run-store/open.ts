// Which run store a command uses, and opening it. `--run-store` wins; else the stack's
// configuration (`vmr:runStore`, its password a Pulumi secret); else the per-user file store.
//
//   --run-store file                       the per-user file store (the default)
//   --run-store etcd                       etcd, settings from the stack's `vmr:runStore`
//   --run-store etcd:https://h1:2379,...   etcd at these endpoints; other settings as above,
//                                          or VMR_RUN_STORE_USER / _PASSWORD / _CA (a PEM file)
//                                          for a stack file, which carries no configuration

import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { ValidationError } from "../errors";
import { loadProtectionModel, type PulumiAccess, type StackSource } from "../stack";
import { EtcdRunStore, type EtcdSettings } from "./etcd-store";
import { FileRunStore } from "./file-store";
import { identityOfLiveStack, identityOfStackFile, type StackIdentity } from "./identity";
import { checkRunStoreSettings, type RunStoreSettings } from "./settings";
import type { RunStore } from "./types";

export type RunStoreChoice = { readonly type: "file" } | ({ readonly type: "etcd" } & Partial<EtcdSettings>);

/** Parses `--run-store`; the error names the flag, the value and what is allowed. */
export function parseRunStoreFlag(value: string): RunStoreChoice {
  if (value === "file") return { type: "file" };
  if (value === "etcd") return { type: "etcd" };
  const m = /^etcd:(.+)$/.exec(value);
  if (m) {
    const endpoints = m[1].split(",").map((e) => e.trim());
    const bad = endpoints.find((e) => !/^https?:\/\/[^/\s]+$/.test(e));
    if (bad === undefined) return { type: "etcd", endpoints };
    throw new ValidationError("flags", [{ path: "--run-store", message: `\`--run-store\` endpoint ${JSON.stringify(bad)} is not http(s)://host:port: give e.g. etcd:https://10.0.0.1:2379,https://10.0.0.2:2379` }]);
  }
  throw new ValidationError("flags", [{ path: "--run-store", message: `\`--run-store\` ${JSON.stringify(value)} is not a run store: use \`file\`, \`etcd\` (settings from the stack's vmr:runStore) or \`etcd:https://HOST:PORT,...\`` }]);
}

/** `vmr:runStore` of a live stack (secrets decrypted by Pulumi; kept in memory only), checked against its schema. */
async function configuredStore(source: StackSource, access: PulumiAccess): Promise<RunStoreSettings | undefined> {
  if ("stackFile" in source) return undefined;
  const stack = await LocalWorkspace.selectStack({ stackName: source.stack, workDir: source.cwd }, { pulumiCommand: access.pulumiCommand, envVars: access.envVars });
  const config = await stack.getAllConfig();
  const entry = config["vmr:runStore"];
  if (!entry) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(entry.value);
  } catch {
    value = entry.value;
  }
  const { settings, issues } = checkRunStoreSettings(value);
  if (issues.length > 0) throw new ValidationError("stack configuration `vmr:runStore`", issues);
  return settings;
}

/** The stack name the run store keys the stack's lock, runs and profile by. */
export async function storeStackName(source: StackSource, model?: { readonly stack?: string }): Promise<string> {
  if (!("stackFile" in source)) return source.stack.split("/").pop()!;
  return (model ?? (await loadProtectionModel(source))).stack ?? path.basename(source.stackFile);
}

export async function identityOf(source: StackSource, stack: string, access: PulumiAccess = {}): Promise<StackIdentity> {
  if ("stackFile" in source) {
    const loaded = await loadProtectionModel(source);
    return identityOfStackFile({ project: loaded.project, stack: loaded.stack }, stack);
  }
  return identityOfLiveStack(source, access);
}

/**
 * Opens the run store of `stack`. `runsDir` (the old `--runs-dir`) is a file store of its own.
 * An etcd store is reached and its settings proved here, before any hardware is touched.
 */
export async function openRunStore(source: StackSource, stack: string, o: { runsDir?: string; runStore?: RunStoreChoice; access?: PulumiAccess }, env: NodeJS.ProcessEnv = process.env): Promise<RunStore> {
  if (o.runsDir !== undefined && o.runStore?.type !== "etcd") return new FileRunStore(o.runsDir, stack);
  const configured = o.runStore === undefined || o.runStore.type === "etcd" ? await configuredStore(source, o.access ?? {}) : undefined;
  const type = o.runStore?.type ?? configured?.type ?? "file";
  const identity = await identityOf(source, stack, o.access);
  if (type === "file") return FileRunStore.ofStack(identity, env);
  if (type !== "etcd") {
    throw new ValidationError("stack configuration", [{ path: "vmr:runStore.type", message: `\`vmr:runStore.type\` ${JSON.stringify(type)} is not a run store: use \`file\` or \`etcd\`` }]);
  }
  const flag: Partial<EtcdSettings> = o.runStore?.type === "etcd" ? o.runStore : {};
  const caFile = env.VMR_RUN_STORE_CA;
  const settings: EtcdSettings = {
    endpoints: flag.endpoints ?? configured?.endpoints ?? [],
    ...(configured?.tls ? { tls: configured.tls } : caFile ? { tls: { ca: readPem(caFile) } } : {}),
    ...((configured?.user ?? env.VMR_RUN_STORE_USER) !== undefined ? { user: configured?.user ?? env.VMR_RUN_STORE_USER } : {}),
    ...((configured?.password ?? env.VMR_RUN_STORE_PASSWORD) !== undefined ? { password: configured?.password ?? env.VMR_RUN_STORE_PASSWORD } : {}),
    ...(configured?.leaseTtlSeconds !== undefined ? { leaseTtlSeconds: configured.leaseTtlSeconds } : {}),
  };
  if (settings.endpoints.length === 0) {
    throw new ValidationError("run store", [{ path: "runStore.endpoints", message: "the etcd run store has no endpoints: give `--run-store etcd:https://HOST:2379,...` or set `vmr:runStore.endpoints` in the stack's configuration" }]);
  }
  return EtcdRunStore.connect(settings, identity);
}

function readPem(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new ValidationError("run store", [{ path: "VMR_RUN_STORE_CA", message: `\`VMR_RUN_STORE_CA\` ${JSON.stringify(file)} is not a readable PEM file (${(err as Error).message})` }]);
  }
}
