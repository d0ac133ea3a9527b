import { strict as assert } from "assert";
import * as sinon from "sinon";
import { VirtualClock } from "../../../provider/clock";
import { AdapterError, ExecutionError, ValidationError } from "../../../provider/errors";
import { createInMemorySimulator, generateTopology, type Simulator } from "../../../provider/adapters/simulator";
import { simFailHost } from "../../../provider/adapters/simulator/control";
import { continueRun, runPlan, RunStoppedError } from "../../../provider/executor/run";
import { MemoryJournal } from "../../../provider/executor/journal/file-journal";
import { replayJournal } from "../../../provider/executor/journal/read-journal";
import { failureOf } from "../../../provider/executor/outcome";
import type { JournalRecord, JournalSink, RunEvent } from "../../../provider/executor/types";
import type { ResolvedTopology } from "../../../provider/model";
import { validate } from "../../../provider/validation";
import { hostFailoverPlan, plan, step } from "./plans";
import { execute, prepare, type ScenarioSpec } from "../../bench/failover/scenario";

/** 2 sites x 3 systems x 4 LPARs x 2 LUNs; sys-a-01 fails, its LPARs go to sys-a-02 and sys-a-03. */
async function scenario(): Promise<{ sim: Simulator; clock: VirtualClock; topology: ResolvedTopology }> {
  const topology = generateTopology({ sites: 2, hostsPerSite: 3, lparsPerHost: 4, lunsPerLpar: 2 });
  const clock = new VirtualClock();
  const sim = createInMemorySimulator(topology, { clock });
  await simFailHost("sys-a-01", { store: sim.store });
  return { sim, clock, topology };
}

const TARGETS = ["sys-a-02", "sys-a-03"];

