// FlashCopy groups for non-disruptive drills: mkfcconsistgrp, a thin target volume per source
// (mkvdisk, named <source><flashCopyTargetSuffix>), mkfcmap -copyrate 0 (no background copy),
// startfcconsistgrp -prep. Deletion stops the group, removes it with its maps, unmaps and
// removes the target volumes, and only volumes that carry the drill suffix are ever removed.
// Every step checks what exists first, so an interrupted create or delete can be run again.

import { AdapterError } from "../../../errors";
import type { ResolvedFlashCopyGroup } from "../../../model";
import type { OperationResult } from "../../compute";
import { withRetries } from "../../http/retry";
import type { FlashCopyRequest } from "../../storage";
import type { SvcContext } from "../context";
import { toFlashCopyGroup } from "../inventory";
import type { SvcRecord } from "../queries";
import { cliCode } from "../session";

/** "The action failed as the object already exists." */
const EXISTS = "CMMVC6035E";
/** A source volume takes part in at most this many FlashCopy mappings (IBM: FlashCopy mapping events, Create). */
export const MAX_FC_MAPS_PER_SOURCE = 256;

const MAX_NAME = 63;

async function findGroup(ctx: SvcContext, name: string, operation: string): Promise<SvcRecord | undefined> {
  const groups = await ctx.queries.filtered("lsfcconsistgrp", `name=${name}`, operation, name);
  return groups.find((g) => g.name === name);
}

function mapsOf(ctx: SvcContext, name: string, operation: string): Promise<SvcRecord[]> {
  return ctx.queries.filtered("lsfcmap", `group_name=${name}`, operation, name);
}

export function targetName(ctx: SvcContext, source: string): string {
  const name = `${source}${ctx.settings.flashCopyTargetSuffix}`;
  if (name.length > MAX_NAME) {
    throw new AdapterError("fatal", "createFlashCopyGroup", source, `the drill target name ${JSON.stringify(name)} is longer than ${MAX_NAME} characters: shorten \`storage.flashCopyTargetSuffix\``);
  }
  return name;
}

export function createFlashCopyGroup(ctx: SvcContext, req: FlashCopyRequest): Promise<{ group: ResolvedFlashCopyGroup; alreadyDone: boolean }> {
  const op = "createFlashCopyGroup";
  return withRetries(ctx.retry, async () => {
    const system = await ctx.storageSystemId(op);
    if (req.storageSystemId !== system) {
      throw new AdapterError("notFound", op, req.name, `this adapter manages storage system ${JSON.stringify(system)}, not ${JSON.stringify(req.storageSystemId)}`);
    }
    let changed = false;
    if (!(await findGroup(ctx, req.name, op))) {
      try {
        await ctx.run({ command: "mkfcconsistgrp", params: { name: req.name }, operation: op, objectId: req.name });
        changed = true;
      } catch (err) {
        // Made by an earlier attempt whose answer was lost: it is the group asked for.
        if (cliCode(err) !== EXISTS) throw err;
      }
    }
    const mapped = new Set((await mapsOf(ctx, req.name, op)).map((m) => m.source_vdisk_name));
    for (const source of req.sourceVolumeIds.filter((s) => !mapped.has(s))) {
      const target = targetName(ctx, source);
      await ensureTarget(ctx, source, target);
      try {
        await ctx.run({ command: "mkfcmap", params: { source, target, consistgrp: req.name, copyrate: 0 }, operation: op, objectId: req.name });
      } catch (err) {
        if (!/maximum number/i.test((err as Error).message)) throw err;
        throw new AdapterError("fatal", op, source, `volume ${source} is already in the most FlashCopy mappings it can have (${MAX_FC_MAPS_PER_SOURCE}): remove some of its mappings (lsfcmap -filtervalue source_vdisk_name=${source}) and run the drill again`);
      }
      changed = true;
    }
    const group = await findGroup(ctx, req.name, op);
    if (!group) throw new AdapterError("transient", op, req.name, "the FlashCopy group vanished while it was being built");
    if (group.status === "idle_or_copied" || group.status === "stopped" || group.status === "empty") {
      await ctx.run({ command: "startfcconsistgrp", object: req.name, params: { prep: true }, operation: op, objectId: req.name });
      changed = true;
    } else if (group.status === "prepared") {
      await ctx.run({ command: "startfcconsistgrp", object: req.name, operation: op, objectId: req.name });
      changed = true;
    }
    const final = (await findGroup(ctx, req.name, op)) ?? group;
    return { group: toFlashCopyGroup(final, await mapsOf(ctx, req.name, op), system), alreadyDone: !changed };
  });
}

