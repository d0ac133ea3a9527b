// Steps on the compute side (PowerVM through the ComputeAdapter). Each one is idempotent because
// the adapter operations are: re-running a step after a crash finds the work done and says so.

import type { Plan, Step } from "../../generated/plan";
import type { RemoteRestartRequest } from "../../adapters/compute";
import { startSizeOf } from "./start-size";
import { booleanParam, lparOf, stringArrayParam, stringParam } from "../params";
import { defineStep, placementOf } from "../registry";
import { drillLparOf } from "./drill";

/** The LPAR a source-side step stops, and the system it expects it on: `params.host`, else the placement's source. */
function resolveAtSource(step: Step, plan: Plan): { lpar: string; host: string } {
  const lpar = lparOf(step);
  return { lpar, host: stringParam(step, "host", placementOf(plan, lpar)?.source) };
}

/**
 * Makes sure the LPAR cannot run at its source: the precondition of every restart elsewhere. The
 * adapter checks, when it acts, that the LPAR is on `host`; one found elsewhere (another run
 * recovered it) fails the step, which blocks its restart, and is never powered off.
 */
export const FenceSourceLpar = defineStep({
  kind: "FenceSourceLpar",
  touches: "compute",
  defaultTimeoutSeconds: 600,
  resolve: resolveAtSource,
  async run({ lpar, host }, { adapters }) {
    const result = await adapters.compute.fenceLpar(lpar, host);
    return { alreadyDone: result.alreadyDone, output: { evidence: result.evidence } };
  },
});

/** Graceful power-off at the source (`host`, checked when it acts): a planned move or failback stops the LPAR cleanly first. */
export const ShutdownLpar = defineStep({
  kind: "ShutdownLpar",
  touches: "compute",
  defaultTimeoutSeconds: 1800,
  resolve: (step, plan) => ({ ...resolveAtSource(step, plan), immediate: booleanParam(step, "immediate", false) }),
  async run({ lpar, host, immediate }, { adapters }) {
    return { alreadyDone: (await adapters.compute.powerOff(lpar, immediate, host)).alreadyDone };
  },
});

/** Where the LPAR goes and which volumes it sees there: params first, else its placement; its mapped adapters from the placement. */
function resolveMove(step: Step, plan: Plan): RemoteRestartRequest {
  const lpar = lparOf(step);
  const placement = placementOf(plan, lpar);
  const adapters = placement?.network?.adapters;
  return {
    lparId: lpar,
    targetSystemId: stringParam(step, "target", placement?.target),
    volumeIds: stringArrayParam(step, "volumes", placement?.volumes.map((v) => v.attach)),
    ...(adapters !== undefined ? { adapters } : {}),
  };
}

/** Remote restart from a failed source onto the target, once the volumes are mapped there. */
export const RestartLpar = defineStep({
  kind: "RestartLpar",
  touches: "compute",
  defaultTimeoutSeconds: 1800,
  resolve: (step, plan) => {
    const size = startSizeOf(placementOf(plan, lparOf(step)));
    return { ...resolveMove(step, plan), ...(size !== undefined ? { size } : {}) };
  },
  async run(request, { adapters }) {
    const result = await adapters.compute.remoteRestart(request);
    return { alreadyDone: result.alreadyDone, output: { target: request.targetSystemId } };
  },
});

/** Moves a cleanly stopped LPAR's definition to the target (planned failover, failback). */
export const MoveLpar = defineStep({
  kind: "MoveLpar",
  touches: "compute",
  defaultTimeoutSeconds: 1800,
  resolve: resolveMove,
  async run(request, { adapters }) {
    const result = await adapters.compute.moveLpar(request);
    return { alreadyDone: result.alreadyDone, output: { target: request.targetSystemId } };
  },
});

/** Powers the LPAR on where it is defined now (after MoveLpar). */
export const StartLpar = defineStep({
  kind: "StartLpar",
  touches: "compute",
  defaultTimeoutSeconds: 1800,
  resolve: (step) => ({ lpar: lparOf(step) }),
  async run({ lpar }, { adapters }) {
    return { alreadyDone: (await adapters.compute.powerOn(lpar)).alreadyDone };
  },
});

/** Waits until the LPAR's OS is up at its target; in a drill, the drill copy's. */
export const VerifyLpar = defineStep({
  kind: "VerifyLpar",
  touches: "compute",
  defaultTimeoutSeconds: 3600,
  resolve: (step) => ({ lpar: lparOf(step) }),
  async run({ lpar }, context) {
    const id = context.plan.kind === "drill" ? await drillLparOf(lpar, context) : lpar;
    if (id === undefined) throw new Error(`no drill copy of LPAR ${lpar} was started: nothing to verify`);
    return { alreadyDone: (await context.adapters.compute.waitUntilRunning(id)).alreadyDone };
  },
});

/** Removes what a remote restart left at the source once that system is back (before failback). */
export const CleanupSourceLpar = defineStep({
  kind: "CleanupSourceLpar",
  touches: "compute",
  defaultTimeoutSeconds: 1800,
  resolve: (step) => ({ lpar: lparOf(step) }),
  async run({ lpar }, { adapters }) {
    return { alreadyDone: (await adapters.compute.cleanupSource(lpar)).alreadyDone };
  },
});
