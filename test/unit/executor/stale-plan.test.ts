// Two runs of one failure, planned from the same live state: the later one executed first. The
// earlier plan is stale when it runs; its destructive steps (fence, shutdown) check where each
// LPAR is when they act, fail safe, and leave every VM running where the other run put it.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import type { VirtualClock } from "../../../provider/clock";
import type { Simulator } from "../../../provider/adapters/simulator";
import { simFailHost } from "../../../provider/adapters/simulator/control";
import { failureOf } from "../../../provider/executor/outcome";
import { replayJournal } from "../../../provider/executor/journal/read-journal";
import { continueRun, runPlan } from "../../../provider/executor/run";
import type { JournalRecord, JournalSink } from "../../../provider/executor/types";
import type { Plan } from "../../../provider/generated/plan";
import { planFailover, planPlanned } from "../../../provider/planner";
import { inventoryOf, simWorld } from "../../fixtures/sim-world";

const world = simWorld;

/** What the verdict is taken on: each LPAR's system and state, and every host mapping, read from the simulator. */
async function snapshot(sim: Simulator): Promise<{ lpars: string[]; mappings: string[] }> {
  const { compute, storage } = await inventoryOf(sim);
  return {
    lpars: compute.lpars.map((l) => `${l.id}@${l.host}:${l.state}`).sort(),
    mappings: storage.hostMappings.map((m) => `${m.volume}->${m.host}/${m.vios ?? "-"}/${m.attached === false ? "detached" : "attached"}`).sort(),
  };
}

