// The compute operations' decisions: preconditions as an HMC checks them, then the job to run.
// Each returns a Decision for the store (never changes the state itself).

import type { RemoteRestartRequest, DrillLparRequest } from "../compute";
import type { ClientNetworkAdapter, LparState, ManagedSystemState, ResolvedLpar } from "../../model";
import { missingOn } from "../../network/adapters";
import { RESTARTABLE_SOURCE_STATES } from "../../model";
import { AdapterError } from "../../errors";
import { notOnExpectedSystem } from "../expected-system";
import { drawDurationMs } from "./draw";
import { checkCapacity, checkStartSize, checkStartVolumes, heldBy, refuse, Refusal, requireLpar, requireOperating, requireSystem, requireVolume, presentationGap } from "./checks";
import { decideJob, inFlight, type JobTicket } from "./jobs";
import { hmcResource, systemResource } from "./resources";
import type { Decision } from "./store";
import { ACTIVE_LPAR_STATES, type SimState } from "./state";

/** A job to wait for, or `done` when the object already was as asked. */
export type Accepted = { readonly done: true; readonly evidence?: ManagedSystemState | LparState } | { readonly done: false; readonly ticket: JobTicket; readonly evidence?: ManagedSystemState | LparState };

/** Runs preconditions that throw Refusals; turns them into a Decision. */
export function decided<T>(fn: () => Decision<T>): Decision<T> {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Refusal) return { error: err.error };
    throw err;
  }
}

function accepted(d: Decision<JobTicket>): Decision<Accepted> {
  if (d.error || !d.result) return { entries: d.entries, error: d.error };
  return { entries: d.entries, result: { done: false, ticket: d.result } };
}

const DONE: Decision<Accepted> = { result: { done: true } };

function hmcOf(state: SimState, systemId: string): string {
  return hmcResource(state.systems.get(systemId)!.hmc);
}

function restartSignature(r: RemoteRestartRequest): string {
  return `${r.targetSystemId}|${[...r.volumeIds].sort().join(",")}`;
}

/** The checks of rrstartlpar -o validate, shared by validate and restart. */
function checkRemoteRestart(state: SimState, op: string, r: RemoteRestartRequest): ResolvedLpar {
  const lpar = requireLpar(state, op, r.lparId);
  requireSystem(state, op, r.lparId, r.targetSystemId);
  if (!lpar.remoteRestartCapable) {
    refuse("conflict", op, lpar.id, "the LPAR is not remote-restart capable (simplified_remote_restart_capable=0): enable it with setRemoteRestartCapable");
  }
  const source = requireSystem(state, op, lpar.id, lpar.host);
  if (lpar.host === r.targetSystemId) refuse("conflict", op, lpar.id, `the LPAR is already defined on ${r.targetSystemId} but ${lpar.state}: power it on instead`);
  if (!RESTARTABLE_SOURCE_STATES.has(source.state)) {
    refuse("conflict", op, lpar.id, `source system ${source.id} is ${source.state}; a remote restart needs it in ${[...RESTARTABLE_SOURCE_STATES].join(", ")}`);
  }
  requireOperating(state, op, lpar.id, r.targetSystemId, "target");
  checkStartVolumes(state, op, lpar, r.targetSystemId, r.volumeIds);
  if (r.size) checkStartSize(op, lpar, r.size);
  checkCapacity(state, op, { id: lpar.id, ...(r.size ?? lpar) }, r.targetSystemId);
  checkNetwork(state, op, lpar.id, r);
  return lpar;
}

/**
 * The adapters the request asks for must exist at the target: the simulator refuses a restart
 * onto a system lacking the mapped switch or a mapped VLAN's bridge (a dead network), and one
 * of an SR-IOV logical port, which a remote restart cannot move.
 */
function checkNetwork(state: SimState, op: string, lparId: string, r: { targetSystemId: string; adapters?: readonly ClientNetworkAdapter[] }): void {
  if (!r.adapters) return;
  if (r.adapters.some((a) => (a.kind ?? "virtual") === "sriov")) refuse("conflict", op, lparId, "an SR-IOV logical port cannot move by remote restart");
  const target = state.systems.get(r.targetSystemId);
  const why = target ? missingOn(target, r.adapters) : undefined;
  if (why !== undefined) refuse("conflict", op, lparId, `its mapped network is not there: ${why}`);
}

