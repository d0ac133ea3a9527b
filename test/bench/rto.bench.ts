// RTO prediction: (1) coverage: per scenario, 200 (paper preset: 1,000) seeded runs of the real executor on the
// in-memory simulator in virtual time (each seed draws other latencies from the same model),
// against the Monte Carlo prediction of provider/predict: for every group, the share of runs whose
// measured RTO is at most the predicted p95 (goal [0.92, 0.98]) and the error of the predicted p50
// against the measured median (goal <= 5%); (2) dispatch: median makespan over the hindsight lower
// bound (the planner's bound with every step's realised duration; goal <= 1.10); (3) cost of a
// prediction.

import { performance } from "perf_hooks";
import * as path from "path";
import { VirtualClock } from "../../provider/clock";
import { createInMemorySimulator, PAPER_FAILED_HOST, presetTopology } from "../../provider/adapters/simulator";
import { loadTopology, simFailHost } from "../../provider/adapters/simulator/control";
import type { LatencyProfileFile } from "../../provider/generated/latency-profile";
import type { Plan } from "../../provider/generated/plan";
import type { ResolvedTopology } from "../../provider/model";
import { DEFAULT_LATENCIES, type Operation } from "../../provider/model/latency";
import { checkSurvivability, planDrill, planFailover, type SlaMode, type SurvivabilityReport } from "../../provider/planner";
import { listSchedule, lowerBound } from "../../provider/planner/estimate";
import { MemoryJournal } from "../../provider/executor/journal/file-journal";
import type { JournalRecord } from "../../provider/executor/types";
import { countsTowardsRto, defaultProfile, predictRuns, quantileOfSorted, scenarioPredictor, unrecoveredShareOf, type Prediction } from "../../provider/predict";
import { calibrate } from "../../provider/predict/calibrate";
import { toLatencyProfile } from "../../provider/predict/profile-file";
import { runRecordFromJournal } from "../../provider/report/journal";
import { measureMakespan } from "../../provider/recovery/measure";
import { topologyFromInventory } from "../../provider/recovery/rehearse";
import { generateDatacenter } from "../fixtures/datacenter";
import { protectTopology } from "../fixtures/protect";
import type { BenchContext } from "./main";

export const title = "RTO prediction: coverage of the predicted band over seeded executor runs, dispatch against the hindsight bound, cost";

interface Scenario {
  readonly name: string;
  readonly plan: Plan;
  readonly topology: ResolvedTopology;
  readonly sla: SlaMode;
}

/** One executor run's figures: each group's RTO, the makespan and its hindsight lower bound. */
interface Measured {
  readonly groups: ReadonlyMap<string, number>;
  readonly makespan: number;
  readonly hindsight: number;
  /** The planner's list schedule with every step's realised duration: a dispatcher that knew them in advance. */
  readonly clairvoyant: number;
  /** The same, every step at one SLA level: what dispatching the higher levels first costs the makespan (pipelined only, where levels are a priority and not a barrier). */
  readonly clairvoyantLevelsIgnored?: number;
  /** Steps that failed or were skipped (a time limit hit by a long tail). */
  readonly failures: readonly string[];
}

async function measureOnce(s: Scenario, seed: number, journals?: JournalRecord[][]): Promise<Measured> {
  const topology = { ...s.topology, simulation: { ...(s.topology.simulation ?? {}), seed } };
  const journal = journals !== undefined ? new MemoryJournal() : undefined;
  const m = await measureMakespan(s.plan, topology, { sla: s.sla, ...(journal ? { journal } : {}) });
  if (journal) journals?.push(journal.records);
  const start = m.result.startedMs;
  const groups = new Map<string, number>();
  const failures: string[] = [];
  const realised = s.plan.steps.map((step, i) => {
    const o = m.result.steps[i];
    // A group whose step did not end well was not up: a miss for every quantile (Infinity).
    const end = o.status === "done" ? ((o.finishedMs ?? start) - start) / 1000 : Infinity;
    if (o.status !== "done" && !step.bestEffort) failures.push(`${step.id} ${o.status}${o.error ? ` (${o.error.message})` : ""}`);
    if (countsTowardsRto(step)) groups.set(step.group as string, Math.max(groups.get(step.group as string) ?? 0, end));
    return { ...step, estimateSeconds: o.startedMs !== undefined && o.finishedMs !== undefined ? (o.finishedMs - o.startedMs) / 1000 : 0 };
  });
  const hindsight = lowerBound({ steps: realised, resources: s.plan.resources }, { strictSla: s.sla === "strict" }).seconds;
  const clairvoyant = listSchedule({ steps: realised, resources: s.plan.resources }, { strictSla: s.sla === "strict" }).makespanSeconds;
  const clairvoyantLevelsIgnored = s.sla === "pipelined" ? listSchedule({ steps: realised.map((step) => ({ ...step, slaLevel: 1 })), resources: s.plan.resources }).makespanSeconds : undefined;
  return { groups, makespan: m.makespanSeconds, hindsight, clairvoyant, failures, ...(clairvoyantLevelsIgnored !== undefined ? { clairvoyantLevelsIgnored } : {}) };
}

