// The daily N-1 check of the paper: for every host and every site in turn, could all of its
// protected LPARs restart elsewhere within their groups' RTO budgets, given the capacity in use now?

import type { Plan, WouldTake } from "../generated/plan";
import type { PlanningContext } from "./context";
import { buildPlan } from "./plan";
import { scenarioVerdict, type DecidedBy, type ScenarioGroup } from "./verdict";

export interface ScenarioResult {
  /** "host" or "site". */
  readonly scope: "host" | "site";
  /** The managed system id or the site name that fails. */
  readonly name: string;
  readonly affectedLpars: number;
  /** LPARs that could not be placed, with the reason and, when short of capacity, what it would take to place each. */
  readonly unplaced: readonly { lpar: string; reason: string; wouldTake?: WouldTake }[];
  readonly groups: readonly ScenarioGroup[];
  /** What settled the verdict (verdict.ts): always the schedule with `method: "full-plan"`. */
  readonly decidedBy: DecidedBy;
  /** The median list schedule's makespan; absent when the verdict was settled before scheduling. */
  readonly makespanSeconds?: number;
  /** Settled by the upper bound: no list schedule of the median durations ends later. */
  readonly makespanAtMostSeconds?: number;
  /** The predicted makespan at the confidence, when the check predicts (see `refine`). */
  readonly predictedMakespanSeconds?: number;
  /** Every affected LPAR placed and every group within its budget (or without one). */
  readonly survivable: boolean;
}

/** The scenarios of one scope: each managed system failing alone, or each site lost whole. */
export interface ScopeSummary {
  /** How many scenarios of this scope were checked. */
  readonly checked: number;
  /** The managed systems (or sites) whose failure is not survivable. */
  readonly notSurvivable: readonly string[];
}

export interface SurvivabilityReport {
  /** Every scenario: the single-server failures first, then the site losses. */
  readonly scenarios: readonly ScenarioResult[];
  /** Each operating managed system failing alone. */
  readonly serverFailures: ScopeSummary;
  /** Each site lost with every managed system in it: not a single failure, counted apart. */
  readonly siteLosses: ScopeSummary;
  readonly survivable: boolean;
  /** When the verdicts come from a prediction: its confidence, samples and profile (set by the caller that predicted). */
  readonly prediction?: { readonly confidence: number; readonly samples: number; readonly profile: string };
}

export interface CheckOptions {
  /**
   * Turns each scenario's plan into the one judged (the RTO prediction of predict/, which sets
   * the groups' verdicts at a confidence). Given, every scenario is planned in full.
   */
  readonly refine?: (plan: Plan) => Plan;
  /**
   * `verdict`: each scenario stops as soon as its verdict is known (verdict.ts), with the same
   * verdicts as full plans; `full-plan`: each scenario's whole plan is built and judged.
   * @default "verdict", or "full-plan" when `refine` is given
   */
  readonly method?: "verdict" | "full-plan";
}

/** By default the median schedule's verdicts, each scenario stopped once its verdict is known. */
export function checkSurvivabilityIn(ctx: PlanningContext, options: CheckOptions = {}): SurvivabilityReport {
  const scenarios: ScenarioResult[] = [];
  const { refine } = options;
  const judge =
    refine === undefined && (options.method ?? "verdict") === "verdict"
      ? (scope: ScenarioResult["scope"], name: string, failure: FailureOf): ScenarioResult => ({ scope, name, ...scenarioVerdict(ctx, failure) })
      : (scope: ScenarioResult["scope"], name: string, failure: FailureOf): ScenarioResult => scenario(ctx, refine ?? ((p) => p), scope, name, failure);
  const operating = ctx.systemIds.filter((id) => ctx.systems.get(id)?.state === "Operating");
  for (const host of operating) scenarios.push(judge("host", host, { failedHosts: [host] }));
  const sites = [...new Set(ctx.systemIds.map((id) => ctx.systems.get(id)?.site as string))].sort();
  for (const site of sites) scenarios.push(judge("site", site, { failedSite: site }));
  const summary = (scope: ScenarioResult["scope"]): ScopeSummary => {
    const of = scenarios.filter((s) => s.scope === scope);
    return { checked: of.length, notSurvivable: of.filter((s) => !s.survivable).map((s) => s.name) };
  };
  return { scenarios, serverFailures: summary("host"), siteLosses: summary("site"), survivable: scenarios.every((s) => s.survivable) };
}

type FailureOf = { failedHosts: string[] } | { failedSite: string };

function scenario(ctx: PlanningContext, refine: (plan: Plan) => Plan, scope: "host" | "site", name: string, failure: FailureOf): ScenarioResult {
  const plan = refine(buildPlan(ctx, "failover", failure));
  const unplaced = plan.placements
    .filter((p) => p.target === null)
    .map((p) => ({ lpar: p.lpar, reason: p.reason ?? "not placed", ...(p.wouldTake !== undefined ? { wouldTake: p.wouldTake } : {}) }));
  return {
    scope,
    name,
    affectedLpars: plan.placements.length,
    unplaced,
    groups: plan.groups,
    decidedBy: "schedule",
    makespanSeconds: plan.estimate.makespanSeconds,
    ...(plan.estimate.predictedMakespan?.atConfidenceSeconds !== undefined ? { predictedMakespanSeconds: plan.estimate.predictedMakespan.atConfidenceSeconds } : {}),
    survivable: unplaced.length === 0 && plan.groups.every((g) => g.verdict === "within" || g.verdict === "no-budget"),
  };
}
