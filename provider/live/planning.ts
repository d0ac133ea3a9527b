// Gathers the planner's inputs for a stack: the protection model from its state, the live
// inventory from the adapters its RecoveryTarget names. The I/O the planner itself never does.

import { openAdapters } from "../adapters";
import { ExecutionError, ValidationError } from "../errors";
import type { Plan } from "../generated/plan";
import type { ProtectionModel } from "../model/protection";
import { checkSurvivability, makePlan, type FailureSpec, type Inventory, type PlanKind, type PlanOptions, type ScopeSummary, type SurvivabilityReport } from "../planner";
import { storedProfileOf } from "./profile";
import type { RunStoreChoice } from "../run-store/open";
import { DEFAULT_CONFIDENCE, DEFAULT_SAMPLES, defaultProfile, predictPlan, profileLabel, scenarioPredictor, type PredictPlanOptions } from "../predict";
import { plural } from "../text";
import { loadProtectionModel, type PulumiAccess, type StackSource } from "../stack";

export interface StackPlanningOptions {
  /** Stack name; with `cwd` (default: the current directory) read live through Pulumi. */
  readonly stack?: string;
  readonly cwd?: string;
  /** A `pulumi stack export --show-secrets` file instead of a live stack. */
  readonly stackFile?: string;
  readonly failure?: FailureSpec;
  readonly options?: PlanOptions;
  readonly access?: PulumiAccess;
  /** Predict each plan's RTO (Monte Carlo) and take the verdicts at its confidence. @default the median schedule only */
  readonly predict?: PredictPlanOptions;
  /** The latency profile to predict with; @default the stack's, kept in its run store (live/profile.ts), else the defaults */
  readonly profileFile?: string;
  /** The run store the stack's profile is kept in (as for `vmr failover`). */
  readonly runsDir?: string;
  readonly runStore?: RunStoreChoice;
}

function sourceOf(o: StackPlanningOptions): StackSource {
  if (o.stackFile !== undefined) return { stackFile: o.stackFile };
  if (o.stack === undefined) {
    throw new ValidationError("stack", [{ path: "stack", message: "`--stack` or `--stack-file` is required: name the stack whose protection to plan" }]);
  }
  return { stack: o.stack, cwd: o.cwd ?? process.cwd() };
}

/** The protection model of the stack and the live inventory of its adapters. */
export async function gatherPlanningInputs(o: StackPlanningOptions): Promise<{ model: ProtectionModel; inventory: Inventory }> {
  const loaded = await loadProtectionModel(sourceOf(o), o.access);
  const model: ProtectionModel = { ...loaded.model, stack: loaded.model.stack ?? loaded.stack };
  if (model.targets.length === 0) {
    throw new ValidationError("stack", [{ path: "targets", message: "the stack declares no RecoveryTarget: declare one, with its adapter settings, before planning" }]);
  }
  const distinct = new Map(model.targets.map((t) => [JSON.stringify(t.adapter), t.name]));
  if (distinct.size > 1) {
    throw new ValidationError("stack", [
      { path: "targets[*].adapter", message: `RecoveryTargets ${[...distinct.values()].join(", ")} use different adapter settings: list every HMC and storage system in one \`adapter\` (\`hmc\` and \`storage\` take lists, one connection per site) and give every target that same \`adapter\`` },
    ]);
  }
  const adapters = await openAdapters(model.targets[0].adapter);
  try {
    const [compute, storage] = await Promise.all([adapters.compute.inventory(), adapters.storage.inventory()]);
    return { model, inventory: { compute, storage } };
  } finally {
    await Promise.all([adapters.compute.close(), adapters.storage.close()]);
  }
}

/** The prediction settings with the profile resolved: the one asked for, else the stack's kept one, else the defaults. */
async function withProfile(o: StackPlanningOptions, model: ProtectionModel): Promise<PredictPlanOptions> {
  return { ...o.predict, profile: await storedProfileOf(sourceOf(o), model, { ...o, profile: o.predict?.profile }) };
}

/** `vmr plan`: a plan of `kind` for the stack, from live state. */
export async function planStack(kind: PlanKind, o: StackPlanningOptions): Promise<Plan> {
  const { model, inventory } = await gatherPlanningInputs(o);
  const plan = makePlan(kind, { model, inventory, failure: o.failure, options: o.options });
  return o.predict !== undefined ? predictPlan(plan, await withProfile(o, model)) : plan;
}

/** `vmr check`: the N-1 survivability check of the stack (see `notSurvivable` for the error it ends with). */
export async function checkStack(o: StackPlanningOptions): Promise<SurvivabilityReport> {
  const { model, inventory } = await gatherPlanningInputs(o);
  if (o.predict === undefined) return checkSurvivability({ model, inventory, options: o.options });
  // A prediction per failure, on every core: each stops once its verdict is settled (one group over, or all far inside their budgets).
  const predict = await withProfile(o, model);
  const report = checkSurvivability({ model, inventory, options: o.options, refine: scenarioPredictor(predict) });
  const prediction = { confidence: predict.confidence ?? DEFAULT_CONFIDENCE, samples: predict.samples ?? DEFAULT_SAMPLES, profile: profileLabel(predict.profile ?? defaultProfile()) };
  return { ...report, prediction };
}

/** The error `vmr check` ends with when some single-server failure or site loss is not survivable. */
export function notSurvivable(report: SurvivabilityReport): ExecutionError {
  const failing = report.scenarios.filter((s) => !s.survivable);
  const part = (summary: ScopeSummary, one: string, many: string): string[] => {
    if (summary.notSurvivable.length === 0) return [];
    const names = summary.notSurvivable.slice(0, 10).join(", ") + (summary.notSurvivable.length > 10 ? ", ..." : "");
    return [`${summary.notSurvivable.length} of ${plural(summary.checked, one, many)} (${names})`];
  };
  return new ExecutionError(
    `not survivable: ${[...part(report.serverFailures, "single-server failure", "single-server failures"), ...part(report.siteLosses, "site loss", "site losses")].join("; ")}`,
    [...new Set(failing.flatMap((s) => s.unplaced.map((u) => u.lpar)))],
  );
}
