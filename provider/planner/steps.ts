// Building the step DAG: ids, durations from the shared latency table, and the
// concurrency-limited resources each step holds. The resource keys are a contract with the
// executor and the simulator: a step holds what the adapter operation it runs holds (the table
// in adapters/simulator/resources.ts; test/unit/planner/resources.test.ts checks every kind):
//   hmc:<name>                     the HMC's maxConcurrentJobs
//   system:<managedSystemId>       remote restarts a target accepts at once
//   vios:<managedSystemId>/<vios>  1: a VIOS applies one mapping change at a time
//   storage:<storageSystemId>      the storage system's maxConcurrentConfigOps

import type { DeferredCleanup, Step, StepKind, StepParams } from "../generated/plan";
import { medianSeconds, STEP_OPERATIONS, type LatencyTable } from "../model/latency";
import type { PlanningContext } from "./context";
import { hmcOf } from "./placed";
import { PairList, type Rows } from "./rows";

export const hmcKey = (name: string): string => `hmc:${name}`;
export const systemKey = (id: string): string => `system:${id}`;
export const viosKey = (system: string, vios: string): string => `vios:${system}/${vios}`;
export const storageKey = (id: string): string => `storage:${id}`;

/** Steps that remap storage, the VIOS side included (serialised in the "parallel-restart" mode). */
export const STORAGE_KINDS: ReadonlySet<StepKind> = new Set<StepKind>([
  "FailoverConsistencyGroup",
  "SwitchConsistencyGroup",
  "ReverseReplication",
  "UnmapSourceVolume",
  "MapReplicaVolume",
  "AttachVirtualDisk",
  "DetachVirtualDisk",
  "CreateFlashCopyGroup",
  "DeleteFlashCopyGroup",
]);

/** Median seconds of a step, from the latency table: the sum of its operations' medians. */
export function stepSeconds(table: LatencyTable, kind: StepKind, hookSeconds: number): number {
  if (kind === "RunHook") return hookSeconds;
  let sum = 0;
  for (const op of STEP_OPERATIONS[kind]) sum += medianSeconds(table, op);
  return sum;
}

/** A step of a graph under construction: its index in the order the builders added them. */
export type StepRef = number;

/**
 * The resources a step holds, as StepGraph's holds* methods hand them out: a list of the graph's.
 * Each list is made once per storage system, VIOS or target, with its resources' limits, and
 * every step holding it shares one frozen array of its keys (a plan has hundreds of thousands of
 * steps, and nothing edits a plan's steps once built).
 */
export type Holds = number & { readonly __holds: never };

/** What every step of one LPAR shares: made once per LPAR (placed.ts scopeOf), so that all have one shape. */
export interface LparScope {
  readonly lpar: string;
  readonly group: string;
  readonly slaLevel: number;
}

export interface StepSpec {
  readonly id: string;
  readonly kind: StepKind;
  readonly slaLevel: number;
  readonly lpar?: string;
  readonly group?: string;
  readonly phase?: Step["phase"];
  readonly bestEffort?: boolean;
  readonly params?: StepParams;
  /** From the graph's holds* methods, which record each resource's limit. @default none */
  readonly resources?: Holds;
  readonly dependsOn?: readonly StepRef[];
}

/**
 * Accumulates steps. Builders refer to steps by the StepRef `add` returns, never by id: a plan
 * has a few hundred thousand steps, and hashing each id string to find it again cost more than
 * building the step. Each id must be added once (test/unit/planner/invariants.test.ts checks).
 */
export class StepGraph {
  private readonly steps: Step[] = [];
  /** (step, a step it depends on), as added: one list for all, not an array per step. */
  private readonly edges = new PairList();
  readonly limits = new Map<string, number>();
  /** Seconds by step kind: the latency table does not change while a plan is built. */
  private readonly secondsByKind = new Map<StepKind, number>();
  private readonly storageHolds = new Map<string, Holds>();
  private readonly viosHolds = new Map<string, Map<string, Holds>>();
  private readonly hmcHolds = new Map<string, Holds>();
  private readonly restartHolds = new Map<string, Holds>();
  /** By Holds: the sorted keys, and the same resources as indexes into resourceKeys. */
  private readonly holdKeys: (readonly string[])[] = [];
  private readonly holdIndexes: Int32Array[] = [];
  private readonly resourceKeys: string[] = [];
  private readonly resourceIndex = new Map<string, number>();
  /** By step: its Holds, or -1. */
  private readonly holdOf: number[] = [];
  /** By step: its slaLevel and estimateSeconds, read later without a property lookup per step. */
  private readonly levels: number[] = [];
  private readonly seconds: number[] = [];

  /**
   * Best-effort unmaps no step does (addUnmapSteps): their storage system is offline, lost with
   * its site. The plan lists them as deferred cleanup, for the failback to do.
   */
  readonly deferred: DeferredCleanup[] = [];

