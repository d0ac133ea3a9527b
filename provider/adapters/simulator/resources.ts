// Which operation holds which concurrency resource, and how many of each exist. The keys are the
// planner's plan resources; the planner must charge its steps to exactly these.
//
// | adapter operation            | phase (latency op)                 | resources held during the phase            |
// |------------------------------|------------------------------------|--------------------------------------------|
// | remoteRestart                | remoteRestart                      | hmc:<HMC of target>, system:<target>       |
// | powerOn                      | powerOnLpar                        | hmc:<HMC of the LPAR's system>             |
// | powerOff (graceful)          | shutdownLpar                       | hmc:<HMC of the LPAR's system>             |
// | powerOff (immediate), fence  | fenceLpar                          | hmc:<HMC of the LPAR's system>             |
// | suspendLpar                  | suspendLpar                        | hmc:<HMC of the LPAR's system>             |
// | resumeLpar                   | resumeLpar                         | hmc:<HMC of the LPAR's system>             |
// | cleanupSource                | cleanupSourceLpar                  | hmc:<HMC of the source system>             |
// | moveLpar                     | createLpar                         | hmc:<HMC of target>                        |
// | createDrillLpar              | createLpar, then powerOnLpar       | hmc:<HMC of target> (both phases)          |
// | deleteDrillLpar              | fenceLpar, then deleteLpar         | hmc:<HMC of the LPAR's system>             |
// | mapVolume                    | mapVolume (mkvdiskhostmap)         | storage:<volume's storage system>          |
// | unmapVolume                  | unmapVolume (rmvdiskhostmap)       | storage:<volume's storage system>          |
// | attach/detachVirtualDisk     | viosMapping (mkvdev / rmdev)       | vios:<host>/<vios>                         |
// | failoverConsistencyGroup     | failoverConsistencyGroup           | storage:<system of the secondary side>     |
// | switchConsistencyGroup       | switchConsistencyGroup             | storage:<system of the new primary>        |
// | startConsistencyGroup        | startConsistencyGroup              | storage:<system of the new primary>        |
// | createFlashCopyGroup         | createFlashCopyGroup, prepareFlashCopyGroup, startFlashCopyGroup | storage:<system> |
// | deleteFlashCopyGroup         | deleteFlashCopyGroup               | storage:<system>                           |
// | waitUntilRunning (bootLpar)  | -                                  | none: the OS boots on its own              |
//
// Limits: hmc:<name> = the HMC's maxConcurrentJobs; system:<id> = maxRemoteRestarts;
// vios:<id>/<vios> = 1 (one mapping change at a time per VIOS); storage:<id> = maxConcurrentConfigOps.

import type { ConcurrencyLimits } from "../compute";
import type { SimState } from "./state";

export const hmcResource = (hmc: string): string => `hmc:${hmc}`;
export const systemResource = (systemId: string): string => `system:${systemId}`;
export const viosResource = (systemId: string, vios: string): string => `vios:${systemId}/${vios}`;
export const storageResource = (storageSystemId: string): string => `storage:${storageSystemId}`;

/** Slots of a plan resource; an unknown resource has one. */
export function limitOf(state: SimState, resource: string): number {
  const colon = resource.indexOf(":");
  const kind = resource.slice(0, colon);
  const name = resource.slice(colon + 1);
  switch (kind) {
    case "hmc":
      return state.hmcs.get(name)?.maxConcurrentJobs ?? 1;
    case "system":
      return state.systems.get(name)?.maxRemoteRestarts ?? 1;
    case "storage":
      return state.storageSystems.get(name)?.maxConcurrentConfigOps ?? 1;
    default:
      return 1;
  }
}

/** The limits the compute side enforces: HMC jobs, remote restarts per target system, mapping changes per VIOS. */
export function computeLimits(state: SimState): ConcurrencyLimits {
  const limits: Record<string, number> = {};
  for (const h of state.hmcs.values()) limits[hmcResource(h.name)] = h.maxConcurrentJobs;
  for (const s of state.systems.values()) {
    limits[systemResource(s.id)] = s.maxRemoteRestarts;
    for (const v of s.vioses) limits[viosResource(s.id, v)] = 1;
  }
  return limits;
}

/** The limits the storage side enforces: configuration commands per storage system. */
export function storageLimits(state: SimState): ConcurrencyLimits {
  const limits: Record<string, number> = {};
  for (const s of state.storageSystems.values()) limits[storageResource(s.id)] = s.maxConcurrentConfigOps;
  return limits;
}