export function decideValidateRemoteRestart(state: SimState, r: RemoteRestartRequest): Decision<void> {
  return decided(() => {
    const lpar = state.lpars.get(r.lparId);
    if (lpar && lpar.host === r.targetSystemId && ACTIVE_LPAR_STATES.has(lpar.state)) return {};
    checkRemoteRestart(state, "validateRemoteRestart", r);
    return {};
  });
}

export function decideRemoteRestart(state: SimState, now: number, r: RemoteRestartRequest): Decision<Accepted> {
  const op = "remoteRestart";
  return decided(() => {
    const lpar = requireLpar(state, op, r.lparId);
    if (lpar.host === r.targetSystemId && ACTIVE_LPAR_STATES.has(lpar.state)) return DONE;
    const joined = inFlight(state, `lpar:${lpar.id}`, restartSignature(r), op, lpar.id);
    if (joined) return accepted(joined);
    checkRemoteRestart(state, op, r);
    return accepted(
      decideJob(state, now, {
        op,
        objectId: lpar.id,
        objectKey: `lpar:${lpar.id}`,
        system: r.targetSystemId,
        signature: restartSignature(r),
        phases: [{ op: "remoteRestart", resources: [hmcOf(state, r.targetSystemId), systemResource(r.targetSystemId)] }],
        reserve: { host: r.targetSystemId, processorUnits: (r.size ?? lpar).processorUnits, memoryGb: (r.size ?? lpar).memoryGb },
        claims: r.volumeIds,
        effect: (attempt) => ({
          type: "restart",
          lparId: lpar.id,
          target: r.targetSystemId,
          volumes: [...r.volumeIds],
          ...(r.size ? { size: { processorUnits: r.size.processorUnits, memoryGb: r.size.memoryGb } } : {}),
          bootMs: drawDurationMs(state, "bootLpar", lpar.id, attempt, r.targetSystemId),
          ...(r.adapters ? { adapters: r.adapters.map((a) => ({ ...a })) } : {}),
        }),
      }),
    );
  });
}

export function decidePowerOn(state: SimState, now: number, lparId: string): Decision<Accepted> {
  const op = "powerOn";
  return decided(() => {
    const lpar = requireLpar(state, op, lparId);
    if (ACTIVE_LPAR_STATES.has(lpar.state) && lpar.state !== "Shutting Down") return DONE;
    const joined = inFlight(state, `lpar:${lpar.id}`, "on", op, lpar.id);
    if (joined) return accepted(joined);
    requireOperating(state, op, lpar.id, lpar.host, "the LPAR's");
    if (lpar.state === "Shutting Down") refuse("transient", op, lpar.id, "the LPAR is shutting down: try again once it is Not Activated");
    if (lpar.state === "Suspended") refuse("conflict", op, lpar.id, "the LPAR is Suspended: resume it (resumeLpar) instead of powering it on");
    checkStartVolumes(state, op, lpar, lpar.host, lpar.volumes);
    checkCapacity(state, op, lpar, lpar.host);
    return accepted(
      decideJob(state, now, {
        op,
        objectId: lpar.id,
        objectKey: `lpar:${lpar.id}`,
        system: lpar.host,
        signature: "on",
        phases: [{ op: "powerOnLpar", resources: [hmcOf(state, lpar.host)] }],
        reserve: { host: lpar.host, processorUnits: lpar.processorUnits, memoryGb: lpar.memoryGb },
        claims: lpar.volumes,
        effect: (attempt) => ({ type: "powerOn", lparId: lpar.id, bootMs: drawDurationMs(state, "bootLpar", lpar.id, attempt, lpar.host) }),
      }),
    );
  });
}

/** Refuses, before anything else, an LPAR that is not on the system the caller expects it on. */
function requireOn(op: string, lpar: ResolvedLpar, expectedSystemId: string | undefined): void {
  if (expectedSystemId !== undefined && lpar.host !== expectedSystemId) throw new Refusal(notOnExpectedSystem(op, lpar.id, expectedSystemId, lpar.host, lpar.state));
}

