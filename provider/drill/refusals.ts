// What the adapters would refuse in a drill plan, asked before anything is created: a copy the
// HMC cannot build, a target that cannot restart the LPARs, a source volume at its FlashCopy
// mapping limit. Adapters that check nothing up front (the simulator) are simply not asked.

import type { Adapters } from "../adapters";
import type { DrillCopyCheck } from "../adapters/compute";
import type { FlashCopyRequest } from "../adapters/storage";
import type { Plan } from "../generated/plan";

export async function drillRefusals(plan: Plan, adapters: Adapters): Promise<string[]> {
  const copies: DrillCopyCheck[] = [];
  const groups: FlashCopyRequest[] = [];
  const volumes = new Map<string, { volume: string; via: "vscsi" | "npiv" }[]>();
  for (const s of plan.steps) {
    const p = s.params ?? {};
    if (s.kind === "MapReplicaVolume" && s.lpar && p.flashCopyGroup && p.volume && p.via) volumes.set(s.lpar, [...(volumes.get(s.lpar) ?? []), { volume: p.volume, via: p.via }]);
  }
  for (const s of plan.steps) {
    const p = s.params ?? {};
    if (s.kind === "StartDrillLpar" && s.lpar && p.target && p.network) copies.push({ sourceLparId: s.lpar, targetSystemId: p.target, network: p.network, volumes: volumes.get(s.lpar) ?? [] });
    if (s.kind === "CreateFlashCopyGroup" && p.flashCopyGroup && p.storageSystem) groups.push({ name: p.flashCopyGroup, storageSystemId: p.storageSystem, sourceVolumeIds: p.volumes ?? [] });
  }
  const [compute, storage] = await Promise.all([
    copies.length > 0 && adapters.compute.checkDrillCopies ? adapters.compute.checkDrillCopies(copies) : [],
    groups.length > 0 && adapters.storage.checkFlashCopies ? adapters.storage.checkFlashCopies(groups) : [],
  ]);
  return [...compute, ...storage];
}
