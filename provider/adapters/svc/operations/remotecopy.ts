// Remote-copy (Metro / Global Mirror) consistency groups: failover (stoprcconsistgrp -access),
// planned switch (switchrcconsistgrp -primary), restart of replication (startrcconsistgrp). Each
// reads the group first (lsrcconsistgrp <group>) and does nothing when it already is as asked.

import { AdapterError } from "../../../errors";
import type { OperationResult } from "../../compute";
import { withRetries } from "../../http/retry";
import type { SvcContext } from "../context";
import type { SvcRecord } from "../queries";

const CONSISTENT = new Set(["consistent_synchronized", "consistent_stopped", "consistent_copying", "consistent_disconnected"]);
const REPLICATING = new Set(["consistent_synchronized", "inconsistent_copying", "consistent_copying"]);

async function readGroup(ctx: SvcContext, groupId: string, operation: string): Promise<SvcRecord> {
  const group = await ctx.queries.detail("lsrcconsistgrp", groupId, operation, groupId);
  if (!group) throw new AdapterError("notFound", operation, groupId, "no such remote-copy consistency group");
  return group;
}

export function failoverConsistencyGroup(ctx: SvcContext, groupId: string): Promise<OperationResult> {
  const op = "failoverConsistencyGroup";
  return withRetries(ctx.retry, async () => {
    const group = await readGroup(ctx, groupId, op);
    if (group.state === "idling" || group.state === "idling_disconnected") return { alreadyDone: true };
    if (!CONSISTENT.has(group.state)) {
      throw new AdapterError("conflict", op, groupId, `the auxiliary volumes are not consistent (state ${group.state}): making them writable would expose a torn image`);
    }
    await ctx.run({ command: "stoprcconsistgrp", object: groupId, params: { access: true }, operation: op, objectId: groupId });
    return { alreadyDone: false };
  });
}

export function switchConsistencyGroup(ctx: SvcContext, groupId: string, primary: "master" | "aux"): Promise<OperationResult> {
  const op = "switchConsistencyGroup";
  return withRetries(ctx.retry, async () => {
    const group = await readGroup(ctx, groupId, op);
    if (group.primary === primary && group.state === "consistent_synchronized") return { alreadyDone: true };
    if (group.state !== "consistent_synchronized") {
      throw new AdapterError("conflict", op, groupId, `a switch needs a synchronized group; it is ${group.state}`);
    }
    await ctx.run({ command: "switchrcconsistgrp", object: groupId, params: { primary }, operation: op, objectId: groupId });
    return { alreadyDone: false };
  });
}

export function startConsistencyGroup(ctx: SvcContext, groupId: string, primary: "master" | "aux", force: boolean): Promise<OperationResult> {
  const op = "startConsistencyGroup";
  return withRetries(ctx.retry, async () => {
    const group = await readGroup(ctx, groupId, op);
    if (REPLICATING.has(group.state) && group.primary === primary) return { alreadyDone: true };
    if (REPLICATING.has(group.state)) {
      throw new AdapterError("conflict", op, groupId, `replication already runs from ${group.primary}; switch the group (switchrcconsistgrp) instead`);
    }
    // -primary is only accepted when the group is idling (no direction yet).
    const idling = group.state.startsWith("idling");
    const params: Record<string, string | boolean> = idling ? { primary } : {};
    if (force) params.force = true;
    await ctx.run({ command: "startrcconsistgrp", object: groupId, params, operation: op, objectId: groupId });
    return { alreadyDone: false };
  });
}
