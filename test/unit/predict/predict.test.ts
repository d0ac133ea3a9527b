import { strict as assert } from "assert";
import { DEFAULT_LATENCIES, operationQuantile, resolveLatencies } from "../../../provider/model/latency";
import { withPrediction } from "../../../provider/predict/apply";
import { predictRuns, predictUntilSettled } from "../../../provider/predict/predict";
import { defaultProfile } from "../../../provider/predict/profile";
import { quantileOfSorted } from "../../../provider/predict/quantiles";
import { compileDraws, drawDurations } from "../../../provider/predict/sampler";
import { seededRandom } from "../../../provider/random";
import { looks, tailPerLook } from "../../../provider/predict/settle";
import { VirtualClock } from "../../../provider/clock";
import { createInMemorySimulator, PAPER_FAILED_HOST, presetTopology } from "../../../provider/adapters/simulator";
import { simFailHost } from "../../../provider/adapters/simulator/control";
import { planFailover } from "../../../provider/planner";
import { measureMakespan } from "../../../provider/recovery/measure";
import { protectTopology } from "../../fixtures/protect";
import { plan, step } from "../executor/plans";

const group = (name: string, budget?: number) => ({ name, lpars: [], estimatedRtoSeconds: 0, verdict: budget === undefined ? ("no-budget" as const) : ("within" as const), ...(budget !== undefined ? { rtoBudgetSeconds: budget } : {}) });
const restart = (id: string, fields: Partial<Parameters<typeof step>[1]> = {}) => step(id, { kind: "RestartLpar", group: "g", lpar: id, estimateSeconds: 120, ...fields });

