// Which stack a run belongs to. The lock and the runs of a stack are keyed by its identity
// (backend, organisation, project, stack), not by the directory `vmr` runs in: two operators in
// two directories, or on two machines sharing a store, then see the same lock and the same runs.

import { createHash } from "crypto";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import type { PulumiAccess } from "../stack";

export interface StackIdentity {
  /** The backend's URL (`file://...`, `https://api.pulumi.com`), or `stack-export` for a stack file. */
  readonly backend: string;
  readonly organization: string;
  readonly project: string;
  readonly stack: string;
}

/** A stack read from a `pulumi stack export` file: the file does not say which backend it came from. */
export const STACK_EXPORT_BACKEND = "stack-export";

/** `org/project/stack` as Pulumi spells a fully-qualified stack name. */
export function qualifiedName(id: StackIdentity): string {
  return `${id.organization}/${id.project}/${id.stack}`;
}

/** A file-name-safe key of the identity: readable, and unique through a hash of all four parts. */
export function identityKey(id: StackIdentity): string {
  const hash = createHash("sha256").update(JSON.stringify([id.backend, id.organization, id.project, id.stack])).digest("hex").slice(0, 16);
  const readable = `${id.project}.${id.stack}`.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 80);
  return `${readable}-${hash}`;
}

/**
 * The identity of a stack read from an export file: project and stack from its resources' URNs.
 * The organisation and backend are not in the file, so every export of one project's stack
 * shares one lock (the safe side: a lock too wide refuses, it never lets two runs through).
 */
export function identityOfStackFile(where: { project?: string; stack?: string }, fallbackStack: string): StackIdentity {
  return { backend: STACK_EXPORT_BACKEND, organization: "-", project: where.project ?? "-", stack: where.stack ?? fallbackStack };
}

/** The identity of a live stack, asked of the Pulumi CLI (backend URL, project settings). */
export async function identityOfLiveStack(source: { stack: string; cwd: string }, access: PulumiAccess = {}): Promise<StackIdentity> {
  const stack = await LocalWorkspace.selectStack({ stackName: source.stack, workDir: source.cwd }, { pulumiCommand: access.pulumiCommand, envVars: access.envVars });
  const [who, settings] = await Promise.all([stack.workspace.whoAmI(), stack.workspace.projectSettings()]);
  const parts = source.stack.split("/");
  const backend = who.url ?? "unknown";
  // The diy (file, s3...) backends have one organisation, "organization"; Pulumi Cloud's default
  // organisation is the user's own.
  const organization = parts.length === 3 ? parts[0] : backend.startsWith("http") ? who.user : "organization";
  return { backend, organization, project: settings.name, stack: parts[parts.length - 1] };
}
