// Building the step DAG: ids, durations from the shared latency table, and the
// concurrency-limited resources each step holds. The resource keys are a contract with the
// executor and the simulator: a step holds what the adapter operation it runs holds (the table
// in adapters/simulator/resources.ts; test/unit/planner/resources.test.ts checks every kind):
//   hmc:<name>                     the HMC's maxConcurrentJobs
//   system:<managedSystemId>       remote restarts a target accepts at once
//   vios:<managedSystemId>/<vios>  1: a VIOS applies one mapping change at a time
//   storage:<storageSystemId>      the storage system's maxConcurrentConfigOps

import type { Step, StepKind, StepParams } from "../generated/plan";
import { medianSeconds, type LatencyTable } from "../model/latency";
import type { PlanningContext } from "./context";
import { rowsOf, type Rows } from "./rows";

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

/** Median seconds of a step, from the latency table. */
export function stepSeconds(table: LatencyTable, kind: StepKind, hookSeconds: number): number {
  const m = (op: Parameters<typeof medianSeconds>[1]): number => medianSeconds(table, op);
  switch (kind) {
    case "FenceSourceLpar":
      return m("fenceLpar");
    case "ShutdownLpar":
      return m("shutdownLpar");
    case "FailoverConsistencyGroup":
      return m("failoverConsistencyGroup");
    case "SwitchConsistencyGroup":
      return m("switchConsistencyGroup");
    case "ReverseReplication":
      return m("startConsistencyGroup");
    case "UnmapSourceVolume":
      return m("unmapVolume");
    case "MapReplicaVolume":
      return m("mapVolume");
    case "AttachVirtualDisk":
    case "DetachVirtualDisk":
      return m("viosMapping");
    case "CreateFlashCopyGroup":
      return m("createFlashCopyGroup") + m("prepareFlashCopyGroup") + m("startFlashCopyGroup");
    case "DeleteFlashCopyGroup":
      return m("deleteFlashCopyGroup");
    case "RestartLpar":
      return m("remoteRestart");
    case "MoveLpar":
      // Moving a powered-off partition's definition is the same HMC job as a remote restart.
      return m("remoteRestart");
    case "StartLpar":
      return m("powerOnLpar");
    case "StartDrillLpar":
      return m("createLpar") + m("powerOnLpar");
    case "DeleteDrillLpar":
      // The copy is running when it is deleted: it is stopped first.
      return m("fenceLpar") + m("deleteLpar");
    case "VerifyLpar":
      return m("bootLpar");
    case "CleanupSourceLpar":
      return m("cleanupSourceLpar");
    case "RunHook":
      return hookSeconds;
  }
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
  readonly resources?: readonly string[];
  readonly dependsOn?: readonly string[];
}

/** Accumulates steps; a step added twice (a consistency group two LPARs need) is merged. */
export class StepGraph {
  private readonly index = new Map<string, number>();
  private readonly steps: Step[] = [];
  private readonly deps: string[][] = [];
  readonly limits = new Map<string, number>();
  /** Seconds by step kind: the latency table does not change while a plan is built. */
  private readonly secondsByKind = new Map<StepKind, number>();
  private readonly storageKeys = new Map<string, string>();
  private readonly viosKeys = new Map<string, Map<string, string>>();

  constructor(private readonly ctx: PlanningContext) {}

  has(id: string): boolean {
    return this.index.has(id);
  }

  add(spec: StepSpec): string {
    const at = this.index.get(spec.id);
    if (at !== undefined) {
      const existing = this.steps[at];
      existing.slaLevel = Math.max(existing.slaLevel, spec.slaLevel);
      if (existing.group !== spec.group) delete existing.group;
      if (spec.dependsOn) this.deps[at].push(...spec.dependsOn);
      return spec.id;
    }
    const step: Step = {
      id: spec.id,
      kind: spec.kind,
      slaLevel: spec.slaLevel,
      dependsOn: [],
      resources: spec.resources ? uniqueSorted(spec.resources) : [],
      estimateSeconds: this.secondsOf(spec.kind),
    };
    if (spec.lpar !== undefined) step.lpar = spec.lpar;
    if (spec.group !== undefined) step.group = spec.group;
    if (spec.phase !== undefined && spec.phase !== "main") step.phase = spec.phase;
    if (spec.bestEffort) step.bestEffort = true;
    if (spec.params !== undefined && hasKeys(spec.params)) step.params = spec.params;
    this.index.set(spec.id, this.steps.length);
    this.steps.push(step);
    // Builders hand over fresh arrays: keep them rather than copy half a million of them.
    this.deps.push((spec.dependsOn as string[] | undefined) ?? []);
    for (const key of step.resources) if (!this.limits.has(key)) this.limits.set(key, this.limitOf(key));
    return spec.id;
  }

