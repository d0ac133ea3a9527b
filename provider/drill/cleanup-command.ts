// `vmr drill --cleanup`: after a drill process was killed or crashed, removes what it left. Finds
// the drills' FlashCopy groups from the journals of unfinished drill runs (in the run store, so
// from any machine that reaches it) and from the stack's consistency groups, and drill LPARs
// (they carry `drillOf`) from the adapters' inventory; brings back the non-critical LPARs a
// drill stopped last and nothing brought back since (recovery/stopped-by-vmr.ts).

import { openAdapters as openAdaptersDefault } from "../adapters";
import type { Clock } from "../clock";
import { defaultRunsDir } from "../executor/run-store";
import type { RunStarted } from "../generated/journal";
import type { CleanupRecord } from "../generated/report";
import { parseJsonText } from "../parse-file";
import { stoppedByDrills } from "../recovery/stopped-by-vmr";
import { DRILL_OUTCOME_FILE, type DrillOutcomeFile } from "../report/journal";
import { FileRunStore } from "../run-store/file-store";
import type { RunStore } from "../run-store/types";
import type { PulumiAccess } from "../stack";
import { sweepDrillLeftovers } from "./cleanup";
import { adapterSettingsFor, leftoverScope, loadSource, type DrillSource, type OpenAdapters } from "./run";

export interface DrillCleanupOptions {
  readonly source: DrillSource;
  readonly access?: PulumiAccess;
  /** Where the stack's runs and lock are (a file store or etcd). @default a file store in `runsDir` */
  readonly store?: RunStore;
  /** The file store's directory when no `store` is given. @default ./.vmr/runs */
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
async function flashCopiesOfUnfinishedDrills(store: RunStore, stack: string | undefined): Promise<{ runs: string[]; names: string[] }> {
  const runs: string[] = [];
  const names: string[] = [];
  for (const run of await store.listRuns()) {
    if (run.kind !== "drill" || (stack !== undefined && run.stack !== undefined && run.stack !== stack)) continue;
    const outcomeText = run.finished ? await store.getArtifact(run.runId, DRILL_OUTCOME_FILE) : undefined;
    if (outcomeText !== undefined) {
      const cleanup = parseJsonText<DrillOutcomeFile>(outcomeText, {
        file: `${store.where} run ${run.runId} ${DRILL_OUTCOME_FILE}`,
        wayOut: "Remove it to clean up after the run from its journal alone",
      }).cleanup;
      if (cleanup?.complete) continue;
    }
    runs.push(run.runId);
    const header = (await store.readRecords(run.runId))[0] as RunStarted;
    for (const step of header.plan.steps) if (step.kind === "CreateFlashCopyGroup" && step.params?.flashCopyGroup) names.push(step.params.flashCopyGroup);
  }
  return { runs, names };
}

export async function drillCleanup(options: DrillCleanupOptions): Promise<DrillCleanupResult> {
  const loaded = await loadSource(options.source, options.access);
  const model = loaded.model;
  const store = options.store ?? new FileRunStore(options.runsDir ?? defaultRunsDir(), loaded.stack ?? "default");
  const { runs, names } = await flashCopiesOfUnfinishedDrills(store, loaded.stack);
  const scope = { ...leftoverScope(model, names), stoppedNonCritical: await stoppedByDrills(store) };
  // Every datacenter the stack's groups use.
  const settings = new Map(model.groups.map((g) => {
    const s = adapterSettingsFor(model, [g.name]);
    return [JSON.stringify(s), s] as const;
  }));
  const open = options.openAdapters ?? openAdaptersDefault;
  const removed: string[] = [];
  const leftovers: string[] = [];
  // Under the stack's lock: a drill still running holds it, and its copies are not leftovers.
  // A killed drill's lock turns stale (file) or its lease expires (etcd) within seconds.
  const lock = await store.acquireLock({ runId: "drill-cleanup", purpose: "drill cleanup" });
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