export function decidePowerOff(state: SimState, now: number, lparId: string, immediate: boolean, expectedSystemId?: string): Decision<Accepted> {
  const op = "powerOff";
  return decided(() => {
    const lpar = requireLpar(state, op, lparId);
    requireOn(op, lpar, expectedSystemId);
    if (lpar.state === "Not Activated") return DONE;
    const joined = inFlight(state, `lpar:${lpar.id}`, "off", op, lpar.id);
    if (joined) return accepted(joined);
    requireOperating(state, op, lpar.id, lpar.host, "the LPAR's");
    return accepted(
      decideJob(state, now, {
        op,
        objectId: lpar.id,
        objectKey: `lpar:${lpar.id}`,
        system: lpar.host,
        signature: "off",
        phases: [{ op: immediate ? "fenceLpar" : "shutdownLpar", resources: [hmcOf(state, lpar.host)] }],
        effect: () => ({ type: "powerOff", lparId: lpar.id }),
      }),
    );
  });
}

/**
 * A state change of one LPAR where it is (suspend, resume), as the HMC of its system does it:
 * refused when it is not on `expectedSystemId`, done when it is in `done` already, joined when the
 * same change runs, else `check`ed and run as one phase. `holdsRoom`: it takes the LPAR's size
 * back on its system (a resume).
 */
function decideInPlace(
  state: SimState,
  now: number,
  lparId: string,
  expectedSystemId: string,
  change: { op: "suspendLpar" | "resumeLpar"; done: LparState; check: (lpar: ResolvedLpar) => void; effect: "suspend" | "resume"; holdsRoom: boolean },
): Decision<Accepted> {
  const { op } = change;
  return decided(() => {
    const lpar = requireLpar(state, op, lparId);
    requireOn(op, lpar, expectedSystemId);
    if (lpar.state === change.done) return DONE;
    const joined = inFlight(state, `lpar:${lpar.id}`, change.effect, op, lpar.id);
    if (joined) return accepted(joined);
    requireOperating(state, op, lpar.id, lpar.host, "the LPAR's");
    change.check(lpar);
    return accepted(
      decideJob(state, now, {
        op,
        objectId: lpar.id,
        objectKey: `lpar:${lpar.id}`,
        system: lpar.host,
        signature: change.effect,
        phases: [{ op, resources: [hmcOf(state, lpar.host)] }],
        ...(change.holdsRoom ? { reserve: { host: lpar.host, processorUnits: lpar.processorUnits, memoryGb: lpar.memoryGb } } : {}),
        effect: () => ({ type: change.effect, lparId: lpar.id }),
      }),
    );
  });
}

/**
 * Partition suspend (chlparstate -o suspend): a running LPAR's memory goes to the reserved storage
 * device; once the job ends it is Suspended and holds no processors or memory. Until then it
 * holds its room, so a restart counting on that room is refused while the suspend runs.
 */
export function decideSuspend(state: SimState, now: number, lparId: string, expectedSystemId: string): Decision<Accepted> {
  return decideInPlace(state, now, lparId, expectedSystemId, {
    op: "suspendLpar",
    done: "Suspended",
    effect: "suspend",
    holdsRoom: false,
    check: (lpar) => {
      if (lpar.state !== "Running") refuse("conflict", "suspendLpar", lpar.id, `the LPAR is ${lpar.state}: only a Running partition can be suspended`);
    },
  });
}

/** Partition resume (chlparstate -o resume) on the system it was suspended on: needs its room back, and no boot. */
export function decideResume(state: SimState, now: number, lparId: string, expectedSystemId: string): Decision<Accepted> {
  return decideInPlace(state, now, lparId, expectedSystemId, {
    op: "resumeLpar",
    done: "Running",
    effect: "resume",
    holdsRoom: true,
    check: (lpar) => {
      if (lpar.state !== "Suspended") refuse("conflict", "resumeLpar", lpar.id, `the LPAR is ${lpar.state}, not Suspended: power it on instead`);
      checkCapacity(state, "resumeLpar", lpar, lpar.host);
    },
  });
}

/**
 * Fencing: proof that the LPAR cannot run at its source, powering it off if its system answers.
 * An LPAR no longer on its source is refused, whatever its state: it is not this fence's to stop.
 */
