// Which non-critical LPARs vmr itself stopped or suspended and has not brought back: read from
// the journals of the stack's runs in the run store, oldest first. A StopNonCriticalLpar step
// that completed adds its LPAR; a ResumeNonCriticalLpar step that completed takes it away. A
// failback and `vmr resume-noncritical` bring back only these (PlanOptions.stoppedNonCritical),
// so a test VM that someone stopped by hand is not started behind their back.

import type { JournalRecord } from "../executor/types";
import type { RunStore } from "../run-store/types";

const STOP = "StopNonCriticalLpar";
const RESUME = "ResumeNonCriticalLpar";

/** A non-critical LPAR a run stopped or suspended: where, and how (its StopNonCriticalLpar step's params). */
export interface StoppedNonCritical {
  readonly lpar: string;
  readonly host: string;
  readonly action: "stop" | "suspend";
  /** The kind of run that stopped it last (failover, planned, drill). */
  readonly by: string;
}

/** The LPARs left stopped by the records of runs, in the order they ran, with their stop's params. */
export function stoppedNonCriticalStepsIn(journals: readonly (readonly JournalRecord[])[]): StoppedNonCritical[] {
  const stopped = new Map<string, StoppedNonCritical>();
  for (const records of journals) {
    // Step ids are the plan's; the plan is in the run's first record.
    const started = records[0];
    if (started?.type !== "run-started") continue;
    const kindOf = new Map<string, { kind: string; stopped: StoppedNonCritical }>();
    for (const s of started.plan.steps) {
      if ((s.kind !== STOP && s.kind !== RESUME) || s.lpar === undefined) continue;
      kindOf.set(s.id, { kind: s.kind, stopped: { lpar: s.lpar, host: String(s.params?.host), action: s.params?.action === "suspend" ? "suspend" : "stop", by: started.plan.kind } });
    }
    if (kindOf.size === 0) continue;
    for (const r of records) {
      if (r.type !== "step-completed") continue;
      const step = kindOf.get(r.stepId);
      if (step === undefined) continue;
      if (step.kind === STOP) stopped.set(step.stopped.lpar, step.stopped);
      else stopped.delete(step.stopped.lpar);
    }
  }
  return [...stopped.values()].sort((a, b) => (a.lpar < b.lpar ? -1 : a.lpar > b.lpar ? 1 : 0));
}

/** The ids of the LPARs left stopped by the records of runs (stoppedNonCriticalStepsIn). */
export function stoppedNonCriticalIn(journals: readonly (readonly JournalRecord[])[]): string[] {
  return stoppedNonCriticalStepsIn(journals).map((s) => s.lpar);
}

/** The journals of every run the store holds for the stack, oldest first. */
async function journalsOf(store: RunStore): Promise<JournalRecord[][]> {
  const journals: JournalRecord[][] = [];
  for (const run of await store.listRuns()) journals.push(await store.readRecords(run.runId));
  return journals;
}

/** stoppedNonCriticalIn over every run the store holds for the stack. */
export async function stoppedNonCritical(store: RunStore): Promise<string[]> {
  return stoppedNonCriticalIn(await journalsOf(store));
}

/**
 * The non-critical LPARs a drill stopped last and nothing brought back since, over every run of
 * the store: what `vmr drill --cleanup` brings back. One a later failover stopped again is not.
 */
export async function stoppedByDrills(store: RunStore): Promise<StoppedNonCritical[]> {
  return stoppedNonCriticalStepsIn(await journalsOf(store)).filter((s) => s.by === "drill");
}
