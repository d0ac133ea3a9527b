// The only code that changes a SimState. Two inputs: log entries (what a client did, recorded
// under the lock) and timed transitions (what the hardware does by itself as time passes).
// Both are deterministic, so the file store can keep a snapshot plus an append-only log and any
// process replaying them reaches the same datacenter.

import type { Faults, ManagedSystemState } from "../../model";
import type { Effect } from "./effects";
import type { TimedTransition } from "./event-queue";
import { limitOf } from "./resources";
import { ACTIVE_LPAR_STATES, indexJob, indexLpar, unindexJob, unindexLpar, type Job, type SimState } from "./state";

export type Entry =
  /** A job accepted by the simulated HMC or SAN; `attemptKey` counts the call. */
  | { readonly k: "job"; at: number; readonly job: Job; readonly attemptKey: string }
  /** A call refused before a job existed (injected transient fault, busy): it still counts as an attempt. */
  | { readonly k: "attempt"; at: number; readonly key: string }
  /** A managed system fails (`vmr sim fail-host`, an injected crash). */
  | { readonly k: "crash"; at: number; readonly host: string }
  /** A managed system is repaired and back to Operating. */
  | { readonly k: "repair"; at: number; readonly host: string }
  /** A VIOS of a managed system fails (`vmr sim fail-vios`) or is back: the VLANs only it bridged are lost meanwhile. */
  | { readonly k: "viosState"; at: number; readonly host: string; readonly vios: string; readonly up: boolean }
  | { readonly k: "storageState"; at: number; readonly storageSystemId: string; readonly online: boolean }
  | { readonly k: "faults"; at: number; readonly faults: Faults }
  | { readonly k: "capable"; at: number; readonly lparId: string; readonly capable: boolean };

/** How long a failed job's reason is kept for its client, in clock ms (at least a minute of wall time). */
function failureRetention(state: SimState): number {
  return Math.max(3_600_000 * state.timeScale, 60_000);
}

/** Applies every timed transition due at or before `now`, in (time, sequence) order. */
export function advance(state: SimState, now: number): void {
  for (;;) {
    const next = state.events.peek();
    if (!next || next.at > now) break;
    state.events.pop();
    state.time = Math.max(state.time, next.at);
    applyTransition(state, next.transition, next.at);
  }
  state.time = Math.max(state.time, now);
  const horizon = state.time - failureRetention(state);
  for (const [id, f] of state.failures) if (f.at < horizon) state.failures.delete(id);
}

export function applyEntry(state: SimState, entry: Entry): void {
  advance(state, entry.at);
  switch (entry.k) {
    case "job": {
      const { job } = entry;
      bumpAttempt(state, entry.attemptKey);
      state.seq++;
      state.jobs.set(job.id, job);
      indexJob(state, job);
      for (const phase of job.phases) {
        for (const r of phase.resources) occupySlot(state, r, phase.end);
      }
      schedule(state, job.endAt, { type: "jobEnd", jobId: job.id });
      break;
    }
    case "attempt":
      bumpAttempt(state, entry.key);
      break;
    case "crash":
      crashHost(state, entry.host);
      break;
    case "repair":
      repairHost(state, entry.host);
      break;
    case "viosState":
      setViosState(state, entry.host, entry.vios, entry.up);
      break;
    case "storageState":
      setStorageState(state, entry.storageSystemId, entry.online);
      break;
    case "faults":
      state.topology.simulation = { ...(state.topology.simulation ?? {}), faults: entry.faults };
      scheduleCrashes(state, entry.at);
      break;
    case "capable": {
      const lpar = state.lpars.get(entry.lparId);
      if (lpar) lpar.remoteRestartCapable = entry.capable;
      break;
    }
  }
}

function bumpAttempt(state: SimState, key: string): void {
  state.attempts.set(key, (state.attempts.get(key) ?? 0) + 1);
}

export function schedule(state: SimState, at: number, transition: TimedTransition): void {
  state.events.push({ at, seq: state.seq++, transition });
}

/** Marks the slot of `resource` the scheduler chose (the earliest free one, see schedule.ts) busy until `end`. */
function occupySlot(state: SimState, resource: string, end: number): void {
  let slots = state.slots.get(resource);
  if (!slots) state.slots.set(resource, (slots = new Array<number>(limitOf(state, resource)).fill(0)));
  let best = 0;
  for (let i = 1; i < slots.length; i++) if (slots[i] < slots[best]) best = i;
  slots[best] = end;
}

/**
 * Schedules the injected crashes of the topology's faults that are not scheduled yet, and drops
 * pending ones the faults no longer list. A crash that already happened is not repeated.
 */
export function scheduleCrashes(state: SimState, now: number): void {
  const wanted = new Map<string, string>();
  for (const c of state.topology.simulation?.faults?.hostCrashes ?? []) {
    wanted.set(`${c.host}@${state.originAt + c.atSeconds * 1000 * state.timeScale}`, c.host);
  }
  state.events.removeWhere((e) => {
    if (e.transition.type !== "crash" || e.transition.key === undefined || wanted.has(e.transition.key)) return false;
    state.scheduledCrashes.delete(e.transition.key);
    return true;
  });
  for (const [key, host] of wanted) {
    if (state.scheduledCrashes.has(key)) continue;
    state.scheduledCrashes.add(key);
    const at = Number(key.slice(key.lastIndexOf("@") + 1));
    schedule(state, Math.max(at, now), { type: "crash", host, key });
  }
}

