// Removes what drills leave behind: drill LPARs (they carry `drillOf`) and the drills' FlashCopy
// groups. Used after every drill, after an interrupted one, and by `vmr drill --cleanup` after a
// crash. Finds leftovers in the adapters' inventory, so it works without the journal; deletes LPARs
// before the FlashCopy groups whose volumes they use; repeats until a scan finds nothing, since an
// operation accepted just before an interruption can still complete. Then it brings back the
// non-critical LPARs the drill stopped for its copies (its file's stopNonCritical) and whose
// resume step did not run: read from the drill's journal, done once its copies are gone.

import type { Adapters } from "../adapters";
import type { Clock } from "../clock";
import { WallClock } from "../clock";
import { AdapterError } from "../errors";
import type { CleanupRecord } from "../generated/report";
import { bringBackNonCritical } from "../executor/steps/non-critical";
import type { ResolvedFlashCopyGroup, ResolvedLpar } from "../model";
import type { StoppedNonCritical } from "../recovery/stopped-by-vmr";

/** Which drill objects belong to this cleanup (a stack's drills, not another stack's). */
export interface LeftoverScope {
  isDrillLpar(lpar: ResolvedLpar): boolean;
  isDrillFlashCopy(group: ResolvedFlashCopyGroup): boolean;
  /** Non-critical LPARs the drills stopped and did not bring back (stoppedNonCriticalStepsIn of their journals). */
  readonly stoppedNonCritical?: readonly StoppedNonCritical[];
}

/** The state a stopped (powered off) or suspended non-critical LPAR is left in. */
const STOPPED_STATE = { stop: "Not Activated", suspend: "Suspended" } as const;

export interface SweepOptions {
  readonly clock?: Clock;
  /** Scans before giving up on what is left. @default 6 */
  readonly rounds?: number;
  /** Wait between scans when something could not be removed yet. @default 2000 */
  readonly retryDelayMs?: number;
  readonly onRemoved?: (what: string) => void;
}

interface Found {
  readonly lpars: ResolvedLpar[];
  readonly flashCopies: ResolvedFlashCopyGroup[];
  /** Of the scope's stopped non-critical LPARs, those still in the state their stop left (not started by someone since). */
  readonly stopped: StoppedNonCritical[];
}

async function scan(adapters: Adapters, scope: LeftoverScope): Promise<Found> {
  const [compute, storage] = await Promise.all([adapters.compute.inventory(), adapters.storage.inventory()]);
  return {
    lpars: compute.lpars.filter((l) => l.drillOf !== undefined && scope.isDrillLpar(l)),
    flashCopies: storage.flashCopyGroups.filter((g) => scope.isDrillFlashCopy(g)),
    stopped: (scope.stoppedNonCritical ?? []).filter((n) => {
      const l = compute.lpars.find((x) => x.id === n.lpar);
      return l !== undefined && l.host === n.host && l.state === STOPPED_STATE[n.action];
    }),
  };
}

function describeError(err: unknown): string {
  if (err instanceof AdapterError) return `${err.failure}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

export async function sweepDrillLeftovers(adapters: Adapters, scope: LeftoverScope, options: SweepOptions = {}): Promise<CleanupRecord> {
  const clock = options.clock ?? new WallClock();
  const rounds = options.rounds ?? 6;
  const removed = new Set<string>();
  const lastError = new Map<string, string>();
  for (let round = 0; round < rounds; round++) {
    const found = await scan(adapters, scope);
    if (found.lpars.length === 0 && found.flashCopies.length === 0 && found.stopped.length === 0) return { complete: true, removed: [...removed], leftovers: [] };
    const lparResults = await Promise.allSettled(found.lpars.map((l) => adapters.compute.deleteDrillLpar(l.id)));
    lparResults.forEach((r, i) => {
      const l = found.lpars[i];
      const key = `drill LPAR ${l.id} (copy of ${l.drillOf}) on ${l.host}`;
      if (r.status === "fulfilled") {
        removed.add(key);
        lastError.delete(key);
        options.onRemoved?.(key);
      } else lastError.set(key, describeError(r.reason));
    });
    // A FlashCopy group goes only once no drill LPAR is left that could use its volumes.
    if (lparResults.every((r) => r.status === "fulfilled")) {
      const fcResults = await Promise.allSettled(found.flashCopies.map((g) => adapters.storage.deleteFlashCopyGroup(g.id)));
      fcResults.forEach((r, i) => {
        const g = found.flashCopies[i];
        const key = `FlashCopy group ${g.name} on ${g.storageSystem}`;
        if (r.status === "fulfilled") {
          removed.add(key);
          lastError.delete(key);
          options.onRemoved?.(key);
        } else lastError.set(key, describeError(r.reason));
      });
      // The copies gone, their room is free again: bring back what the drill stopped for it.
      const backResults = await Promise.allSettled(found.stopped.map((n) => bringBackNonCritical(adapters.compute, n)));
      backResults.forEach((r, i) => {
        const key = stoppedKey(found.stopped[i]);
        if (r.status === "fulfilled") {
          removed.add(`${key}: brought back (${found.stopped[i].action === "suspend" ? "resumed" : "powered on"})`);
          lastError.delete(key);
          options.onRemoved?.(key);
        } else lastError.set(key, describeError(r.reason));
      });
      if (fcResults.every((r) => r.status === "fulfilled") && backResults.every((r) => r.status === "fulfilled")) continue;
    }
    await clock.sleep(options.retryDelayMs ?? 2000);
  }
  const left = await scan(adapters, scope);
  const leftovers = [
    ...left.lpars.map((l) => `drill LPAR ${l.id} (copy of ${l.drillOf}) on ${l.host}`),
    ...left.flashCopies.map((g) => `FlashCopy group ${g.name} on ${g.storageSystem}`),
    ...left.stopped.map(stoppedKey),
  ].map((key) => (lastError.has(key) ? `${key}: ${lastError.get(key)}` : key));
  return { complete: leftovers.length === 0, removed: [...removed], leftovers };
}

/** How a non-critical LPAR the drill stopped is named in the cleanup record. */
function stoppedKey(n: StoppedNonCritical): string {
  return `non-critical LPAR ${n.lpar} ${n.action === "suspend" ? "suspended" : "stopped"} by the drill on ${n.host}`;
}