interface Coverage {
  readonly shareMin: number;
  readonly shareMax: number;
  readonly errorMax: number;
  /** The widest 95% interval of a group's measured median, as a share of it: the p50 error's noise floor. */
  readonly medianNoiseMax: number;
  /** The predicted share of runs not finished without an operator (a step failing every attempt: the makespan's Infinity). */
  readonly notUp: number;
  readonly rows: readonly string[];
}

/**
 * Half the width of the 95% interval of the median of an ascending sample, over the median: the
 * order statistics at ranks n/2 -+ 0.98 sqrt(n) (a binomial's normal approximation), free of
 * any assumption about the distribution. What a measured median can be trusted to.
 */
function medianNoise(sorted: readonly number[]): number {
  const n = sorted.length;
  const lo = sorted[Math.max(0, Math.floor(n / 2 - 0.98 * Math.sqrt(n)))];
  const hi = sorted[Math.min(n - 1, Math.ceil(n / 2 + 0.98 * Math.sqrt(n)))];
  return (hi - lo) / 2 / quantileOfSorted(sorted, 0.5);
}

/** Per group: the share of runs at most the predicted p95, and the predicted p50 against the measured median. */
function coverageOf(name: string, prediction: Prediction, measured: readonly Measured[]): Coverage {
  let shareMin = 1;
  let shareMax = 0;
  let errorMax = 0;
  let medianNoiseMax = 0;
  const rows: string[] = [];
  for (const [group, sample] of prediction.groups) {
    const values = measured.map((m) => m.groups.get(group)).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
    if (values.length === 0) continue;
    const p95 = quantileOfSorted(sample, 0.95);
    const p50 = quantileOfSorted(sample, 0.5);
    const share = values.filter((v) => v <= p95).length / values.length;
    const median = quantileOfSorted(values, 0.5);
    const error = Math.abs(p50 / median - 1);
    shareMin = Math.min(shareMin, share);
    shareMax = Math.max(shareMax, share);
    errorMax = Math.max(errorMax, error);
    medianNoiseMax = Math.max(medianNoiseMax, medianNoise(values));
    rows.push(`| ${name} | ${group} | ${p50.toFixed(0)} | ${median.toFixed(0)} | ${p95.toFixed(0)} | ${share.toFixed(3)} |`);
  }
  return { shareMin, shareMax, errorMax, medianNoiseMax, notUp: unrecoveredShareOf(prediction.makespan), rows };
}

/** Coverage of `measured` by a 2,000-sample prediction of `s` with a fitted profile (the defaults without one). */
function coverageWithProfile(s: Scenario, measured: readonly Measured[], profile?: LatencyProfileFile): Coverage {
  return coverageOf(s.name, predictRuns(s.plan, { samples: 2000, seed: 7, sla: s.sla, ...(profile ? { profile: toLatencyProfile(profile) } : {}) }), measured);
}

async function measureRuns(s: Scenario, runs: number, journals?: JournalRecord[][]): Promise<Measured[]> {
  const measured: Measured[] = [];
  for (let k = 0; k < runs; k++) measured.push(await measureOnce(s, 1000 + k, journals));
  return measured;
}

