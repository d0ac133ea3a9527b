// Server-side jobs, as an HMC or a SAN runs them: once accepted, a job is recorded with its phases
// and end time and completes whether or not its client is still there. A client waits on the
// clock until the end time, then looks up how it ended.

import { AdapterError } from "../../errors";
import type { Operation } from "../../model/latency";
import type { Entry } from "./apply";
import { drawDurationMs, seedOf, uniform } from "./draw";
import type { Effect } from "./effects";
import { limitOf } from "./resources";
import type { Decision, StateStore } from "./store";
import type { Job, JobPhase, SimState } from "./state";

export interface PhaseRequest {
  /** Latency table operation that times this phase. */
  readonly op: Operation;
  /** Plan resources held during the phase (see resources.ts). */
  readonly resources: readonly string[];
}

export interface JobRequest {
  /** Adapter operation name: what fault injection and attempt counting know it as. */
  readonly op: string;
  readonly objectId: string;
  readonly objectKey: string;
  readonly signature: string;
  readonly phases: readonly PhaseRequest[];
  /** The effect, given the attempt number (to draw follow-up durations such as the OS boot). */
  readonly effect: (attempt: number) => Effect;
  readonly reserve?: Job["reserve"];
  readonly claims?: readonly string[];
  /** The managed system the job runs on, whose own latencies (simulation.systemLatencies) it draws. */
  readonly system?: string;
}

export interface JobTicket {
  readonly jobId: string;
  readonly op: string;
  readonly objectId: string;
  readonly endAt: number;
  /** True when the request joined a job accepted earlier (a retry after a client crash). */
  readonly joined: boolean;
  /** Whether the job can still fail when it ends (a target that crashes meanwhile): then its outcome is read back. */
  readonly mayFail: boolean;
}

/** Effects that check the hardware again when the job ends, and so may fail after acceptance (see apply.ts). */
const FALLIBLE_EFFECTS: ReadonlySet<Effect["type"]> = new Set(["restart", "powerOn", "resume", "move", "createLpar", "fail"]);

export function attemptKey(op: string, objectId: string): string {
  return `${op}:${objectId}`;
}

export function attemptOf(state: SimState, op: string, objectId: string): number {
  return state.attempts.get(attemptKey(op, objectId)) ?? 0;
}

/** Clock time the earliest slot of `resource` is free. */
function freeAt(state: SimState, resource: string): number {
  const slots = state.slots.get(resource);
  if (!slots || slots.length < limitOf(state, resource)) return -Infinity;
  let min = Infinity;
  for (const t of slots) if (t < min) min = t;
  return min;
}

/** Is there a job in flight on this object? Returns it when it is the same request. */
export function inFlight(state: SimState, objectKey: string, signature: string, op: string, objectId: string): Decision<JobTicket> | undefined {
  const id = state.jobByObject.get(objectKey);
  if (!id) return undefined;
  const job = state.jobs.get(id)!;
  if (job.signature === signature) return { result: { jobId: job.id, op, objectId, endAt: job.endAt, joined: true, mayFail: FALLIBLE_EFFECTS.has(job.effect.type) } };
  return {
    error: new AdapterError("conflict", op, objectId, `${job.op} (${job.signature}) is in progress on it until its end; wait for it, or ask for the same thing`),
  };
}

/**
 * Accepts a job: joins an identical one in flight, applies injected faults, schedules its phases
 * against the concurrency limits (queue: start when a slot frees; refuse: transient "busy") and
 * records it. Preconditions are the caller's: check them before.
 */
