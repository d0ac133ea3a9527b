// Power operations on an LPAR: PowerOn and PowerOff jobs, fencing before a restart elsewhere, and
// waiting for the partition to run. Each reads the LPAR first and does nothing when it already is
// in the asked-for state.

import { AdapterError } from "../../../errors";
import type { FenceResult, OperationResult } from "../../compute";
import { notOnExpectedSystem } from "../../expected-system";
import { withRetries } from "../../http/retry";
import type { HmcContext } from "../context";
import { UOM } from "../directory";
import { systemId, type HmcLpar, type HmcSystem } from "../inventory";
import { isSystemDown, lparState, systemState } from "../states";

const ACTIVE_STATES = new Set(["running", "starting", "open firmware", "migrating running", "resuming"]);

export function isActive(lpar: HmcLpar): boolean {
  return ACTIVE_STATES.has(lpar.state);
}

export function lparPath(lpar: HmcLpar): string {
  return `${UOM}/LogicalPartition/${lpar.uuid}`;
}

export function powerOn(ctx: HmcContext, lparId: string): Promise<OperationResult> {
  return withRetries(ctx.retry, async () => {
    const lpar = await ctx.directory.lpar(lparId, "powerOn");
    if (isActive(lpar)) return { alreadyDone: true };
    await ctx.runJob({ objectPath: lparPath(lpar), operation: "PowerOn", group: "LogicalPartition", parameters: {}, label: "powerOn", objectId: lparId });
    return { alreadyDone: false };
  });
}

/**
 * Refuses (a conflict) an LPAR the HMC places on another system than `expectedSystemId`, read at
 * the moment the operation acts: a destructive operation of a stale plan must touch nothing.
 */
async function requireOn(ctx: HmcContext, operation: string, lparId: string, expectedSystemId: string, lpar: HmcLpar, system: HmcSystem): Promise<void> {
  const expectedUuid = await ctx.directory.systemUuid(expectedSystemId, operation);
  if (lpar.systemUuid === expectedUuid) return;
  throw notOnExpectedSystem(operation, lparId, expectedSystemId, systemId(system, ctx.settings.identifyBy), lparState(lpar.state));
}

export function powerOff(ctx: HmcContext, lparId: string, immediate: boolean, expectedSystemId?: string): Promise<OperationResult> {
  return withRetries(ctx.retry, async () => {
    const lpar = await ctx.directory.lpar(lparId, "powerOff");
    if (expectedSystemId !== undefined) {
      await requireOn(ctx, "powerOff", lparId, expectedSystemId, lpar, await ctx.directory.systemByUuid(lpar.systemUuid, "powerOff", lparId));
    }
    if (lpar.state === "not activated") return { alreadyDone: true };
    await runPowerOff(ctx, lpar, lparId, immediate, "powerOff");
    return { alreadyDone: false };
  });
}

function runPowerOff(ctx: HmcContext, lpar: HmcLpar, lparId: string, immediate: boolean, label: string): Promise<unknown> {
  // "shutdown" + immediate is a hard stop from the HMC; "osshutdown" asks the OS (needs RMC).
  const parameters = immediate ? { operation: "shutdown", immediate: "true", restart: "false" } : { operation: "osshutdown", immediate: "false", restart: "false" };
  return ctx.runJob({ objectPath: lparPath(lpar), operation: "PowerOff", group: "LogicalPartition", parameters, label, objectId: lparId });
}

/**
 * Proof that the LPAR cannot run at its source `sourceSystemId`: that system is down (as the HMC
 * words it), or the LPAR is not activated there, or an immediate PowerOff made it so. An LPAR the
 * HMC places on another system is left alone (a conflict: another run recovered it, or an operator
 * moved it); so is one whose stop cannot be confirmed: never restart a VM whose source might still
 * run.
 */
export function fenceLpar(ctx: HmcContext, lparId: string, sourceSystemId: string): Promise<FenceResult> {
  return withRetries(ctx.retry, async () => {
    const lpar = await ctx.directory.lpar(lparId, "fenceLpar");
    const system = await ctx.directory.systemByUuid(lpar.systemUuid, "fenceLpar", lparId);
    await requireOn(ctx, "fenceLpar", lparId, sourceSystemId, lpar, system);
    if (isSystemDown(system.state)) return { alreadyDone: true, evidence: systemState(system.state) };
    if (lpar.state === "not activated") return { alreadyDone: true, evidence: "Not Activated" };
    try {
      await runPowerOff(ctx, lpar, lparId, true, "fenceLpar");
    } catch (err) {
      if (AdapterError.isTransient(err)) throw err;
      throw new AdapterError("conflict", "fenceLpar", lparId, `cannot confirm the LPAR is stopped: system ${system.name} is ${system.state} and the immediate power-off failed: ${(err as Error).message}`);
    }
    const after = await ctx.directory.lpar(lparId, "fenceLpar");
    if (after.state !== "not activated") {
      throw new AdapterError("conflict", "fenceLpar", lparId, `cannot confirm the LPAR is stopped: after an immediate power-off it is ${after.state}`);
    }
    return { alreadyDone: false, evidence: "Not Activated" };
  });
}

/**
 * Polls the LPAR until it runs (and, with `waitForRmc`, until its RMC connection is active); a
 * partition in error fails at once, a slow one after bootTimeoutSeconds.
 */
export async function waitUntilRunning(ctx: HmcContext, lparId: string): Promise<OperationResult> {
  const deadline = ctx.clock.now() + ctx.settings.bootTimeoutSeconds * 1000;
  for (let first = true; ; first = false) {
    const lpar = await withRetries(ctx.retry, () => ctx.directory.lpar(lparId, "waitUntilRunning"));
    const state = lparState(lpar.state);
    if (state === "Running" && (!ctx.settings.waitForRmc || lpar.rmcState === "active")) return { alreadyDone: first };
    if (state === "Error") throw new AdapterError("conflict", "waitUntilRunning", lparId, `the LPAR is in state ${lpar.state}`);
    if (ctx.clock.now() >= deadline) {
      const rmc = ctx.settings.waitForRmc ? ` (RMC ${lpar.rmcState})` : "";
      throw new AdapterError("transient", "waitUntilRunning", lparId, `the LPAR is still ${lpar.state}${rmc} after ${ctx.settings.bootTimeoutSeconds} s`);
    }
    await ctx.clock.sleep(ctx.settings.pollIntervalSeconds * 1000);
  }
}

/**
 * Partition suspend and resume are refused before any request: IBM's list of HMC REST jobs for a
 * LogicalPartition has PowerOn and PowerOff but no suspend or resume job (the HMC does it with
 * `chlparstate -o suspend|resume` on its command line), and this adapter sends no command line
 * (docs/hardware.md). A non-critical VM on an HMC is declared `action: "stop"`.
 */
export function suspendRefusal(op: "suspendLpar" | "resumeLpar", lparId: string): Promise<never> {
  return Promise.reject(
    new AdapterError(
      "fatal",
      op,
      lparId,
      `partition ${op === "suspendLpar" ? "suspend" : "resume"} is not supported by the HMC adapter: the HMC REST API lists no such LogicalPartition job; declare the non-critical VM with \`action: "stop"\` (shut down, powered on again at failback) instead (docs/hardware.md says why)`,
    ),
  );
}
