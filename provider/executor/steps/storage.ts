// Steps on the storage side: replication direction and host mappings (SAN through the
// StorageAdapter), and the VIOS side of vSCSI disks (through the ComputeAdapter). In `parallel-restart` mode these run one at a time, as in the paper's middle setup.

import type { Plan, Step, VolumeAction } from "../../generated/plan";
import type { MapRequest } from "../../adapters/storage";
import type { VirtualDiskRequest } from "../../adapters/compute";
import { booleanParam, enumParam, optionalStringParam, stringParam } from "../params";
import { ValidationError } from "../../errors";
import { defineStep, paramIssue, placementOf, type StepContext } from "../registry";
import { flashCopyGroupOf } from "./drill";

/** Makes the replicas of a remote-copy group writable (stoprcconsistgrp -access). */
export const FailoverConsistencyGroup = defineStep({
  kind: "FailoverConsistencyGroup",
  touches: "storage",
  defaultTimeoutSeconds: 600,
  resolve: (step) => ({ group: stringParam(step, "consistencyGroup") }),
  async run({ group }, { adapters }) {
    return { alreadyDone: (await adapters.storage.failoverConsistencyGroup(group)).alreadyDone };
  },
});

/** Planned switch of a synchronized group's direction (switchrcconsistgrp). */
export const SwitchConsistencyGroup = defineStep({
  kind: "SwitchConsistencyGroup",
  touches: "storage",
  defaultTimeoutSeconds: 600,
  resolve: (step, plan) => ({
    group: stringParam(step, "consistencyGroup"),
    // A planned failover makes the auxiliary side primary; failback gives it back to the master.
    primary: enumParam(step, "primary", ["master", "aux"] as const, plan.kind === "failback" ? "master" : "aux"),
  }),
  async run({ group, primary }, { adapters }) {
    return { alreadyDone: (await adapters.storage.switchConsistencyGroup(group, primary)).alreadyDone };
  },
});

/** Reprotect: restart replication from the side that now runs the LPARs (startrcconsistgrp). */
export const ReverseReplication = defineStep({
  kind: "ReverseReplication",
  touches: "storage",
  defaultTimeoutSeconds: 600,
  resolve: (step) => ({
    group: stringParam(step, "consistencyGroup"),
    primary: enumParam(step, "primary", ["master", "aux"] as const, "aux"),
    force: booleanParam(step, "force", false),
  }),
  async run({ group, primary, force }, { adapters }) {
    return { alreadyDone: (await adapters.storage.startConsistencyGroup(group, primary, force)).alreadyDone };
  },
});

/** The placement's action for `volume` (by the volume at the source or the one attached at the target). */
function volumeAction(step: Step, plan: Plan, volume: string): VolumeAction | undefined {
  return placementOf(plan, step.lpar)?.volumes.find((v) => v.source === volume || v.attach === volume);
}

interface MappingArgs {
  readonly request: MapRequest;
  /** In a drill, `request.volumeId` is a FlashCopy source: the copy in this group is mapped. */
  readonly flashCopyGroup?: string;
}

function resolveMapping(step: Step, plan: Plan, side: "source" | "target"): MappingArgs {
  const placement = placementOf(plan, step.lpar);
  const volumeId = stringParam(step, "volume");
  const action = volumeAction(step, plan, volumeId);
  const hostId = stringParam(step, "host", side === "source" ? placement?.source : placement?.target);
  const via = enumParam(step, "via", ["vscsi", "npiv"] as const, action?.via ?? "vscsi");
  // The placement names the VIOS at the target; the one at the source comes only from params.
  const vios = optionalStringParam(step, "vios") ?? (side === "target" ? action?.vios : undefined);
  const flashCopyGroup = optionalStringParam(step, "flashCopyGroup");
  return { request: { volumeId, hostId, via, ...(vios ? { vios } : {}) }, ...(flashCopyGroup ? { flashCopyGroup } : {}) };
}

async function mappedVolume({ request, flashCopyGroup }: MappingArgs, context: StepContext): Promise<MapRequest> {
  if (!flashCopyGroup) return request;
  const group = await flashCopyGroupOf(flashCopyGroup, context);
  const copy = group?.targets[request.volumeId];
  if (!copy) throw new Error(`FlashCopy group ${flashCopyGroup} has no copy of volume ${request.volumeId}: its CreateFlashCopyGroup step must come first`);
  return { ...request, volumeId: copy };
}

/** Removes the source system's SAN host mapping of a volume: the split-brain guard before mapping elsewhere. */
export const UnmapSourceVolume = defineStep({
  kind: "UnmapSourceVolume",
  touches: "storage",
  defaultTimeoutSeconds: 600,
  resolve: (step, plan) => resolveMapping(step, plan, "source"),
  async run(args, context) {
    return { alreadyDone: (await context.adapters.storage.unmapVolume(await mappedVolume(args, context))).alreadyDone };
  },
});

/** Maps a volume (the replica, or the same LUN on a shared SAN) to the target system on the SAN. */
export const MapReplicaVolume = defineStep({
  kind: "MapReplicaVolume",
  touches: "storage",
  defaultTimeoutSeconds: 600,
  resolve: (step, plan) => resolveMapping(step, plan, "target"),
  async run(args, context) {
    return { alreadyDone: (await context.adapters.storage.mapVolume(await mappedVolume(args, context))).alreadyDone };
  },
});

/** The VIOS side of a vSCSI disk: the same volume, host and VIOS as its map or unmap step. */
function resolveVirtualDisk(step: Step, plan: Plan, side: "source" | "target"): MappingArgs {
  const args = resolveMapping(step, plan, side);
  if (args.request.via !== "vscsi") {
    throw new ValidationError(`plan step ${step.id}`, [paramIssue(step, "via", `is ${JSON.stringify(args.request.via)}, and only a vscsi disk has a VIOS side`, "remove the step, or set it to vscsi")]);
  }
  if (!args.request.vios) throw new ValidationError(`plan step ${step.id}`, [paramIssue(step, "vios", "is missing", "name the VIOS that serves the disk")]);
  return args;
}

async function virtualDisk(args: MappingArgs, context: StepContext, client: string | undefined): Promise<VirtualDiskRequest> {
  const { volumeId, hostId, vios } = await mappedVolume(args, context);
  // A drill's disk serves the copy, which does not exist yet: no client then.
  return { volumeId, hostId, vios: vios as string, ...(client !== undefined && !args.flashCopyGroup ? { lparId: client } : {}) };
}

/**
 * Has the target's VIOS serve the SAN-mapped volume (vSCSI). A compute-side operation, but part
 * of storage remapping: `parallel-restart` mode runs it with the storage steps, one at a time.
 */
export const AttachVirtualDisk = defineStep({
  kind: "AttachVirtualDisk",
  touches: "storage",
  defaultTimeoutSeconds: 600,
  resolve: (step, plan) => ({ ...resolveVirtualDisk(step, plan, "target"), lpar: step.lpar }),
  async run(args, context) {
    return { alreadyDone: (await context.adapters.compute.attachVirtualDisk(await virtualDisk(args, context, args.lpar))).alreadyDone };
  },
});

/** Has the source's VIOS let go of the volume (vSCSI) before its SAN host mapping is removed. */
export const DetachVirtualDisk = defineStep({
  kind: "DetachVirtualDisk",
  touches: "storage",
  defaultTimeoutSeconds: 600,
  resolve: (step, plan) => resolveVirtualDisk(step, plan, "source"),
  async run(args, context) {
    return { alreadyDone: (await context.adapters.compute.detachVirtualDisk(await virtualDisk(args, context, undefined))).alreadyDone };
  },
});