describe("predict/predictRuns", () => {
  it("predicts the quantiles of one lognormal step as computed exactly", () => {
    // GIVEN a plan of one remote restart (lognormal, median 120 s, p95 300 s)
    const p = plan([restart("r")], { groups: [group("g")] });
    // WHEN 20,000 samples are drawn
    const sample = predictRuns(p, { samples: 20_000, seed: 3 }).groups.get("g")!;
    // THEN each quantile is within 2% of the distribution's own
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = operationQuantile(DEFAULT_LATENCIES.remoteRestart, q);
      const got = quantileOfSorted(sample, q);
      assert.ok(Math.abs(got / exact - 1) < 0.02, `q${q}: predicted ${got}, exact ${exact}`);
    }
  });

  it("predicts the maximum of parallel steps: its quantile q is each step's quantile q^(1/k)", () => {
    // GIVEN four restarts on four systems, free to run at once, in one group
    const k = 4;
    const p = plan(Array.from({ length: k }, (_, i) => restart(`r${i}`, { resources: [`system:t${i}`] })), { groups: [group("g")], resources: Object.fromEntries(Array.from({ length: k }, (_, i) => [`system:t${i}`, 1])) });
    const sample = predictRuns(p, { samples: 20_000, seed: 5 }).groups.get("g")!;
    for (const q of [0.5, 0.95]) {
      const exact = operationQuantile(DEFAULT_LATENCIES.remoteRestart, q ** (1 / k));
      assert.ok(Math.abs(quantileOfSorted(sample, q) / exact - 1) < 0.02, `q${q}`);
    }
  });

  it("dispatches under the plan's limits: two restarts on a one-slot system run one after the other", () => {
    // GIVEN durations without spread (median = p95) and a system taking one restart at a time
    const profile = { ...defaultProfile(), operations: resolveLatencies({ remoteRestart: { medianSeconds: 100, p95Seconds: 100 } }) };
    const p = plan([restart("a", { resources: ["system:t"] }), restart("b", { resources: ["system:t"] })], { groups: [group("g")], resources: { "system:t": 1 } });
    const one = predictRuns(p, { samples: 3, profile });
    assert.equal(quantileOfSorted(one.groups.get("g")!, 0.5), 200);
    // WHEN the limit is raised THEN they overlap
    const two = predictRuns(p, { samples: 3, profile, limits: { "system:t": 2 } });
    assert.equal(quantileOfSorted(two.groups.get("g")!, 0.5), 100);
  });

  it("holds a lower SLA level behind a higher one when strict, not when pipelined", () => {
    const profile = { ...defaultProfile(), operations: resolveLatencies({ remoteRestart: { medianSeconds: 100, p95Seconds: 100 } }) };
    const p = plan([restart("hi", { slaLevel: 2, group: "hi", resources: ["system:a"] }), restart("lo", { slaLevel: 1, group: "lo", resources: ["system:b"] })], {
      groups: [group("hi"), group("lo")],
      resources: { "system:a": 1, "system:b": 1 },
    });
    assert.equal(predictRuns(p, { samples: 2, profile, sla: "strict" }).groups.get("lo")![0], 200);
    assert.equal(predictRuns(p, { samples: 2, profile, sla: "pipelined" }).groups.get("lo")![0], 100);
  });

  it("starts a VerifyLpar's boot when its restart ends, and is the same for the same seed", () => {
    const p = plan([restart("r"), step("v", { kind: "VerifyLpar", group: "g", lpar: "r", dependsOn: ["r"] })], { groups: [group("g")] });
    const a = predictRuns(p, { samples: 200, seed: 9 });
    const b = predictRuns(p, { samples: 200, seed: 9 });
    assert.deepEqual([...a.groups.get("g")!], [...b.groups.get("g")!]);
    const median = quantileOfSorted(a.groups.get("g")!, 0.5);
    // The median of a sum of two lognormals (120 s and 180 s medians) lies above either median and below their sum's p95.
    assert.ok(median > 250 && median < 500, `median ${median}`);
  });

  it("takes each budgeted group's verdict at the confidence", () => {
    // GIVEN a group with a budget between its median and its p99
    const p = plan([restart("r")], { groups: [group("g", 250)] });
    const prediction = predictRuns(p, { samples: 2000 });
    const at50 = withPrediction(p, prediction, 0.5);
    const at95 = withPrediction(p, prediction, 0.95);
    assert.equal(at50.groups[0].verdict, "within");
    assert.equal(at95.groups[0].verdict, "over");
    assert.equal(at95.estimate.confidence, 0.95);
    assert.equal(at95.groups[0].predictedRto?.samples, 2000);
    assert.equal(at95.groups[0].predictedRto?.profile, "defaults");
    assert.ok(at95.groups[0].predictedRto!.p95Seconds! > 250);
  });
});

describe("predict/predictUntilSettled: the N-1 check's samples", () => {
  it("stops once every budgeted verdict is settled, draws every sample for a close call, and agrees with predictRuns on what it drew", () => {
    // GIVEN one restart (median 120 s, p95 300 s) under three budgets: far above its p99, at its p95, and none
    const far = plan([restart("r")], { groups: [group("g", 3600)] });
    const close = plan([restart("r")], { groups: [group("g", Math.round(operationQuantile(DEFAULT_LATENCIES.remoteRestart, 0.95)))] });
    const none = plan([restart("r")], { groups: [group("g")] });
    // WHEN predicted with up to 1,000 samples at 0.95
    const settled = predictUntilSettled(far, 0.95, { samples: 1000, seed: 4 });
    // THEN the far budget is settled at the first look where a group none of whose samples is over
    // is settled (0.95^m below the tail per look: settle.ts), 155, and those are predictRuns' first 155 draws
    assert.equal(settled.samples, looks(1000).find((m) => 0.95 ** m < tailPerLook(1000)));
    assert.equal(settled.samples, 155);
    assert.deepEqual([...settled.groups.get("g")!], [...predictRuns(far, { samples: 155, seed: 4 }).groups.get("g")!]);
    // AND the verdict at the edge of the budget takes every sample
    assert.equal(predictUntilSettled(close, 0.95, { samples: 1000, seed: 4 }).samples, 1000);
    // AND a group without a budget has nothing to settle: the first look (25 samples) ends it
    assert.equal(predictUntilSettled(none, 0.95, { samples: 1000, seed: 4 }).samples, looks(1000)[0]);
  });

  it("stops at the first look where one group is settled over, when told to (the N-1 check: the failure is then not survivable)", () => {
    // GIVEN two groups: one restart under a 10 s budget (always over), one under a budget at its p95 (a close call)
    const edge = Math.round(operationQuantile(DEFAULT_LATENCIES.remoteRestart, 0.95));
    const p = plan([restart("a"), restart("b", { group: "h", resources: ["system:other"] })], { groups: [group("g", 10), group("h", edge)] });
    // WHEN predicted until the first group over THEN the first look (25 samples, all over) ends it
    assert.equal(predictUntilSettled(p, 0.95, { samples: 1000, seed: 4, until: "first-over" }).samples, 25);
    // AND until each group is settled, the close call takes every sample
    assert.equal(predictUntilSettled(p, 0.95, { samples: 1000, seed: 4 }).samples, 1000);
  });
});

