// Reads a stack's protection: live through the Automation API (stack name + program directory),
// or from a `pulumi stack export --show-secrets` file. Also refreshes a stack after a failover so
// its state shows where the VMs run now.

import * as fs from "fs";
import { LocalWorkspace, type PulumiCommand } from "@pulumi/pulumi/automation";
import { ValidationError } from "../errors";
import { parseJsonText } from "../parse-file";
import { plural } from "../text";
import { protectionModelFromDeployment, type ExportedDeployment, type ExportedResource, type LoadedProtection } from "./model";

export interface LiveStackSource {
  /** Stack name (`dev`, or `org/project/dev`). */
  readonly stack: string;
  /** Directory of the Pulumi program (holding Pulumi.yaml). */
  readonly cwd: string;
}

export interface StackFileSource {
  /** File written by `pulumi stack export --show-secrets [--file F]`. */
  readonly stackFile: string;
}

export type StackSource = LiveStackSource | StackFileSource;

export interface PulumiAccess {
  /** The Pulumi CLI to run; default: `pulumi` found on PATH. */
  readonly pulumiCommand?: PulumiCommand;
  /** Environment for the CLI (backend URL, passphrase, PULUMI_HOME...), added to this process's. */
  readonly envVars?: Record<string, string>;
}

async function selectStack(source: LiveStackSource, access: PulumiAccess) {
  return LocalWorkspace.selectStack(
    { stackName: source.stack, workDir: source.cwd },
    { pulumiCommand: access.pulumiCommand, envVars: access.envVars },
  );
}

function readStackFile(file: string): ExportedDeployment {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new ValidationError("stack file", [
      { path: "stackFile", message: `\`stackFile\` ${JSON.stringify(file)} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}): write one with \`pulumi stack export --show-secrets --file F\`` },
    ]);
  }
  const parsed = parseJsonText<unknown>(text, { file, wayOut: "It is not a whole JSON stack export: write it again with `pulumi stack export --show-secrets --file F`" });
  const doc = parsed as { deployment?: ExportedDeployment; resources?: unknown };
  if (doc.deployment) return doc.deployment;
  if (Array.isArray(doc.resources)) return doc as ExportedDeployment;
  throw new ValidationError("stack file", [{ path: "stackFile", message: `\`stackFile\` ${JSON.stringify(file)} has no \`deployment\`: give the output of \`pulumi stack export --show-secrets\`` }]);
}

/**
 * The protection model declared in a stack, with the resources' decoded outputs. Secrets (HMC
 * and SAN passwords) come back decoded: keep the result in memory, never write it out.
 */
export async function loadProtectionModel(source: StackSource, access: PulumiAccess = {}): Promise<LoadedProtection> {
  if ("stackFile" in source) return protectionModelFromDeployment(readStackFile(source.stackFile));
  const stack = await selectStack(source, access);
  const exported = (await stack.exportStack()) as { deployment?: ExportedDeployment };
  return protectionModelFromDeployment(exported.deployment ?? {});
}

export interface RefreshResult {
  /**
   * Resource counts by what the refresh did to each (`same`, `update`, `delete`), found by
   * comparing the stack's state before and after it: `update` when its inputs or outputs changed.
   */
  readonly changes: Record<string, number>;
  /** Names of the resources whose inputs or outputs the refresh changed, in state order. */
  readonly changed: readonly string[];
  /** Names of the resources the refresh found gone. */
  readonly deleted: readonly string[];
  /**
   * The engine's own summary, kept for reference: it counts a resource `same` when the
   * provider's diff of its inputs finds nothing, even when the refresh changed its outputs
   * (where the VMs run, their readiness): exactly what a refresh after a failover changes.
   */
  readonly engineChanges: Record<string, number>;
}

/** Canonical JSON (object keys sorted), for comparing state values. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function resourceName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/**
 * What a refresh changed, from the stack's state before and after it: every resource of
 * `before` but the providers is `same` (inputs and outputs equal), `update` (either changed) or
 * `delete` (gone).
 */
export function refreshChanges(before: ExportedDeployment, after: ExportedDeployment): Omit<RefreshResult, "engineChanges"> {
  const keyOf = (r: ExportedResource) => `${r.urn}${r.delete ? " (pending delete)" : ""}`;
  const now = new Map((after.resources ?? []).map((r) => [keyOf(r), r]));
  const changed: string[] = [];
  const deleted: string[] = [];
  let same = 0;
  // Provider resources are the engine's plumbing, not counted (as the engine's summary does not).
  for (const r of (before.resources ?? []).filter((x) => !x.type.startsWith("pulumi:providers:"))) {
    const n = now.get(keyOf(r));
    if (!n) deleted.push(resourceName(r.urn));
    else if (canonical(r.inputs ?? {}) !== canonical(n.inputs ?? {}) || canonical(r.outputs ?? {}) !== canonical(n.outputs ?? {})) changed.push(resourceName(r.urn));
    else same++;
  }
  const changes: Record<string, number> = {};
  if (same) changes.same = same;
  if (changed.length) changes.update = changed.length;
  if (deleted.length) changes.delete = deleted.length;
  return { changes, changed, deleted };
}

/**
 * Runs `pulumi refresh` on the stack, so the resources' outputs show where the VMs run now
 * (after a failover or failback) and what drifted. Changes nothing on the hardware. What
 * changed is counted from the state before and after (see `RefreshResult.engineChanges` for why
 * the engine's summary is not enough).
 */
export async function refreshStack(
  source: LiveStackSource,
  access: PulumiAccess & { onOutput?: (line: string) => void } = {},
): Promise<RefreshResult> {
  const stack = await selectStack(source, access);
  const deploymentOf = async () => ((await stack.exportStack()) as { deployment?: ExportedDeployment }).deployment ?? {};
  const before = await deploymentOf();
  const result = await stack.refresh({ onOutput: access.onOutput, color: "never" });
  return { ...refreshChanges(before, await deploymentOf()), engineChanges: { ...(result.summary.resourceChanges ?? {}) } };
}

/** One line for the terminal: how many resources the refresh changed, and which. */
export function formatRefresh(refresh: Pick<RefreshResult, "changes" | "changed" | "deleted">): string {
  const total = Object.values(refresh.changes).reduce((a, b) => a + b, 0);
  const parts: string[] = [];
  const names = (list: readonly string[]) => (list.length <= 10 ? list.join(", ") : `${list.slice(0, 10).join(", ")}, ... ${list.length - 10} more`);
  if (refresh.changed.length) parts.push(`${refresh.changed.length} changed (${names(refresh.changed)})`);
  if (refresh.deleted.length) parts.push(`${refresh.deleted.length} gone (${names(refresh.deleted)})`);
  parts.push(`${refresh.changes.same ?? 0} same`);
  const followUp = refresh.changed.length ? "; the stack's own outputs follow at the next `pulumi up`" : "";
  return `stack refreshed: ${plural(total, "resource")}: ${parts.join(", ")}${followUp}`;
}
