// Steps on the compute side (PowerVM through the ComputeAdapter). Each one is idempotent because
// the adapter operations are: re-running a step after a crash finds the work done and says so.

import type { Plan, Step } from "../../generated/plan";
import { booleanParam, enumParam, lparOf, stringArrayParam, stringParam } from "../params";
import { defineStep, placementOf } from "../registry";

/** Makes sure the LPAR cannot run at its source: the precondition of every restart elsewhere. */
export const FenceSourceLpar = defineStep({
  kind: "FenceSourceLpar",
  touches: "compute",
  defaultTimeoutSeconds: 600,
  resolve: (step) => ({ lpar: lparOf(step) }),
  async run({ lpar }, { adapters }) {
    const result = await adapters.compute.fenceLpar(lpar);
    return { alreadyDone: result.alreadyDone, output: { evidence: result.evidence } };
  },
});

/** Graceful (or, with params.immediate, immediate) power-off at the source: planned moves. */
export const ShutdownLpar = defineStep({
  kind: "ShutdownLpar",
  touches: "compute",
  defaultTimeoutSeconds: 1800,
  resolve: (step) => ({ lpar: lparOf(step), immediate: booleanParam(step, "immediate", false) }),
  async run({ lpar, immediate }, { adapters }) {
    return { alreadyDone: (await adapters.compute.powerOff(lpar, immediate)).alreadyDone };
  },
});

type RestartMethod = "remoteRestart" | "move";

interface RestartArgs {
  readonly lpar: string;
  readonly target: string;
  readonly volumes: string[];
  readonly method: RestartMethod;
}

/** Where the LPAR restarts and which volumes it sees there: params first, else its placement. */
function resolveRestart(step: Step, plan: Plan): RestartArgs {
  const lpar = lparOf(step);
  const placement = placementOf(plan, lpar);
  const target = stringParam(step, "target", placement?.target);
  const volumes = stringArrayParam(step, "volumes", placement?.volumes.map((v) => v.attach));
  // An unplanned failover restarts from a dead source (remote restart); planned moves and
  // failback move a cleanly stopped LPAR and power it on.
  const method = enumParam<RestartMethod>(step, "method", ["remoteRestart", "move"], plan.kind === "failover" ? "remoteRestart" : "move");
  return { lpar, target, volumes, method };
}

/** Starts the LPAR on its target system once its volumes are mapped there. */
export const RestartLpar = defineStep({
  kind: "RestartLpar",
  touches: "compute",
  defaultTimeoutSeconds: 1800,
  resolve: resolveRestart,
  async run({ lpar, target, volumes, method }, { adapters }) {
    const request = { lparId: lpar, targetSystemId: target, volumeIds: volumes };
    if (method === "remoteRestart") {
      const result = await adapters.compute.remoteRestart(request);
      return { alreadyDone: result.alreadyDone, output: { target } };
    }
    const moved = await adapters.compute.moveLpar(request);
    const started = await adapters.compute.powerOn(lpar);
    return { alreadyDone: moved.alreadyDone && started.alreadyDone, output: { target } };
  },
});

/** Waits until the LPAR's OS is up at its target. */
export const VerifyLpar = defineStep({
  kind: "VerifyLpar",
  touches: "compute",
  defaultTimeoutSeconds: 3600,
  resolve: (step) => ({ lpar: lparOf(step) }),
  async run({ lpar }, { adapters }) {
    return { alreadyDone: (await adapters.compute.waitUntilRunning(lpar)).alreadyDone };
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
