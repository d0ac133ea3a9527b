// The papers' experiment, reproduced: one POWER server fails, and its LPARs are failed over
// serially, with parallel restarts, and with parallel restarts plus parallel storage remapping.
// Every makespan is measured by running the executor (runPlan) against the in-memory simulator
// in virtual time; every bound is the planner's lowerBound (critical path, and per resource
// head + work / limit + tail) over the plan's DAG, which uses no scheduler. Deterministic: the
// generator and the simulator are seeded and every latency has zero spread.

import * as fs from "fs";
import * as path from "path";
import type { BenchContext } from "./main";
import { PAPER_FAILED_HOST, PRESETS, type GeneratorOptions } from "../../provider/adapters/simulator";
import type { ExecutionMode, SlaPolicy } from "../../provider/executor/types";
import { DEFAULT_LATENCIES, type Operation } from "../../provider/model/latency";
import { serialSeconds, type LowerBound } from "../../provider/planner";
import { loadSchema, schemaDir } from "../../provider/validation";
import { lineChartSvg } from "./failover/chart";
import {
  boundOf,
  execute,
  hardwareWaitSeconds,
  prepare,
  runSeconds,
  serviceSeconds,
  topLevelUpSeconds,
  withServiceTimes,
  type PreparedScenario,
  type ScenarioSpec,
} from "./failover/scenario";

export const title = "Failover: serial vs parallel, and the distance to the lower bound";

const MODES: readonly ExecutionMode[] = ["serial", "parallel-restart", "parallel"];
const MODE_NAMES: Readonly<Record<ExecutionMode, string>> = {
  serial: "serial",
  "parallel-restart": "parallel restart",
  parallel: "parallel restart + parallel remap",
};
/** The papers' headline speedups over their serial failover (Salapura & Harper, CLOSER / IEEE CLOUD 2015). */
const PAPER: Readonly<Partial<Record<ExecutionMode, number>>> = { "parallel-restart": 11, parallel: 44 };
/** Operations a host failover uses, in the order they happen. */
const FAILOVER_OPERATIONS: readonly Operation[] = ["fenceLpar", "unmapVolume", "mapVolume", "viosMapping", "failoverConsistencyGroup", "remoteRestart", "bootLpar"];

interface ModeFigures {
  readonly mode: ExecutionMode;
  readonly makespanSeconds: number;
  readonly speedup: number;
  readonly bound: LowerBound;
  readonly ratio: number;
  readonly topLevelUpSeconds: number;
  /** Longest time a step waited inside the simulator beyond its service time (0: the executor's limits kept it from queueing). */
  readonly hardwareWaitSeconds: number;
  readonly executorWallMs: number;
}

interface ScenarioFigures {
  readonly prepared: PreparedScenario;
  readonly modes: Readonly<Partial<Record<ExecutionMode, ModeFigures>>>;
  /** Sum of every step's service time: a failover that waits for each LPAR's OS before the next. */
  readonly oneByOneSeconds: number;
}

/**
 * Runs the scenario in every mode. The serial run goes first: its steps ran one at a time, so
 * their times are service times, which the bounds of the other modes charge each step.
 */
async function measure(spec: ScenarioSpec, sla: SlaPolicy, modes: readonly ExecutionMode[] = MODES): Promise<ScenarioFigures> {
  const prepared = await prepare(spec, sla);
  const serial = await execute(spec, prepared, "serial", sla);
  const service = serviceSeconds(serial.result, prepared.plan);
  const measuredPlan = withServiceTimes(prepared.plan, service);
  const figures: Partial<Record<ExecutionMode, ModeFigures>> = {};
  for (const mode of modes) {
    const run = mode === "serial" ? serial : await execute(spec, prepared, mode, sla);
    // The serial run cannot beat the sum of its own steps' times (its OS boots overlap the next
    // LPAR's steps, so they are shorter than the boots).
    const bound = mode === "serial" ? boundOf(withServiceTimes(prepared.plan, runSeconds(serial.result)), mode, sla) : boundOf(measuredPlan, mode, sla);
    figures[mode] = {
      mode,
      makespanSeconds: run.result.makespanSeconds,
      speedup: serial.result.makespanSeconds / run.result.makespanSeconds,
      bound,
      ratio: run.result.makespanSeconds / bound.seconds,
      topLevelUpSeconds: topLevelUpSeconds(run.result),
      hardwareWaitSeconds: mode === "serial" ? 0 : hardwareWaitSeconds(run.result, service),
      executorWallMs: run.wallMs,
    };
  }
  return { prepared, modes: figures, oneByOneSeconds: serialSeconds(measuredPlan) };
}

