// Non-critical VMs at a short recovery site, run by the executor on the simulator: the plan stops
// or suspends the fewest of them, each is down before any LPAR counting on its room starts, the
// simulator never overcommits a system, a crash in the middle of the stops resumes without
// repeating one, and the failback brings them back.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import type { Simulator } from "../../../provider/adapters/simulator";
import { simFailSite } from "../../../provider/adapters/simulator/control";
import { continueRun, runPlan } from "../../../provider/executor/run";
import { failureOf } from "../../../provider/executor/outcome";
import { MemoryJournal } from "../../../provider/executor/journal/file-journal";
import { replayJournal } from "../../../provider/executor/journal/read-journal";
import type { JournalRecord, JournalSink } from "../../../provider/executor/types";
import type { Plan } from "../../../provider/generated/plan";
import type { ProtectionModel } from "../../../provider/model/protection";
import { planFailback, planFailover, planPlanned, planResumeNonCritical } from "../../../provider/planner";
import { buildProgram } from "../../../provider/cli/main";
import { buildReport } from "../../../provider/report/build";
import { runRecordFromJournal } from "../../../provider/report/journal";
import { renderMarkdown } from "../../../provider/report/markdown";
import { renderHtml } from "../../../provider/report/html";
import { validate } from "../../../provider/validation";
import { inventoryOf, simWorld } from "../../fixtures/sim-world";
import { shortSite } from "../../fixtures/short-site";
import { stoppedNonCriticalIn } from "../../../provider/recovery/stopped-by-vmr";

interface JobSeen {
  readonly op: string;
  readonly lpar: string;
  readonly acceptedAt: number;
  readonly endAt: number;
}