function applyTransition(state: SimState, t: TimedTransition, at: number): void {
  switch (t.type) {
    case "jobEnd": {
      const job = state.jobs.get(t.jobId);
      if (!job) return;
      state.jobs.delete(job.id);
      unindexJob(state, job);
      const failure = applyEffect(state, job.effect, at);
      if (failure) state.failures.set(job.id, { at, failure: failure.failure, message: failure.message });
      return;
    }
    case "booted": {
      const lpar = state.lpars.get(t.lparId);
      state.bootingUntil.delete(t.lparId);
      if (lpar && lpar.host === t.host && lpar.state === "Starting") lpar.state = "Running";
      return;
    }
    case "crash":
      crashHost(state, t.host);
      return;
  }
}

type EffectFailure = { failure: "transient" | "conflict" | "notFound" | "fatal"; message: string } | undefined;

function systemUp(state: SimState, id: string): boolean {
  return state.systems.get(id)?.state === "Operating";
}

function startBoot(state: SimState, lparId: string, host: string, at: number, bootMs: number): void {
  state.bootingUntil.set(lparId, at + bootMs);
  schedule(state, at + bootMs, { type: "booted", lparId, host });
}

function applyEffect(state: SimState, e: Effect, at: number): EffectFailure {
  switch (e.type) {
    case "fail":
      return { failure: "transient", message: e.message };
    case "restart": {
      const lpar = state.lpars.get(e.lparId);
      if (!lpar) return { failure: "notFound", message: "the LPAR disappeared during the remote restart" };
      if (!systemUp(state, e.target)) {
        return { failure: "transient", message: `target system ${e.target} went down during the remote restart` };
      }
      unindexLpar(state, lpar);
      if (lpar.host !== e.target) lpar.pendingCleanupOn = lpar.host;
      lpar.host = e.target;
      lpar.volumes = [...e.volumes];
      if (e.adapters) lpar.adapters = e.adapters.map((a) => ({ ...a }));
      // Started below its size (flexible capacity): it holds only that much until powered off.
      if (e.size) lpar.allocated = { ...e.size };
      else delete lpar.allocated;
      lpar.state = "Starting";
      indexLpar(state, lpar);
      startBoot(state, lpar.id, lpar.host, at, e.bootMs);
      return undefined;
    }
    case "powerOn": {
      const lpar = state.lpars.get(e.lparId);
      if (!lpar) return { failure: "notFound", message: "the LPAR disappeared during power on" };
      if (!systemUp(state, lpar.host)) return { failure: "transient", message: `system ${lpar.host} went down during power on` };
      lpar.state = "Starting";
      startBoot(state, lpar.id, lpar.host, at, e.bootMs);
      return undefined;
    }
    case "powerOff": {
      const lpar = state.lpars.get(e.lparId);
      if (!lpar) return undefined;
      if (systemUp(state, lpar.host)) lpar.state = "Not Activated";
      // The next activation starts it at its size.
      delete lpar.allocated;
      state.bootingUntil.delete(lpar.id);
      return undefined;
    }
    case "suspend": {
      const lpar = state.lpars.get(e.lparId);
      if (lpar && systemUp(state, lpar.host)) lpar.state = "Suspended";
      return undefined;
    }
    case "resume": {
      const lpar = state.lpars.get(e.lparId);
      if (!lpar) return { failure: "notFound", message: "the LPAR disappeared during resume" };
      if (!systemUp(state, lpar.host)) return { failure: "transient", message: `system ${lpar.host} went down during resume` };
      lpar.state = "Running";
      return undefined;
    }
    case "cleanup": {
      const lpar = state.lpars.get(e.lparId);
      if (lpar) delete lpar.pendingCleanupOn;
      return undefined;
    }
    case "move": {
      const lpar = state.lpars.get(e.lparId);
      if (!lpar) return { failure: "notFound", message: "the LPAR disappeared during the move" };
      if (!systemUp(state, e.target)) return { failure: "transient", message: `target system ${e.target} went down during the move` };
      unindexLpar(state, lpar);
      lpar.host = e.target;
      lpar.volumes = [...e.volumes];
      if (e.adapters) lpar.adapters = e.adapters.map((a) => ({ ...a }));
      delete lpar.pendingCleanupOn;
      indexLpar(state, lpar);
      return undefined;
    }
    case "createLpar": {
      if (!systemUp(state, e.lpar.host)) return { failure: "transient", message: `system ${e.lpar.host} went down while creating the LPAR` };
      const lpar = { ...e.lpar, volumes: [...e.lpar.volumes], state: "Starting" as const };
      state.lpars.set(lpar.id, lpar);
      indexLpar(state, lpar);
      startBoot(state, lpar.id, lpar.host, at, e.bootMs);
      return undefined;
    }
    case "deleteLpar": {
      const lpar = state.lpars.get(e.lparId);
      if (!lpar) return undefined;
      unindexLpar(state, lpar);
      state.lpars.delete(lpar.id);
      state.bootingUntil.delete(lpar.id);
      return undefined;
    }
    case "map": {
      const list = state.mappings.get(e.mapping.volume) ?? [];
      if (!list.some((m) => m.host === e.mapping.host)) list.push({ ...e.mapping });
      state.mappings.set(e.mapping.volume, list);
      return undefined;
    }
    case "unmap": {
      const list = (state.mappings.get(e.volumeId) ?? []).filter((m) => m.host !== e.host);
      if (list.length > 0) state.mappings.set(e.volumeId, list);
      else state.mappings.delete(e.volumeId);
      return undefined;
    }
    case "viosDisk": {
      const mapping = (state.mappings.get(e.volumeId) ?? []).find((m) => m.host === e.host);
      if (!mapping) return { failure: "conflict", message: `volume ${e.volumeId} was unmapped from ${e.host} on the SAN meanwhile` };
      if (e.attached) delete mapping.attached;
      else mapping.attached = false;
      return undefined;
    }
    case "cgFailover": {
      const g = state.consistencyGroups.get(e.groupId);
      if (!g) return { failure: "notFound", message: "the consistency group disappeared" };
      g.auxWritable = true;
      g.state = g.state === "idling_disconnected" || g.state === "consistent_disconnected" ? "idling_disconnected" : "idling";
      return undefined;
    }
    case "cgSwitch": {
      const g = state.consistencyGroups.get(e.groupId);
      if (!g) return { failure: "notFound", message: "the consistency group disappeared" };
      g.primary = e.primary;
      g.auxWritable = false;
      return undefined;
    }
    case "cgStart": {
      const g = state.consistencyGroups.get(e.groupId);
      if (!g) return { failure: "notFound", message: "the consistency group disappeared" };
      g.primary = e.primary;
      g.auxWritable = false;
      // Resynchronisation time is not modelled: the group is synchronized when the command ends.
      g.state = "consistent_synchronized";
      return undefined;
    }
    case "fcCreate": {
      for (const v of e.targets) state.volumes.set(v.id, { ...v });
      state.flashCopyGroups.set(e.group.id, { ...e.group, maps: e.group.maps.map((m) => ({ ...m })), state: "copying" });
      return undefined;
    }
    case "fcDelete": {
      const g = state.flashCopyGroups.get(e.groupId);
      if (!g) return undefined;
      for (const m of g.maps) {
        state.volumes.delete(m.target);
        state.mappings.delete(m.target);
      }
      state.flashCopyGroups.delete(g.id);
      return undefined;
    }
  }
}

