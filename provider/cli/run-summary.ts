// A run's outcome for the terminal: every LPAR, recovered where and when, or failed and why.

import { deferredSummary } from "../executor/deferred";
import type { RunResult } from "../executor/types";
import type { Plan } from "../generated/plan";
import { plural } from "../text";

const MAX_LISTED = 200;

export function formatRunResult(result: RunResult, journalFile?: string): string {
  const recovered = result.vms.filter((v) => v.status === "recovered");
  const others = result.vms.filter((v) => v.status !== "recovered");
  const lines = [
    `run ${result.runId} (${result.kind}, ${result.settings.mode}, ${result.settings.sla} SLA): ${result.status}, ` +
      `${recovered.length} of ${plural(result.vms.length, "LPAR")} recovered in ${result.makespanSeconds.toFixed(1)} s${result.resumes ? ` (resumed ${result.resumes}x)` : ""}`,
  ];
  // Failures first: they are what the operator has to act on.
  for (const v of others.slice(0, MAX_LISTED)) lines.push(`  ${v.status.toUpperCase().padEnd(9)} ${v.name} (${v.lpar}, SLA ${v.slaLevel}): ${v.reason ?? ""}`);
  const room = Math.max(0, MAX_LISTED - others.length);
  for (const v of recovered.slice(0, room)) lines.push(`  recovered ${v.name} (${v.lpar}, SLA ${v.slaLevel}) on ${v.target} at ${v.atSeconds?.toFixed(1)} s`);
  if (result.vms.length > MAX_LISTED) lines.push(`  ... ${result.vms.length - MAX_LISTED} more (see the report)`);
  const failedSteps = result.steps.filter((s) => s.status === "failed" && (s.bestEffort || s.lpar === undefined));
  for (const s of failedSteps.slice(0, 20)) lines.push(`  step ${s.id} failed${s.bestEffort ? " (best effort)" : ""}: ${s.error?.message ?? ""}`);
  for (const w of result.warnings) lines.push(`  warning: ${w}`);
  for (const d of deferredSummary(result.deferredCleanup)) lines.push(`  ${d}`);
  if (journalFile) lines.push(`journal: ${journalFile}`);
  return lines.join("\n");
}

/**
 * After a failover: the way back. The consistency groups it failed over replicate no more;
 * `vmr failback` restarts them towards home and returns the VMs. A group left split (writers
 * still running at the source) cannot be reversed without overwriting those writers' volumes:
 * say so before the operator tries.
 */
export function formatWayBack(plan: Plan, result: RunResult): string[] {
  if (result.kind !== "failover" || !result.vms.some((v) => v.status === "recovered")) return [];
  const groups = [...new Set(plan.steps.filter((s) => s.kind === "FailoverConsistencyGroup").map((s) => String(s.params?.consistencyGroup)))].sort();
  const lines: string[] = [];
  if (groups.length > 0) {
    const failed = plan.failure.failedSite ?? plan.failure.failedHosts.join(", ");
    lines.push(
      `way back: ${plural(groups.length, "consistency group")} (${groups.slice(0, 6).join(", ")}${groups.length > 6 ? ", ..." : ""}) no longer replicate; once ${failed} ${plan.failure.failedSite !== undefined || plan.failure.failedHosts.length !== 1 ? "are" : "is"} repaired, \`vmr failback\` restarts replication towards home and returns each VM to the server it left`,
    );
  }
  for (const g of plan.splitGroups ?? []) {
    lines.push(
      `split: consistency group ${g.consistencyGroup} failed over while ${g.lpars.slice(0, 6).join(", ")}${g.lpars.length > 6 ? ", ..." : ""} keep running at the source, unprotected; failing back restarts its replication from the recovery site and would overwrite their volumes: stop them, or accept that, before \`vmr failback\``,
    );
  }
  return lines;
}

/** A failed planned move's rollback: what was started again where it was, and what is left down. */
export function formatRollback(rollback: { readonly run?: RunResult; readonly leftDown: readonly { lpar: string; reason: string }[] }): string {
  const lines: string[] = [];
  if (rollback.run) {
    const up = rollback.run.vms.filter((v) => v.status === "recovered").map((v) => v.lpar);
    lines.push(`rolled back (run ${rollback.run.runId}, ${rollback.run.status}): ${plural(up.length, "LPAR")} started again where ${up.length === 1 ? "it was" : "they were"}${up.length > 0 ? `: ${up.slice(0, 10).join(", ")}${up.length > 10 ? ", ..." : ""}` : ""}`);
    for (const v of rollback.run.vms.filter((x) => x.status !== "recovered")) lines.push(`  NOT STARTED ${v.lpar}: ${v.reason ?? ""}`);
  }
  for (const d of rollback.leftDown) lines.push(`  left down ${d.lpar}: ${d.reason}`);
  return lines.join("\n");
}
