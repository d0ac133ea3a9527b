import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { VirtualClock } from "../../../provider/clock";
import { createInMemorySimulator } from "../../../provider/adapters/simulator";
import { simFailSite } from "../../../provider/adapters/simulator/control";
import { MemoryJournal } from "../../../provider/executor/journal/file-journal";
import { runPlan } from "../../../provider/executor/run";
import type { LatencyProfileFile } from "../../../provider/generated/latency-profile";
import { planFailover } from "../../../provider/planner";
import { calibrate, measuredAttempts, measuredSteps } from "../../../provider/predict/calibrate";
import type { RunRecord } from "../../../provider/report/run";
import { plan as planOf, step } from "../executor/plans";
import { profileFor, readProfile, toLatencyProfile, writeProfile } from "../../../provider/predict/profile-file";
import { FileRunStore } from "../../../provider/run-store/file-store";
import { topologyFromInventory } from "../../../provider/recovery/rehearse";
import { runRecordFromJournal } from "../../../provider/report/journal";
import { ValidationError } from "../../../provider/errors";
import { generateDatacenter } from "../../fixtures/datacenter";

/** Five seeded runs of a site failure on a simulator whose restarts and boots are slower than the defaults (and some systems' slower still). */
async function measuredRuns(systemLatencies?: Record<string, Record<string, { medianSeconds: number; p95Seconds: number }>>) {
  const dc = generateDatacenter({ hosts: 20, vms: 100, volumesPerVm: 1 });
  const plan = planFailover({ ...dc, failure: { failedSite: "A" } });
  const truth = { remoteRestart: { medianSeconds: 240, p95Seconds: 600 }, bootLpar: { medianSeconds: 270, p95Seconds: 900 } };
  const runs = [];
  for (let seed = 1; seed <= 5; seed++) {
    const clock = new VirtualClock();
    const topology = { ...topologyFromInventory(dc.inventory), simulation: { seed, latencies: truth, ...(systemLatencies ? { systemLatencies } : {}) } };
    const sim = createInMemorySimulator(topology, { clock });
    await simFailSite("A", { store: sim.store });
    const journal = new MemoryJournal();
    await runPlan(plan, sim, { clock, journal });
    await sim.close();
    runs.push(runRecordFromJournal(journal.records));
  }
  return { runs, truth };
}