const secs = (s: number): string => `${s.toFixed(0)} s`;
const times = (x: number): string => `${x.toFixed(1)}x`;
const ratio = (x: number): string => x.toFixed(3);

function paperSpec(context: BenchContext, overrides: GeneratorOptions = {}): ScenarioSpec {
  return { generator: { ...PRESETS.paper.options, ...seedOf(context), ...overrides }, failure: { host: PAPER_FAILED_HOST } };
}

/** The generator's seed when the run sets one (VMR_BENCH_SEED). */
function seedOf(context: BenchContext): GeneratorOptions {
  return context.seed !== undefined ? { seed: context.seed } : {};
}

/** Descriptions from schemas/topology.schema.json: the limits' one source of truth and basis. */
function limitBasis(): Record<string, string> {
  const defs = (loadSchema("topology") as { definitions: Record<string, { properties?: Record<string, { description?: string }> }> }).definitions;
  const find = (prop: string): string => {
    for (const d of Object.values(defs)) if (d.properties?.[prop]?.description) return d.properties[prop].description as string;
    return "";
  };
  return {
    system: find("maxRemoteRestarts"),
    hmc: find("maxConcurrentJobs"),
    storage: find("maxConcurrentConfigOps"),
    vios: `${find("vioses")} (serialisation: pypowervm helpers/vios_busy.py)`,
  };
}

function printAssumptions(context: BenchContext, figures: ScenarioFigures): void {
  const { plan } = figures.prepared;
  const o = { ...PRESETS.paper.options };
  context.print(`Preset \`paper\`: ${PRESETS.paper.description}.`);
  context.print("The papers publish no sizes; every size below is an assumption (provider/adapters/simulator/presets.ts):");
  context.print();
  context.print("| assumed | value |");
  context.print("|---|---|");
  context.print(`| sites x POWER servers per site | ${o.sites} x ${o.hostsPerSite} |`);
  context.print(`| LPARs per server (all on the failed one move) | ${o.lparsPerHost} |`);
  context.print(`| LUNs per LPAR (vSCSI through the host's two VIOSes) | ${o.lunsPerLpar} |`);
  context.print(`| storage clusters per site | ${o.storageSystemsPerSite ?? 1} |`);
  context.print(`| SLA levels of the moving LPARs (3 highest) | ${[...new Set(plan.placements.map((p) => p.slaLevel))].sort((a, b) => b - a).map((l) => `${l}: ${plan.placements.filter((p) => p.slaLevel === l).length}`).join(", ")} |`);
  context.print(`| failed server | ${PAPER_FAILED_HOST}; its LPARs restart on the ${o.hostsPerSite! - 1} survivors of its site, same LUNs (shared SAN) |`);
  context.print();
  const basis = limitBasis();
  // The limits the plan carries (the inventory's, with the schema's defaults filled in).
  const limit = (prefix: string): string => String(Object.entries(plan.resources).find(([key]) => key.startsWith(prefix))?.[1] ?? "-");
  context.print("| concurrency limit | value | basis (schemas/topology.schema.json) |");
  context.print("|---|---|---|");
  context.print(`| remote restarts per target server (system:*) | ${limit("system:")} | ${basis.system} |`);
  context.print(`| jobs per HMC (hmc:*) | ${limit("hmc:")} | ${basis.hmc} |`);
  context.print(`| configuration commands per storage cluster (storage:*) | ${limit("storage:")} | ${basis.storage} |`);
  context.print(`| mapping changes per VIOS (vios:*) | ${limit("vios:")} | ${basis.vios} |`);
  context.print();
  context.print("| operation | median (s) | p95 by default (s) | basis (provider/model/latency.ts) |");
  context.print("|---|---|---|---|");
  for (const op of FAILOVER_OPERATIONS) {
    const d = DEFAULT_LATENCIES[op];
    context.print(`| ${op} | ${d.medianSeconds} | ${d.p95Seconds} | ${d.basis} |`);
  }
  context.print();
  context.print(
    "Durations: the benchmark runs every operation at its median with zero spread (p95 = median), so runs are deterministic and the planner's estimates are the simulator's draws. " +
      "Bounds charge each step its service time as the simulator gave it: the step's time in the serial run (one step at a time, so no queueing in it), and for VerifyLpar the OS boot (it waits for the boot its restart began).",
  );
}

