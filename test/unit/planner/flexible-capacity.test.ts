// Flexible capacity: LPARs start smaller at a short recovery site, higher SLA levels at full size
// first, never below their minimum; and what it would take to place the ones that still wait.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import type { Placement, Plan } from "../../../provider/generated/plan";
import { checkSurvivability, planDrill, planFailover } from "../../../provider/planner";
import { formatPlan, formatSurvivability } from "../../../provider/planner/format";
import { buildWorld, hostId, lparId, type WorldSpec } from "./world";

const byLpar = (plan: Plan): Map<string, Placement> => new Map(plan.placements.map((p) => [p.lpar, p]));
const failSiteA = { failure: { failedSite: "A" } };
const half = { processorPercent: 50, memoryPercent: 50, appliesTo: "both" as const };

/** Site A (one host) fails; site B has one system of `pu` and `mem`. Each VM in its own group. */
function world(pu: number, mem: number, vms: WorldSpec["vms"], flexible?: WorldSpec["flexible"]): WorldSpec {
  return { hosts: [{ site: "A", pu: 64, mem: 1024 }, { site: "B", pu, mem }], vms: vms.map((v, i) => ({ ...v, group: i })), ...(flexible ? { flexible } : {}) };
}

/** Three 4-unit, 64 GiB LPARs at site A, of levels 3, 2 and 1. */
const SITE_A: WorldSpec["vms"] = [
  { host: 0, pu: 4, mem: 64, level: 3 },
  { host: 0, pu: 4, mem: 64, level: 2 },
  { host: 0, pu: 4, mem: 64, level: 1 },
];
/** Two unprotected level-0 VMs at site B: lpar3 (2 units, 32 GiB) and lpar4 (1 unit, 16 GiB). */
const SITE_B_TEST_VMS: WorldSpec["vms"] = [
  { host: 1, pu: 2, mem: 32, level: 0, unprotected: true },
  { host: 1, pu: 1, mem: 16, level: 0, unprotected: true },
];

