// `vmr drill --cleanup`: after a drill process was killed or crashed, removes what it left. Finds
// the drills' FlashCopy groups from the journals of unfinished drill runs and from the stack's
// consistency groups, and drill LPARs (they carry `drillOf`) from the adapters' inventory.

import * as fs from "fs";
import * as path from "path";
import { openAdapters as openAdaptersDefault } from "../adapters";
import type { Clock } from "../clock";
import { acquireStackLock } from "../executor/lock";
import { defaultRunsDir, listRuns, readRunHeader } from "../executor/run-store";
import type { CleanupRecord } from "../generated/report";
import { DRILL_OUTCOME_FILE, readOutcomeFile } from "../report/journal";
import type { PulumiAccess } from "../stack";
import { sweepDrillLeftovers } from "./cleanup";
import { adapterSettingsFor, leftoverScope, loadSource, type DrillSource, type OpenAdapters } from "./run";

export interface DrillCleanupOptions {
  readonly source: DrillSource;
  readonly access?: PulumiAccess;
  /** @default ./.vmr/runs */
  readonly runsDir?: string;
  readonly openAdapters?: OpenAdapters;
  readonly clock?: Clock;
  readonly onRemoved?: (what: string) => void;
}

export interface DrillCleanupResult extends CleanupRecord {
  /** Drill runs whose journal named what to look for (unfinished, or finished without a clean sweep). */
  readonly runs: readonly string[];
}

/** FlashCopy group names the plans of unfinished drill runs create. */
function flashCopiesOfUnfinishedDrills(runsDir: string, stack: string | undefined): { runs: string[]; names: string[] } {
  const runs: string[] = [];
  const names: string[] = [];
  for (const run of listRuns(runsDir)) {
    if (run.kind !== "drill" || (stack !== undefined && run.stack !== undefined && run.stack !== stack)) continue;
    const outcome = path.join(run.dir, DRILL_OUTCOME_FILE);
    if (run.finished && fs.existsSync(outcome)) {
      const cleanup = (readOutcomeFile(outcome) as { cleanup?: CleanupRecord }).cleanup;
      if (cleanup?.complete) continue;
    }
    runs.push(run.runId);
    for (const step of readRunHeader(run.journalFile).plan.steps)
      if (step.kind === "CreateFlashCopyGroup" && step.params?.flashCopyGroup) names.push(step.params.flashCopyGroup);
  }
  return { runs, names };
}

export async function drillCleanup(options: DrillCleanupOptions): Promise<DrillCleanupResult> {
  const loaded = await loadSource(options.source, options.access);
  const model = loaded.model;
  const runsDir = options.runsDir ?? defaultRunsDir();
  const { runs, names } = flashCopiesOfUnfinishedDrills(runsDir, loaded.stack);
  const scope = leftoverScope(model, names);
  // Every datacenter the stack's groups use.
  const settings = new Map(model.groups.map((g) => {
    const s = adapterSettingsFor(model, [g.name]);
    return [JSON.stringify(s), s] as const;
  }));
  const open = options.openAdapters ?? openAdaptersDefault;
  const removed: string[] = [];
  const leftovers: string[] = [];
  // Under the stack's lock: a drill still running holds it, and its copies are not leftovers.
  // A killed drill's lock turns stale within seconds and is taken over.
  const lock = await acquireStackLock(runsDir, loaded.stack ?? "default", { runId: "drill-cleanup", purpose: "drill cleanup" });
  try {
    for (const s of settings.values()) {
      const adapters = await open(s);
      try {
        const r = await sweepDrillLeftovers(adapters, scope, { clock: options.clock, onRemoved: options.onRemoved });
        removed.push(...r.removed);
        leftovers.push(...r.leftovers);
      } finally {
        await Promise.all([adapters.compute.close(), adapters.storage.close()]);
      }
    }
  } finally {
    await lock.release();
  }
  return { complete: leftovers.length === 0, removed, leftovers, runs };
}