function printModes(context: BenchContext, figures: ScenarioFigures): void {
  context.print("| failover | makespan | speedup over serial | paper | makespan / lower bound | bound set by |");
  context.print("|---|---|---|---|---|---|");
  for (const mode of MODES) {
    const f = figures.modes[mode];
    if (!f) continue;
    const paper = PAPER[mode];
    context.print(`| ${MODE_NAMES[mode]} | ${secs(f.makespanSeconds)} | ${times(f.speedup)} | ${paper ? `up to ${paper}x` : "1x"} | ${ratio(f.ratio)} | ${f.bound.bottleneck} |`);
  }
  context.print();
  const one = figures.oneByOneSeconds;
  const parallel = figures.modes.parallel;
  const restart = figures.modes["parallel-restart"];
  if (parallel && restart) {
    context.print(
      `Serial as the executor runs it overlaps each LPAR's OS boot with the next LPAR's steps. A serial failover that waits for each OS before the next LPAR (the papers' first implementation) takes the sum of the steps' service times, ${secs(one)}: ` +
        `against it, parallel restart is ${times(one / restart.makespanSeconds)} and parallel restart + remap ${times(one / parallel.makespanSeconds)}.`,
    );
  }
}

interface SweepPoint {
  readonly x: number;
  readonly figures: ScenarioFigures;
}

async function sweep(xs: readonly number[], specOf: (x: number) => ScenarioSpec): Promise<SweepPoint[]> {
  const points: SweepPoint[] = [];
  for (const x of xs) points.push({ x, figures: await measure(specOf(x), "strict") });
  return points;
}

function printSweep(context: BenchContext, label: string, points: readonly SweepPoint[]): void {
  context.print(`| ${label} | serial | parallel restart | speedup | bound set by | parallel restart + remap | speedup | makespan / bound | bound set by |`);
  context.print("|---|---|---|---|---|---|---|---|---|");
  for (const { x, figures } of points) {
    const s = figures.modes.serial as ModeFigures;
    const r = figures.modes["parallel-restart"] as ModeFigures;
    const p = figures.modes.parallel as ModeFigures;
    context.print(
      `| ${x} | ${secs(s.makespanSeconds)} | ${secs(r.makespanSeconds)} | ${times(r.speedup)} | ${r.bound.bottleneck} | ${secs(p.makespanSeconds)} | ${times(p.speedup)} | ${ratio(p.ratio)} | ${p.bound.bottleneck} |`,
    );
  }
}

function worstRatio(points: readonly SweepPoint[]): { ratio: number; where: string } {
  let worst = { ratio: 0, where: "" };
  for (const { x, figures } of points) {
    for (const mode of ["parallel-restart", "parallel"] as const) {
      const f = figures.modes[mode] as ModeFigures;
      if (f.ratio > worst.ratio) worst = { ratio: f.ratio, where: `${MODE_NAMES[mode]} at ${x}` };
    }
  }
  return worst;
}

function repoRoot(): string {
  return path.dirname(schemaDir());
}