async function coverage(context: BenchContext, s: Scenario, runs: number): Promise<void> {
  const started = performance.now();
  const prediction = predictRuns(s.plan, { samples: 2000, seed: 7, sla: s.sla });
  const measured = await measureRuns(s, runs);
  const c = coverageOf(s.name, prediction, measured);
  const ratios = measured.map((m) => m.makespan / m.hindsight).sort((a, b) => a - b);
  const foresight = measured.map((m) => m.clairvoyant / m.hindsight).sort((a, b) => a - b);
  const failed = measured.filter((m) => m.failures.length > 0);
  if (failed.length > 0) context.print(`(${failed.length} of ${runs} runs of ${s.name} had a step fail, counted as misses; first: ${failed[0].failures[0]})`);
  context.print(`coverage ${s.name}: p95 share min ${c.shareMin.toFixed(3)} max ${c.shareMax.toFixed(3)}; p50 error max ${(c.errorMax * 100).toFixed(1)}%`);
  context.print(`  (${runs} runs: a group's measured median is known to +-${(c.medianNoiseMax * 100).toFixed(1)}% at most, its 95% interval)`);
  context.print(
    `dispatch ${s.name}: median makespan / hindsight lower bound ${quantileOfSorted(ratios, 0.5).toFixed(3)} (max ${ratios[ratios.length - 1].toFixed(3)}); ${runs} runs, ${s.plan.steps.length} steps, ${((performance.now() - started) / 1000).toFixed(1)} s wall`,
  );
  // How much of the distance no online rule can close: the same list scheduling, told every realised duration beforehand.
  const flat = measured.flatMap((m) => (m.clairvoyantLevelsIgnored !== undefined ? [m.clairvoyantLevelsIgnored / m.hindsight] : [])).sort((a, b) => a - b);
  const levelsIgnored = flat.length > 0 ? `; the same with every step at one SLA level, the makespan's own best: ${quantileOfSorted(flat, 0.5).toFixed(3)}` : "";
  context.print(`  (a dispatcher told every realised duration in advance, the planner's list schedule: ${quantileOfSorted(foresight, 0.5).toFixed(3)} of the bound${levelsIgnored})`);
  groupRows.push(...c.rows);
}

/**
 * A simulator whose restarts are 2x and boots 1.5x slower than the defaults: predicted with the
 * defaults, then with the profile `calibrate` fits from the journals of 5 other seeded runs.
 */
async function calibration(context: BenchContext, base: Scenario, runs: number): Promise<void> {
  const slow = { remoteRestart: { medianSeconds: 240, p95Seconds: 600 }, bootLpar: { medianSeconds: 270, p95Seconds: 900 } };
  const s: Scenario = { ...base, name: `${base.name}-slow`, topology: { ...base.topology, simulation: { ...(base.topology.simulation ?? {}), latencies: slow } } };
  const journals: JournalRecord[][] = [];
  for (let k = 0; k < 5; k++) await measureOnce(s, 9000 + k, journals);
  const fitted = calibrate(journals.map((records) => runRecordFromJournal(records)), { stack: "bench" });
  const measured = await measureRuns(s, runs);
  const before = coverageOf(s.name, predictRuns(s.plan, { samples: 2000, seed: 7, sla: s.sla }), measured);
  const after = coverageOf(s.name, predictRuns(s.plan, { samples: 2000, seed: 7, sla: s.sla, profile: toLatencyProfile(fitted) }), measured);
  context.print(`calibration: before ${before.shareMin.toFixed(3)} after ${after.shareMin.toFixed(3)} (lowest per-group share of ${runs} runs at most the predicted p95; ${s.name}: restarts 2x, boots 1.5x the defaults; profile from 5 runs)`);
  context.print(`calibration p50 error max: before ${(before.errorMax * 100).toFixed(1)}% after ${(after.errorMax * 100).toFixed(1)}%; fitted remoteRestart median ${fitted.operations.remoteRestart?.medianSeconds.toFixed(0)} s p95 ${fitted.operations.remoteRestart?.p95Seconds.toFixed(0)} s, bootLpar median ${fitted.operations.bootLpar?.medianSeconds.toFixed(0)} s p95 ${fitted.operations.bootLpar?.p95Seconds.toFixed(0)} s`);
}

/**
 * Real hardware is not uniform: some target systems restart 2x slower, others boot 1.5x slower
 * (simulation.systemLatencies: of the plan's targets in id order, every `every`-th from the first,
 * and every `every`-th from the middle one), the rest at the defaults. Predicted with the defaults,
 * then with the profile `calibrate` fits from the journals of `history` other seeded runs (per
 * operation, and apart per system where it measures differently), then with per-operation fits
 * of the same runs only, to show what the fits apart add.
 */