const DOWN_STATE: ManagedSystemState = "Error";

function crashHost(state: SimState, host: string): void {
  const system = state.systems.get(host);
  if (!system) return;
  system.state = DOWN_STATE;
  for (const id of state.lparsByHost.get(host) ?? []) {
    const lpar = state.lpars.get(id)!;
    if (ACTIVE_LPAR_STATES.has(lpar.state)) lpar.state = "Error";
    state.bootingUntil.delete(id);
  }
}

function repairHost(state: SimState, host: string): void {
  const system = state.systems.get(host);
  if (!system) return;
  system.state = "Operating";
  // A repaired server's VIOSes run again.
  if ((system.failedVioses ?? []).length > 0) system.failedVioses = [];
  // The server came back from a failure: its partitions are defined but not activated.
  for (const id of state.lparsByHost.get(host) ?? []) {
    const lpar = state.lpars.get(id)!;
    if (lpar.state === "Error") lpar.state = "Not Activated";
  }
}

/** A new failedVioses array each time: the bridged-VLAN cache (network/adapters.ts) sees the change. */
function setViosState(state: SimState, host: string, vios: string, up: boolean): void {
  const system = state.systems.get(host);
  if (!system) return;
  const failed = (system.failedVioses ?? []).filter((v) => v !== vios);
  system.failedVioses = up ? failed : [...failed, vios];
}

function setStorageState(state: SimState, id: string, online: boolean): void {
  const system = state.storageSystems.get(id);
  if (!system) return;
  system.state = online ? "online" : "offline";
  for (const g of state.consistencyGroups.values()) {
    if (g.masterSystem !== id && g.auxSystem !== id) continue;
    const partnerOnline = [g.masterSystem, g.auxSystem].every((s) => state.storageSystems.get(s)?.state !== "offline");
    if (!partnerOnline) {
      if (g.state === "consistent_synchronized" || g.state === "consistent_stopped") g.state = "consistent_disconnected";
      else if (g.state === "idling") g.state = "idling_disconnected";
    } else if (g.state === "consistent_disconnected") {
      g.state = g.auxWritable ? "idling" : "consistent_synchronized";
    } else if (g.state === "idling_disconnected") {
      g.state = "idling";
    }
  }
}

