// The simulated datacenter held in memory: the topology's objects keyed by id, the indexes the
// operations need to stay fast on 10,000 LPARs, and the runtime part a real HMC and SAN keep on
// their side (jobs in flight, timed transitions, queue slots, attempt counters).
// Everything here changes only through apply.ts, so every process that replays the same log
// entries arrives at the same state.

import type {
  ConsistencyGroup,
  FlashCopyGroup,
  HostMapping,
  LparState,
  ResolvedConsistencyGroup,
  ResolvedFlashCopyGroup,
  ResolvedHmc,
  ResolvedLpar,
  ResolvedManagedSystem,
  ResolvedStorageSystem,
  ResolvedTopology,
  Site,
  Topology,
  Volume,
} from "../../model";
import type { Effect } from "./effects";
import { EventQueue, type TimedEvent } from "./event-queue";

/** Version of the state files; bump it when their shape changes (and convert older files). */
export const STATE_FORMAT_VERSION = 1;

/** An operation accepted by the simulated HMC or SAN: it completes at `endAt` whoever waits for it. */
export interface Job {
  readonly id: string;
  /** Adapter operation name (remoteRestart, mapVolume, ...). */
  readonly op: string;
  /** The object the job works on ("lpar:ID", "mapping:VOL@HOST", "cg:ID", "fcg:NAME"): one job per object at a time. */
  readonly objectKey: string;
  /** What was asked (target, volumes...): a second identical request joins the job, a different one conflicts. */
  readonly signature: string;
  readonly acceptedAt: number;
  readonly endAt: number;
  /** Consecutive steps, each holding its resources (plan resource keys) from start to end. */
  readonly phases: readonly JobPhase[];
  /** Capacity the job will take on a system once done (restart, power on, drill LPAR). */
  readonly reserve?: { readonly host: string; readonly processorUnits: number; readonly memoryGb: number };
  /** Volumes the job will make an LPAR write to: no other LPAR may start on them meanwhile. */
  readonly claims?: readonly string[];
  readonly effect: Effect;
}

export interface JobPhase {
  readonly op: string;
  readonly resources: readonly string[];
  readonly start: number;
  readonly end: number;
}

/** Why a job failed after it was accepted (the target crashed meanwhile...). Kept for a while so the waiting client can report it. */
export interface JobFailure {
  readonly at: number;
  readonly failure: "transient" | "conflict" | "notFound" | "fatal";
  readonly message: string;
}

export interface SimState {
  /** Clock time (ms) of initialisation: injected host crashes are relative to it. */
  originAt: number;
  /** Clock time up to which timed events have been applied. */
  time: number;
  /** Wall (clock) milliseconds per simulated millisecond. */
  timeScale: number;
  /** Counter for job and event ids. */
  seq: number;

  topology: Omit<ResolvedTopology, "sites" | "hmcs" | "managedSystems" | "lpars" | "storageSystems" | "volumes" | "hostMappings" | "consistencyGroups" | "flashCopyGroups">;
  sites: Map<string, Site>;
  hmcs: Map<string, ResolvedHmc>;
  systems: Map<string, ResolvedManagedSystem>;
  lpars: Map<string, ResolvedLpar>;
  storageSystems: Map<string, ResolvedStorageSystem>;
  volumes: Map<string, Volume>;
  /** Host mappings of each volume. */
  mappings: Map<string, HostMapping[]>;
  consistencyGroups: Map<string, ResolvedConsistencyGroup>;
  flashCopyGroups: Map<string, ResolvedFlashCopyGroup>;

  // Indexes, rebuilt on load.
  lparsByHost: Map<string, Set<string>>;
  lparsByVolume: Map<string, Set<string>>;
  groupByVolume: Map<string, string>;
  jobByObject: Map<string, string>;
  claimsByVolume: Map<string, string>;
  reservedByHost: Map<string, { processorUnits: number; memoryGb: number }>;

  // Runtime, persisted.
  jobs: Map<string, Job>;
  events: EventQueue;
  /** Per plan resource, the clock time each of its slots is busy until. */
  slots: Map<string, number[]>;
  /** Calls per "operation:object", the attempt number of latency and fault draws. */
  attempts: Map<string, number>;
  failures: Map<string, JobFailure>;
  /** LPAR id -> clock time its OS is up. */
  bootingUntil: Map<string, number>;
  /** "host@atMs" of injected crashes already scheduled. */
  scheduledCrashes: Set<string>;
}

/** LPAR states in which the partition holds its processors and memory and writes to its volumes. */
export const ACTIVE_LPAR_STATES: ReadonlySet<LparState> = new Set<LparState>(["Running", "Starting", "Shutting Down"]);

/** The on-disk snapshot (schemas/sim-state.schema.json): the topology as its schema describes it, plus the runtime part. */
export interface PersistedState {
  formatVersion: number;
  originAt: number;
  time: number;
  timeScale: number;
  seq: number;
  topology: Topology;
  runtime: {
    jobs: Job[];
    events: TimedEvent[];
    slots: [string, number[]][];
    attempts: [string, number][];
    failures: [string, JobFailure][];
    bootingUntil: [string, number][];
    scheduledCrashes: string[];
  };
}

function byKey<T>(items: readonly T[], key: (t: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) map.set(key(item), item);
  return map;
}