/** Creates the thin target volume, in the source's pool and I/O group with its size, unless it exists. */
async function ensureTarget(ctx: SvcContext, source: string, target: string): Promise<void> {
  const op = "createFlashCopyGroup";
  const existing = await ctx.queries.filtered("lsvdisk", `name=${target}`, op, target, { bytes: true });
  if (existing.some((v) => v.name === target)) return;
  const src = (await ctx.queries.filtered("lsvdisk", `name=${source}`, op, source, { bytes: true })).find((v) => v.name === source);
  if (!src) throw new AdapterError("notFound", op, source, "no such source volume");
  if (src.mdisk_grp_name === "many") {
    throw new AdapterError("conflict", op, source, "the source volume has copies in several pools: create its drill target by hand, named " + JSON.stringify(target));
  }
  await ctx.run({
    command: "mkvdisk",
    params: { name: target, mdiskgrp: src.mdisk_grp_name, iogrp: src.IO_group_name, size: src.capacity, unit: "b", rsize: "0%", autoexpand: true },
    operation: op,
    objectId: target,
  });
}

/**
 * Reasons the storage system would refuse these FlashCopy groups, read from lsvdisk: a source
 * volume already in the most FlashCopy mappings it can have, a target name too long.
 */
export function checkFlashCopies(ctx: SvcContext, requests: readonly FlashCopyRequest[]): Promise<string[]> {
  const op = "checkFlashCopies";
  return withRetries(ctx.retry, async () => {
    const reasons: string[] = [];
    for (const req of requests) {
      const existing = await findGroup(ctx, req.name, op);
      const mapped = new Set(existing ? (await mapsOf(ctx, req.name, op)).map((m) => m.source_vdisk_name) : []);
      for (const source of req.sourceVolumeIds.filter((s) => !mapped.has(s))) {
        const row = (await ctx.queries.filtered("lsvdisk", `name=${source}`, op, source)).find((v) => v.name === source);
        if (!row) continue;
        const count = Number(row.fc_map_count ?? "0");
        if (count >= MAX_FC_MAPS_PER_SOURCE) {
          reasons.push(`volume ${source} on ${req.storageSystemId}: already in ${count} FlashCopy mappings, the most a source can have (${MAX_FC_MAPS_PER_SOURCE}): remove some (lsfcmap -filtervalue source_vdisk_name=${source}) before the drill`);
        }
        const target = `${source}${ctx.settings.flashCopyTargetSuffix}`;
        if (target.length > MAX_NAME) reasons.push(`volume ${source}: its drill target name ${JSON.stringify(target)} is longer than ${MAX_NAME} characters: shorten \`storage.flashCopyTargetSuffix\``);
      }
    }
    return reasons;
  });
}

export function deleteFlashCopyGroup(ctx: SvcContext, groupId: string): Promise<OperationResult> {
  const op = "deleteFlashCopyGroup";
  // Kept across attempts: once the group is gone, its maps no longer say which targets were its.
  let targets: string[] | undefined;
  return withRetries(ctx.retry, async () => {
    const group = await findGroup(ctx, groupId, op);
    if (!group && targets === undefined) return { alreadyDone: true };
    if (group) {
      targets = (await mapsOf(ctx, groupId, op)).map((m) => m.target_vdisk_name);
      // Host mappings go while the group still says which targets are its: a delete that fails
      // after the group is gone can no longer find them (the sweep scans groups).
      for (const target of targets.filter((t) => t.endsWith(ctx.settings.flashCopyTargetSuffix))) await unmapHosts(ctx, target, op);
      if (group.status !== "idle_or_copied" && group.status !== "stopped" && group.status !== "empty") {
        await ctx.run({ command: "stopfcconsistgrp", object: groupId, params: { force: true }, operation: op, objectId: groupId });
      }
      // -force removes the group's maps with it.
      await ctx.run({ command: "rmfcconsistgrp", object: groupId, params: { force: true }, operation: op, objectId: groupId });
    }
    for (const target of targets ?? []) {
      if (!target.endsWith(ctx.settings.flashCopyTargetSuffix)) {
        ctx.log.warn(`${op} ${groupId}: target volume ${target} does not end with ${JSON.stringify(ctx.settings.flashCopyTargetSuffix)}: not created by a drill, left in place`);
        continue;
      }
      await removeVolume(ctx, target, op);
    }
    return { alreadyDone: false };
  });
}

/** Removes the volume's host mappings; false when the volume does not exist. */
async function unmapHosts(ctx: SvcContext, volume: string, op: string): Promise<boolean> {
  const hosts = await ctx.queries.list("lsvdiskhostmap", op, volume, {}, volume).catch((err: unknown) => {
    if (err instanceof AdapterError && err.failure === "notFound") return undefined;
    throw err;
  });
  if (hosts === undefined) return false;
  for (const h of hosts) await ctx.run({ command: "rmvdiskhostmap", object: volume, params: { host: h.host_name }, operation: op, objectId: volume });
  return true;
}

async function removeVolume(ctx: SvcContext, volume: string, op: string): Promise<void> {
  if (!(await unmapHosts(ctx, volume, op))) return;
  try {
    await ctx.run({ command: "rmvdisk", object: volume, operation: op, objectId: volume });
  } catch (err) {
    if (!(err instanceof AdapterError) || err.failure !== "conflict") throw err;
    throw new AdapterError("conflict", op, volume, `the drill's FlashCopy group is gone but its target volume ${volume} is in use again (${err.message}): find what uses it (lsvdiskhostmap ${volume}, lsfcmap) and remove it by hand (rmvdisk ${volume})`);
  }
}