describe("planner: flexible capacity", () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  it("starts the lowest level at its share when full size has no room, and the higher ones at full size", () => {
    // GIVEN three 4-unit, 64 GiB LPARs of levels 3, 2, 1 and 10 units, 160 GiB at site B; 50% allowed
    const spec = world(10, 160, [
      { host: 0, pu: 4, mem: 64, level: 3 },
      { host: 0, pu: 4, mem: 64, level: 2 },
      { host: 0, pu: 4, mem: 64, level: 1, min: { pu: 0.5, mem: 8 } },
    ], half);
    // WHEN the site fails
    const p = byLpar(planFailover({ ...buildWorld(spec), ...failSiteA }));
    // THEN levels 3 and 2 start at full size; level 1 at 2 units and 32 GiB on sys1
    assert.deepEqual([0, 1, 2].map((i) => p.get(lparId(i))?.target), [hostId(1), hostId(1), hostId(1)]);
    assert.deepEqual([0, 1].map((i) => p.get(lparId(i))?.start?.shrunk), [false, false]);
    const low = p.get(lparId(2))?.start;
    assert.deepEqual([low?.processorUnits, low?.memoryGb, low?.shrunk], [2, 32, true]);
    assert.match(low?.reason ?? "", /50% of 4 processor units \(2\) and 50% of 64 GiB \(32\)/);
  });

  it("never starts an LPAR below its minimum: the minimum bounds the share, and when even it has no room the LPAR waits", () => {
    // GIVEN the same site, the level-1 LPAR's minimum is 3 units and 48 GiB (above 50%)
    const spec = world(10, 160, [
      { host: 0, pu: 4, mem: 64, level: 3 },
      { host: 0, pu: 4, mem: 64, level: 2 },
      { host: 0, pu: 4, mem: 64, level: 1, min: { pu: 3, mem: 48 } },
    ], half);
    const plan = planFailover({ ...buildWorld(spec), ...failSiteA });
    const low = byLpar(plan).get(lparId(2)) as Placement;
    // THEN it waits, measured at its minimum (short of 1 unit and 16 GiB), and says it would start at its minimum
    assert.deepEqual([low.target, low.waiting], [null, true]);
    assert.deepEqual([low.shortfall?.processorUnits, low.shortfall?.memoryGb], [1, 16]);
    assert.match(low.start?.reason ?? "", /its minimum 3 processor units \(50% would be 2\)/);
    // AND what it would take: free 1 unit and 16 GiB on sys1; no share helps (its minimum does not fit)
    assert.deepEqual(low.wouldTake?.freeCapacity, { system: hostId(1), processorUnits: 1, memoryGb: 16 });
    assert.equal(low.wouldTake?.flexibleCapacity, undefined);
  });

  it("without flexible capacity the lowest level waits, its group shows no RTO, and it says what it would take", () => {
    const spec = world(10, 160, [
      { host: 0, pu: 4, mem: 64, level: 3 },
      { host: 0, pu: 4, mem: 64, level: 2 },
      { host: 0, pu: 4, mem: 64, level: 1, min: { pu: 0.5, mem: 8 } },
    ]);
    const plan = planFailover({ ...buildWorld(spec), ...failSiteA });
    const low = byLpar(plan).get(lparId(2)) as Placement;
    assert.deepEqual([low.target, low.waiting, low.start], [null, true, undefined]);
    // THEN free 2 units and 32 GiB on sys1, or allow 50% (2 units and 32 GiB are free there)
    assert.deepEqual(low.wouldTake, {
      summary: 'free 2 processor units and 32 GiB on "sys1", or allow flexible capacity of 50% of its processor units and 50% of its memory (it would start on "sys1")',
      freeCapacity: { system: hostId(1), processorUnits: 2, memoryGb: 32 },
      flexibleCapacity: { system: hostId(1), processorPercent: 50, memoryPercent: 50 },
    });
    const group = plan.groups.find((g) => g.name === "pg2");
    assert.deepEqual([group?.verdict, "estimatedRtoSeconds" in (group ?? {})], ["unplaceable", false]);
    assert.ok(plan.groups.filter((g) => g.name !== "pg2").every((g) => typeof g.estimatedRtoSeconds === "number" && g.estimatedRtoSeconds > 0));
    // AND the text says so: no RTO for the group, and what it would take
    const text = formatPlan(plan);
    assert.match(text, /group pg2 \(SLA 1\): no RTO: not every LPAR is placed -> unplaceable/);
    assert.match(text, /it would take: free 2 processor units and 32 GiB on "sys1", or allow flexible capacity of 50%/);
    assert.doesNotMatch(text, /RTO 0 s/);
  });

  it("vmr check says, per scenario, what it would take to place each LPAR short of capacity", () => {
    const spec = world(10, 160, [
      { host: 0, pu: 4, mem: 64, level: 3 },
      { host: 0, pu: 4, mem: 64, level: 2 },
      { host: 0, pu: 4, mem: 64, level: 1 },
    ]);
    const report = checkSurvivability(buildWorld(spec));
    const siteA = report.scenarios.find((s) => s.scope === "site" && s.name === "A");
    assert.deepEqual(siteA?.unplaced.map((u) => [u.lpar, u.wouldTake?.freeCapacity]), [[lparId(2), { system: hostId(1), processorUnits: 2, memoryGb: 32 }]]);
    assert.equal(siteA?.groups.find((g) => g.name === "pg2")?.estimatedRtoSeconds, undefined);
    const text = formatSurvivability(report);
    assert.match(text, /site A: what it would take to place 1 LPAR short of capacity:\n {4}lpar2: free 2 processor units and 32 GiB on "sys1"/);
  });

  it("names the fewest non-critical VMs to stop on the best system, lowest level first, only those of lower levels", () => {
    // GIVEN site B runs three unprotected VMs: lpar3 (2 units, level 0), lpar4 (1 unit, level 0), lpar5 (4 units, level 1)
    const spec = world(13, 208, [...SITE_A, ...SITE_B_TEST_VMS, { host: 1, pu: 4, mem: 16, level: 0, unprotected: true }]);
    const { model, inventory } = buildWorld(spec);
    const target = { ...model.targets[0], nonCritical: [lparId(5), lparId(4), lparId(3)].map((lpar, i) => ({ lpar, action: i === 0 ? ("stop" as const) : ("suspend" as const), slaLevel: i === 0 ? 1 : 0 })) };
    // WHEN a drill is planned (its copies never stop anything)
    const drill = planDrill({ model: { ...model, targets: [target] }, inventory });
    // THEN lpar2 (level 1) waits, short of 2 units on sys1; suspending lpar3 (level 0, the larger of the level-0 VMs: 2 units) covers it;
    // lpar5 (level 1, not below lpar2's level) is never named
    const low = byLpar(drill).get(lparId(2)) as Placement;
    assert.deepEqual(low.wouldTake?.stopLpars, { system: hostId(1), lpars: [{ lpar: lparId(3), action: "suspend", slaLevel: 0 }] });
    assert.match(low.wouldTake?.summary ?? "", /, or suspend "lpar3" \(non-critical, SLA level 0\) on "sys1"/);
    assert.equal(drill.nonCritical, undefined);
    // AND the drill says it does not stop them, naming who waits for that room
    assert.ok(
      (drill.warnings ?? []).some((w) => w.startsWith("a drill does not stop or suspend non-critical VMs:") && w.includes(JSON.stringify(lparId(2)))),
      JSON.stringify(drill.warnings),
    );
    // WHEN the site fails THEN the failover suspends lpar3, and only it, for the highest level left waiting (lpar1, level 2),
    // placed on sys1 behind it; lpar2 still waits, and lpar4 alone (1 unit) would not cover it: nothing more to stop
    const plan = planFailover({ model: { ...model, targets: [target] }, inventory, ...failSiteA });
    assert.deepEqual([lparId(1), lparId(2)].map((l) => byLpar(plan).get(l)?.target), [hostId(1), null]);
    assert.deepEqual(plan.nonCritical, [{ lpar: lparId(3), system: hostId(1), action: "suspend", slaLevel: 0, processorUnits: 2, memoryGb: 32, for: [lparId(1)], step: `StopNonCriticalLpar:${lparId(3)}` }]);
    assert.ok(plan.steps.find((s) => s.id === `RestartLpar:${lparId(1)}`)?.dependsOn.includes(`StopNonCriticalLpar:${lparId(3)}`));
    assert.equal(byLpar(plan).get(lparId(2))?.wouldTake?.stopLpars, undefined);
    assert.match(formatPlan(plan), /\nnon-critical: suspends lpar3 on sys1 for lpar1(\n|$)/);
  });

  it("a drill told to stop non-critical VMs stops the same ones a failover would, starts its copies after them, and brings them back at cleanup", () => {
    // GIVEN three protected LPARs and room for two; site B runs two level-0 non-critical VMs (2 units, 1 unit)
    const spec = world(13, 208, [...SITE_A, ...SITE_B_TEST_VMS]);
    const { model, inventory } = buildWorld(spec);
    const target = { ...model.targets[0], nonCritical: [lparId(3), lparId(4)].map((lpar) => ({ lpar, action: "suspend" as const, slaLevel: 0 })) };
    const request = { model: { ...model, targets: [target] }, inventory, ...failSiteA };
    // WHEN a drill is planned with drillStopsNonCritical (the drill file's stopNonCritical)
    const drill = planDrill({ ...request, options: { drillStopsNonCritical: true } });
    const failover = planFailover(request);
    // THEN it places what the failover places, suspending lpar3 (2 units) for lpar2 as the failover does, and no longer warns
    assert.deepEqual(drill.placements.map((p) => [p.lpar, p.target]), failover.placements.map((p) => [p.lpar, p.target]));
    assert.deepEqual(drill.nonCritical, [
      { lpar: lparId(3), system: hostId(1), action: "suspend", slaLevel: 0, processorUnits: 2, memoryGb: 32, for: [lparId(2)], step: `StopNonCriticalLpar:${lparId(3)}` },
      { lpar: lparId(3), system: hostId(1), action: "suspend", slaLevel: 0, resume: true, step: `ResumeNonCriticalLpar:${lparId(3)}` },
    ]);
    assert.ok(!(drill.warnings ?? []).some((w) => w.startsWith("a drill does not stop")), JSON.stringify(drill.warnings));
    // AND every copy on sys1 starts after the suspend; the resume is a best-effort cleanup step after every copy there is deleted
    const step = (id: string) => drill.steps.find((s) => s.id === id)!;
    const onSys1 = drill.placements.filter((p) => p.target === hostId(1)).map((p) => p.lpar);
    assert.ok(onSys1.includes(lparId(2)));
    for (const lpar of onSys1) assert.ok(step(`StartDrillLpar:${lpar}`).dependsOn.includes(`StopNonCriticalLpar:${lparId(3)}`), lpar);
    const resume = step(`ResumeNonCriticalLpar:${lparId(3)}`);
    assert.deepEqual([resume.phase, resume.bestEffort, resume.params], ["cleanup", true, { host: hostId(1), action: "suspend" }]);
    for (const lpar of onSys1) assert.ok(resume.dependsOn.includes(`DeleteDrillLpar:${lpar}`), lpar);
    // AND without the option the drill stops nothing and lpar2 waits
    const plain = planDrill(request);
    assert.deepEqual([plain.nonCritical, byLpar(plain).get(lparId(2))?.target], [undefined, null]);
    assert.ok(plain.steps.every((s) => s.kind !== "StopNonCriticalLpar" && s.kind !== "ResumeNonCriticalLpar"));
    assert.ok((plain.warnings ?? []).some((w) => w.includes("stopNonCritical: true")), JSON.stringify(plain.warnings));
  });

  it("the share applies to the plan kinds it names: a drill-only share leaves a failover at full size", () => {
    const vms: WorldSpec["vms"] = [
      { host: 0, pu: 4, mem: 64, level: 2 },
      { host: 0, pu: 4, mem: 64, level: 1, min: { pu: 0.5, mem: 8 } },
    ];
    const drillOnly = world(6, 96, vms, { ...half, appliesTo: "drill" });
    const failover = byLpar(planFailover({ ...buildWorld(drillOnly), ...failSiteA }));
    assert.deepEqual([failover.get(lparId(1))?.target, failover.get(lparId(1))?.start], [null, undefined]);
    const drill = byLpar(planDrill({ ...buildWorld(drillOnly) }));
    assert.deepEqual([drill.get(lparId(1))?.target, drill.get(lparId(1))?.start?.shrunk], [hostId(1), true]);
  });

  it("inside a level as many come up as can: flexible LPARs start small first, then grow back to full size in order where room is left", () => {
    // GIVEN level 2: two 4-unit LPARs (shrinkable to 2) and a 1-unit one that cannot shrink
    const vms: WorldSpec["vms"] = [
      { host: 0, pu: 4, mem: 8, level: 2, min: { pu: 1, mem: 4 } },
      { host: 0, pu: 4, mem: 8, level: 2, min: { pu: 1, mem: 4 } },
      { host: 0, pu: 1, mem: 8, level: 2 },
    ];
    const shrunkOf = (pu: number): (boolean | string | null | undefined)[] => {
      const p = byLpar(planFailover({ ...buildWorld(world(pu, 1024, vms, half)), ...failSiteA }));
      return [0, 1, 2].flatMap((i) => [p.get(lparId(i))?.target, p.get(lparId(i))?.start?.shrunk]);
    };
    // THEN with 6 units all three come up, the two large ones at 2 units (full size first would have left one waiting)
    assert.deepEqual(shrunkOf(6), [hostId(1), true, hostId(1), true, hostId(1), false]);
    // AND with 7 units the first grows back to full size (4 + 2 + 1), the second stays small
    assert.deepEqual(shrunkOf(7), [hostId(1), false, hostId(1), true, hostId(1), false]);
    // AND with 9 units both grow back
    assert.deepEqual(shrunkOf(9), [hostId(1), false, hostId(1), false, hostId(1), false]);
  });

  it("rounds a share up to what the HMC assigns: hundredths of a unit, 256 MB of memory", () => {
    const spec = world(64, 1024, [{ host: 0, pu: 0.33, mem: 10, level: 1, min: { pu: 0.05, mem: 1 } }], { processorPercent: 50, memoryPercent: 33, appliesTo: "failover" });
    // A site with room: full size, with the reason
    const full = byLpar(planFailover({ ...buildWorld(spec), ...failSiteA })).get(lparId(0))?.start;
    assert.deepEqual([full?.shrunk, full?.reason], [false, "full size: its target had room for it"]);
    const tight = world(0.2, 4, spec.vms, spec.flexible);
    const start = byLpar(planFailover({ ...buildWorld(tight), ...failSiteA })).get(lparId(0))?.start;
    // 0.165 -> 0.17 units; 3.3 GiB -> 3.5 GiB
    assert.deepEqual([start?.processorUnits, start?.memoryGb, start?.shrunk], [0.17, 3.5, true]);
  });
});