describe("predict/calibrate", function () {
  this.timeout(60_000);
  let fitted: LatencyProfileFile;
  let truth: Awaited<ReturnType<typeof measuredRuns>>["truth"];

  before(async () => {
    const m = await measuredRuns();
    truth = m.truth;
    fitted = calibrate(m.runs, { stack: "dev", now: new Date("2026-12-01T00:00:00Z") });
  });

  it("recovers the latency parameters of a seeded simulator from its journals", () => {
    // GIVEN 5 runs on a simulator with known (non-default) restart and boot latencies
    // THEN the fit's medians are within 10% and its p95s within 20% of the truth
    for (const op of ["remoteRestart", "bootLpar"] as const) {
      const f = fitted.operations[op];
      assert.ok(f.samples >= 200, `${op}: ${f.samples} samples`);
      assert.ok(Math.abs(f.medianSeconds / truth[op].medianSeconds - 1) < 0.1, `${op} median ${f.medianSeconds}`);
      assert.ok(Math.abs(f.p95Seconds / truth[op].p95Seconds - 1) < 0.2, `${op} p95 ${f.p95Seconds}`);
    }
    // AND the operations left at their defaults are fitted near them (mapVolume: median 1 s)
    assert.ok(Math.abs(fitted.operations.mapVolume.medianSeconds - 1) < 0.2);
    assert.equal(fitted.runs.length, 5);
    assert.equal(fitted.stack, "dev");
  });

  it("writes a file valid against schemas/latency-profile.schema.json and names it in predictions", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-profile-"));
    try {
      const file = path.join(dir, "profile.json");
      await writeProfile(file, fitted);
      const now = new Date("2026-12-02T00:00:00Z");
      const back = readProfile(file, { stack: "dev", now });
      assert.deepEqual(back, fitted);
      const profile = toLatencyProfile(back);
      assert.match(profile.name, /^calibrated for dev on 2026-12-01 from 5 runs/);
      assert.ok(profile.samples > 0);
      assert.equal(profile.operations.remoteRestart.medianSeconds, fitted.operations.remoteRestart.medianSeconds);
      // Another stack, a stale profile, too few samples, a malformed file: each refused with the reason
      assert.throws(() => readProfile(file, { stack: "prod", now }), (e: unknown) => e instanceof ValidationError && /`stack` is "dev", but the prediction is for stack "prod"/.test(e.message));
      assert.throws(() => readProfile(file, { now: new Date("2027-06-01T00:00:00Z") }), /days old, beyond the profile's `maxAgeDays` 90/);
      fs.writeFileSync(file, JSON.stringify({ ...fitted, minSamples: 1_000_000 }));
      assert.throws(() => readProfile(file, { now }), /fewer than its `minSamples` 1000000/);
      fs.writeFileSync(file, "{ not json");
      assert.throws(() => readProfile(file, { now }), /is damaged at line 1, column 3: .*Run `vmr calibrate` to write it again/);
      // AND a bad profile kept in the run store is not used silently: the fallback says why
      const store = new FileRunStore(path.join(dir, "runs"), "dev");
      await store.putProfile("{ not json");
      assert.match((await profileFor("dev", { store })).name, /^defaults \(the stored profile .*latency-profile\.json was not used: .*is damaged at line 1, column 3/);
      assert.equal((await profileFor("other", { store: new FileRunStore(path.join(dir, "other-runs"), "other") })).name, "defaults");
      // AND one the store cannot read names that
      const broken = { ...store, profileWhere: "etcd x", getProfile: () => Promise.reject(new Error("deadline exceeded")) } as unknown as FileRunStore;
      assert.equal((await profileFor("dev", { store: broken })).name, "defaults (the stored profile in etcd x could not be read: deadline exceeded)");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fits a system that measures slower apart, and the others, which measure alike, together", async () => {
    // GIVEN 5 runs in which restarts onto sys-B-00001 take twice the others' (10 restarts there per run)
    const { runs, truth: wide } = await measuredRuns({ "sys-B-00001": { remoteRestart: { medianSeconds: 480, p95Seconds: 1200 } } });
    const profile = calibrate(runs, { stack: "dev" });
    // THEN that system's restarts are fitted apart, near its truth
    const slow = profile.scoped?.["system:sys-B-00001"]?.remoteRestart;
    assert.ok(slow !== undefined, JSON.stringify(Object.keys(profile.scoped ?? {})));
    assert.ok(Math.abs(slow.medianSeconds / 480 - 1) < 0.15, `median ${slow.medianSeconds}`);
    assert.equal(slow.samples, 50);
    // AND of the nine like systems, at most two are fitted apart by chance (2 standard errors)
    const alike = Object.entries(profile.scoped ?? {}).filter(([scope, ops]) => scope.startsWith("system:") && scope !== "system:sys-B-00001" && ops.remoteRestart !== undefined);
    assert.ok(alike.length <= 2, alike.map(([k]) => k).join(", "));
    // AND the wider fit is of the restarts of the systems not fitted apart, near their truth
    const apart = Object.values(profile.scoped ?? {}).reduce((n, ops) => n + (ops.remoteRestart?.samples ?? 0), 0);
    assert.equal(profile.operations.remoteRestart.samples, 500 - apart);
    assert.ok(Math.abs(profile.operations.remoteRestart.medianSeconds / wide.remoteRestart.medianSeconds - 1) < 0.1, `median ${profile.operations.remoteRestart.medianSeconds}`);
    // AND asked for per-operation fits only, none is fitted apart and the wider fit pools all 500
    const pooled = calibrate(runs, { stack: "dev", fitApart: false });
    assert.equal(pooled.scoped, undefined);
    assert.equal(pooled.operations.remoteRestart.samples, 500);
  });
});

describe("predict/calibrate: which side a scope differs on", () => {
  // Restarts onto eight systems, 40 each, durations e^(mu + 0.5 z) with z alternately +1 and -1
  // (log sd 0.5): five at the common mu, and three offset by a chosen share of their mean's
  // standard error from the common one (0.5 / sqrt(40) = 0.079 in log).
  const se = 0.5 / Math.sqrt(40);
  const offsets: Record<string, number> = { "sys-1": 0, "sys-2": 0, "sys-3": 0, "sys-4": 0, "sys-5": 0, "sys-slow": 2 * se, "sys-fast": -3.5 * se, "sys-much-faster": -8 * se };
  const steps = Object.entries(offsets).flatMap(([system, offset]) =>
    Array.from({ length: 40 }, (_, k) => ({ id: `restart-${system}-${k}`, system, seconds: Math.exp(Math.log(120) + offset + 0.5 * (k % 2 === 0 ? 1 : -1)) })),
  );
  const run: RunRecord = {
    runId: "r",
    kind: "failover",
    plan: planOf(steps.map((m) => step(m.id, { kind: "RestartLpar", params: { target: m.system } }))),
    startedAt: "2026-12-01T00:00:00Z",
    startedAtMs: 0,
    events: steps.flatMap((m) => [
      { at: 0, step: m.id, type: "started" as const, attempt: 1 },
      { at: m.seconds * 1000, step: m.id, type: "succeeded" as const },
    ]),
  };
  const profile = calibrate([run], { stack: "dev" });
  const apart = (system: string) => profile.scoped?.[`system:${system}`]?.remoteRestart;

  it("fits apart a system slower by 2 to 3.5 standard errors, but not one faster by as many: a chance fit on that side would predict it too fast", () => {
    // GIVEN the pooled log mean, which the offsets pull down by a standard error: the slower
    // system is 3 standard errors above it, the faster 2.5 below (a fit the old rule of 2 either
    // way took apart)
    const pooled = steps.reduce((sum, m) => sum + Math.log(m.seconds), 0) / steps.length;
    const zOf = (system: string) => (Math.log(120) + offsets[system] - pooled) / (0.5 * Math.sqrt(40 / 39) / Math.sqrt(40));
    assert.ok(zOf("sys-slow") > 2 && zOf("sys-slow") < 3.5, `slow z ${zOf("sys-slow")}`);
    assert.ok(zOf("sys-fast") < -2 && zOf("sys-fast") > -3.5, `fast z ${zOf("sys-fast")}`);
    // THEN the slower one is fitted apart at its own median, the one faster by under 3.5 is not
    assert.ok(apart("sys-slow") !== undefined, JSON.stringify(Object.keys(profile.scoped ?? {})));
    assert.ok(Math.abs(apart("sys-slow")!.medianSeconds / (120 * Math.exp(2 * se)) - 1) < 1e-9);
    assert.equal(apart("sys-fast"), undefined);
    // AND none of the five alike is
    for (const system of ["sys-1", "sys-2", "sys-3", "sys-4", "sys-5"]) assert.equal(apart(system), undefined, system);
  });

  it("still fits apart a system faster by more than 3.5 standard errors, and the wider fit is of the others", () => {
    assert.ok(Math.abs(apart("sys-much-faster")!.medianSeconds / (120 * Math.exp(-8 * se)) - 1) < 1e-9);
    assert.equal(profile.operations.remoteRestart.samples, 6 * 40);
  });
});

describe("predict/calibrate: a flaky server under a shared HMC", () => {
  // Restarts onto eight systems, 40 each, s1-s4 under HMC h1 and s5-s8 under h2; half of s1's
  // restarts fail once part way (30 s in) before they succeed, nobody else's do.
  const systems = ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"];
  const steps = systems.flatMap((system, k) => Array.from({ length: 40 }, (_, i) => ({ id: `restart-${system}-${i}`, system, hmc: k < 4 ? "hmc:h1" : "hmc:h2", fails: system === "s1" && i % 2 === 0 })));
  const s = 1000;
  const run: RunRecord = {
    runId: "r",
    kind: "failover",
    plan: planOf(steps.map((m) => step(m.id, { kind: "RestartLpar", resources: [m.hmc], params: { target: m.system } }))),
    startedAt: "2026-12-01T00:00:00Z",
    startedAtMs: 0,
    events: steps.flatMap((m, i) => {
      const at = (i % 7) * s;
      return m.fails
        ? [
            { at, step: m.id, type: "started" as const, attempt: 1 },
            { at: at + 30 * s, step: m.id, type: "failed" as const, attempt: 1, error: "busy", final: false },
            { at: at + 31 * s, step: m.id, type: "started" as const, attempt: 2 },
            { at: at + 151 * s, step: m.id, type: "succeeded" as const },
          ]
        : [
            { at, step: m.id, type: "started" as const, attempt: 1 },
            { at: at + 120 * s, step: m.id, type: "succeeded" as const },
          ];
    }),
  };

  it("fits the server's rate apart, and judges its HMC on the HMC's other servers (which then fail like the rest)", () => {
    const profile = calibrate([run], { stack: "dev" });
    // THEN s1's restarts fail at 20 of 60 attempts, its failed attempt a quarter of a restart (30 of 120 s)
    const s1 = profile.scopedFaults?.["system:s1"]?.remoteRestart;
    assert.deepEqual([s1?.attempts, s1?.failed], [60, 20]);
    assert.ok(Math.abs((s1?.failedShare ?? 0) - 0.25) < 1e-9, `share ${s1?.failedShare}`);
    // AND h1 is not fitted apart: with s1's attempts it fails at 20 of 180, 2.9 standard errors above
    // the operation's 20 of 340; without them at none of 120
    assert.deepEqual(Object.keys(profile.scopedFaults ?? {}), ["system:s1"]);
    // AND the operation's rate is of the other seven systems: 280 attempts, none failed
    assert.deepEqual(profile.faults?.remoteRestart, { attempts: 280, failed: 0, failedShare: 0 });
  });
});

describe("predict/calibrate: faults", function () {
  this.timeout(120_000);

  /** Five seeded runs of a 100-LPAR site failure on a simulator injecting the given faults. */
  async function runsWith(faults: { transientProbability?: number; midJobProbability?: number }, systemFaults?: Record<string, { midJobProbability?: number }>) {
    const dc = generateDatacenter({ hosts: 20, vms: 100, volumesPerVm: 1 });
    const plan = planFailover({ ...dc, failure: { failedSite: "A" } });
    const runs = [];
    for (let seed = 1; seed <= 5; seed++) {
      const clock = new VirtualClock();
      const sim = createInMemorySimulator({ ...topologyFromInventory(dc.inventory), simulation: { seed, faults, ...(systemFaults ? { systemFaults } : {}) } }, { clock });
      await simFailSite("A", { store: sim.store });
      const journal = new MemoryJournal();
      await runPlan(plan, sim, { clock, journal });
      await sim.close();
      runs.push(runRecordFromJournal(journal.records));
    }
    return runs;
  }

  it("recovers the rate of jobs failing part way, and that a failed one took half the job on average", async () => {
    // GIVEN 5 runs in which 20% of jobs fail part way through (a uniform share of their time)
    const profile = calibrate(await runsWith({ midJobProbability: 0.2 }), { stack: "dev" });
    // THEN the restarts' fitted rate is near 0.2 and a failed attempt's share near 0.5
    const f = profile.faults?.remoteRestart;
    assert.ok(f !== undefined && f.attempts >= 500, JSON.stringify(f));
    assert.ok(Math.abs(f.failed / f.attempts - 0.2) < 0.05, `rate ${f.failed / f.attempts}`);
    assert.ok(Math.abs(f.failedShare - 0.5) < 0.12, `share ${f.failedShare}`);
    // AND the restart's duration is still fitted near the default (median 120 s), from every step's last attempt
    assert.ok(Math.abs(profile.operations.remoteRestart.medianSeconds / 120 - 1) < 0.1, `median ${profile.operations.remoteRestart.medianSeconds}`);
    // (a restart failing all 5 attempts, 1 in 3,000, gives none)
    assert.ok(profile.operations.remoteRestart.samples >= 495, `${profile.operations.remoteRestart.samples} samples`);
    // AND the prediction draws the retries and names them
    const latency = toLatencyProfile(profile);
    assert.ok((latency.faults?.remoteRestart?.failureRate ?? 0) > 0.1);
    assert.match(latency.name, /retries drawn for \d+$/);
  });

  it("fits a flaky server's fault rate apart, and the others' together, without its HMC's", async () => {
    // GIVEN 5 runs in which the jobs run on sys-B-00001 (10 restarts onto it per run) fail part way at 0.4, the others never
    const profile = calibrate(await runsWith({}, { "sys-B-00001": { midJobProbability: 0.4 } }), { stack: "dev" });
    // THEN its restarts' rate is fitted apart, near 0.4, with a failed attempt's share near 0.5
    const flaky = profile.scopedFaults?.["system:sys-B-00001"]?.remoteRestart;
    assert.ok(flaky !== undefined, JSON.stringify(profile.scopedFaults));
    assert.ok(Math.abs(flaky.failed / flaky.attempts - 0.4) < 0.12, `rate ${flaky.failed / flaky.attempts} of ${flaky.attempts}`);
    assert.ok(Math.abs(flaky.failedShare - 0.5) < 0.2, `share ${flaky.failedShare}`);
    // AND the operation's rate is of the other systems' attempts: none failed
    assert.equal(profile.faults?.remoteRestart?.failed, 0);
    assert.equal(profile.faults?.remoteRestart?.attempts, 500 - 50);
    // AND no other scope is fitted apart (its HMC and storage are judged without its steps)
    assert.deepEqual(Object.keys(profile.scopedFaults ?? {}), ["system:sys-B-00001"]);
    // AND the prediction draws it there, and names it
    const latency = toLatencyProfile(profile);
    assert.ok((latency.scopedFaults?.["system:sys-B-00001"]?.remoteRestart?.failureRate ?? 0) > 0.25);
    assert.match(latency.name, /retries drawn for \d+ \(1 scopes' fault rates apart\)$/);
    // AND asked for per-operation fits only, the rate is pooled over every system
    const pooled = calibrate(await runsWith({}, { "sys-B-00001": { midJobProbability: 0.4 } }), { stack: "dev", fitApart: false });
    assert.equal(pooled.scopedFaults, undefined);
    assert.ok((pooled.faults?.remoteRestart?.failed ?? 0) > 0);
  });

  it("tells attempts refused at once (share near 0) from jobs failing part way, and finds no faults where there were none", async () => {
    const faulted = await runsWith({ transientProbability: 0.2 });
    const refused = calibrate(faulted, { stack: "dev" }).faults?.remoteRestart;
    // (and every boot is measured, from its restart's end, where it starts, through any retry)
    const boot = calibrate(faulted, { stack: "dev", fitApart: false }).operations.bootLpar;
    assert.ok(boot.samples >= 490 && Math.abs(boot.medianSeconds / 180 - 1) < 0.1, `bootLpar median ${boot.medianSeconds} from ${boot.samples}`);
    assert.ok(refused !== undefined && Math.abs(refused.failed / refused.attempts - 0.2) < 0.05, JSON.stringify(refused));
    assert.ok(refused.failedShare < 0.02, `share ${refused.failedShare}`);
    const clean = calibrate(await runsWith({}), { stack: "dev" });
    assert.ok(clean.faults !== undefined && Object.values(clean.faults).every((f) => f.failed === 0), JSON.stringify(clean.faults));
    assert.doesNotMatch(toLatencyProfile(clean).name, /retries/);
  });

  it("refuses a profile whose failed attempts outnumber its attempts, or naming an unknown operation, naming the field", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-profile-"));
    try {
      const file = path.join(dir, "profile.json");
      const base = { formatVersion: 2, stack: "dev", createdAt: "2026-12-01T00:00:00Z", window: { from: "2026-12-01T00:00:00Z", to: "2026-12-01T00:00:00Z" }, maxAgeDays: 90, minSamples: 1, runs: ["r"], operations: { remoteRestart: { medianSeconds: 100, p95Seconds: 200, samples: 30 } } };
      const now = new Date("2026-12-02T00:00:00Z");
      fs.writeFileSync(file, JSON.stringify({ ...base, faults: { remoteRestart: { attempts: 10, failed: 11, failedShare: 0.5 } } }));
      assert.throws(() => readProfile(file, { now }), /`faults.remoteRestart.failed` is 11, more than its `attempts` 10/);
      fs.writeFileSync(file, JSON.stringify({ ...base, faults: { warpDrive: { attempts: 10, failed: 1, failedShare: 0.5 } } }));
      assert.throws(() => readProfile(file, { now }), /`faults` names warpDrive, not operations of provider\/model\/latency.ts/);
      fs.writeFileSync(file, JSON.stringify({ ...base, faults: { remoteRestart: { attempts: 10, failed: 1, failedShare: 1.5 } } }));
      assert.throws(() => readProfile(file, { now }), /failedShare/);
      // AND the same of a scope's fault figures, naming the scope
      fs.writeFileSync(file, JSON.stringify({ ...base, scopedFaults: { "system:s1": { remoteRestart: { attempts: 10, failed: 11, failedShare: 0.5 } } } }));
      assert.throws(() => readProfile(file, { now }), /`scopedFaults.system:s1.remoteRestart.failed` is 11, more than its `attempts` 10/);
      fs.writeFileSync(file, JSON.stringify({ ...base, scopedFaults: { "system:s1": { warpDrive: { attempts: 10, failed: 1, failedShare: 0.5 } } } }));
      assert.throws(() => readProfile(file, { now }), /`scopedFaults` names warpDrive, not operations/);
      // AND a format 1 profile (without faults) is read as before
      fs.writeFileSync(file, JSON.stringify({ ...base, formatVersion: 1 }));
      assert.equal(toLatencyProfile(readProfile(file, { now })).faults?.remoteRestart, undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("predict/calibrate: what a retried step measures", () => {
  // A restart retried once (the first attempt failed 30 s in), a map, and the boot waiting for both.
  const p = planOf([
    step("restart", { kind: "RestartLpar" }),
    step("map", { kind: "MapReplicaVolume" }),
    step("verify", { kind: "VerifyLpar", dependsOn: ["restart", "map"] }),
    step("tidy", { kind: "UnmapSourceVolume", bestEffort: true }),
  ]);
  const s = 1000;
  const run: RunRecord = {
    runId: "r",
    kind: "failover",
    plan: p,
    startedAt: "2026-12-01T00:00:00Z",
    startedAtMs: 0,
    events: [
      { at: 0, step: "restart", type: "started", attempt: 1 },
      { at: 30 * s, step: "restart", type: "failed", attempt: 1, error: "busy", final: false },
      { at: 32 * s, step: "restart", type: "started", attempt: 2 },
      { at: 152 * s, step: "restart", type: "succeeded" },
      { at: 0, step: "map", type: "started", attempt: 1 },
      { at: 2 * s, step: "map", type: "succeeded" },
      // the wait starts late (20 s after the restart's end); the boot itself started at 152 s
      { at: 172 * s, step: "verify", type: "started", attempt: 1 },
      { at: 332 * s, step: "verify", type: "succeeded" },
      { at: 0, step: "tidy", type: "started", attempt: 1 },
      { at: 1 * s, step: "tidy", type: "failed", error: "gone", final: true },
    ],
  };

  it("measures a retried step by its last attempt, and a boot from its dependencies' end", () => {
    const byOp = Object.fromEntries(measuredSteps(run).map((m) => [m.op, m.seconds]));
    assert.deepEqual(byOp, { remoteRestart: 120, mapVolume: 2, bootLpar: 180 });
  });

  it("counts each retried step's attempts and the seconds of the failed ones, best-effort steps left out", () => {
    assert.deepEqual(
      measuredAttempts(run).map((m) => [m.op, m.attempts, m.failedSeconds]),
      [["remoteRestart", 2, [30]], ["mapVolume", 1, []], ["bootLpar", 1, []]],
    );
  });
});
