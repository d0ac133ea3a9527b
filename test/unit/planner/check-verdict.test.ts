// The N-1 check's verdicts without a full plan per scenario (verdict.ts) are the full plans'
// verdicts, on random datacenters short of room and of time; and the upper bound that settles
// most scenarios is never below the list schedule it stands for (upper-bound.ts).
import { strict as assert } from "assert";
import * as fc from "fast-check";
import type { Step } from "../../../provider/generated/plan";
import { checkSurvivability, type ScenarioResult } from "../../../provider/planner";
import { boundedSchedule } from "../../../provider/planner/estimate";
import { generateDatacenter } from "../../fixtures/datacenter";

const EPS = 1e-6;

interface Shape {
  readonly hosts: number;
  readonly vms: number;
  readonly volumesPerVm: number;
  readonly vmsPerGroup: number;
  readonly seed: number;
  /** Per group (cycled): its budget in seconds, or none. */
  readonly budgets: readonly (number | null)[];
  /** Per system (cycled): the share of its processor units and memory left. */
  readonly room: readonly number[];
  readonly slaMode: "strict" | "pipelined";
}

const shapes: fc.Arbitrary<Shape> = fc.record({
  hosts: fc.integer({ min: 2, max: 24 }),
  vms: fc.integer({ min: 4, max: 160 }),
  volumesPerVm: fc.integer({ min: 1, max: 3 }),
  vmsPerGroup: fc.integer({ min: 2, max: 20 }),
  seed: fc.integer({ min: 1, max: 1000 }),
  budgets: fc.array(fc.option(fc.integer({ min: 150, max: 2500 }), { nil: null }), { minLength: 1, maxLength: 6 }),
  room: fc.array(fc.constantFrom(1, 1, 1, 0.5, 0.2, 0.05), { minLength: 1, maxLength: 7 }),
  slaMode: fc.constantFrom("strict" as const, "pipelined" as const),
});

function datacenterOf(shape: Shape): ReturnType<typeof generateDatacenter> {
  const dc = generateDatacenter(shape);
  const groups = dc.model.groups.map((g, i) => {
    const budget = shape.budgets[i % shape.budgets.length];
    const copy = { ...g, rtoBudgetSeconds: budget ?? undefined };
    if (budget === null) delete copy.rtoBudgetSeconds;
    return copy;
  });
  const managedSystems = dc.inventory.compute.managedSystems.map((s, i) => {
    const share = shape.room[i % shape.room.length];
    return { ...s, processorUnits: s.processorUnits * share, memoryGb: s.memoryGb * share };
  });
  return { model: { ...dc.model, groups }, inventory: { ...dc.inventory, compute: { ...dc.inventory.compute, managedSystems } } };
}

const key = (s: ScenarioResult): string => `${s.scope} ${s.name}`;