async function calibrationPerSystem(context: BenchContext, base: Scenario, o: { runs: number; history: number; every: number }): Promise<void> {
  const scaled = (op: Operation, k: number) => ({ medianSeconds: DEFAULT_LATENCIES[op].medianSeconds * k, p95Seconds: DEFAULT_LATENCIES[op].p95Seconds * k });
  const targets = [...new Set(base.plan.placements.flatMap((p) => (p.target !== null ? [p.target] : [])))].sort();
  const every = Math.min(o.every, targets.length);
  const systemLatencies: Record<string, Record<string, { medianSeconds: number; p95Seconds: number }>> = {};
  targets.forEach((t, i) => {
    if (i % every === 0) systemLatencies[t] = { remoteRestart: scaled("remoteRestart", 2) };
    if (i % every === Math.floor(every / 2)) systemLatencies[t] = { bootLpar: scaled("bootLpar", 1.5) };
  });
  const s: Scenario = { ...base, name: `${base.name}-uneven`, topology: { ...base.topology, simulation: { ...(base.topology.simulation ?? {}), systemLatencies } } };
  const journals: JournalRecord[][] = [];
  for (let k = 0; k < o.history; k++) await measureOnce(s, 9000 + k, journals);
  const history = journals.map((records) => runRecordFromJournal(records));
  const fitted = calibrate(history, { stack: "bench" });
  const pooled = calibrate(history, { stack: "bench", fitApart: false });
  const measured = await measureRuns(s, o.runs);
  const [before, after, wide] = [undefined, fitted, pooled].map((profile) => coverageWithProfile(s, measured, profile));
  const apart = Object.keys(fitted.scoped ?? {}).filter((k) => k.startsWith("system:")).length;
  const figures = (c: ReturnType<typeof coverageOf>) => `${c.shareMin.toFixed(3)} (p50 error max ${(c.errorMax * 100).toFixed(1)}%)`;
  context.print(
    `calibration per system ${s.name}: before ${figures(before)} after ${figures(after)}; per-operation fits only ${figures(wide)} (${o.runs} runs; ${Object.keys(systemLatencies).length} of ${targets.length} target systems restart 2x or boot 1.5x slower; profile from ${o.history} runs, ${apart} systems fitted apart)`,
  );
}

/**
 * Transient faults (simulation.faults.transientProbability, per attempt: refused at once;
 * midJobProbability, part way through a job: the attempt costs a uniform share of its time),
 * each retried by the executor after its back-off. Predicted with the defaults, which know no
 * faults, then with the profile `calibrate` fits from the journals of 20 other seeded runs under
 * the same faults (their rate and a failed attempt's share, drawn as retries). Also how many runs
 * end with a step that failed every attempt (its group not up: a miss for every quantile), and
 * how many the calibrated prediction draws so.
 */
async function coverageUnderFaults(context: BenchContext, base: Scenario, runs: number): Promise<void> {
  const prediction = predictRuns(base.plan, { samples: 2000, seed: 7, sla: base.sla });
  const figures = (c: Coverage) => `p95 share min ${c.shareMin.toFixed(3)} max ${c.shareMax.toFixed(3)}; p50 error max ${(c.errorMax * 100).toFixed(1)}%`;
  const rows = [
    ...[0.05, 0.2].map((p) => ({ name: `faults-${p}`, faults: { transientProbability: p }, what: `${p} of attempts fail transiently` })),
    ...[0.05, 0.2].map((p) => ({ name: `mid-job-${p}`, faults: { midJobProbability: p }, what: `${p} of jobs fail part way through` })),
  ];
  for (const row of rows) {
    const s: Scenario = { ...base, name: `${base.name}-${row.name}`, topology: { ...base.topology, simulation: { ...(base.topology.simulation ?? {}), faults: row.faults } } };
    const journals: JournalRecord[][] = [];
    for (let k = 0; k < 20; k++) await measureOnce(s, 9000 + k, journals);
    const fitted = calibrate(journals.map((records) => runRecordFromJournal(records)), { stack: "bench" });
    const measured = await measureRuns(s, runs);
    const before = coverageOf(s.name, prediction, measured);
    const profile = toLatencyProfile(fitted);
    const after = coverageOf(s.name, predictRuns(s.plan, { samples: 2000, seed: 7, sla: s.sla, profile }), measured);
    // The retries alone, on the true (default) durations: what drawing them does, apart from the noise of 20 runs' duration fits.
    const retriesOnly = coverageOf(s.name, predictRuns(s.plan, { samples: 2000, seed: 7, sla: s.sla, profile: { ...defaultProfile(), name: "defaults with fitted faults", ...(profile.faults ? { faults: profile.faults } : {}) } }), measured);
    const failed = measured.filter((m) => m.failures.length > 0).length;
    const restart = fitted.faults?.remoteRestart;
    const rate = restart !== undefined ? `${(restart.failed / restart.attempts).toFixed(3)}, share ${restart.failedShare.toFixed(2)}` : "not fitted";
    context.print(`coverage under faults ${s.name}: ${figures(before)} (${runs} runs, ${row.what}; ${failed} runs had a step fail, predicted calibrated ${(after.notUp * runs).toFixed(0)})`);
    context.print(`  calibrated from 20 runs: ${figures(after)}; the defaults with only the fitted faults: ${figures(retriesOnly)} (fitted remoteRestart failure rate ${rate}; ${Object.keys(fitted.scoped ?? {}).length} scopes fitted apart)`);
  }
}

