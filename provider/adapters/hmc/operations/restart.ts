// Simplified remote restart through the RemoteRestart job of a LogicalPartition
// (Operation=validate|restart|cleanup, targetManagedSystemUUID), and the inactive migration of a
// powered-off LPAR (Migrate job) used by planned moves and failback. Neither job takes a VLAN or
// switch mapping on the HMC: the request's mapped adapters are applied as a step of their own
// once the partition is on the target (operations/network.ts).

import { AdapterError } from "../../../errors";
import type { OperationResult, RemoteRestartRequest } from "../../compute";
import { withRetries } from "../../http/retry";
import type { HmcContext } from "../context";
import { applyAdapters } from "./network";
import { isActive, lparPath } from "./power";

/** RemoteRestartState values after which the source still holds what the restart left behind. */
const CLEANUP_PENDING = new Set(["Remote_Restarted", "Source_Side_Cleanup_Failed", "Forced_Source_Side_Restart", "Destination_Remote_Restarted"]);

export function validateRemoteRestart(ctx: HmcContext, req: RemoteRestartRequest): Promise<void> {
  return withRetries(ctx.retry, async () => {
    const lpar = await ctx.directory.lpar(req.lparId, "validateRemoteRestart");
    const target = await ctx.directory.systemUuid(req.targetSystemId, "validateRemoteRestart");
    if (lpar.systemUuid === target) return;
    if (!lpar.srrCapable) throw notCapable("validateRemoteRestart", req.lparId);
    await ctx.runJob({
      objectPath: lparPath(lpar),
      operation: "RemoteRestart",
      group: "LogicalPartition",
      parameters: { Operation: "validate", targetManagedSystemUUID: target },
      label: "validateRemoteRestart",
      objectId: req.lparId,
    });
  });
}

/**
 * A start below the LPAR's size (flexible capacity) is refused before anything is touched: the
 * RemoteRestart job this adapter runs takes no processor or memory values, and changing the
 * partition's profile at the target is not implemented or verified (docs/hardware.md).
 */
function reducedStartRefusal(op: string, req: { lparId: string; size?: { processorUnits: number; memoryGb: number } }): AdapterError | undefined {
  if (req.size === undefined) return undefined;
  return new AdapterError(
    "fatal",
    op,
    req.lparId,
    `a start with ${req.size.processorUnits} processor units and ${req.size.memoryGb} GiB (flexible capacity) is not supported by the HMC adapter: the RemoteRestart job takes no size; remove \`flexibleCapacity\` from the group to restart at full size (docs/hardware.md says why)`,
  );
}

export function remoteRestart(ctx: HmcContext, req: RemoteRestartRequest): Promise<OperationResult> {
  const refused = reducedStartRefusal("remoteRestart", req);
  if (refused !== undefined) return Promise.reject(refused);
  return withRetries(ctx.retry, async () => {
    const lpar = await ctx.directory.lpar(req.lparId, "remoteRestart");
    const target = await ctx.directory.systemUuid(req.targetSystemId, "remoteRestart");
    if (lpar.systemUuid === target) {
      // An earlier attempt moved the partition: its adapters may still wait for the mapping.
      const changed = await mapAdapters(ctx, req, "remoteRestart");
      if (isActive(await ctx.directory.lpar(req.lparId, "remoteRestart"))) return { alreadyDone: changed === 0 };
      // It did not come up: activate it there.
      await ctx.runJob({ objectPath: lparPath(lpar), operation: "PowerOn", group: "LogicalPartition", parameters: {}, label: "remoteRestart", objectId: req.lparId });
      return { alreadyDone: false };
    }
    if (!lpar.srrCapable) throw notCapable("remoteRestart", req.lparId);
    await ctx.runJob(
      {
        objectPath: lparPath(lpar),
        operation: "RemoteRestart",
        group: "LogicalPartition",
        parameters: { Operation: "restart", targetManagedSystemUUID: target },
        label: "remoteRestart",
        objectId: req.lparId,
      },
      req.targetSystemId,
    );
    await mapAdapters(ctx, req, "remoteRestart");
    return { alreadyDone: false };
  });
}

/** The request's mapped adapters applied to the partition where it is now; the number changed. */
async function mapAdapters(ctx: HmcContext, req: RemoteRestartRequest, label: string): Promise<number> {
  if (!req.adapters || req.adapters.length === 0) return 0;
  const lpar = await ctx.directory.lpar(req.lparId, label);
  return applyAdapters(ctx, lpar, req.adapters, label, req.lparId);
}

export function cleanupSource(ctx: HmcContext, lparId: string): Promise<OperationResult> {
  return withRetries(ctx.retry, async () => {
    const lpar = await ctx.directory.lpar(lparId, "cleanupSource");
    if (!CLEANUP_PENDING.has(lpar.remoteRestartState)) return { alreadyDone: true };
    await ctx.runJob({
      objectPath: lparPath(lpar),
      operation: "RemoteRestart",
      group: "LogicalPartition",
      parameters: { Operation: "cleanup" },
      label: "cleanupSource",
      objectId: lparId,
    });
    return { alreadyDone: false };
  });
}

export function moveLpar(ctx: HmcContext, req: RemoteRestartRequest): Promise<OperationResult> {
  return withRetries(ctx.retry, async () => {
    const lpar = await ctx.directory.lpar(req.lparId, "moveLpar");
    const target = await ctx.directory.system(req.targetSystemId, "moveLpar");
    if (lpar.systemUuid === target.uuid) return { alreadyDone: (await mapAdapters(ctx, req, "moveLpar")) === 0 };
    if (lpar.state !== "not activated") {
      throw new AdapterError("conflict", "moveLpar", req.lparId, `only a powered-off LPAR is moved (inactive migration); it is ${lpar.state}: power it off first`);
    }
    await ctx.runJob(
      {
        objectPath: lparPath(lpar),
        operation: "Migrate",
        group: "LogicalPartition",
        parameters: { TargetManagedSystemName: target.name },
        label: "moveLpar",
        objectId: req.lparId,
      },
      req.targetSystemId,
    );
    // Still not activated: the mapping is in place before the plan's power-on step.
    await mapAdapters(ctx, req, "moveLpar");
    return { alreadyDone: false };
  });
}

function notCapable(operation: string, lparId: string): AdapterError {
  return new AdapterError("conflict", operation, lparId, "the LPAR is not simplified-remote-restart capable: enable it (setRemoteRestartCapable, or chsyscfg simplified_remote_restart_capable=1) while it is powered off");
}