describe("predict/compileDraws: what each step waits for", () => {
  it("draws no fence time for an LPAR whose source the failover treats as down, as the simulator takes none", async () => {
    // GIVEN the paper preset's failover of its crashed system
    const topology = presetTopology("paper");
    const sim = createInMemorySimulator(topology, { clock: new VirtualClock() });
    await simFailHost(PAPER_FAILED_HOST, { store: sim.store });
    const inventory = { compute: await sim.compute.inventory(), storage: await sim.storage.inventory() };
    await sim.close();
    const failover = planFailover({ model: protectTopology(topology), inventory, failure: { failedHosts: [PAPER_FAILED_HOST] } });
    const fences = failover.steps.flatMap((s, i) => (s.kind === "FenceSourceLpar" ? [i] : []));
    assert.ok(fences.length > 0);
    // WHEN the executor runs it on the simulator THEN each fence ends when it starts (the system's state is the proof)
    const m = await measureMakespan(failover, { ...topology, simulation: { ...(topology.simulation ?? {}), seed: 11 } });
    for (const i of fences) assert.equal(m.result.steps[i].finishedMs, m.result.steps[i].startedMs, failover.steps[i].id);
    // AND the prediction draws nothing for them
    const draws = compileDraws(failover, defaultProfile());
    for (const i of fences) assert.equal(draws.first[i + 1] - draws.first[i], 0, failover.steps[i].id);
    // AND a fence of a source that is up (not in failedHosts) draws the fenceLpar duration
    const up = compileDraws({ ...failover, failure: { failedHosts: [] } }, defaultProfile());
    for (const i of fences) assert.equal(up.first[i + 1] - up.first[i], 1, failover.steps[i].id);
  });
});