export async function run(context: BenchContext): Promise<void> {
  const raw: Record<string, unknown> = {};

  // --- The paper scenario -------------------------------------------------------------------
  context.print("### Scenario `paper`: one POWER server fails in a CMS-like pod (strict SLA levels, as in the papers)");
  context.print();
  const paper = await measure(paperSpec(context), "strict");
  printAssumptions(context, paper);
  context.print();
  printModes(context, paper);
  raw.paper = summarise(paper);

  // --- Sweeps -----------------------------------------------------------------------------
  const luns = context.quick ? [1, 4] : [1, 2, 4, 8];
  const lpars = context.quick ? [8, 32] : [8, 16, 32, 64, 128];
  context.print();
  context.print(`### Sweep: LUNs per LPAR (paper scenario, ${PRESETS.paper.options.lparsPerHost} LPARs on the failed server, strict SLA)`);
  context.print();
  const lunPoints = await sweep(luns, (n) => paperSpec(context, { lunsPerLpar: n }));
  printSweep(context, "LUNs per LPAR", lunPoints);
  context.print();
  context.print(`### Sweep: LPARs per failed server (paper scenario, ${PRESETS.paper.options.lunsPerLpar} LUNs per LPAR, strict SLA)`);
  context.print();
  const lparPoints = await sweep(lpars, (n) => paperSpec(context, { lparsPerHost: n }));
  printSweep(context, "LPARs per server", lparPoints);
  context.print();
  // The assumption that caps parallel remapping: one configuration command at a time per storage
  // cluster. Lifting it shows what parallel remapping buys where the SAN allows it.
  const configOps = context.quick ? [1, 4] : [1, 2, 4, 8];
  context.print(
    `### Sweep: configuration commands a storage cluster applies at once (paper scenario; the assumed 1 is unconfirmed, see the limits above)`,
  );
  context.print();
  const opsPoints = await sweep(configOps, (n) => paperSpec(context, { storageMaxConcurrentConfigOps: n }));
  printSweep(context, "commands at once", opsPoints);
  context.print();
  const sweeps = [
    { points: lunPoints, unit: "LUNs per LPAR" },
    { points: lparPoints, unit: "LPARs per server" },
    { points: opsPoints, unit: "storage commands at once" },
  ].map(({ points, unit }) => {
    const w = worstRatio(points);
    return { ...w, where: `${w.where} ${unit}` };
  });
  const overall = sweeps.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  context.print(`Worst parallel makespan / lower bound across the sweeps: ${ratio(overall.ratio)} (${overall.where}); goal <= 1.05: ${overall.ratio <= 1.05 ? "met" : "MISSED"}.`);
  const waits = [...lunPoints, ...lparPoints, ...opsPoints].flatMap((p) => Object.values(p.figures.modes).map((m) => (m as ModeFigures).hardwareWaitSeconds));
  context.print(`Longest wait of a step inside the simulator beyond its service time, all sweep runs: ${Math.max(...waits).toFixed(3)} s (the executor's limits keep the hardware from queueing).`);
  raw.sweeps = {
    lunsPerLpar: lunPoints.map((p) => ({ x: p.x, ...summarise(p.figures) })),
    lparsPerServer: lparPoints.map((p) => ({ x: p.x, ...summarise(p.figures) })),
    storageCommandsAtOnce: opsPoints.map((p) => ({ x: p.x, ...summarise(p.figures) })),
    worstRatio: overall,
  };

  const chart = lineChartSvg({
    title: "Failover speedup over serial (paper scenario, measured)",
    xLabel: "LUNs per LPAR",
    yLabel: "speedup over serial (x)",
    xs: lunPoints.map((p) => p.x),
    series: MODES.map((mode) => ({
      name: `${MODE_NAMES[mode]}${PAPER[mode] ? ` (paper: ${PAPER[mode]}x)` : ""}`,
      values: lunPoints.map((p) => (p.figures.modes[mode] as ModeFigures).speedup),
    })),
  });
  // Only a full run updates the chart the README shows; a quick run leaves it with the output.
  const chartFile = context.quick ? path.join(context.outDir, "speedup.svg") : path.join(repoRoot(), "docs", "bench", "speedup.svg");
  fs.mkdirSync(path.dirname(chartFile), { recursive: true });
  fs.writeFileSync(chartFile, chart);
  context.print(`Chart: ${context.quick ? chartFile : "docs/bench/speedup.svg"} (speedup against LUNs per LPAR, one line per mode).`);

  // --- Strict vs pipelined SLA levels --------------------------------------------------------
  context.print();
  context.print("### SLA levels: strict (a level starts when the higher ones are up) vs pipelined (levels are priorities)");
  context.print();
  const pipelined = await measure(paperSpec(context), "pipelined");
  context.print("| failover | SLA | top level (3) up | makespan | speedup over serial (same SLA) | makespan / lower bound | bound set by |");
  context.print("|---|---|---|---|---|---|---|");
  for (const mode of MODES) {
    for (const [sla, figures] of [["strict", paper], ["pipelined", pipelined]] as const) {
      const f = figures.modes[mode] as ModeFigures;
      context.print(`| ${MODE_NAMES[mode]} | ${sla} | ${secs(f.topLevelUpSeconds)} | ${secs(f.makespanSeconds)} | ${times(f.speedup)} | ${ratio(f.ratio)} | ${f.bound.bottleneck} |`);
    }
  }
  raw.pipelined = summarise(pipelined);

  // --- Site failure of the large topology ----------------------------------------------------
  context.print();
  const large = PRESETS.large;
  const largeSpec: ScenarioSpec = { generator: { ...large.options, ...seedOf(context), ...(context.quick ? { hostsPerSite: 50 } : {}) }, failure: { site: "site-a" } };
  context.print(`### Site failure of the \`large\` topology (${large.description}); site-a fails, strict SLA, parallel`);
  context.print();
  const largePrepared = await prepare(largeSpec, "strict", 2);
  const largeRun = await execute(largeSpec, largePrepared, "parallel", "strict");
  // No serial run here (80,000 steps). With zero spread the plan's estimate of a step is the
  // simulator's service time, so the bound charges that, not anything this run measured. The
  // exception is a step the executor retried: it is charged its time in this run, retries
  // included (the resource was busy with every attempt).
  const retried = largeRun.result.steps.filter((s) => s.attempts > 1);
  const largeService = new Map(largePrepared.plan.steps.map((s) => [s.id, s.estimateSeconds]));
  const largeRunSeconds = runSeconds(largeRun.result);
  for (const s of retried) largeService.set(s.id, largeRunSeconds.get(s.id) as number);
  const largeBound = boundOf(withServiceTimes(largePrepared.plan, largeService), "parallel", "strict");
  context.print("| LPARs in topology | LPARs moved | steps | planning (wall, best of 2) | makespan | lower bound | makespan / bound | bound set by | executor wall |");
  context.print("|---|---|---|---|---|---|---|---|---|");
  context.print(
    `| ${largePrepared.topology.lpars.length} | ${largePrepared.plan.placements.length} | ${largePrepared.plan.steps.length} | ${(largePrepared.planningMs / 1000).toFixed(2)} s | ${secs(largeRun.result.makespanSeconds)} | ${secs(largeBound.seconds)} | ${ratio(largeRun.result.makespanSeconds / largeBound.seconds)} | ${largeBound.bottleneck} | ${(largeRun.wallMs / 1000).toFixed(1)} s |`,
  );
  context.print();
  const deferred = largeRun.result.deferredCleanup.length;
  context.print(
    `The failed site's storage is offline: ${deferred} unmaps of old volumes remain as deferred cleanup for the failback (none tried during the failover); ${retried.length} steps were retried (${[...new Set(retried.map((s) => s.kind))].join(", ") || "none"}), their time, retries included, charged in the bound.`,
  );
  context.print(
    `Longest wait of a step inside the simulator beyond its service time in this run: ${hardwareWaitSeconds(largeRun.result, largeService).toFixed(3)} s.`,
  );
  raw.large = {
    lpars: largePrepared.topology.lpars.length,
    moved: largePrepared.plan.placements.length,
    steps: largePrepared.plan.steps.length,
    planningMs: largePrepared.planningMs,
    makespanSeconds: largeRun.result.makespanSeconds,
    bound: largeBound,
    executorWallMs: largeRun.wallMs,
    deferredCleanup: deferred,
    retried: retried.length,
  };

  fs.writeFileSync(path.join(context.outDir, "failover.json"), `${JSON.stringify(raw, null, 2)}\n`);
}

function summarise(figures: ScenarioFigures): Record<string, unknown> {
  return {
    steps: figures.prepared.plan.steps.length,
    lparsMoved: figures.prepared.plan.placements.length,
    oneByOneSeconds: figures.oneByOneSeconds,
    modes: Object.fromEntries(
      Object.entries(figures.modes).map(([mode, f]) => [
        mode,
        { makespanSeconds: f.makespanSeconds, speedup: f.speedup, boundSeconds: f.bound.seconds, bottleneck: f.bound.bottleneck, ratio: f.ratio, topLevelUpSeconds: f.topLevelUpSeconds },
      ]),
    ),
  };
}
