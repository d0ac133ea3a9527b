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
  /** The predicted makespan at the confidence, when the check predicts (see `refine`); null when fewer runs than that come up without an operator. */
  readonly predictedMakespanSeconds?: number | null;
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

/**
 * Turns the scenarios' plans into the ones judged (the RTO prediction of predict/, which sets the
 * groups' verdicts at a confidence): each plan is handed over as soon as it is built, so that the
 * refiner can work on it (on other threads) while the next ones are planned, and the judged plans
 * are asked for once, in the order handed over. A judged plan need not keep its steps: the check
 * reads its placements, groups and estimate.
 */
export interface ScenarioRefiner {
  add(plan: Plan): void;
  finish(): readonly Plan[];
}

export interface CheckOptions {
  /** Given, every scenario is planned in full and judged as refined. */
  readonly refine?: ScenarioRefiner;
  /**
   * `verdict`: each scenario stops as soon as its verdict is known (verdict.ts), with the same
   * verdicts as full plans; `full-plan`: each scenario's whole plan is built and judged.
   * @default "verdict", or "full-plan" when `refine` is given
   */
  readonly method?: "verdict" | "full-plan";
}

/** By default the median schedule's verdicts, each scenario stopped once its verdict is known. */
export function checkSurvivabilityIn(ctx: PlanningContext, options: CheckOptions = {}): SurvivabilityReport {
  const operating = ctx.systemIds.filter((id) => ctx.systems.get(id)?.state === "Operating");
  const sites = [...new Set(ctx.systemIds.map((id) => ctx.systems.get(id)?.site as string))].sort();
  const hosts = operating.map((host) => ({ scope: "host" as const, name: host, failure: { failedHosts: [host] } as FailureOf }));
  const siteLosses = sites.map((site) => ({ scope: "site" as const, name: site, failure: { failedSite: site } as FailureOf }));
  const { refine } = options;
  let scenarios: ScenarioResult[];
  if (refine !== undefined) {
    // Site losses first: the largest plans go to the refiner's other threads while the hosts are planned.
    const order = [...siteLosses, ...hosts];
    // Nothing of the check reads a scenario's lower bound: the plain one, not bound.ts's.
    for (const s of order) refine.add(buildPlan(ctx, "failover", s.failure, { tightBound: false }));
    const judged = refine.finish();
    const results = order.map((s, k) => scenarioOfPlan(judged[k], s.scope, s.name));
    scenarios = [...results.slice(siteLosses.length), ...results.slice(0, siteLosses.length)];
  } else if ((options.method ?? "verdict") === "verdict") {
    scenarios = [...hosts, ...siteLosses].map((s) => ({ scope: s.scope, name: s.name, ...scenarioVerdict(ctx, s.failure) }));
  } else {
    scenarios = [...hosts, ...siteLosses].map((s) => scenarioOfPlan(buildPlan(ctx, "failover", s.failure, { tightBound: false }), s.scope, s.name));
  }
  const summary = (scope: ScenarioResult["scope"]): ScopeSummary => {
    const of = scenarios.filter((s) => s.scope === scope);
    return { checked: of.length, notSurvivable: of.filter((s) => !s.survivable).map((s) => s.name) };
  };
  return { scenarios, serverFailures: summary("host"), siteLosses: summary("site"), survivable: scenarios.every((s) => s.survivable) };
}

type FailureOf = { failedHosts: string[] } | { failedSite: string };

function scenarioOfPlan(plan: Plan, scope: "host" | "site", name: string): ScenarioResult {
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