function addToSet(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

function removeFromSet(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

export function indexLpar(state: SimState, lpar: ResolvedLpar): void {
  addToSet(state.lparsByHost, lpar.host, lpar.id);
  for (const v of lpar.volumes) addToSet(state.lparsByVolume, v, lpar.id);
}

export function unindexLpar(state: SimState, lpar: ResolvedLpar): void {
  removeFromSet(state.lparsByHost, lpar.host, lpar.id);
  for (const v of lpar.volumes) removeFromSet(state.lparsByVolume, v, lpar.id);
}

export function indexJob(state: SimState, job: Job): void {
  state.jobByObject.set(job.objectKey, job.id);
  for (const v of job.claims ?? []) state.claimsByVolume.set(v, job.id);
  if (job.reserve) {
    const r = state.reservedByHost.get(job.reserve.host) ?? { processorUnits: 0, memoryGb: 0 };
    r.processorUnits += job.reserve.processorUnits;
    r.memoryGb += job.reserve.memoryGb;
    state.reservedByHost.set(job.reserve.host, r);
  }
}

export function unindexJob(state: SimState, job: Job): void {
  if (state.jobByObject.get(job.objectKey) === job.id) state.jobByObject.delete(job.objectKey);
  for (const v of job.claims ?? []) if (state.claimsByVolume.get(v) === job.id) state.claimsByVolume.delete(v);
  if (job.reserve) {
    const r = state.reservedByHost.get(job.reserve.host);
    if (r) {
      r.processorUnits -= job.reserve.processorUnits;
      r.memoryGb -= job.reserve.memoryGb;
      if (r.processorUnits <= 1e-9 && r.memoryGb <= 1e-9) state.reservedByHost.delete(job.reserve.host);
    }
  }
}

export function indexGroup(state: SimState, group: ConsistencyGroup): void {
  for (const p of group.pairs) {
    state.groupByVolume.set(p.master, group.id);
    state.groupByVolume.set(p.aux, group.id);
  }
}

/** Builds the in-memory state from a validated topology (defaults filled in) and its runtime part. */
export function stateFromPersisted(p: PersistedState): SimState {
  const t = p.topology as ResolvedTopology;
  const { sites, hmcs, managedSystems, lpars, storageSystems, volumes, hostMappings, consistencyGroups, flashCopyGroups, ...rest } = t;
  const state: SimState = {
    originAt: p.originAt,
    time: p.time,
    timeScale: p.timeScale,
    seq: p.seq,
    topology: rest,
    sites: byKey(sites, (s) => s.name),
    hmcs: byKey(hmcs, (h) => h.name),
    systems: byKey(managedSystems, (s) => s.id),
    lpars: byKey(lpars, (l) => l.id),
    storageSystems: byKey(storageSystems, (s) => s.id),
    volumes: byKey(volumes, (v) => v.id),
    mappings: new Map(),
    consistencyGroups: byKey(consistencyGroups, (g) => g.id),
    flashCopyGroups: byKey(flashCopyGroups ?? [], (g) => g.id),
    lparsByHost: new Map(),
    lparsByVolume: new Map(),
    groupByVolume: new Map(),
    jobByObject: new Map(),
    claimsByVolume: new Map(),
    reservedByHost: new Map(),
    jobs: byKey(p.runtime.jobs, (j) => j.id),
    events: new EventQueue(p.runtime.events),
    slots: new Map(p.runtime.slots),
    attempts: new Map(p.runtime.attempts),
    failures: new Map(p.runtime.failures),
    bootingUntil: new Map(p.runtime.bootingUntil),
    scheduledCrashes: new Set(p.runtime.scheduledCrashes),
  };
  for (const m of hostMappings) {
    const list = state.mappings.get(m.volume);
    if (list) list.push(m);
    else state.mappings.set(m.volume, [m]);
  }
  for (const l of state.lpars.values()) indexLpar(state, l);
  for (const g of state.consistencyGroups.values()) indexGroup(state, g);
  for (const j of state.jobs.values()) indexJob(state, j);
  return state;
}

/** The topology as the schema describes it: what inventory and `vmr sim status` report. */
export function topologyOf(state: SimState): ResolvedTopology {
  const hostMappings: HostMapping[] = [];
  for (const list of state.mappings.values()) hostMappings.push(...list);
  return {
    sites: [...state.sites.values()],
    hmcs: [...state.hmcs.values()],
    managedSystems: [...state.systems.values()],
    lpars: [...state.lpars.values()],
    storageSystems: [...state.storageSystems.values()],
    volumes: [...state.volumes.values()],
    hostMappings,
    consistencyGroups: [...state.consistencyGroups.values()],
    flashCopyGroups: [...state.flashCopyGroups.values()] as FlashCopyGroup[] as ResolvedFlashCopyGroup[],
    ...state.topology,
  };
}

export function persistedFromState(state: SimState): PersistedState {
  return {
    formatVersion: STATE_FORMAT_VERSION,
    originAt: state.originAt,
    time: state.time,
    timeScale: state.timeScale,
    seq: state.seq,
    topology: topologyOf(state),
    runtime: {
      jobs: [...state.jobs.values()],
      events: state.events.toArray(),
      slots: [...state.slots.entries()],
      attempts: [...state.attempts.entries()],
      failures: [...state.failures.entries()],
      bootingUntil: [...state.bootingUntil.entries()],
      scheduledCrashes: [...state.scheduledCrashes],
    },
  };
}

/** A fresh state for a validated topology, initialised at clock time `now`. */
export function newPersistedState(topology: ResolvedTopology, now: number, timeScale: number): PersistedState {
  return {
    formatVersion: STATE_FORMAT_VERSION,
    originAt: now,
    time: now,
    timeScale,
    seq: 0,
    topology,
    runtime: { jobs: [], events: [], slots: [], attempts: [], failures: [], bootingUntil: [], scheduledCrashes: [] },
  };
}
