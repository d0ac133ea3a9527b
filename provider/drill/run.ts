// `vmr drill`: a non-disruptive rehearsal. The planner makes a drill plan (FlashCopy the replicas
// at the target site, start the copies in an isolated network, verify, delete), the executor runs
// it with its journal, and then a sweep makes sure nothing of the drill is left, even after an
// interruption. Production LPARs, their volumes, mappings and replication are never acted on.

import { openAdapters as openAdaptersDefault, type Adapters } from "../adapters";
import { WallClock, type Clock } from "../clock";
import { ValidationError } from "../errors";
import { defaultRunsDir, newRunId, RunStoppedError, startRun, type ExecutionMode, type RunEvent, type SlaPolicy } from "../executor";
import type { AdapterSettings } from "../generated/adapter-settings";
import type { Plan } from "../generated/plan";
import type { CleanupRecord, RunReport } from "../generated/report";
import type { ProtectionModel } from "../model/protection";
import { drillFlashCopyName, planDrill, type Inventory } from "../planner";
import { predictPlan, type PredictPlanOptions } from "../predict";
import { profileFor } from "../predict/profile-file";
import { buildReport } from "../report/build";
import { stoppedNonCriticalStepsIn } from "../recovery/stopped-by-vmr";
import { DRILL_OUTCOME_FILE, runRecordFromJournal, type DrillOutcomeFile } from "../report/journal";
import { reportJson, writeReport, type ReportFormat } from "../report/write";
import { FileRunStore } from "../run-store/file-store";
import type { RunStore } from "../run-store/types";
import { loadProtectionModel, type PulumiAccess, type StackSource } from "../stack";
import { evaluateAssertions } from "./assertions";
import { sweepDrillLeftovers, type LeftoverScope } from "./cleanup";
import { checkDrillAgainstModel, defaultDrill, loadDrillFile, type ResolvedDrillFile } from "./file";
import { drillRefusals } from "./refusals";
import { plural, predictedSeconds, unrecoveredPhrase } from "../text";

export type OpenAdapters = (settings: AdapterSettings) => Promise<Adapters>;

/** Where the protection is declared: a live stack, a stack export file, or a model in hand. */
export type DrillSource = StackSource | { readonly model: ProtectionModel; readonly stack?: string };

export async function loadSource(source: DrillSource, access?: PulumiAccess): Promise<{ model: ProtectionModel; stack?: string }> {
  if ("model" in source) return { model: source.model, stack: source.stack ?? source.model.stack };
  const loaded = await loadProtectionModel(source, access);
  return { model: loaded.model, stack: loaded.stack ?? loaded.model.stack };
}

export interface DrillOptions {
  /** Where the protection is declared: a live stack ({stack, cwd}), an export file ({stackFile}) or a model. */
  readonly source: DrillSource;
  readonly access?: PulumiAccess;
  /** A drill file (path or parsed); without one, every group (or `groups`) is rehearsed with the default assertions. */
  readonly drillFile?: string | ResolvedDrillFile;
  /** Only these groups (overrides the drill file's). */
  readonly groups?: readonly string[];
  /** Stop or suspend non-critical VMs for the copies' room (true overrides the drill file's `stopNonCritical`). */
  readonly stopNonCritical?: boolean;
  /** Where the drill's lock, journal and outcome live (a file store or etcd). @default a file store in `runsDir` */
  readonly store?: RunStore;
  /** The file store's directory when no `store` is given. @default ./.vmr/runs */
  readonly runsDir?: string;
  /** Where the report goes. @default the run's directory on this machine */
  readonly reportDir?: string;
  /** @default json, md, html */
  readonly formats?: readonly ReportFormat[];
  readonly mode?: ExecutionMode;
  readonly sla?: SlaPolicy;
  /** The prediction of the drill's RTO the plan (and so the report) carries: its confidence, samples, profile. @default 0.95, 1000, the defaults */
  readonly predict?: PredictPlanOptions;
  /** Aborting it interrupts the drill: nothing new starts, then everything is cleaned up. */
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  /** How to reach the adapters named in the stack. @default adapters/index.ts openAdapters */
  readonly openAdapters?: OpenAdapters;
  /** A line per phase of the drill. */
  readonly onPhase?: (message: string) => void;
  /** The plan, once made. */
  readonly onPlan?: (plan: Plan) => void;
  /** Every step event of the executor. */
  readonly onEvent?: (event: RunEvent) => void;
  /** Seconds to wait, after an interruption, for the steps under way to end before cleaning up. @default 60 */
  readonly drainSeconds?: number;
}

