// The step registry: one implementation per step kind, each named verb + noun after the kind it
// runs. Adding a kind is one file that exports a StepImplementation and one `register` call
// (see steps/index.ts); a plan using a kind nobody registered is refused before anything runs.

import type { Adapters } from "../adapters";
import type { Clock } from "../clock";
import type { ValidationIssue } from "../errors";
import type { Placement, Plan, Step } from "../generated/plan";

/** What a step implementation sees while it runs. */
export interface StepContext {
  readonly step: Step;
  readonly plan: Plan;
  readonly adapters: Adapters;
  readonly clock: Clock;
  readonly runId: string;
  /** Aborted when the attempt's time limit passes: stop waiting and return. */
  readonly signal: AbortSignal;
  /** The output a completed step journaled (ids an adapter created), e.g. for a later drill step. */
  outputOf(stepId: string): Readonly<Record<string, unknown>> | undefined;
}

export interface StepResult {
  /** The adapters reported the work as done already. */
  readonly alreadyDone: boolean;
  /** What later steps need from this one; journaled, so it survives a crash. Never secrets. */
  readonly output?: Record<string, unknown>;
}

/**
 * Runs one step kind. `resolve` reads the step's arguments from its params (falling back on the
 * plan's placement of the step's LPAR) and is called for every step before the run starts, so a
 * bad plan is refused whole; `run` calls the adapters and must be idempotent: after a crash a
 * step whose completion was not journaled runs again.
 */
export interface StepImplementation<Args = unknown> {
  readonly kind: Step["kind"];
  /** Which side the step works on: `parallel-restart` mode runs storage steps one at a time. */
  readonly touches: "compute" | "storage" | "none";
  /** Time limit of one attempt when the run sets none for this kind. */
  readonly defaultTimeoutSeconds: number;
  resolve(step: Step, plan: Plan): Args;
  run(args: Args, context: StepContext): Promise<StepResult>;
}

/** Helper that keeps `Args` inferred between `resolve` and `run`. */
export function defineStep<Args>(impl: StepImplementation<Args>): StepImplementation<Args> {
  return impl;
}

export class StepRegistry {
  private readonly byKind = new Map<string, StepImplementation>();

  /** Adds or replaces the implementation of `impl.kind`. */
  register<Args>(impl: StepImplementation<Args>): this {
    this.byKind.set(impl.kind, impl as StepImplementation);
    return this;
  }

  get(kind: string): StepImplementation | undefined {
    return this.byKind.get(kind);
  }

  kinds(): string[] {
    return [...this.byKind.keys()].sort();
  }

  /** A copy, to add or replace kinds for one run without changing this registry. */
  clone(): StepRegistry {
    const copy = new StepRegistry();
    for (const impl of this.byKind.values()) copy.register(impl);
    return copy;
  }
}

/** Finds the placement of a step's LPAR, indexed once per plan. */
export function placementOf(plan: Plan, lpar: string | undefined): Placement | undefined {
  if (lpar === undefined) return undefined;
  let index = placementIndex.get(plan);
  if (!index) {
    index = new Map(plan.placements.map((p) => [p.lpar, p]));
    placementIndex.set(plan, index);
  }
  return index.get(lpar);
}

const placementIndex = new WeakMap<Plan, Map<string, Placement>>();

/** An issue about one parameter of one step, in the project's error style. */
export function paramIssue(step: Step, name: string, problem: string, fix: string): ValidationIssue {
  return {
    path: `steps[${step.id}].params.${name}`,
    message: `\`steps[${JSON.stringify(step.id)}].params.${name}\` of ${step.kind} ${problem}; ${fix}`,
  };
}