export function decideJob(state: SimState, now: number, req: JobRequest): Decision<JobTicket> {
  const joined = inFlight(state, req.objectKey, req.signature, req.op, req.objectId);
  if (joined) return joined;
  const key = attemptKey(req.op, req.objectId);
  const attempt = state.attempts.get(key) ?? 0;
  const faults = state.topology.simulation?.faults;
  // A system's own rates (simulation.systemFaults) over the topology's, for the jobs run on it.
  const own = req.system !== undefined ? state.topology.simulation?.systemFaults?.[req.system] : undefined;
  if (faults?.permanent?.includes(key)) {
    return { error: new AdapterError("fatal", req.op, req.objectId, "injected permanent failure (simulation.faults.permanent)") };
  }
  const attemptEntry: Entry = { k: "attempt", at: now, key };
  const p = own?.transientProbability ?? faults?.transientProbability ?? 0;
  if (p > 0 && uniform(seedOf(state), "transient", req.op, req.objectId, attempt) < p) {
    return { entries: [attemptEntry], error: new AdapterError("transient", req.op, req.objectId, "injected transient failure: try again") };
  }
  const refuse = state.topology.simulation?.whenBusy === "refuse";
  const phases: JobPhase[] = [];
  let t = now;
  for (const phase of req.phases) {
    let start = t;
    for (const r of phase.resources) start = Math.max(start, freeAt(state, r));
    if (refuse && start > t) {
      const busy = phase.resources.filter((r) => freeAt(state, r) > t);
      return {
        entries: [attemptEntry],
        error: new AdapterError("transient", req.op, req.objectId, `busy: ${busy.join(", ")} at its limit of concurrent operations; try again later`),
      };
    }
    const end = start + drawDurationMs(state, phase.op, req.objectId, attempt, req.system);
    phases.push({ op: phase.op, resources: [...phase.resources], start, end });
    t = end;
  }
  // A fault part way through: the job runs for a uniform share of its time, then fails with nothing done.
  const midJob = own?.midJobProbability ?? faults?.midJobProbability ?? 0;
  const failsAt = midJob > 0 && uniform(seedOf(state), "midJob", req.op, req.objectId, attempt) < midJob ? now + uniform(seedOf(state), "midJobAt", req.op, req.objectId, attempt) * (t - now) : undefined;
  if (failsAt !== undefined) {
    const kept = phases.filter((ph) => ph.start < failsAt || ph === phases[0]).map((ph) => ({ ...ph, end: Math.min(ph.end, Math.max(failsAt, ph.start)) }));
    phases.length = 0;
    phases.push(...kept);
    t = Math.max(failsAt, phases[0]?.start ?? now);
  }
  const job: Job = {
    id: `${req.op}-${state.seq}`,
    op: req.op,
    objectKey: req.objectKey,
    signature: req.signature,
    acceptedAt: now,
    endAt: t,
    phases,
    ...(req.reserve ? { reserve: req.reserve } : {}),
    ...(req.claims ? { claims: [...req.claims] } : {}),
    effect: failsAt === undefined ? req.effect(attempt) : { type: "fail", message: "injected failure part way through the job (simulation.faults.midJobProbability or systemFaults): try again" },
  };
  return {
    entries: [{ k: "job", at: now, job, attemptKey: key }],
    result: { jobId: job.id, op: req.op, objectId: req.objectId, endAt: job.endAt, joined: false, mayFail: FALLIBLE_EFFECTS.has(job.effect.type) },
  };
}

/** Waits on the store's clock until the job has ended; throws how it failed, if it did. */
export async function awaitJob(store: StateStore, ticket: JobTicket): Promise<void> {
  for (;;) {
    // Sleep until the end time itself: `now + (end - now)` may round to a hair before it.
    for (let wait = ticket.endAt - store.clock.now(); wait > 0; wait = ticket.endAt - store.clock.now()) {
      await store.clock.sleep(Math.max(wait, 0.001));
    }
    // The job is recorded server-side and nothing can stop it: no need to look.
    if (!ticket.mayFail) return;
    const status = await store.read((s) => (s.jobs.has(ticket.jobId) ? "running" : (s.failures.get(ticket.jobId) ?? "done")));
    if (status === "done") return;
    if (status !== "running") throw new AdapterError(status.failure, ticket.op, ticket.objectId, status.message);
    // The clock read a hair before the end time: wait a little more.
    await store.clock.sleep(1);
  }
}