export interface DrillResult {
  readonly drill: ResolvedDrillFile;
  readonly runId: string;
  readonly runDir: string;
  readonly report: RunReport;
  readonly reportFiles: Partial<Record<ReportFormat, string>>;
  readonly cleanup: CleanupRecord;
  /** Every assertion held and the drill was not interrupted. */
  readonly passed: boolean;
  readonly interrupted: boolean;
}

/** The adapter settings of the rehearsed groups' targets: one datacenter per drill. */
export function adapterSettingsFor(model: ProtectionModel, groups: readonly string[]): AdapterSettings {
  const targets = new Set(model.groups.filter((g) => groups.includes(g.name)).map((g) => g.recoveryTarget));
  const settings = [...new Map(model.targets.filter((t) => targets.has(t.name)).map((t) => [JSON.stringify(t.adapter), t.adapter])).values()];
  if (settings.length === 1) return settings[0];
  throw new ValidationError("drill", [
    settings.length === 0
      ? { path: "groups", message: `\`groups\` ${groups.join(", ") || "(none)"} have no RecoveryTarget in the stack: declare one, or check the stack name` }
      : { path: "groups", message: `\`groups\` ${groups.join(", ")} use ${settings.length} different adapter settings: rehearse the groups of one datacenter at a time with --group` },
  ]);
}

/** Drill objects that belong to this stack: copies of its LPARs, FlashCopy groups of its consistency groups. */
export function leftoverScope(model: ProtectionModel, extraFlashCopyNames: Iterable<string> = []): LeftoverScope {
  const protectedLpars = new Set(model.groups.flatMap((g) => g.vms.map((v) => v.lpar)));
  const names = new Set([...model.storageMappings.map((m) => drillFlashCopyName(m.consistencyGroup)), ...extraFlashCopyNames]);
  return {
    isDrillLpar: (l) => l.drillOf !== undefined && protectedLpars.has(l.drillOf),
    isDrillFlashCopy: (g) => names.has(g.name),
  };
}

/** The simulator runs faster than real time: its adapters say by how much (clock ms per simulated ms). */
export function timeScaleOf(adapters: Adapters): number | undefined {
  const scale = (adapters.compute as { timeScale?: unknown }).timeScale;
  return typeof scale === "number" && scale > 0 && scale !== 1 ? scale : undefined;
}

export async function readInventory(adapters: Adapters): Promise<Inventory> {
  const [compute, storage] = await Promise.all([adapters.compute.inventory(), adapters.storage.inventory()]);
  return { compute, storage };
}

export async function adapterLimits(adapters: Adapters): Promise<Record<string, number>> {
  const [c, s] = await Promise.all([adapters.compute.limits(), adapters.storage.limits()]);
  return { ...c, ...s };
}

/** What a drill is about to run: its file with the run's overrides, the stack, its store and its plan. */
interface PreparedDrill {
  readonly drillSpec: ResolvedDrillFile;
  readonly model: ProtectionModel;
  readonly store: RunStore;
  readonly plan: Plan;
}

/**
 * Reads the stack and the adapters' inventory, checks the drill against them, plans it and
 * predicts it as it will run. The adapters it opens are the caller's to close, also when it
 * throws after opening them (`opened` receives them first).
 */