  constructor(private readonly ctx: PlanningContext) {}

  /** Storage system `id` answers no command (the inventory reports it offline). */
  storageOffline(id: string): boolean {
    return this.ctx.storageSystems.get(id)?.state === "offline";
  }

  /** Any step; an LPAR's main-phase steps go through addFor. */
  add(spec: StepSpec): StepRef {
    const seconds = this.secondsOf(spec.kind);
    const step = makeStep(spec, this.heldKeys(spec.resources), seconds);
    return this.append(step, spec.slaLevel, seconds, spec.resources, spec.dependsOn ?? NO_STEPS);
  }

  /**
   * A main-phase step of one LPAR, with parameters (not empty): what nearly every step is. The
   * same as add() without a spec object: specs come in one shape per builder, and reading a
   * property of objects of many shapes is a slow, generic lookup, for every step.
   */
  addFor(scope: LparScope, kind: StepKind, id: string, params: StepParams, resources: Holds | undefined, dependsOn: readonly StepRef[], bestEffort = false): StepRef {
    const held = this.heldKeys(resources) as string[];
    const estimateSeconds = this.secondsOf(kind);
    const { lpar, group, slaLevel } = scope;
    // dependsOn: set by build(); until then one shared empty list rather than one array per step.
    const dependencies = NONE as string[];
    const step: Step = bestEffort
      ? { id, kind, slaLevel, dependsOn: dependencies, resources: held, estimateSeconds, lpar, group, bestEffort: true, params }
      : { id, kind, slaLevel, dependsOn: dependencies, resources: held, estimateSeconds, lpar, group, params };
    return this.append(step, slaLevel, estimateSeconds, resources, dependsOn);
  }

  /** The keys of a Holds list (none when undefined). */
  private heldKeys(resources: Holds | undefined): readonly string[] {
    return resources === undefined ? NONE : this.holdKeys[resources];
  }

  /** Records a new step; its level and duration are passed, not read back from a step of any shape. */
  private append(step: Step, slaLevel: number, estimateSeconds: number, resources: Holds | undefined, dependsOn: readonly StepRef[]): StepRef {
    const ref = this.steps.length;
    this.steps.push(step);
    for (let k = 0; k < dependsOn.length; k++) this.edges.push(ref, dependsOn[k]);
    this.holdOf.push(resources ?? -1);
    this.levels.push(slaLevel);
    this.seconds.push(estimateSeconds);
    return ref;
  }

  /** Adds a dependency once both steps exist: an LPAR waiting for one that is added after it. */
  dependOn(step: StepRef, on: StepRef): void {
    this.edges.push(step, on);
  }

  /** [storage:<id>]. */
  holdsStorage(id: string): Holds {
    return cached(this.storageHolds, id, () => this.holds([storageKey(id)]));
  }

  /** [vios:<system>/<vios>]. */
  holdsVios(system: string, vios: string): Holds {
    return cached(cached(this.viosHolds, system, () => new Map<string, Holds>()), vios, () => this.holds([viosKey(system, vios)]));
  }

  /** [hmc:<the system's HMC>]: a partition job on `system`. */
  holdsHmcOf(system: string): Holds {
    return cached(this.hmcHolds, system, () => this.holds([hmcKey(hmcOf(this.ctx, system))]));
  }

  /** [hmc:<the system's HMC>, system:<system>]: a remote restart onto `system`. */
  holdsRestartOn(system: string): Holds {
    return cached(this.restartHolds, system, () => this.holds([hmcKey(hmcOf(this.ctx, system)), systemKey(system)]));
  }

  /** A new list of `keys` (sorted, once each), with their limits recorded. */
  private holds(keys: string[]): Holds {
    const sorted = [...new Set(keys)].sort();
    const indexes = new Int32Array(sorted.length);
    sorted.forEach((key, k) => {
      let r = this.resourceIndex.get(key);
      if (r === undefined) {
        r = this.resourceKeys.length;
        this.resourceIndex.set(key, r);
        this.resourceKeys.push(key);
        this.limits.set(key, this.limitOf(key));
      }
      indexes[k] = r;
    });
    this.holdKeys.push(Object.freeze(sorted));
    this.holdIndexes.push(indexes);
    return (this.holdKeys.length - 1) as Holds;
  }

  private secondsOf(kind: StepKind): number {
    let seconds = this.secondsByKind.get(kind);
    if (seconds === undefined) {
      seconds = stepSeconds(this.ctx.options.latencies, kind, this.ctx.options.hookEstimateSeconds);
      this.secondsByKind.set(kind, seconds);
    }
    return seconds;
  }