describe("executor run (in-memory simulator, virtual time)", () => {
  let sandbox: sinon.SinonSandbox;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
  });
  afterEach(() => sandbox.restore());

  it("fails over every LPAR of a failed host: each runs at its target, each volume mapped there once", async () => {
    // GIVEN sys-a-01 failed and a plan moving its 4 LPARs
    const { sim, clock, topology } = await scenario();
    const p = hostFailoverPlan(topology, "sys-a-01", TARGETS);
    const journal = new MemoryJournal();
    // WHEN the plan runs
    const result = await runPlan(p, sim, { clock, journal });
    // THEN every LPAR is recovered at its planned target, at a time inside the run
    assert.equal(result.status, "succeeded", JSON.stringify(failureOf(result)?.message));
    assert.equal(result.vms.length, 4);
    for (const vm of result.vms) {
      assert.equal(vm.status, "recovered");
      assert.ok(vm.atSeconds! > 0 && vm.atSeconds! <= result.makespanSeconds);
      const lpar = await sim.compute.getLpar(vm.lpar);
      assert.equal(lpar.host, vm.target);
      assert.equal(lpar.state, "Running");
    }
    // AND each volume is mapped to its LPAR's target only
    const { hostMappings } = await sim.storage.inventory();
    for (const placement of p.placements) {
      for (const v of placement.volumes) {
        assert.deepEqual(hostMappings.filter((m) => m.volume === v.attach).map((m) => m.host), [placement.target]);
      }
    }
    // AND every journal line follows schemas/journal.schema.json
    assert.deepEqual(validate("plan", p), []);
    for (const record of journal.records) assert.deepEqual(validate("journal", record), [], record.type);
    assert.deepEqual([journal.records[0].type, journal.records.at(-1)!.type], ["run-started", "run-finished"]);
  });

  it("retries a transient adapter error with backoff and succeeds", async () => {
    // GIVEN the storage answers "busy" once to the first mapping
    const { sim, clock, topology } = await scenario();
    const p = hostFailoverPlan(topology, "sys-a-01", TARGETS);
    const real = sim.storage.mapVolume.bind(sim.storage);
    const map = sandbox.stub(sim.storage, "mapVolume");
    map.onFirstCall().rejects(new AdapterError("transient", "mapVolume", "vol", "VIOS busy"));
    map.callsFake(real);
    const events: RunEvent[] = [];
    // WHEN the plan runs
    const result = await runPlan(p, sim, { clock, onEvent: (e) => events.push(e), retry: { baseDelayMs: 5000 } });
    // THEN the step took two attempts, waited between them, and everything recovered
    assert.equal(result.status, "succeeded");
    const retried = events.filter((e) => e.type === "step-retrying");
    assert.equal(retried.length, 1);
    const delay = (retried[0] as Extract<RunEvent, { type: "step-retrying" }>).delayMs;
    assert.ok(delay >= 2500 && delay <= 5000, `equal jitter keeps the delay in [base/2, base], got ${delay}`);
    assert.equal(result.steps.filter((s) => s.attempts === 2).length, 1);
  });

  it("isolates a permanent failure: that LPAR fails with the reason, the others recover", async () => {
    // GIVEN the remote restart of one LPAR fails for good
    const { sim, clock, topology } = await scenario();
    const p = hostFailoverPlan(topology, "sys-a-01", TARGETS);
    const victim = p.placements[0].lpar;
    const real = sim.compute.remoteRestart.bind(sim.compute);
    sandbox.stub(sim.compute, "remoteRestart").callsFake(async (r) => {
      if (r.lparId === victim) throw new AdapterError("fatal", "remoteRestart", victim, "partition profile corrupt");
      return real(r);
    });
    // WHEN the plan runs
    const result = await runPlan(p, sim, { clock });
    // THEN that LPAR failed with its reason and its verification was skipped; the rest recovered
    const failed = result.vms.find((v) => v.lpar === victim)!;
    assert.equal(failed.status, "failed");
    assert.match(failed.reason!, /RestartLpar failed: remoteRestart .*partition profile corrupt/);
    assert.equal(result.steps.find((s) => s.id === `verify:${victim}`)!.status, "skipped");
    assert.deepEqual(result.vms.filter((v) => v.status === "recovered").length, 3);
    assert.equal(result.status, "failed");
    // AND one aggregated error names it
    const err = failureOf(result)!;
    assert.ok(err instanceof ExecutionError);
    assert.deepEqual(err.lpars, [victim]);
    assert.match(err.message, /1 of 4 LPARs did not recover/);
  });

  it("does not retry a permanent error, and retries a transient one at most `attempts` times", async () => {
    const { sim, clock, topology } = await scenario();
    const p = hostFailoverPlan(topology, "sys-a-01", TARGETS);
    const fence = sandbox.stub(sim.compute, "fenceLpar").rejects(new AdapterError("transient", "fenceLpar", "x", "HMC session expired"));
    const result = await runPlan(p, sim, { clock, retry: { attempts: 3 } });
    // THEN each fence was tried 3 times, and nothing downstream ran
    assert.equal(fence.callCount, 3 * 4);
    assert.ok(result.vms.every((v) => v.status === "failed"));
    assert.ok(result.steps.filter((s) => s.kind === "RestartLpar").every((s) => s.status === "skipped"));
  });

  it("fails an attempt that passes its time limit, in virtual time", async () => {
    // GIVEN an LPAR whose OS never comes up
    const { sim, clock, topology } = await scenario();
    const p = hostFailoverPlan(topology, "sys-a-01", TARGETS);
    sandbox.stub(sim.compute, "waitUntilRunning").callsFake(() => new Promise(() => {}));
    // WHEN the plan runs with a 60 s limit on verification
    const result = await runPlan(p, sim, { clock, stepTimeoutSeconds: { VerifyLpar: 60 } });
    // THEN the verifications fail as timed out, and the run ended about 60 s after the restarts
    const verify = result.steps.filter((s) => s.kind === "VerifyLpar");
    assert.ok(verify.every((s) => s.status === "failed" && s.error?.kind === "timeout"));
    const lastRestart = Math.max(...result.steps.filter((s) => s.kind === "RestartLpar").map((s) => s.finishedMs!));
    assert.ok(result.finishedMs - lastRestart >= 60_000 && result.finishedMs - lastRestart < 61_000);
  });

  it("refuses a plan that restarts an LPAR without fencing it, touching nothing", async () => {
    const { sim, clock, topology } = await scenario();
    const p = hostFailoverPlan(topology, "sys-a-01", TARGETS);
    const unfenced = p.steps.map((s) => (s.kind === "RestartLpar" ? { ...s, dependsOn: s.dependsOn.filter((d) => !d.startsWith("fence:")) } : s));
    // Also break the chain through unmap -> map, which runs after the fence.
    const cut = unfenced.map((s) => (s.kind === "UnmapSourceVolume" ? { ...s, dependsOn: [] } : s));
    const spy = sandbox.spy(sim.compute, "remoteRestart");
    await assert.rejects(runPlan({ ...p, steps: cut }, sim, { clock }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.issues.length, 4);
      assert.match(err.message, /never start elsewhere/);
      return true;
    });
    assert.equal(spy.callCount, 0);
  });

  it("refuses unknown step kinds and bad params, listing every problem", async () => {
    const { sim, clock } = await scenario();
    const bad = plan([
      step("a", { kind: "MapReplicaVolume", params: {} }),
      step("b", { kind: "RunHook", params: { command: [] } }),
      step("c", { kind: "Teleport" as never }),
    ]);
    await assert.rejects(runPlan(bad, sim, { clock }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.issues.length, 3);
      assert.match(err.message, /`steps\["a"\]\.params\.volume` of MapReplicaVolume is missing/);
      assert.match(err.message, /`steps\["b"\]\.params\.command` of RunHook is empty/);
      assert.match(err.message, /"Teleport", which no step implementation handles/);
      return true;
    });
  });

  it("under strict SLA, starts no step of a level before every higher level ended", async () => {
    const { sim, clock, topology } = await scenario();
    const p = hostFailoverPlan(topology, "sys-a-01", TARGETS);
    // Give the LPARs levels 3, 2, 1, 1.
    const levels = new Map(p.placements.map((pl, i) => [pl.lpar, [3, 2, 1, 1][i]]));
    const leveled = { ...p, steps: p.steps.map((s) => ({ ...s, slaLevel: levels.get(s.lpar!)! })) };
    const events: RunEvent[] = [];
    const result = await runPlan(leveled, sim, { clock, sla: "strict", onEvent: (e) => events.push(e) });
    assert.equal(result.status, "succeeded");
    const ended = new Map<number, number>();
    for (const s of result.steps) ended.set(s.slaLevel, Math.max(ended.get(s.slaLevel) ?? 0, s.finishedMs!));
    for (const s of result.steps) {
      for (const [level, end] of ended) if (level > s.slaLevel) assert.ok(s.startedMs! >= end, `${s.id} started before level ${level} ended`);
    }
    // AND pipelined finishes no later
    const again = await scenario();
    const pipelined = await runPlan(leveled, again.sim, { clock: again.clock, sla: "pipelined" });
    assert.ok(pipelined.makespanSeconds <= result.makespanSeconds);
  });

  it("resumes after an interruption without repeating a completed step", async () => {
    // GIVEN a journal that stops accepting records part-way (the process died)
    const { sim, clock, topology } = await scenario();
    const p = hostFailoverPlan(topology, "sys-a-01", TARGETS);
    const kept: JournalRecord[] = [];
    const dying: JournalSink = {
      async append(record) {
        if (kept.length >= 20) throw new Error("process killed");
        kept.push(JSON.parse(JSON.stringify(record)));
      },
      async close() {},
    };
    await assert.rejects(runPlan(p, sim, { clock, journal: dying }), /process killed/);
    const before = replayJournal(kept);
    const completed = [...before.steps].filter(([, s]) => s.status === "done").map(([id]) => id);
    assert.ok(completed.length > 0 && completed.length < p.steps.length);
    // WHEN the run continues from that journal
    const journal = new MemoryJournal();
    const restart = sandbox.spy(sim.compute, "remoteRestart");
    const result = await continueRun(before, sim, { clock, journal });
    // THEN everything recovers, no completed step started again, and restarts of interrupted LPARs were no-ops or first starts
    assert.equal(result.status, "succeeded");
    const rerun = journal.records.filter((r) => r.type === "step-started").map((r) => (r as { stepId: string }).stepId);
    for (const id of completed) assert.ok(!rerun.includes(id), `${id} ran again`);
    assert.equal(result.resumes, 1);
    assert.equal(journal.records[0].type, "run-resumed");
    for (const call of restart.getCalls()) assert.ok(!completed.includes(`restart:${call.args[0].lparId}`));
  });
});

