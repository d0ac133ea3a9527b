// The planner's public face: model + inventory + failure -> Plan. See README.md.

import type { Plan } from "../generated/plan";
import { checkSurvivabilityIn, type CheckOptions, type SurvivabilityReport } from "./check";
import { buildContext } from "./context";
import { buildPlan } from "./plan";
import { buildResumePlan } from "./non-critical";
import type { PlanKind, PlanOptions, PlanRequest } from "./types";
import type { ProtectionModel } from "../model/protection";
import type { Inventory } from "./types";

export type { FailureSpec, Inventory, PlanKind, PlanOptions, PlanRequest, SlaMode } from "./types";
export type { CheckOptions, ScenarioResult, ScopeSummary, SurvivabilityReport } from "./check";
export type { DecidedBy, ScenarioGroup } from "./verdict";
export { lowerBound, listSchedule, serialSeconds, type BoundOptions, type ConcurrencyMode, type LowerBound, type Schedule } from "./estimate";
export { DependencyCycleError } from "./order";
export { hmcKey, storageKey, systemKey, viosKey, STORAGE_KINDS, stepSeconds } from "./steps";
export { drillFlashCopyName } from "./drill";

/** A plan of `kind`; throws ValidationError for a broken model or an unknown host, site or group. */
export function makePlan(kind: PlanKind, request: PlanRequest): Plan {
  const ctx = buildContext(request.model, request.inventory, request.options);
  return buildPlan(ctx, kind, request.failure);
}

/** Unplanned failover: restart the LPARs of the failed hosts (given, or read from the inventory). */
export function planFailover(request: PlanRequest): Plan {
  return makePlan("failover", request);
}

/** Planned move: graceful shutdown, final sync and switch of replication, move and start. */
export function planPlanned(request: PlanRequest): Plan {
  return makePlan("planned", request);
}

/** Failback after reprotect: move the LPARs running on replicas back to their home site. */
export function planFailback(request: PlanRequest): Plan {
  return makePlan("failback", request);
}

/** Drill: FlashCopy the replicas, start the copies in an isolated network, verify, clean up. */
export function planDrill(request: PlanRequest): Plan {
  return makePlan("drill", request);
}

/** `vmr resume-noncritical`: bring back the non-critical LPARs the recovery targets declare, found stopped or suspended. */
export function planResumeNonCritical(request: { model: ProtectionModel; inventory: Inventory; options?: PlanOptions }): Plan {
  return buildResumePlan(buildContext(request.model, request.inventory, request.options));
}

/** The N-1 check: every host and every site, in turn (`refine` and `method`: CheckOptions). */
export function checkSurvivability(request: { model: ProtectionModel; inventory: Inventory; options?: PlanOptions } & CheckOptions): SurvivabilityReport {
  return checkSurvivabilityIn(buildContext(request.model, request.inventory, request.options), { refine: request.refine, method: request.method });
}
