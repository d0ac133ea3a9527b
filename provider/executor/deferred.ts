// Deferred cleanup: SAN host mappings of old volumes a failover leaves in place because their
// storage system did not answer (lost with its site). The plan lists those it knew of; a
// best-effort unmap that failed in the run adds its own. Nothing retries them during the
// failover; `vmr failback` finds them in the live inventory once the system is back and removes
// them before the LPARs return (planner/storage.ts, staleMappings).

import type { DeferredCleanup, Plan } from "../generated/plan";
import { plural } from "../text";

/** The storage system a step holds a slot of (`storage:<id>`), if any. */
function storageOf(resources: readonly string[] | undefined): string | undefined {
  const key = resources?.find((r) => r.startsWith("storage:"));
  return key === undefined ? undefined : key.slice("storage:".length);
}

/**
 * The plan's deferred cleanup, then one record per failed best-effort unmap, in plan order.
 * `failedError(i)`: the message of plan step i when it ended failed, else undefined.
 */
export function deferredCleanupOf(plan: Plan, failedError: (i: number) => string | undefined): DeferredCleanup[] {
  const out: DeferredCleanup[] = [...(plan.deferredCleanup ?? [])];
  plan.steps.forEach((step, i) => {
    if (!step.bestEffort || step.kind !== "UnmapSourceVolume" || step.lpar === undefined) return;
    const message = failedError(i);
    if (message === undefined) return;
    const params = step.params as { volume?: string; host?: string } | undefined;
    out.push({
      lpar: step.lpar,
      volume: params?.volume ?? "unknown",
      host: params?.host ?? "unknown",
      storageSystem: storageOf(step.resources) ?? "unknown",
      reason: `the unmap failed (${message}): the mapping stays until \`vmr failback\` removes it`,
    });
  });
  return out;
}

/** One line per storage system for a summary: how many mappings wait there, and what removes them. */
export function deferredSummary(deferred: readonly DeferredCleanup[]): string[] {
  const bySystem = new Map<string, number>();
  for (const d of deferred) bySystem.set(d.storageSystem, (bySystem.get(d.storageSystem) ?? 0) + 1);
  return [...bySystem].map(
    ([system, n]) => `deferred cleanup: ${plural(n, "mapping")} of old volumes left on ${system}, which did not answer; \`vmr failback\` removes them once it is back`,
  );
}