describe("a stale plan's destructive steps", () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  /** Records "op object" of every job the simulator accepts from now on, as its store applies them. */
  function recordJobs(sim: Simulator): string[] {
    const jobs: string[] = [];
    const update = sim.store.update.bind(sim.store);
    sandbox.stub(sim.store, "update").callsFake((decide) =>
      update((state, now) => {
        const decision = decide(state, now);
        for (const e of decision.entries ?? []) if (e.k === "job") jobs.push(`${e.job.op} ${e.job.objectKey}`);
        return decision;
      }),
    );
    return jobs;
  }

  async function runBothSecondFirst(sim: Simulator, clock: VirtualClock, first: Plan, second: Plan) {
    const done = await runPlan(second, sim, { clock });
    assert.equal(done.status, "succeeded", JSON.stringify(failureOf(done)?.message));
    const recovered = await snapshot(sim);
    const jobs = recordJobs(sim);
    const stale = await runPlan(first, sim, { clock });
    return { recovered, stale, jobs, after: await snapshot(sim) };
  }

  it("a fence finds each LPAR recovered by the other run, fails safe, and its restart does not run", async () => {
    // GIVEN sys-a-01 failed, and two failovers of it planned from the same live state
    const { sim, clock, model } = world();
    await simFailHost("sys-a-01", { store: sim.store });
    const live = await inventoryOf(sim);
    const first = planFailover({ model, inventory: live });
    const second = planFailover({ model, inventory: live });
    const lpars = first.placements.map((p) => p.lpar);
    assert.equal(lpars.length, 4);
    // WHEN the second runs to the end, then the first
    const { recovered, stale, jobs, after } = await runBothSecondFirst(sim, clock, first, second);
    // THEN the simulator ran no job for the first run, and every LPAR runs where the second run put it,
    // its volumes still mapped there
    assert.deepEqual(jobs, []);
    for (const p of second.placements) assert.ok(after.lpars.includes(`${p.lpar}@${p.target}:Running`), `${p.lpar} runs on ${p.target}: ${after.lpars.join(", ")}`);
    assert.deepEqual(after, recovered);
    // AND the first run failed each fence with the reason, and did not restart any LPAR
    assert.equal(stale.status, "failed");
    for (const lpar of lpars) {
      const fence = stale.steps.find((s) => s.kind === "FenceSourceLpar" && s.lpar === lpar)!;
      assert.equal(fence.status, "failed");
      const target = second.placements.find((p) => p.lpar === lpar)!.target;
      assert.match(fence.error?.message ?? "", new RegExp(`${lpar}: the LPAR is Running on ${target}, not on sys-a-01 where this step expects it: .*nothing was powered off`));
      const restart = stale.steps.find((s) => s.kind === "RestartLpar" && s.lpar === lpar)!;
      assert.equal(restart.status, "skipped");
      assert.equal(restart.blockedBy, fence.id);
      const vm = stale.vms.find((v) => v.lpar === lpar)!;
      assert.equal(vm.status, "failed");
      assert.match(vm.reason ?? "", /not on sys-a-01 where this step expects it/);
    }
  });

  it("a planned move's shutdown finds each LPAR moved by the other run and leaves it running", async () => {
    // GIVEN two planned moves of site A planned from the same live state
    const { sim, clock, model } = world();
    const live = await inventoryOf(sim);
    const first = planPlanned({ model, inventory: live, failure: { failedSite: "site-a" } });
    const second = planPlanned({ model, inventory: live, failure: { failedSite: "site-a" } });
    assert.equal(first.placements.length, 12);
    // WHEN the second runs to the end, then the first
    const { recovered, stale, jobs, after } = await runBothSecondFirst(sim, clock, first, second);
    // THEN the simulator stopped no LPAR for the first run (no power-off job: none was bounced), and
    // every LPAR still runs at site B where the second run put it, its mappings untouched
    assert.deepEqual(jobs.filter((j) => j.startsWith("powerOff ") || j.startsWith("fenceLpar ")), []);
    for (const p of second.placements) assert.ok(after.lpars.includes(`${p.lpar}@${p.target}:Running`), `${p.lpar} runs on ${p.target}`);
    assert.deepEqual(after, recovered);
    // AND each shutdown of the first run failed with the reason, and nothing of that LPAR ran after it
    assert.equal(stale.status, "failed");
    for (const p of first.placements) {
      const shutdown = stale.steps.find((s) => s.kind === "ShutdownLpar" && s.lpar === p.lpar)!;
      assert.equal(shutdown.status, "failed");
      assert.match(shutdown.error?.message ?? "", new RegExp(`${p.lpar}: the LPAR is Running on sys-b-\\d+, not on ${p.source} where this step expects it`));
      for (const kind of ["MoveLpar", "StartLpar"]) assert.equal(stale.steps.find((s) => s.kind === kind && s.lpar === p.lpar)!.status, "skipped", `${kind} of ${p.lpar}`);
    }
  });

  it("a resumed run checks again when it acts: fences that had not run when it died find the LPARs recovered elsewhere", async () => {
    // GIVEN a failover of sys-a-01, run one step at a time, killed as it starts its second fence
    // (one LPAR is recovered by then)
    const { sim, clock, model } = world();
    await simFailHost("sys-a-01", { store: sim.store });
    const live = await inventoryOf(sim);
    const first = planFailover({ model, inventory: live });
    const fenceOf = new Map(first.steps.filter((s) => s.kind === "FenceSourceLpar").map((s) => [s.id, s.lpar!]));
    const kept: JournalRecord[] = [];
    const dying: JournalSink = {
      async append(record) {
        const fenced = kept.filter((r) => r.type === "step-completed" && fenceOf.has(r.stepId)).length;
        if (record.type === "step-started" && fenceOf.has(record.stepId) && fenced === 1) throw new Error("process killed");
        kept.push(JSON.parse(JSON.stringify(record)));
      },
      async close() {},
    };
    await assert.rejects(runPlan(first, sim, { clock, journal: dying, mode: "serial" }), /process killed/);
    const interrupted = replayJournal(kept);
    const byFirst = [...fenceOf].filter(([id]) => interrupted.steps.get(id)?.status === "done").map(([, lpar]) => lpar);
    assert.equal(byFirst.length, 1);
    // AND meanwhile a second failover, planned from the same live state, recovered every other LPAR:
    // its own fence refused the one the first run had recovered
    const second = planFailover({ model, inventory: live });
    const other = await runPlan(second, sim, { clock });
    assert.deepEqual(other.vms.filter((v) => v.status !== "recovered").map((v) => v.lpar), byFirst);
    const where = (plan: Plan, lpar: string) => plan.placements.find((p) => p.lpar === lpar)!.target;
    const expected = first.placements.map((p) => `${p.lpar}@${where(byFirst.includes(p.lpar) ? first : second, p.lpar)}:Running`);
    const recovered = await snapshot(sim);
    for (const e of expected) assert.ok(recovered.lpars.includes(e), `${e}: ${recovered.lpars.join(", ")}`);
    // WHEN the first run is resumed
    const jobs = recordJobs(sim);
    const resumed = await continueRun(interrupted, sim, { clock });
    // THEN the simulator stopped nothing, and every LPAR runs where it ran before the resume
    assert.deepEqual(jobs.filter((j) => j.startsWith("powerOff ") || j.startsWith("fenceLpar ")), []);
    assert.deepEqual(await snapshot(sim), recovered);
    // AND each fence that had not run fails with the reason, read at resume time
    const failedFences = resumed.steps.filter((s) => s.kind === "FenceSourceLpar" && s.status === "failed");
    assert.deepEqual(failedFences.map((f) => f.lpar).sort(), first.placements.map((p) => p.lpar).filter((l) => !byFirst.includes(l)).sort());
    for (const f of failedFences) {
      assert.match(f.error?.message ?? "", new RegExp(`the LPAR is Running on ${where(second, f.lpar!)}, not on sys-a-01 where this step expects it`));
    }
  });
});
