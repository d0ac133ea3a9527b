// Steps on a non-critical LPAR at the recovery site (the recovery target's `nonCritical`): a
// failover stops or suspends it to free room for VMs of a higher SLA level, and the failback (or
// `vmr resume-noncritical`) brings it back. Both are idempotent because the adapter operations
// are: after a crash the step finds the LPAR already stopped, suspended or running.

import type { ComputeAdapter } from "../../adapters/compute";
import { AdapterError } from "../../errors";
import type { Step } from "../../generated/plan";
import { enumParam, lparOf, stringParam } from "../params";
import { defineStep } from "../registry";

export interface NonCriticalArgs {
  readonly lpar: string;
  /** The system it runs on: each operation checks, when it acts, that it is still there. */
  readonly host: string;
  readonly action: "stop" | "suspend";
}

function resolveNonCritical(step: Step): NonCriticalArgs {
  return { lpar: lparOf(step), host: stringParam(step, "host"), action: enumParam(step, "action", ["stop", "suspend"] as const, "stop") };
}

/**
 * Frees a non-critical LPAR's room: a graceful shutdown (stop) or a partition suspend. The
 * restarts onto `host` wait for it, and the adapter frees the room only once the LPAR is down.
 */
export const StopNonCriticalLpar = defineStep({
  kind: "StopNonCriticalLpar",
  touches: "compute",
  defaultTimeoutSeconds: 1800,
  resolve: resolveNonCritical,
  async run({ lpar, host, action }, { adapters }) {
    const result = action === "suspend" ? await adapters.compute.suspendLpar(lpar, host) : await adapters.compute.powerOff(lpar, false, host);
    return { alreadyDone: result.alreadyDone, output: { action } };
  },
});

/**
 * Brings a freed non-critical LPAR back where it was: power on (it was stopped) or resume
 * (suspended). Also the drill sweep's (provider/drill/cleanup.ts), for a drill cut short.
 */
export async function bringBackNonCritical(compute: ComputeAdapter, { lpar, host, action }: NonCriticalArgs): Promise<{ alreadyDone: boolean }> {
  if (action === "suspend") return { alreadyDone: (await compute.resumeLpar(lpar, host)).alreadyDone };
  // powerOn takes no expected system: read where it is first, and touch nothing elsewhere.
  const now = await compute.getLpar(lpar);
  if (now.host !== host) {
    throw new AdapterError("conflict", "powerOn", lpar, `the non-critical LPAR is on ${now.host}, not on ${host} where it was stopped: it was moved since; power it on there yourself if it should run`);
  }
  return { alreadyDone: (await compute.powerOn(lpar)).alreadyDone };
}

export const ResumeNonCriticalLpar = defineStep({
  kind: "ResumeNonCriticalLpar",
  touches: "compute",
  defaultTimeoutSeconds: 1800,
  resolve: resolveNonCritical,
  async run(args, { adapters }) {
    return { alreadyDone: (await bringBackNonCritical(adapters.compute, args)).alreadyDone };
  },
});
