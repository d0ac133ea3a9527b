// Reads a stack's protection: live through the Automation API (stack name + program directory),
// or from a `pulumi stack export --show-secrets` file. Also refreshes a stack after a failover so
// its state shows where the VMs run now.

import * as fs from "fs";
import { LocalWorkspace, type PulumiCommand } from "@pulumi/pulumi/automation";
import { ValidationError } from "../errors";
import { protectionModelFromDeployment, type ExportedDeployment, type LoadedProtection } from "./model";

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
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new ValidationError("stack file", [
      { path: "stackFile", message: `\`stackFile\` ${JSON.stringify(file)} is not a readable JSON stack export (${err instanceof Error ? err.message : String(err)}): write one with \`pulumi stack export --show-secrets --file F\`` },
    ]);
  }
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
  /** Resource counts by operation (same, update, delete...) as the engine reports them. */
  readonly changes: Record<string, number>;
}

/**
 * Runs `pulumi refresh` on the stack, so the resources' outputs show where the VMs run now
 * (after a failover or failback) and what drifted. Changes nothing on the hardware.
 */
export async function refreshStack(
  source: LiveStackSource,
  access: PulumiAccess & { onOutput?: (line: string) => void } = {},
): Promise<RefreshResult> {
  const stack = await selectStack(source, access);
  const result = await stack.refresh({ onOutput: access.onOutput, color: "never" });
  return { changes: { ...(result.summary.resourceChanges ?? {}) } };
}