/**
 * One flaky server (simulation.systemFaults): the jobs run on one target system of the plan fail
 * part way at FLAKY_RATE, the others never. Predicted with the defaults, with the profile
 * `calibrate` fits from 20 other seeded runs (its rate fitted apart), and with per-operation fits
 * only (the rate pooled over every system: too few retries for the flaky server's groups, too
 * many for the others').
 */
async function coverageFlakyServer(context: BenchContext, base: Scenario, runs: number): Promise<void> {
  const FLAKY_RATE = 0.3;
  const flaky = [...new Set(base.plan.placements.flatMap((p) => (p.target !== null ? [p.target] : [])))].sort()[0];
  const s: Scenario = { ...base, name: `${base.name}-flaky-server`, topology: { ...base.topology, simulation: { ...(base.topology.simulation ?? {}), systemFaults: { [flaky]: { midJobProbability: FLAKY_RATE } } } } };
  const journals: JournalRecord[][] = [];
  for (let k = 0; k < 20; k++) await measureOnce(s, 9000 + k, journals);
  const history = journals.map((records) => runRecordFromJournal(records));
  const fitted = calibrate(history, { stack: "bench" });
  const pooled = calibrate(history, { stack: "bench", fitApart: false });
  const measured = await measureRuns(s, runs);
  const [before, after, wide] = [undefined, fitted, pooled].map((profile) => coverageWithProfile(s, measured, profile));
  const figures = (c: Coverage) => `p95 share min ${c.shareMin.toFixed(3)} max ${c.shareMax.toFixed(3)}; p50 error max ${(c.errorMax * 100).toFixed(1)}%`;
  const own = fitted.scopedFaults?.[`system:${flaky}`]?.remoteRestart;
  const rate = own !== undefined ? `${(own.failed / own.attempts).toFixed(3)} of ${own.attempts} attempts` : "not fitted apart";
  const failed = measured.filter((m) => m.failures.length > 0).length;
  context.print(
    `coverage with a flaky server ${s.name}: ${figures(before)} (${runs} runs; the jobs run on ${flaky} fail part way at ${FLAKY_RATE}, the other systems' never; ${failed} runs had a step fail, predicted calibrated ${(after.notUp * runs).toFixed(0)}, pooled ${(wide.notUp * runs).toFixed(0)})`,
  );
  context.print(`  calibrated from 20 runs: ${figures(after)} (${flaky}'s restarts fitted apart: ${rate}); per-operation fits only: ${figures(wide)}`);
}

const groupRows: string[] = [];

async function paperScenarios(seed: number | undefined): Promise<Scenario[]> {
  const topology = presetTopology("paper", seed);
  const sim = createInMemorySimulator(topology, { clock: new VirtualClock() });
  await simFailHost(PAPER_FAILED_HOST, { store: sim.store });
  const inventory = { compute: await sim.compute.inventory(), storage: await sim.storage.inventory() };
  await sim.close();
  const model = protectTopology(topology);
  return (["strict", "pipelined"] as const).map((sla) => ({
    name: `paper-${sla}`,
    plan: planFailover({ model, inventory, failure: { failedHosts: [PAPER_FAILED_HOST] }, options: { slaMode: sla } }),
    topology,
    sla,
  }));
}

async function basicDrill(): Promise<Scenario> {
  const topology = loadTopology(path.join(__dirname, "..", "..", "..", "examples", "basic", "topology.yaml"));
  const sim = createInMemorySimulator(topology, { clock: new VirtualClock() });
  const inventory = { compute: await sim.compute.inventory(), storage: await sim.storage.inventory() };
  await sim.close();
  const model = protectTopology(topology);
  const plan = planDrill({ model, inventory, failure: { failedSite: "site-a", groups: model.groups.map((g) => g.name) }, options: { drillNetwork: "vmr-drill" } });
  return { name: "basic-site-loss-drill", plan, topology, sla: "strict" };
}

