// Which non-critical LPARs vmr's runs left stopped, read from journals: the last run to act on
// each decides, and `vmr drill --cleanup` brings back only those a drill stopped last.
import { strict as assert } from "assert";
import type { JournalRecord } from "../../../provider/executor/types";
import type { Plan } from "../../../provider/generated/plan";
import { stoppedNonCriticalStepsIn } from "../../../provider/recovery/stopped-by-vmr";

/** The journal of a run of `kind` whose listed steps completed: [kind, lpar, host, action]. */
function journal(kind: Plan["kind"], steps: readonly (readonly ["StopNonCriticalLpar" | "ResumeNonCriticalLpar", string, string, "stop" | "suspend"])[]): JournalRecord[] {
  const planSteps = steps.map(([k, lpar, host, action]) => ({ id: `${k}:${lpar}`, kind: k, lpar, slaLevel: 1, params: { host, action }, dependsOn: [] }));
  const started = { type: "run-started", plan: { version: 1, kind, steps: planSteps } } as unknown as JournalRecord;
  return [started, ...planSteps.map((s) => ({ type: "step-completed", stepId: s.id }) as unknown as JournalRecord)];
}

describe("non-critical LPARs stopped by vmr's runs", () => {
  it("names who stopped each one last, with its host and action; a later resume clears it", () => {
    const drill = journal("drill", [["StopNonCriticalLpar", "t1", "sys1", "stop"], ["StopNonCriticalLpar", "t2", "sys1", "suspend"], ["StopNonCriticalLpar", "t3", "sys2", "stop"]]);
    // a failover afterwards stops t2 again; a resume-noncritical run brings t3 back
    const failover = journal("failover", [["StopNonCriticalLpar", "t2", "sys1", "suspend"]]);
    const resume = journal("resume", [["ResumeNonCriticalLpar", "t3", "sys2", "stop"]]);
    const stopped = stoppedNonCriticalStepsIn([drill, failover, resume]);
    assert.deepEqual(stopped, [
      { lpar: "t1", host: "sys1", action: "stop", by: "drill" },
      { lpar: "t2", host: "sys1", action: "suspend", by: "failover" },
    ]);
    // THEN what a drill cleanup brings back is t1 alone: t2's room is the failover's now
    assert.deepEqual(stopped.filter((s) => s.by === "drill").map((s) => s.lpar), ["t1"]);
  });

  it("a stop step that did not complete leaves nothing stopped", () => {
    const cut = journal("drill", [["StopNonCriticalLpar", "t1", "sys1", "stop"]]).slice(0, 1);
    assert.deepEqual(stoppedNonCriticalStepsIn([cut]), []);
  });
});