describe("executor resume of failed steps", () => {
  let sandbox: sinon.SinonSandbox;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
  });
  afterEach(() => sandbox.restore());

  it("runs the failed steps and the steps they blocked again with retryFailed, and only those", async () => {
    // GIVEN a finished run in which one LPAR's restart failed for good
    const { sim, clock, topology } = await scenario();
    const p = hostFailoverPlan(topology, "sys-a-01", TARGETS);
    const victim = p.placements[1].lpar;
    const real = sim.compute.remoteRestart.bind(sim.compute);
    const restart = sandbox.stub(sim.compute, "remoteRestart").callsFake(async (r) => {
      if (r.lparId === victim) throw new AdapterError("conflict", "remoteRestart", victim, "target busy with a firmware update");
      return real(r);
    });
    const first = new MemoryJournal();
    assert.equal((await runPlan(p, sim, { clock, journal: first })).status, "failed");
    // WHEN the cause is gone and the run is resumed with retryFailed
    restart.callsFake(real);
    const second = new MemoryJournal();
    const result = await continueRun(replayJournal(first.records), sim, { clock, journal: second, retryFailed: true });
    // THEN every LPAR is recovered, and only the victim's restart and verification ran again
    assert.equal(result.status, "succeeded");
    const rerun = second.records.filter((r) => r.type === "step-started").map((r) => (r as { stepId: string }).stepId);
    assert.deepEqual(rerun.sort(), [`restart:${victim}`, `verify:${victim}`]);
  });
});