export function decideFence(state: SimState, now: number, lparId: string, sourceSystemId: string): Decision<Accepted> {
  const op = "fenceLpar";
  return decided(() => {
    const lpar = requireLpar(state, op, lparId);
    requireOn(op, lpar, sourceSystemId);
    const system = requireSystem(state, op, lpar.id, lpar.host);
    if (system.state !== "Operating") {
      if (RESTARTABLE_SOURCE_STATES.has(system.state)) return { result: { done: true, evidence: system.state } };
      refuse("conflict", op, lpar.id, `system ${system.id} is ${system.state}: cannot confirm the LPAR is down`);
    }
    if (lpar.state === "Not Activated") return { result: { done: true, evidence: lpar.state } };
    const d = accepted(
      decideJob(state, now, {
        op,
        objectId: lpar.id,
        objectKey: `lpar:${lpar.id}`,
        system: lpar.host,
        signature: "off",
        phases: [{ op: "fenceLpar", resources: [hmcOf(state, lpar.host)] }],
        effect: () => ({ type: "powerOff", lparId: lpar.id }),
      }),
    );
    if (d.error instanceof AdapterError && d.error.failure === "fatal") {
      // An HMC that answers but will not power the LPAR off leaves it possibly running: a conflict, never "fenced".
      return { entries: d.entries, error: new AdapterError("conflict", op, lpar.id, `${d.error.message}; the LPAR may still run: not fenced`) };
    }
    return d.result && !d.result.done ? { entries: d.entries, result: { ...d.result, evidence: "Not Activated" } } : d;
  });
}

export function decideCleanupSource(state: SimState, now: number, lparId: string): Decision<Accepted> {
  const op = "cleanupSource";
  return decided(() => {
    const lpar = requireLpar(state, op, lparId);
    const source = lpar.pendingCleanupOn;
    if (!source) return DONE;
    const joined = inFlight(state, `lpar:${lpar.id}`, `cleanup|${source}`, op, lpar.id);
    if (joined) return accepted(joined);
    requireOperating(state, op, lpar.id, source, "source");
    return accepted(
      decideJob(state, now, {
        op,
        objectId: lpar.id,
        objectKey: `lpar:${lpar.id}`,
        system: source,
        signature: `cleanup|${source}`,
        phases: [{ op: "cleanupSourceLpar", resources: [hmcOf(state, source)] }],
        effect: () => ({ type: "cleanup", lparId: lpar.id }),
      }),
    );
  });
}

export function decideMoveLpar(state: SimState, now: number, r: RemoteRestartRequest): Decision<Accepted> {
  const op = "moveLpar";
  return decided(() => {
    const lpar = requireLpar(state, op, r.lparId);
    const sameVolumes = [...lpar.volumes].sort().join(",") === [...r.volumeIds].sort().join(",");
    if (lpar.host === r.targetSystemId && sameVolumes) return DONE;
    const joined = inFlight(state, `lpar:${lpar.id}`, `move|${restartSignature(r)}`, op, lpar.id);
    if (joined) return accepted(joined);
    if (lpar.state !== "Not Activated" && lpar.state !== "Error") {
      refuse("conflict", op, lpar.id, `the LPAR is ${lpar.state}: only a powered-off LPAR moves (power it off first)`);
    }
    requireOperating(state, op, lpar.id, r.targetSystemId, "target");
    for (const v of r.volumeIds) {
      requireVolume(state, op, lpar.id, v);
      const gap = presentationGap(state, v, r.targetSystemId);
      if (gap) refuse("conflict", op, lpar.id, gap);
    }
    checkNetwork(state, op, lpar.id, r);
    return accepted(
      decideJob(state, now, {
        op,
        objectId: lpar.id,
        objectKey: `lpar:${lpar.id}`,
        system: r.targetSystemId,
        signature: `move|${restartSignature(r)}`,
        phases: [{ op: "createLpar", resources: [hmcOf(state, r.targetSystemId)] }],
        effect: () => ({ type: "move", lparId: lpar.id, target: r.targetSystemId, volumes: [...r.volumeIds], ...(r.adapters ? { adapters: r.adapters.map((a) => ({ ...a })) } : {}) }),
      }),
    );
  });
}

/** The id of the drill copy of `sourceLparId` on `network`: one per (source, network). */
export function drillLparId(sourceLparId: string, network: string): string {
  return `${sourceLparId}-drill-${network.replace(/[^A-Za-z0-9._-]/g, "_")}`.slice(0, 128);
}