describe("planner -> executor -> simulator: non-critical VMs at the recovery site", () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  /** Every job the simulator accepts from now on on an LPAR, with its times. */
  function recordJobs(sim: Simulator): JobSeen[] {
    const jobs: JobSeen[] = [];
    const update = sim.store.update.bind(sim.store);
    sandbox.stub(sim.store, "update").callsFake((decide) =>
      update((state, now) => {
        const decision = decide(state, now);
        for (const e of decision.entries ?? []) {
          if (e.k === "job" && e.job.objectKey.startsWith("lpar:")) jobs.push({ op: e.job.op, lpar: e.job.objectKey.slice(5), acceptedAt: e.job.acceptedAt, endAt: e.job.endAt });
        }
        return decision;
      }),
    );
    return jobs;
  }

  /** Site B keeps 35% of its free capacity; its own (unprotected) LPARs are non-critical, alternately stopped and suspended. */
  async function world(action?: "stop" | "suspend") {
    const w = simWorld(shortSite(0.35));
    const siteB = (await inventoryOf(w.sim)).compute.lpars.filter((l) => l.host.startsWith("sys-b-"));
    const nonCritical = siteB.map((l, i) => ({ lpar: l.id, action: action ?? (i % 2 === 0 ? ("stop" as const) : ("suspend" as const)), slaLevel: 0 }));
    const model: ProtectionModel = { ...w.model, targets: w.model.targets.map((t) => ({ ...t, nonCritical })) };
    return { ...w, model, siteB: siteB.map((l) => l.id) };
  }

  /** Verdicts on the simulator after a run of `plan`: every placed LPAR runs at its target, each freed one is down, no system over its size. */
  async function assertFreedAndPlaced(sim: Simulator, plan: Plan, jobs: readonly JobSeen[]): Promise<void> {
    const after = await inventoryOf(sim);
    const byId = new Map(after.compute.lpars.map((l) => [l.id, l]));
    for (const p of plan.placements.filter((x) => x.target !== null)) assert.deepEqual([byId.get(p.lpar)?.host, byId.get(p.lpar)?.state], [p.target, "Running"], p.lpar);
    for (const f of plan.nonCritical ?? []) {
      const l = byId.get(f.lpar);
      assert.deepEqual([l?.host, l?.state], [f.system, f.action === "suspend" ? "Suspended" : "Not Activated"], `${f.lpar} ${f.action}`);
      // Each LPAR counting on its room started (its restart or power-on job accepted) once it was down.
      const down = jobs.find((j) => j.lpar === f.lpar && j.op === (f.action === "suspend" ? "suspendLpar" : "powerOff")) as JobSeen;
      assert.ok(down !== undefined, `no ${f.action} job for ${f.lpar}`);
      for (const lpar of f.for ?? []) {
        const start = jobs.find((j) => j.lpar === lpar && (j.op === "remoteRestart" || j.op === "powerOn")) as JobSeen;
        assert.ok(start !== undefined && start.acceptedAt >= down.endAt, `${lpar} started at ${start?.acceptedAt}, before ${f.lpar} was down at ${down.endAt}`);
      }
    }
    for (const s of after.compute.managedSystems.filter((m) => m.site === "site-b")) {
      const held = after.compute.lpars.filter((l) => l.host === s.id && (l.state === "Running" || l.state === "Starting"));
      const pu = held.reduce((sum, l) => sum + (l.allocated?.processorUnits ?? l.processorUnits), 0);
      const mem = held.reduce((sum, l) => sum + (l.allocated?.memoryGb ?? l.memoryGb), 0);
      assert.ok(pu <= s.processorUnits + 1e-9 && mem <= s.memoryGb + 1e-9, `${s.id}: ${pu}/${s.processorUnits} units, ${mem}/${s.memoryGb} GiB`);
    }
  }

  it("stops and suspends the fewest non-critical VMs, each down before the VMs given its room start, and places more than without them", async () => {
    // GIVEN site A is lost and site B is short
    const { sim, clock, model, siteB } = await world();
    await simFailSite("site-a", { store: sim.store });
    const inventory = await inventoryOf(sim);
    const plan = planFailover({ model, inventory, failure: { failedSite: "site-a" } });
    const without = planFailover({ model: { ...model, targets: model.targets.map((t) => ({ ...t, nonCritical: [] })) }, inventory, failure: { failedSite: "site-a" } });
    const placed = (p: Plan): number => p.placements.filter((x) => x.target !== null).length;
    // THEN the plan frees some (not all) of site B's VMs, both ways, and places more
    const freed = plan.nonCritical ?? [];
    assert.ok(freed.length > 0 && freed.length < siteB.length, `${freed.length} of ${siteB.length} freed`);
    assert.ok(placed(plan) > placed(without), `${placed(plan)} placed with, ${placed(without)} without`);
    assert.ok(freed.every((f) => (f.for ?? []).length > 0), "each freed VM makes room for someone");
    for (const f of freed) {
      const stop = plan.steps.find((s) => s.id === f.step);
      assert.deepEqual([stop?.kind, stop?.params?.host, stop?.params?.action], ["StopNonCriticalLpar", f.system, f.action]);
      for (const lpar of f.for ?? []) assert.ok(plan.steps.find((s) => s.kind === "RestartLpar" && s.lpar === lpar)?.dependsOn.includes(f.step), `${lpar}'s restart waits for ${f.step}`);
    }
    // WHEN the executor runs it
    const jobs = recordJobs(sim);
    const journal = new MemoryJournal();
    const result = await runPlan(plan, sim, { clock, journal });
    const notUp = result.vms.filter((v) => v.target !== null && v.status !== "recovered");
    assert.deepEqual(notUp, [], JSON.stringify(failureOf(result)?.message));
    // THEN on the simulator: placed LPARs run, freed ones are down and were down first, no system overcommitted
    await assertFreedAndPlaced(sim, plan, jobs);
    // AND the VMs not freed still run
    const after = await inventoryOf(sim);
    for (const id of siteB.filter((l) => !freed.some((f) => f.lpar === l))) assert.equal(after.compute.lpars.find((l) => l.id === id)?.state, "Running", id);
    // AND the run's report (JSON, Markdown, HTML) names each freed VM, what was done to it, for whom, and that it succeeded
    const report = buildReport(runRecordFromJournal(journal.records));
    assert.deepEqual(validate("report", report), []);
    assert.deepEqual(
      report.nonCritical?.map((n) => [n.lpar, n.action, n.status, n.for]),
      freed.map((f) => [f.lpar, f.action, "succeeded", f.for]),
    );
    const md = renderMarkdown(report);
    const html = renderHtml(report);
    for (const f of freed) {
      const done = f.action === "suspend" ? "suspended" : "stopped";
      assert.match(md, new RegExp(`\\| ${f.lpar} \\| ${f.system} \\| ${done} \\| ${(f.for ?? []).join(", ")} \\| succeeded \\|`));
      assert.ok(html.includes(`<td>${f.lpar}</td><td>${f.system}</td><td>${done}</td>`), `${f.lpar} in the HTML report`);
    }
  });

  it("resumes a run cut in the middle of its stops without stopping any VM twice, and ends as an uncut run would", async () => {
    // GIVEN a failover whose process dies once the first non-critical VM is down
    const { sim, clock, model } = await world();
    await simFailSite("site-a", { store: sim.store });
    const plan = planFailover({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
    assert.ok((plan.nonCritical ?? []).length >= 2, "needs two stops to cut between them");
    const kept: JournalRecord[] = [];
    let stopsDone = 0;
    const dying: JournalSink = {
      async append(record) {
        if (stopsDone >= 1) throw new Error("process killed");
        kept.push(JSON.parse(JSON.stringify(record)));
        if (record.type === "step-completed" && String((record as { stepId: string }).stepId).startsWith("StopNonCriticalLpar:")) stopsDone++;
      },
      async close() {},
    };
    const jobs = recordJobs(sim);
    await assert.rejects(runPlan(plan, sim, { clock, journal: dying }), /process killed/);
    const before = replayJournal(kept);
    const stopped = [...before.steps].filter(([id, s]) => id.startsWith("StopNonCriticalLpar:") && s.status === "done").map(([id]) => id);
    assert.equal(stopped.length, 1);
    // WHEN it continues from its journal
    const journal = new MemoryJournal();
    const result = await continueRun(before, sim, { clock, journal });
    // THEN the completed stop never ran again, each freed VM got one stop job, and the verdicts hold
    const rerun = journal.records.filter((r) => r.type === "step-started").map((r) => (r as { stepId: string }).stepId);
    assert.ok(!rerun.includes(stopped[0]), `${stopped[0]} ran again`);
    for (const f of plan.nonCritical ?? []) {
      assert.equal(jobs.filter((j) => j.lpar === f.lpar && (j.op === "powerOff" || j.op === "suspendLpar")).length, 1, `${f.lpar}: one ${f.action} job`);
    }
    assert.deepEqual(result.vms.filter((v) => v.target !== null && v.status !== "recovered"), [], JSON.stringify(failureOf(result)?.message));
    await assertFreedAndPlaced(sim, plan, jobs);
  });

  for (const action of ["stop", "suspend"] as const) it(`a planned move frees them the same way, and the failback brings each back (${action === "stop" ? "powered on" : "resumed"}) once the recovered VMs left`, async () => {
    // GIVEN site A moved to the short site B, freeing non-critical VMs (every one of them to `action`)
    const { sim, clock, model } = await world(action);
    const moved = planPlanned({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
    const freed = moved.nonCritical ?? [];
    assert.ok(freed.length > 0 && freed.every((f) => f.action === action), JSON.stringify(freed.map((f) => f.action)));
    const jobs = recordJobs(sim);
    const first = await runPlan(moved, sim, { clock });
    assert.deepEqual(first.vms.filter((v) => v.target !== null && v.status !== "recovered"), [], JSON.stringify(failureOf(first)?.message));
    await assertFreedAndPlaced(sim, moved, jobs);
    // WHEN everything fails back
    const back = planFailback({ model, inventory: await inventoryOf(sim) });
    const resumes = back.nonCritical ?? [];
    assert.deepEqual(resumes.map((r) => [r.lpar, r.action, r.resume]).sort(), freed.map((f) => [f.lpar, f.action, true]).sort());
    const second = await runPlan(back, sim, { clock });
    assert.equal(second.status, "succeeded", JSON.stringify(failureOf(second)?.message));
    // THEN each freed VM runs again where it was, after the VMs leaving its system were shut down
    const after = await inventoryOf(sim);
    for (const f of freed) {
      assert.deepEqual([after.compute.lpars.find((l) => l.id === f.lpar)?.host, after.compute.lpars.find((l) => l.id === f.lpar)?.state], [f.system, "Running"], f.lpar);
      const up = jobs.find((j) => j.lpar === f.lpar && j.op === (f.action === "suspend" ? "resumeLpar" : "powerOn")) as JobSeen;
      const leaving = back.placements.filter((p) => p.source === f.system).map((p) => jobs.find((j) => j.lpar === p.lpar && j.op === "powerOff") as JobSeen);
      assert.ok(up !== undefined, `${f.lpar} was not brought back`);
      for (const off of leaving.filter((j) => j !== undefined && j.lpar !== f.lpar)) assert.ok(up.acceptedAt >= off.endAt, `${f.lpar} came back before ${off.lpar} left`);
    }
  });

  it("the failback brings back only the VMs vmr's journals say it stopped: one stopped by hand stays off, and the plan says why", async () => {
    // GIVEN a planned move that freed non-critical VMs, journaled
    const { sim, clock, model, siteB } = await world();
    const moved = planPlanned({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
    const freed = (moved.nonCritical ?? []).map((f) => f.lpar).sort();
    const journal = new MemoryJournal();
    const first = await runPlan(moved, sim, { clock, journal });
    assert.deepEqual(first.vms.filter((v) => v.target !== null && v.status !== "recovered"), [], JSON.stringify(failureOf(first)?.message));
    // AND a declared non-critical VM that the move left running, then stopped by someone by hand
    const handStopped = siteB.filter((l) => !freed.includes(l)).find((l) => model.targets[0].nonCritical?.find((n) => n.lpar === l)?.action === "stop") as string;
    assert.ok(handStopped !== undefined, "needs a declared stop-type VM the move did not free");
    const at = (await inventoryOf(sim)).compute.lpars.find((l) => l.id === handStopped)!;
    await sim.compute.powerOff(handStopped, false, at.host);
    // WHEN the journals are read for what vmr stopped, and the failback is planned from them
    const stoppedByVmr = stoppedNonCriticalIn([journal.records]);
    assert.deepEqual(stoppedByVmr, freed);
    const unaware = planFailback({ model, inventory: await inventoryOf(sim) });
    const back = planFailback({ model, inventory: await inventoryOf(sim), options: { stoppedNonCritical: stoppedByVmr } });
    // THEN without the journals the hand-stopped VM would be started; with them only the freed ones are, and the plan names it
    assert.ok((unaware.nonCritical ?? []).some((r) => r.lpar === handStopped));
    assert.deepEqual((back.nonCritical ?? []).map((r) => r.lpar).sort(), freed);
    assert.ok((back.warnings ?? []).some((w) => w.includes(JSON.stringify(handStopped)) && w.includes("no run of vmr")), JSON.stringify(back.warnings));
    const backJournal = new MemoryJournal();
    const second = await runPlan(back, sim, { clock, journal: backJournal });
    assert.equal(second.status, "succeeded", JSON.stringify(failureOf(second)?.message));
    // AND on the simulator: the freed VMs run again, the hand-stopped one is still off
    const after = new Map((await inventoryOf(sim)).compute.lpars.map((l) => [l.id, l.state]));
    for (const lpar of freed) assert.ok(after.get(lpar) === "Running" || after.get(lpar) === "Starting", `${lpar}: ${after.get(lpar)}`);
    assert.equal(after.get(handStopped), "Not Activated");
    // AND after the failback's journal, nothing is left recorded as stopped by vmr
    assert.deepEqual(stoppedNonCriticalIn([journal.records, backJournal.records]), []);
  });

  it("vmr resume-noncritical's plan brings back each freed VM where it was once its room is free again, and the VMs not freed are left alone", async () => {
    // GIVEN a failover that freed non-critical VMs, then the recovered VMs on their systems stopped (their room is free)
    const { sim, clock, model, siteB } = await world();
    await simFailSite("site-a", { store: sim.store });
    const plan = planFailover({ model, inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } });
    assert.equal((await runPlan(plan, sim, { clock })).vms.filter((v) => v.target !== null && v.status !== "recovered").length, 0);
    const freed = plan.nonCritical ?? [];
    for (const p of plan.placements.filter((x) => x.target !== null && freed.some((f) => f.system === x.target))) await sim.compute.powerOff(p.lpar, false, p.target as string);
    // WHEN the resume plan is made and run
    const resume = planResumeNonCritical({ model, inventory: await inventoryOf(sim) });
    assert.equal(resume.kind, "resume");
    assert.deepEqual(resume.steps.map((s) => [s.kind, s.lpar, s.params?.action]).sort(), freed.map((f) => ["ResumeNonCriticalLpar", f.lpar, f.action]).sort());
    const jobs = recordJobs(sim);
    assert.equal((await runPlan(resume, sim, { clock })).status, "succeeded");
    // THEN each freed VM runs again on its system (resumed or powered on, as it was freed), and nothing else was touched
    const after = await inventoryOf(sim);
    // (a powered-on VM is activated and boots on: Starting, or Running once its boot ended before the run did; a resumed one runs at once)
    for (const f of freed) {
      const l = after.compute.lpars.find((x) => x.id === f.lpar);
      assert.equal(l?.host, f.system, f.lpar);
      assert.ok(f.action === "suspend" ? l?.state === "Running" : l?.state === "Starting" || l?.state === "Running", `${f.lpar} ${f.action}: ${l?.state}`);
    }
    assert.deepEqual(jobs.map((j) => [j.op, j.lpar]).sort(), freed.map((f) => [f.action === "suspend" ? "resumeLpar" : "powerOn", f.lpar]).sort());
    assert.ok(siteB.filter((l) => !freed.some((f) => f.lpar === l)).every((l) => after.compute.lpars.find((x) => x.id === l)?.state === "Running"));
    // AND the CLI offers it
    assert.ok(buildProgram().commands.some((c) => c.name() === "resume-noncritical"));
  });
});