describe("executor graceful stop", () => {
  it("stops starting steps once its signal aborts, ends the running ones, and resumes from there", async () => {
    // GIVEN a run whose signal aborts after the first restart completes
    const { sim, clock, topology } = await scenario();
    const p = hostFailoverPlan(topology, "sys-a-01", TARGETS);
    const controller = new AbortController();
    const journal = new MemoryJournal();
    const onEvent = (e: RunEvent) => {
      if (e.type === "step-completed" && e.step.kind === "RestartLpar") controller.abort("interrupted by the operator");
    };
    // WHEN it runs THEN it rejects with RunStoppedError, leaving steps for a resume
    await assert.rejects(runPlan(p, sim, { clock, journal, onEvent, signal: controller.signal }), (err: unknown) => {
      assert.ok(err instanceof RunStoppedError);
      assert.match(err.message, /stopped \(interrupted by the operator\) with \d+ steps not run/);
      assert.ok(err.unfinishedSteps > 0);
      return true;
    });
    const state = replayJournal(journal.records);
    assert.equal(state.finished, undefined);
    assert.ok(![...state.steps.values()].some((s) => s.status === "started"), "no step was left half-done");
    // AND a resume finishes it
    const result = await continueRun(state, sim, { clock, journal: new MemoryJournal() });
    assert.equal(result.status, "succeeded");
  });
});

describe("executor against the simulator's injected faults", () => {
  it("retries the simulator's transient faults and isolates its permanent ones", async () => {
    // GIVEN a datacenter where 30 % of operations fail transiently and one LPAR's restart always fails
    const base = generateTopology({ sites: 2, hostsPerSite: 3, lparsPerHost: 4, lunsPerLpar: 2 });
    const victim = base.lpars.find((l) => l.host === "sys-a-01")!.id;
    const topology = { ...base, simulation: { ...base.simulation, faults: { transientProbability: 0.3, permanent: [`remoteRestart:${victim}`] } } };
    const clock = new VirtualClock();
    const sim = createInMemorySimulator(topology, { clock });
    await simFailHost("sys-a-01", { store: sim.store });
    const p = hostFailoverPlan(base, "sys-a-01", TARGETS);
    // WHEN the plan runs with up to 8 attempts per step
    const result = await runPlan(p, sim, { clock, retry: { attempts: 8 } });
    // THEN transient faults were retried away, and only the victim failed
    assert.ok(result.steps.some((s) => s.attempts > 1), "no step needed a retry");
    assert.deepEqual(result.vms.filter((v) => v.status !== "recovered").map((v) => v.lpar), [victim]);
    assert.match(result.vms.find((v) => v.lpar === victim)!.reason!, /RestartLpar failed/);
  });
});