describe("N-1 check without a full plan per scenario", () => {
  it("gives the full plans' verdicts, scenario by scenario and group by group, on random datacenters", () => {
    const seen = { placement: 0, "upper bound": 0, schedule: 0, survivable: 0, notSurvivable: 0, over: 0 };
    fc.assert(
      fc.property(shapes, (shape) => {
        // GIVEN a random datacenter, some systems short of room, random budgets
        const dc = datacenterOf(shape);
        const options = { slaMode: shape.slaMode };
        // WHEN checked both ways
        const fast = checkSurvivability({ ...dc, options });
        const full = checkSurvivability({ ...dc, options, method: "full-plan" });
        // THEN the same scenarios with the same verdicts
        assert.deepEqual(fast.scenarios.map(key), full.scenarios.map(key));
        assert.equal(fast.survivable, full.survivable);
        assert.deepEqual(fast.serverFailures, full.serverFailures);
        assert.deepEqual(fast.siteLosses, full.siteLosses);
        fast.scenarios.forEach((f, i) => {
          const p = full.scenarios[i];
          const where = `${key(f)} of ${JSON.stringify(shape)}`;
          assert.equal(f.survivable, p.survivable, where);
          assert.equal(f.affectedLpars, p.affectedLpars, where);
          assert.deepEqual(f.unplaced, p.unplaced, where);
          assert.deepEqual(f.groups.map((g) => g.name), p.groups.map((g) => g.name), where);
          seen[f.decidedBy]++;
          seen[f.survivable ? "survivable" : "notSurvivable"]++;
          f.groups.forEach((g, k) => {
            const planned = p.groups[k];
            if (planned.verdict === "over") seen.over++;
            if (g.verdict === "unchecked") {
              // Only a scenario already lost at placement leaves a group unscheduled.
              assert.equal(f.decidedBy, "placement", where);
              return;
            }
            assert.equal(g.verdict, planned.verdict, `${where}, group ${g.name}`);
            if (f.decidedBy === "schedule") assert.equal(g.estimatedRtoSeconds, planned.estimatedRtoSeconds, where);
            if (g.rtoAtMostSeconds !== undefined) assert.ok(g.rtoAtMostSeconds + EPS >= (planned.estimatedRtoSeconds as number), `${where}: upper bound below the schedule`);
          });
          if (f.decidedBy === "schedule") assert.equal(f.makespanSeconds, p.makespanSeconds, where);
          if (f.makespanAtMostSeconds !== undefined) assert.ok(f.makespanAtMostSeconds + EPS >= (p.makespanSeconds as number), where);
        });
      }),
      { numRuns: 60, seed: 17 },
    );
    // AND the cases were not vacuous: every way of settling a verdict, both verdicts and groups over budget were met
    for (const [what, count] of Object.entries(seen)) assert.ok(count > 0, `no scenario with ${what}: ${JSON.stringify(seen)}`);
  });

  it("never bounds a step's end below the list schedule's, on random step graphs with barriers and best-effort steps", () => {
    const graphs = fc
      .record({
        n: fc.integer({ min: 1, max: 40 }),
        resources: fc.integer({ min: 1, max: 4 }),
        seed: fc.array(fc.nat(1_000_000), { minLength: 200, maxLength: 200 }),
        strictSla: fc.boolean(),
      })
      .map(({ n, resources, seed, strictSla }) => {
        let k = 0;
        const next = (m: number): number => seed[k++ % seed.length] % m;
        const steps: Step[] = [];
        for (let i = 0; i < n; i++) {
          const dependsOn = i === 0 ? [] : [...new Set([0, 1].filter(() => next(2) === 0).map(() => `s${next(i)}`))];
          // A step is never of a higher level than a step it depends on (the plans' invariant).
          const parentLevel = Math.min(3, ...dependsOn.map((d) => steps[Number(d.slice(1))].slaLevel));
          const held = [...new Set([0, 1].filter(() => next(3) > 0).map(() => `hmc:r${next(resources)}`))].sort();
          steps.push({
            id: `s${i}`,
            kind: "RestartLpar",
            slaLevel: 1 + next(parentLevel),
            params: {},
            resources: held,
            dependsOn,
            estimateSeconds: next(5) === 0 ? 0 : 1 + next(50),
            ...(next(6) === 0 ? { bestEffort: true } : {}),
          } as Step);
        }
        const limits: Record<string, number> = {};
        for (let r = 0; r < resources; r++) limits[`hmc:r${r}`] = 1 + next(3);
        return { plan: { steps, resources: limits }, strictSla };
      });
    fc.assert(
      fc.property(graphs, ({ plan, strictSla }) => {
        // WHEN both are taken from one compiled plan
        const { atMost, schedule } = boundedSchedule(plan, { strictSla }, undefined, () => false);
        // THEN every step ends by its bound
        const finish = schedule?.finish as Float64Array;
        for (let i = 0; i < plan.steps.length; i++) assert.ok(atMost[i] + EPS >= finish[i], `${plan.steps[i].id}: bound ${atMost[i]} < end ${finish[i]}`);
      }),
      { numRuns: 500, seed: 17 },
    );
  });
});
