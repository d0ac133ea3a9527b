// Which non-critical LPARs vmr itself stopped or suspended and has not brought back: read from
// the journals of the stack's runs in the run store, oldest first. A StopNonCriticalLpar step
// that completed adds its LPAR; a ResumeNonCriticalLpar step that completed takes it away. A
// failback and `vmr resume-noncritical` bring back only these (PlanOptions.stoppedNonCritical),
// so a test VM that someone stopped by hand is not started behind their back.

import type { JournalRecord } from "../executor/types";
import type { RunStore } from "../run-store/types";

const STOP = "StopNonCriticalLpar";
const RESUME = "ResumeNonCriticalLpar";

/** The LPARs left stopped by the records of runs, in the order they ran. */
export function stoppedNonCriticalIn(journals: readonly (readonly JournalRecord[])[]): string[] {
  const stopped = new Set<string>();
  for (const records of journals) {
    // Step ids are the plan's; the plan is in the run's first record.
    const started = records[0];
    if (started?.type !== "run-started") continue;
    const kindOf = new Map<string, { kind: string; lpar: string }>();
    for (const s of started.plan.steps) if ((s.kind === STOP || s.kind === RESUME) && s.lpar !== undefined) kindOf.set(s.id, { kind: s.kind, lpar: s.lpar });
    if (kindOf.size === 0) continue;
    for (const r of records) {
      if (r.type !== "step-completed") continue;
      const step = kindOf.get(r.stepId);
      if (step === undefined) continue;
      if (step.kind === STOP) stopped.add(step.lpar);
      else stopped.delete(step.lpar);
    }
  }
  return [...stopped].sort();
}

/** stoppedNonCriticalIn over every run the store holds for the stack. */
export async function stoppedNonCritical(store: RunStore): Promise<string[]> {
  const journals: JournalRecord[][] = [];
  for (const run of await store.listRuns()) journals.push(await store.readRecords(run.runId));
  return stoppedNonCriticalIn(journals);
}