async function prepareDrill(options: DrillOptions, opened: (raw: Adapters) => void): Promise<PreparedDrill> {
  const phase = options.onPhase ?? (() => undefined);
  const spec = options.drillFile === undefined ? defaultDrill() : typeof options.drillFile === "string" ? loadDrillFile(options.drillFile) : options.drillFile;

  phase("reading the stack");
  const loaded = await loadSource(options.source, options.access);
  const model = loaded.model;
  const groups = options.groups && options.groups.length > 0 ? [...options.groups] : spec.groups ? [...spec.groups] : model.groups.map((g) => g.name);
  if (model.groups.length === 0)
    throw new ValidationError("drill", [{ path: "stack", message: "the stack declares no ProtectionGroup: run `pulumi up` on a program that declares protection first, or check --stack / --stack-file" }]);
  const drillSpec: ResolvedDrillFile = { ...spec, groups: groups as [string, ...string[]], stopNonCritical: options.stopNonCritical === true || spec.stopNonCritical };

  const what = typeof options.drillFile === "string" ? `drill file ${options.drillFile}` : "drill";
  // Unknown groups first: they also decide which datacenter to open.
  const modelIssues = checkDrillAgainstModel(drillSpec, model);
  if (modelIssues.length > 0) throw new ValidationError(what, modelIssues);

  const open = options.openAdapters ?? openAdaptersDefault;
  const raw = await open(adapterSettingsFor(model, groups));
  opened(raw);
  const inventory = await readInventory(raw);
  const issues = checkDrillAgainstModel(
    drillSpec,
    model,
    new Set(inventory.compute.managedSystems.map((m) => m.id)),
    new Set(inventory.compute.managedSystems.map((m) => m.site)),
  );
  if (issues.length > 0) throw new ValidationError(what, issues);

  phase(`planning drill ${spec.name}: ${plural(groups.length, "group")}, isolated network ${spec.network}`);
  const planned: Plan = planDrill({
    model,
    inventory,
    failure: {
      ...(spec.scenario.failedSite ? { failedSite: spec.scenario.failedSite } : {}),
      ...(spec.scenario.failedHosts ? { failedHosts: spec.scenario.failedHosts } : {}),
      groups,
    },
    options: { drillNetwork: spec.network, drillStopsNonCritical: drillSpec.stopNonCritical, limits: await adapterLimits(raw) },
  });
  if (loaded.stack) planned.stack = loaded.stack;
  // What the hardware would refuse, before anything is created.
  const refusals = await drillRefusals(planned, raw);
  if (refusals.length > 0) throw new ValidationError(what, refusals.map((message) => ({ path: "drill", message })));
  // The run's own dispatch settings: the prediction is of this run.
  const store = options.store ?? new FileRunStore(options.runsDir ?? defaultRunsDir(), planned.stack ?? "default");
  const profile = options.predict?.profile ?? (await profileFor(planned.stack ?? model.stack, { store }));
  const plan = predictPlan(planned, { ...options.predict, profile, sla: options.sla ?? "strict", mode: options.mode ?? "parallel" });
  const placed = plan.placements.filter((p) => p.target !== null).length;
  phase(`plan: ${plural(plan.placements.length, "VM")}, ${placed} placed, ${plural(plan.steps.length, "step")}; ${predictionPhrase(plan)}`);
  options.onPlan?.(plan);
  return { drillSpec, model, store, plan };
}

/**
 * The plan a drill would run (`vmr drill --plan-only`): its copies, where they start, the
 * non-critical VMs it would stop, its predicted RTO per group. Reads only; creates nothing.
 */
export async function drillPlan(options: DrillOptions): Promise<Plan> {
  let raw: Adapters | undefined;
  try {
    return (await prepareDrill(options, (r) => (raw = r))).plan;
  } finally {
    const opened = raw as Adapters | undefined;
    if (opened) await Promise.all([opened.compute.close(), opened.storage.close()]);
  }
}