describe("executor robustness", () => {
  it("is not disturbed by a progress handler that throws", async () => {
    const { sim, clock, topology } = await scenario();
    const p = hostFailoverPlan(topology, "sys-a-01", TARGETS);
    const result = await runPlan(p, sim, {
      clock,
      onEvent: () => {
        throw new Error("terminal gone");
      },
    });
    assert.equal(result.status, "succeeded");
    assert.ok(result.steps.every((s) => s.attempts === 1));
  });
});

describe("executor resume settings", () => {
  it("keeps the interrupted run's mode, SLA policy, limits and seed unless told otherwise", async () => {
    const { sim, clock, topology } = await scenario();
    const p = hostFailoverPlan(topology, "sys-a-01", TARGETS);
    const kept: JournalRecord[] = [];
    const dying: JournalSink = {
      async append(record) {
        if (kept.length >= 8) throw new Error("process killed");
        kept.push(JSON.parse(JSON.stringify(record)));
      },
      async close() {},
    };
    await assert.rejects(runPlan(p, sim, { clock, journal: dying, mode: "serial", sla: "pipelined", seed: 42, limits: { "vios:*": 1 } }), /killed/);
    const result = await continueRun(replayJournal(kept), sim, { clock });
    assert.deepEqual([result.settings.mode, result.settings.sla, result.settings.seed], ["serial", "pipelined", 42]);
    assert.equal(result.status, "succeeded");
  });
});

describe("executor run of a planned failover: SAN and VIOS steps apart (virtual time)", () => {
  let sandbox: sinon.SinonSandbox;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
  });
  afterEach(() => sandbox.restore());

  it("maps the next volume on the storage system while a VIOS still attaches the previous one", async () => {
    // GIVEN sys-a-01 of a generated datacenter fails (4 LPARs x 2 vSCSI LUNs, one storage command at a time)
    const spec: ScenarioSpec = { generator: { sites: 2, hostsPerSite: 3, lparsPerHost: 4, lunsPerLpar: 2 }, failure: { host: "sys-a-01" } };
    const prepared = await prepare(spec, "pipelined");
    // WHEN the planner's plan runs in parallel
    const { result } = await execute(spec, prepared, "parallel", "pipelined");
    // THEN each vSCSI volume was mapped on the SAN, then attached by a VIOS, before its LPAR restarted
    const at = new Map(result.steps.map((s) => [s.id, s]));
    const attaches = result.steps.filter((s) => s.kind === "AttachVirtualDisk");
    assert.equal(attaches.length, 8);
    for (const a of attaches) {
      const map = at.get(a.id.replace("AttachVirtualDisk", "MapReplicaVolume"))!;
      const restart = at.get(`RestartLpar:${a.lpar}`)!;
      assert.ok(map.finishedMs! <= a.startedMs! && a.finishedMs! <= restart.startedMs!, `${a.id} between its SAN map and the restart`);
    }
    // AND the storage system took SAN commands (one at a time) while VIOS updates ran
    const san = result.steps.filter((s) => s.kind === "MapReplicaVolume" || s.kind === "UnmapSourceVolume").sort((x, y) => x.startedMs! - y.startedMs!);
    san.slice(1).forEach((s, i) => assert.ok(s.startedMs! >= san[i].finishedMs!, `${s.id} overlaps ${san[i].id} on the storage system`));
    const overlapped = san.filter((s) => attaches.some((a) => a.startedMs! <= s.startedMs! && s.startedMs! < a.finishedMs!));
    assert.ok(overlapped.length >= 4, `only ${overlapped.length} SAN commands ran during a VIOS update`);
  });
});