function siteFailure(vms: number): Scenario {
  const dc = generateDatacenter({ hosts: vms / 10, vms, volumesPerVm: 2 });
  const plan = planFailover({ ...dc, failure: { failedSite: "A" } });
  return { name: `site-failure-${vms}`, plan, topology: topologyFromInventory(dc.inventory) as unknown as ResolvedTopology, sla: "strict" };
}

function bestMs(runs: number, fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

export async function run(context: BenchContext): Promise<void> {
  const runs = context.quick ? 40 : 200;
  // The paper preset's single-LPAR groups: a median of 200 runs is known to about +-8% (its boot's
  // spread; the 95% interval printed below), above the 5% goal; 1,000 runs bring it to +-4%.
  const paperRuns = context.quick ? 100 : 1000;
  const paper = await paperScenarios(context.seed);
  const scenarios = [...paper, await basicDrill(), siteFailure(1000)];
  context.print(`${paperRuns} seeded executor runs per paper scenario, ${runs} for the others (simulator seeds from 1000), prediction of 2000 Monte Carlo samples; goals: p95 share in [0.92, 0.98], p50 error <= 5%, dispatch <= 1.10`);
  context.print("");
  for (const s of scenarios) await coverage(context, s, paper.includes(s) ? paperRuns : runs);
  context.print("");
  context.print("| scenario | group | predicted p50 s | measured median s | predicted p95 s | share <= p95 |");
  context.print("|---|---|---|---|---|---|");
  for (const row of groupRows) context.print(row);
  groupRows.length = 0;
  context.print("");
  await calibration(context, scenarios[0], runs);
  // The paper preset's groups are one LPAR each: a slow server is all of its groups' RTO. The
  // site failure's groups span many servers. History: `vmr calibrate`'s default, the last 20 runs.
  await calibrationPerSystem(context, scenarios[0], { runs: paperRuns, history: 20, every: Number.MAX_SAFE_INTEGER });
  await calibrationPerSystem(context, scenarios[scenarios.length - 1], { runs, history: 5, every: 10 });
  await coverageUnderFaults(context, scenarios[0], paperRuns);
  await coverageFlakyServer(context, scenarios[0], paperRuns);

  context.print("");
  const paperMs = bestMs(3, () => predictRuns(paper[0].plan, { samples: 1000, sla: "strict" }));
  context.print(`cost: paper preset, 1,000 samples: ${paperMs.toFixed(0)} ms (goal <= 500 ms)`);
  const large = siteFailure(10_000);
  // The full 200 samples, on as many threads as the machine has cores (predict/threads.ts), then on one.
  const largeSamples = context.quick ? 20 : 200;
  let threads = 1;
  const largeMs = bestMs(1, () => (threads = predictRuns(large.plan, { samples: largeSamples, sla: "strict" }).threads));
  const oneThreadMs = bestMs(1, () => predictRuns(large.plan, { samples: largeSamples, sla: "strict", threads: 1 }));
  context.print(
    `cost: site failure of 10,000 LPARs (${large.plan.steps.length} steps), ${largeSamples} samples: ${(largeMs / 1000).toFixed(1)} s on ${threads} threads (goal <= 10 s for 200), ${(oneThreadMs / 1000).toFixed(1)} s on one (x${(oneThreadMs / largeMs).toFixed(2)})`,
  );
  checkCost(context);
}

/** `vmr check` at 0.95 of 1,000 hosts / 10,000 LPARs: every failure planned and predicted until settled (what the command does after reading the inventory). */
function checkCost(context: BenchContext): void {
  const size = context.quick ? { hosts: 100, vms: 1000 } : { hosts: 1000, vms: 10_000 };
  const dc = generateDatacenter({ ...size, volumesPerVm: 2 });
  let report: SurvivabilityReport | undefined;
  const allMs = bestMs(1, () => (report = checkSurvivability({ ...dc, refine: scenarioPredictor({ confidence: 0.95 }) })));
  const oneMs = bestMs(1, () => checkSurvivability({ ...dc, refine: scenarioPredictor({ confidence: 0.95, threads: 1 }) }));
  const failing = report!.scenarios.filter((s) => !s.survivable).length;
  context.print(
    `cost: vmr check of ${size.hosts.toLocaleString("en-US")} hosts / ${size.vms.toLocaleString("en-US")} LPARs at 0.95 (${report!.scenarios.length} failures planned and predicted, ${failing} not survivable): ${(allMs / 1000).toFixed(1)} s on every core (goal <= 10 s), ${(oneMs / 1000).toFixed(1)} s on one (x${(oneMs / allMs).toFixed(2)})`,
  );
}