export async function drill(options: DrillOptions): Promise<DrillResult> {
  const phase = options.onPhase ?? (() => undefined);
  let raw: Adapters | undefined;
  try {
    const { drillSpec, model, store, plan } = await prepareDrill(options, (r) => (raw = r));
    const adapters = raw as unknown as Adapters;
    // Ctrl-C: the executor starts nothing more and ends the steps under way; after a bounded
    // wait for them, the sweep below removes whatever the drill made.
    const clock = options.clock ?? new WallClock();
    const runId = newRunId(new Date());
    const onAbort = (): void => phase("interrupted: starting nothing more, then cleaning up");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const run = startRun(plan, adapters, {
        store,
        runId,
        stack: plan.stack,
        purpose: `drill ${drillSpec.name}`,
        mode: options.mode,
        sla: options.sla,
        clock: options.clock,
        onEvent: options.onEvent,
        signal: options.signal,
      }).catch((err: unknown) => {
        if (err instanceof RunStoppedError) return "stopped" as const;
        throw err;
      });
      // The wait is cancelled once the run settles, so its timer never holds the process open.
      const drainWait = new AbortController();
      const drained = new Promise<"drained">((resolve) => {
        const wait = (): void => void clock.sleep((options.drainSeconds ?? 60) * 1000, drainWait.signal).then(() => resolve("drained"));
        if (options.signal?.aborted) wait();
        else options.signal?.addEventListener("abort", wait, { once: true, signal: drainWait.signal });
      });
      try {
        if ((await Promise.race([run, drained])) === "drained") run.catch(() => undefined);
      } finally {
        drainWait.abort();
      }
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }

    phase("cleaning up drill LPARs and FlashCopy groups");
    const flashCopyNames = plan.steps.flatMap((s) => (s.kind === "CreateFlashCopyGroup" && s.params?.flashCopyGroup ? [s.params.flashCopyGroup] : []));
    // What the run stopped for its copies and its cleanup steps did not bring back (cut short).
    const stoppedNonCritical = stoppedNonCriticalStepsIn([await store.readRecords(runId)]);
    const cleanup = await sweepDrillLeftovers(adapters, { ...leftoverScope(model, flashCopyNames), stoppedNonCritical }, { clock: options.clock });
    const interrupted = options.signal?.aborted === true;
    return await finishDrill(drillSpec, store, runId, cleanup, interrupted, timeScaleOf(adapters), options);
  } finally {
    const opened = raw as Adapters | undefined;
    if (opened) await Promise.all([opened.compute.close(), opened.storage.close()]);
  }
}

/** "predicted makespan p50 X s, p95 Y s (N runs, profile P); median schedule Z s": the drill's plan estimate, each figure named. */
export function predictionPhrase(plan: Plan): string {
  const p = plan.estimate.predictedMakespan;
  const median = `median schedule ${Math.round(plan.estimate.makespanSeconds)} s`;
  if (p === undefined) return median;
  return `predicted makespan p50 ${predictedSeconds(p.p50Seconds)}, p95 ${predictedSeconds(p.p95Seconds)} (${p.samples} Monte Carlo runs, latency profile ${p.profile}${unrecoveredPhrase(p.unrecoveredShare)}); ${median}`;
}

/**
 * Evaluates the assertions on the run's report, keeps the outcome (drill.json) in the run store
 * beside the journal, and writes the report on this machine (its JSON also in the store).
 */
async function finishDrill(
  spec: ResolvedDrillFile,
  store: RunStore,
  runId: string,
  cleanup: CleanupRecord,
  interrupted: boolean,
  timeScale: number | undefined,
  options: DrillOptions,
): Promise<DrillResult> {
  const records = await store.readRecords(runId);
  const preliminary = buildReport({ ...runRecordFromJournal(records), cleanup, timeScale });
  const assertions = evaluateAssertions(spec.assertions, preliminary);
  if (interrupted) assertions.push({ type: "notInterrupted", passed: false, message: "the drill was interrupted before it finished" });
  const outcome: DrillOutcomeFile = { drill: spec.name, assertions, cleanup, options: { drill: spec.name, network: spec.network }, ...(timeScale !== undefined ? { timeScale } : {}) };
  await store.putArtifact(runId, DRILL_OUTCOME_FILE, `${JSON.stringify(outcome, null, 2)}\n`);
  const runDir = store.localRunDir(runId);
  const written = await writeReport(runRecordFromJournal(records, outcome), options.reportDir ?? runDir, options.formats);
  if (store.kind !== "file") await store.putArtifact(runId, "report.json", reportJson(written.report));
  return {
    drill: spec,
    runId: written.report.runId,
    runDir,
    report: written.report,
    reportFiles: written.files,
    cleanup,
    passed: !interrupted && assertions.every((a) => a.passed),
    interrupted,
  };
}