  /** storageKey(id), one string per storage system: the graph hashes each key it is handed. */
  storageResource(id: string): string {
    let key = this.storageKeys.get(id);
    if (key === undefined) {
      key = storageKey(id);
      this.storageKeys.set(id, key);
    }
    return key;
  }

  /** viosKey(system, vios), one string per VIOS, as storageResource. */
  viosResource(system: string, vios: string): string {
    let ofSystem = this.viosKeys.get(system);
    if (ofSystem === undefined) {
      ofSystem = new Map<string, string>();
      this.viosKeys.set(system, ofSystem);
    }
    let key = ofSystem.get(vios);
    if (key === undefined) {
      key = viosKey(system, vios);
      ofSystem.set(vios, key);
    }
    return key;
  }

  private secondsOf(kind: StepKind): number {
    let seconds = this.secondsByKind.get(kind);
    if (seconds === undefined) {
      seconds = stepSeconds(this.ctx.options.latencies, kind, this.ctx.options.hookEstimateSeconds);
      this.secondsByKind.set(kind, seconds);
    }
    return seconds;
  }

  /** The steps with their dependencies, in insertion order, and each step's parents by index. */
  build(): { steps: Step[]; parents: Rows } {
    let edges = 0;
    for (let i = 0; i < this.steps.length; i++) {
      // Every builder is done: the arrays they handed over are sorted where they are.
      this.steps[i].dependsOn = sortUniqueInPlace(this.deps[i]);
      edges += this.steps[i].dependsOn.length;
    }
    const child = new Int32Array(edges);
    const parent = new Int32Array(edges);
    let e = 0;
    for (let i = 0; i < this.steps.length; i++) {
      const step = this.steps[i];
      for (const d of step.dependsOn) {
        const j = this.index.get(d);
        if (j === undefined) throw new Error(`internal: step ${step.id} depends on unknown step ${d}`);
        child[e] = i;
        parent[e++] = j;
      }
    }
    return { steps: this.steps, parents: rowsOf(this.steps.length, child, parent) };
  }

  /** The concurrency limit of a resource: user overrides first, then the inventory. */
  private limitOf(key: string): number {
    const override = this.ctx.options.limits[key];
    if (override !== undefined) return Math.max(1, Math.floor(override));
    const [type, rest] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
    switch (type) {
      case "hmc":
        return this.ctx.hmcs.get(rest)?.maxConcurrentJobs ?? 64;
      case "system":
        return this.ctx.restartLimits.get(rest) ?? 32;
      case "storage":
        return this.ctx.storageSystems.get(rest)?.maxConcurrentConfigOps ?? 1;
      default:
        return 1;
    }
  }
}

function uniqueSorted(items: readonly string[]): string[] {
  if (items.length <= 1) return items as string[];
  if (items.length === 2) return items[0] < items[1] ? (items as string[]) : items[0] === items[1] ? [items[0]] : [items[1], items[0]];
  return [...new Set(items)].sort();
}

/** The same elements as uniqueSorted, without a Set or a copy: `items` is sorted and deduplicated in place. */
function sortUniqueInPlace(items: string[]): string[] {
  if (items.length <= 1) return items;
  if (items.length === 2) {
    if (items[0] < items[1]) return items;
    if (items[0] === items[1]) items.length = 1;
    else items.reverse();
    return items;
  }
  items.sort();
  let kept = 1;
  for (let i = 1; i < items.length; i++) if (items[i] !== items[kept - 1]) items[kept++] = items[i];
  items.length = kept;
  return items;
}

function hasKeys(o: object): boolean {
  for (const key in o) if (Object.prototype.hasOwnProperty.call(o, key)) return true;
  return false;
}
