// The planner's median list schedule (planner/estimate.ts) and the executor's Scheduler start
// ready steps in one order (dispatch-order.ts): the estimate schedules what the executor does.

import { strict as assert } from "assert";
import { buildGraph } from "../../../provider/executor/graph";
import { Scheduler } from "../../../provider/executor/scheduler";
import type { Plan, Step } from "../../../provider/generated/plan";
import { listSchedule } from "../../../provider/planner/estimate";
import { seededRandom } from "../../../provider/random";
import { plan, step } from "../executor/plans";

/** The executor's start order: ends running steps in the order they started. */
function executorStarts(p: Plan): string[] {
  const graph = buildGraph(p);
  const s = new Scheduler(graph, { mode: "parallel", sla: "pipelined", limits: p.resources, isStorageStep: () => false });
  const started: string[] = [];
  const running: number[] = [];
  for (;;) {
    const next = s.next();
    for (const i of next) started.push(p.steps[i].id);
    running.push(...next);
    if (running.length === 0) break;
    s.complete(running.shift()!);
  }
  return started;
}

/** The planner's start order of the steps that pass `which`, from its schedule's finish times. */
function plannerStarts(p: Plan, which: (s: Step) => boolean): string[] {
  const { finish } = listSchedule(p);
  return p.steps
    .filter(which)
    .map((s) => ({ id: s.id, start: finish.get(s.id)! - s.estimateSeconds }))
    .sort((a, b) => a.start - b.start)
    .map((s) => s.id);
}

/**
 * 40 steps ready at once on one one-slot resource `r`, each heading a tail of its own length:
 * levels 1 to 3, six LPARs and steps of none, critical paths within and across the 15 s resolution.
 */
function contended(): Plan {
  const random = seededRandom(13);
  const steps: Step[] = [];
  for (let k = 0; k < 40; k++) {
    const lpar = k % 7 === 6 ? undefined : `lpar-${k % 6}`;
    const fields = { slaLevel: 1 + Math.floor(random() * 3), ...(lpar ? { lpar } : {}) };
    steps.push(step(`head-${k}`, { ...fields, resources: ["r"] }));
    steps.push(step(`tail-${k}`, { ...fields, dependsOn: [`head-${k}`], estimateSeconds: Math.round(random() * 60) }));
  }
  return plan(steps, { resources: { r: 1 } });
}

describe("planner estimate and executor dispatch order", () => {
  it("start the same ready steps in the same order", () => {
    // GIVEN 40 steps contending for a one-slot resource, all ready at the start
    const p = contended();
    const isHead = (s: Step) => s.resources.includes("r");
    // WHEN the executor's Scheduler and the planner's list schedule run it
    const executor = executorStarts(p).filter((id) => id.startsWith("head"));
    const planner = plannerStarts(p, isHead);
    // THEN they start the heads in one order
    assert.equal(executor.length, 40);
    assert.deepEqual(planner, executor);
    // AND that order is neither plan order nor the exact critical path (the planner's old rule),
    // so the test tells the shared rule from either
    const heads = p.steps.filter(isHead);
    assert.notDeepEqual(executor, heads.map((s) => s.id));
    const path = (s: Step) => s.estimateSeconds + p.steps.find((t) => t.dependsOn.includes(s.id))!.estimateSeconds;
    const exact = [...heads].sort((a, b) => b.slaLevel - a.slaLevel || path(b) - path(a) || p.steps.indexOf(a) - p.steps.indexOf(b)).map((s) => s.id);
    assert.notDeepEqual(executor, exact);
  });

});