export function decideCreateDrillLpar(state: SimState, now: number, r: DrillLparRequest): Decision<{ lparId: string; accepted: Accepted }> {
  const op = "createDrillLpar";
  const id = drillLparId(r.sourceLparId, r.network);
  const wrap = (d: Decision<Accepted>): Decision<{ lparId: string; accepted: Accepted }> =>
    d.result ? { entries: d.entries, result: { lparId: id, accepted: d.result } } : { entries: d.entries, error: d.error };
  return decided(() => {
    const source = requireLpar(state, op, r.sourceLparId);
    const existing = state.lpars.get(id);
    if (existing) {
      if (existing.drillOf !== source.id) refuse("conflict", op, id, `an LPAR ${id} exists and is not a drill copy of ${source.id}`);
      return wrap(DONE);
    }
    const signature = `drill|${r.targetSystemId}|${[...r.volumeIds].sort().join(",")}`;
    const joined = inFlight(state, `lpar:${id}`, signature, op, id);
    if (joined) return wrap(accepted(joined));
    if (r.network === source.network) {
      refuse("conflict", op, id, `network ${JSON.stringify(r.network)} is the protected LPAR's own network: a drill runs on an isolated network`);
    }
    requireOperating(state, op, id, r.targetSystemId, "target");
    const copy: ResolvedLpar = {
      id,
      name: `${source.name} (drill)`,
      host: r.targetSystemId,
      processorUnits: source.processorUnits,
      memoryGb: source.memoryGb,
      slaLevel: source.slaLevel,
      remoteRestartCapable: false,
      volumes: [...r.volumeIds],
      state: "Not Activated",
      network: r.network,
      ...(source.minimum ? { minimum: { ...source.minimum } } : {}),
      ...(r.size ? { allocated: { processorUnits: r.size.processorUnits, memoryGb: r.size.memoryGb } } : {}),
      // Only the adapters the drill asks for (its drill VLANs): never the source's production ones.
      adapters: (r.adapters ?? []).map((a) => ({ ...a })),
      drillOf: source.id,
    };
    for (const v of r.volumeIds) {
      requireVolume(state, op, id, v);
      const gap = presentationGap(state, v, r.targetSystemId);
      if (gap) refuse("conflict", op, id, gap);
    }
    checkStartVolumes(state, op, copy, r.targetSystemId, r.volumeIds);
    if (r.size) checkStartSize(op, source, r.size);
    checkCapacity(state, op, { id, ...heldBy(copy) }, r.targetSystemId);
    checkNetwork(state, op, id, r);
    const hmc = hmcOf(state, r.targetSystemId);
    return wrap(
      accepted(
        decideJob(state, now, {
          op,
          objectId: id,
          objectKey: `lpar:${id}`,
          system: r.targetSystemId,
          signature,
          phases: [
            { op: "createLpar", resources: [hmc] },
            { op: "powerOnLpar", resources: [hmc] },
          ],
          reserve: { host: r.targetSystemId, ...heldBy(copy) },
          claims: r.volumeIds,
          effect: (attempt) => ({ type: "createLpar", lpar: copy, bootMs: drawDurationMs(state, "bootLpar", id, attempt, r.targetSystemId) }),
        }),
      ),
    );
  });
}

export function decideDeleteDrillLpar(state: SimState, now: number, lparId: string): Decision<Accepted> {
  const op = "deleteDrillLpar";
  return decided(() => {
    const lpar = state.lpars.get(lparId);
    if (!lpar) return DONE;
    if (!lpar.drillOf) refuse("conflict", op, lparId, "not an LPAR created by a drill (no drillOf): refusing to delete it");
    const joined = inFlight(state, `lpar:${lpar.id}`, "delete", op, lpar.id);
    if (joined) return accepted(joined);
    const hmc = hmcOf(state, lpar.host);
    const phases = lpar.state === "Not Activated" ? [{ op: "deleteLpar" as const, resources: [hmc] }] : [
      { op: "fenceLpar" as const, resources: [hmc] },
      { op: "deleteLpar" as const, resources: [hmc] },
    ];
    requireOperating(state, op, lpar.id, lpar.host, "the LPAR's");
    return accepted(
      decideJob(state, now, {
        op,
        objectId: lpar.id,
        objectKey: `lpar:${lpar.id}`,
        system: lpar.host,
        signature: "delete",
        phases,
        effect: () => ({ type: "deleteLpar", lparId: lpar.id }),
      }),
    );
  });
}

export function decideSetCapable(state: SimState, lparId: string, capable: boolean): Decision<{ alreadyDone: boolean }> {
  return decided<{ alreadyDone: boolean }>(() => {
    const lpar = requireLpar(state, "setRemoteRestartCapable", lparId);
    if (lpar.remoteRestartCapable === capable) return { result: { alreadyDone: true } };
    return { entries: [{ k: "capable", at: 0, lparId, capable }], result: { alreadyDone: false } };
  });
}