describe("predict: retries where the profile measured faults", () => {
  // One restart without spread (median = p95 = 100 s), its attempts failing at the given rate.
  const faulty = (failureRate: number, failedShare: number) => ({
    ...defaultProfile(),
    operations: resolveLatencies({ remoteRestart: { medianSeconds: 100, p95Seconds: 100 } }),
    faults: { remoteRestart: { failureRate, failedShare } },
  });
  const one = plan([restart("r")], { groups: [group("g")] });

  it("adds every failed attempt and its back-off, and fails the step when its last attempt fails too", () => {
    // GIVEN attempts that always fail, each taking the whole operation (share 1), 5 attempts (DEFAULT_RETRY)
    const draws = compileDraws(one, faulty(1, 1));
    const random = seededRandom(2);
    const ends: number[] = [];
    const out = new Float64Array(1);
    const stops = new Uint8Array(1);
    for (let s = 0; s < 200; s++) {
      drawDurations(draws, random, out, random, stops);
      // THEN the step fails every time, after 5 x 100 s plus back-offs of half to all of 1, 2, 4 and 8 s (7.5 - 15 s)
      assert.equal(stops[0], 1);
      ends.push(out[0]);
    }
    ends.sort((a, b) => a - b);
    assert.ok(ends[0] >= 507.5 && ends[ends.length - 1] <= 515, `${ends[0]} .. ${ends[ends.length - 1]}`);
    assert.ok(ends[ends.length - 1] - ends[0] > 3, "the back-offs' jitter is drawn");
    // AND its group is never up without an operator: every quantile is past the runs that come up
    const predicted = withPrediction(one, predictRuns(one, { samples: 200, seed: 2, profile: faulty(1, 1) }), 0.95).groups[0].predictedRto!;
    assert.deepEqual([predicted.p50Seconds, predicted.p99Seconds, predicted.atConfidenceSeconds, predicted.unrecoveredShare], [null, null, null, 1]);
    // AND with 2 attempts allowed, one retry: 200 s plus half to all of 1 s
    const two = compileDraws(one, faulty(1, 1), { attempts: 2 });
    drawDurations(two, random, out, random, stops);
    assert.ok(stops[0] === 1 && out[0] >= 200.5 && out[0] <= 201, `${out[0]}`);
  });

  it("predicts the share of runs in which a step fails every attempt, skips what waits for it, and leaves the rest of the plan running", () => {
    // GIVEN r failing half its attempts (5 attempts: all fail in 1/32 of runs), s waiting for r in
    // the same group, and group h's restart on another system, whose attempts never fail
    const p = plan(
      [restart("r", { resources: ["system:t0"] }), restart("s", { dependsOn: ["r"], resources: ["system:t0"] }), restart("x", { group: "h", resources: ["system:t1"] })],
      { groups: [group("g", 10_000), group("h", 10_000)], resources: { "system:t0": 1, "system:t1": 1 } },
    );
    const profile = { ...faulty(0, 0), scopedFaults: { "system:t0": { remoteRestart: { failureRate: 0.5, failedShare: 0.5 } } } };
    const samples = 20_000;
    const prediction = predictRuns(p, { samples, seed: 5, profile, threads: 1 });
    const planned = withPrediction(p, prediction, 0.99);
    const [g, h] = planned.groups;
    // THEN g is not up in 1 - (1 - 1/32)^2 of runs (r or s fails every attempt): 6.2%, within
    // 4 standard errors (0.17%); its p50 and p90 are figures, its p95 and p99 are not
    const expected = 1 - (1 - 1 / 32) ** 2;
    const se = Math.sqrt((expected * (1 - expected)) / samples);
    assert.ok(Math.abs(g.predictedRto!.unrecoveredShare! - expected) < 4 * se, `${g.predictedRto!.unrecoveredShare} against ${expected}`);
    assert.ok(g.predictedRto!.p90Seconds !== null && g.predictedRto!.p95Seconds === null && g.predictedRto!.p99Seconds === null, JSON.stringify(g.predictedRto));
    // AND its verdict at 99% is over whatever its budget: 1% of runs may miss, 6% are not up
    assert.equal(g.verdict, "over");
    // AND h is up in every run, at exactly its one attempt, within its budget
    assert.equal(h.predictedRto!.unrecoveredShare, 0);
    assert.equal(h.predictedRto!.p99Seconds, 100);
    assert.equal(h.verdict, "within");
    // AND the makespan (everything up) is not reached in those runs either
    assert.equal(planned.estimate.predictedMakespan!.unrecoveredShare, g.predictedRto!.unrecoveredShare);
  });

  it("adds, on average, the sum over retries of rate^a x (share x 100 s + the mean back-off)", () => {
    // GIVEN 20% of attempts failing, each half way on average (share uniform in [0, 1])
    const drawn = predictRuns(one, { samples: 100_000, seed: 9, profile: faulty(0.2, 0.5) }).groups.get("g")!;
    // (the runs whose 5 attempts all failed, 0.2^5 of them, are not up: left out of the mean)
    const sample = drawn.filter((v) => Number.isFinite(v));
    assert.ok(drawn.length - sample.length < 100, `${drawn.length - sample.length} runs not up, expected about 32`);
    const mean = sample.reduce((a, b) => a + b, 0) / sample.length;
    const expected = 100 + [1, 2, 4, 8].reduce((sum, ceiling, k) => sum + ((0.2 ** (k + 1) - 0.2 ** 5) / (1 - 0.2 ** 5)) * (50 + 0.75 * ceiling), 0);
    // THEN the mean is within 0.5 s of 112.7 s (its standard error is about 0.1 s)
    assert.ok(Math.abs(mean - expected) < 0.5, `mean ${mean}, expected ${expected}`);
    // AND 80% of samples had no failed attempt: exactly 100 s
    const clean = sample.filter((v) => v === 100).length / sample.length;
    assert.ok(Math.abs(clean - 0.8) < 0.01, `share without a retry ${clean}`);
  });

  it("draws no retry of a best-effort step (the executor makes one attempt), nor without measured faults", () => {
    const bestEffort = plan([restart("r", { bestEffort: true, group: undefined }), restart("s")], { groups: [group("g")] });
    const draws = compileDraws(bestEffort, faulty(1, 1));
    assert.deepEqual([...draws.retries], [0, 4]);
    assert.equal(compileDraws(one, defaultProfile()).faulty, false);
    const none = predictRuns(one, { samples: 50, seed: 2, profile: faulty(0, 0.5) }).groups.get("g")!;
    assert.ok(none.every((v) => v === 100));
  });

  it("draws a scope's own fault rate where one was measured apart (a flaky server), the operation's elsewhere", () => {
    // GIVEN restarts onto t0, whose attempts always fail, and onto t1, which never fail
    const p = plan([restart("r0", { resources: ["system:t0"] }), restart("r1", { resources: ["system:t1"], group: "h" })], { groups: [group("g"), group("h")], resources: { "system:t0": 1, "system:t1": 1 } });
    const profile = { ...faulty(0, 0), scopedFaults: { "system:t0": { remoteRestart: { failureRate: 1, failedShare: 1 } } } };
    const r = predictRuns(p, { samples: 200, seed: 3, profile });
    // THEN t0's group fails every attempt (never up without an operator), t1's is up after one attempt
    assert.ok(r.groups.get("g")!.every((v) => v === Infinity));
    assert.ok(r.groups.get("h")!.every((v) => v === 100));
    // AND compileDraws takes t0's rate for r0 only
    assert.deepEqual([...compileDraws(p, profile).failRate], [1, 0]);
  });

  it("gives the same figures on one thread and on two, and the durations' draws are those without faults", () => {
    const p = plan(
      Array.from({ length: 8 }, (_, i) => restart(`r${i}`, { resources: [`system:t${i % 2}`] })),
      { groups: [group("g")], resources: { "system:t0": 2, "system:t1": 2 } },
    );
    const profile = { ...defaultProfile(), faults: { remoteRestart: { failureRate: 0.3, failedShare: 0.4 } } };
    const oneThread = predictRuns(p, { samples: 400, seed: 4, profile, threads: 1 });
    const twoThreads = predictRuns(p, { samples: 400, seed: 4, profile, threads: 2 });
    assert.deepEqual([...twoThreads.makespan], [...oneThread.makespan]);
    // AND a fault-free prediction of the same seed is never slower, sample for sample (same durations, no retries)
    const clean = predictRuns(p, { samples: 400, seed: 4, threads: 1 });
    assert.ok(quantileOfSorted(clean.makespan, 0.5) < quantileOfSorted(oneThread.makespan, 0.5));
  });
});