  /**
   * The steps in insertion order, each with its dependencies' ids (sorted, once each); each
   * step's parents by index; the resources each step holds, as indexes into resourceKeys, in
   * the order of its `resources`; and each step's slaLevel and estimateSeconds. With `ids`
   * false the steps keep an empty `dependsOn` (the N-1 check's verdicts read only the rows).
   */
  build(ids = true): { steps: Step[]; parents: Rows; holds: Rows; resourceKeys: readonly string[]; levels: Float64Array; seconds: Float64Array } {
    const n = this.steps.length;
    const raw = this.edges.toRows(n);
    const first = new Int32Array(n + 1);
    const items = new Int32Array(raw.items.length);
    let end = 0;
    for (let i = 0; i < n; i++) {
      // Row i sorted and without repeats, written over the end of the previous one.
      const start = end;
      for (let e = raw.first[i]; e < raw.first[i + 1]; e++) {
        const d = raw.items[e];
        if (!(d >= 0 && d < n)) throw new Error(`internal: step ${this.steps[i].id} depends on unknown step ${d}`);
        items[end++] = d;
      }
      if (end - start > 1) {
        sortRange(items, start, end);
        let kept = start + 1;
        for (let e = start + 1; e < end; e++) if (items[e] !== items[kept - 1]) items[kept++] = items[e];
        end = kept;
      }
      first[i + 1] = end;
      if (!ids) continue;
      const names = new Array<string>(end - start);
      for (let e = start; e < end; e++) names[e - start] = this.steps[items[e]].id;
      // Ids are unique, so distinct steps never collapse here.
      if (names.length === 2) {
        if (names[0] > names[1]) names.reverse();
      } else if (names.length > 2) names.sort(compareStrings);
      this.steps[i].dependsOn = names;
    }
    return {
      steps: this.steps,
      parents: { first, items: items.subarray(0, end) },
      ...this.holdRows(),
      levels: new Float64Array(this.levels),
      seconds: new Float64Array(this.seconds),
    };
  }

  private holdRows(): { holds: Rows; resourceKeys: readonly string[] } {
    const n = this.steps.length;
    const first = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) first[i + 1] = first[i] + (this.holdOf[i] < 0 ? 0 : this.holdIndexes[this.holdOf[i]].length);
    const items = new Int32Array(first[n]);
    for (let i = 0; i < n; i++) if (this.holdOf[i] >= 0) items.set(this.holdIndexes[this.holdOf[i]], first[i]);
    return { holds: { first, items }, resourceKeys: this.resourceKeys };
  }

  private limitOf(key: string): number {
    return resourceLimit(this.ctx, key);
  }
}

/** The concurrency limit of a resource: user overrides first, then the inventory. */
export function resourceLimit(ctx: PlanningContext, key: string): number {
  const override = ctx.options.limits[key];
  if (override !== undefined) return Math.max(1, Math.floor(override));
  const [type, rest] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
  switch (type) {
    case "hmc":
      return ctx.hmcs.get(rest)?.maxConcurrentJobs ?? 64;
    case "system":
      return ctx.restartLimits.get(rest) ?? 32;
    case "storage":
      return ctx.storageSystems.get(rest)?.maxConcurrentConfigOps ?? 1;
    default:
      return 1;
  }
}

const NONE: readonly string[] = Object.freeze([]);
const NO_STEPS: readonly StepRef[] = Object.freeze([]);

/** The Step of a spec, its properties in the schema's order (those absent left out). */
function makeStep(spec: StepSpec, held: readonly string[], estimateSeconds: number): Step {
  // dependsOn: set by build(); until then one shared empty list rather than one array per step.
  const step: Step = { id: spec.id, kind: spec.kind, slaLevel: spec.slaLevel, dependsOn: NONE as string[], resources: held as string[], estimateSeconds };
  if (spec.lpar !== undefined) step.lpar = spec.lpar;
  if (spec.group !== undefined) step.group = spec.group;
  if (spec.phase !== undefined && spec.phase !== "main") step.phase = spec.phase;
  if (spec.bestEffort) step.bestEffort = true;
  if (spec.params !== undefined && hasKeys(spec.params)) step.params = spec.params;
  return step;
}

/** The value of `key` in `map`, made by `make` the first time. */
function cached<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** Sorts items[start, end) in place: insertion sort for the short rows nearly every step has. */
function sortRange(items: Int32Array, start: number, end: number): void {
  if (end - start > 16) {
    items.subarray(start, end).sort();
    return;
  }
  for (let i = start + 1; i < end; i++) {
    const item = items[i];
    let j = i - 1;
    while (j >= start && items[j] > item) {
      items[j + 1] = items[j];
      j--;
    }
    items[j + 1] = item;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hasKeys(o: object): boolean {
  for (const key in o) if (Object.prototype.hasOwnProperty.call(o, key)) return true;
  return false;
}
