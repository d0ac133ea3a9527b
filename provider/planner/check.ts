// The daily N-1 check of the paper: for every host and every site in turn, could all of its
// protected LPARs restart elsewhere within their groups' RTO budgets, given the capacity in use now?

import type { GroupEstimate } from "../generated/plan";
import type { PlanningContext } from "./context";
import { buildPlan } from "./plan";

export interface ScenarioResult {
  /** "host" or "site". */
  readonly scope: "host" | "site";
  /** The managed system id or the site name that fails. */
  readonly name: string;
  readonly affectedLpars: number;
  /** LPARs that could not be placed, with the reason. */
  readonly unplaced: readonly { lpar: string; reason: string }[];
  readonly groups: readonly GroupEstimate[];
  readonly makespanSeconds: number;
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
}

export function checkSurvivabilityIn(ctx: PlanningContext): SurvivabilityReport {
  const scenarios: ScenarioResult[] = [];
  const operating = ctx.systemIds.filter((id) => ctx.systems.get(id)?.state === "Operating");
  for (const host of operating) scenarios.push(scenario(ctx, "host", host, { failedHosts: [host] }));
  const sites = [...new Set(ctx.systemIds.map((id) => ctx.systems.get(id)?.site as string))].sort();
  for (const site of sites) scenarios.push(scenario(ctx, "site", site, { failedSite: site }));
  const summary = (scope: ScenarioResult["scope"]): ScopeSummary => {
    const of = scenarios.filter((s) => s.scope === scope);
    return { checked: of.length, notSurvivable: of.filter((s) => !s.survivable).map((s) => s.name) };
  };
  return { scenarios, serverFailures: summary("host"), siteLosses: summary("site"), survivable: scenarios.every((s) => s.survivable) };
}

function scenario(ctx: PlanningContext, scope: "host" | "site", name: string, failure: { failedHosts?: string[]; failedSite?: string }): ScenarioResult {
  const plan = buildPlan(ctx, "failover", failure);
  const unplaced = plan.placements.filter((p) => p.target === null).map((p) => ({ lpar: p.lpar, reason: p.reason ?? "not placed" }));
  return {
    scope,
    name,
    affectedLpars: plan.placements.length,
    unplaced,
    groups: plan.groups,
    makespanSeconds: plan.estimate.makespanSeconds,
    survivable: unplaced.length === 0 && plan.groups.every((g) => g.verdict === "within" || g.verdict === "no-budget"),
  };
}
