// Opens the real-hardware adapters: PowerVM through an HMC, storage through Spectrum Virtualize.
// Nothing connects here: each adapter logs on at its first call.

import { ValidationError, type ValidationIssue } from "../errors";
import type { HardwareSettings } from "../generated/adapter-settings";
import { HmcComputeAdapter } from "./hmc/adapter";
import { volumesByUid } from "./hmc/vios";
import type { HardwareAdapterOptions, LparVolumes } from "./http/options";
import type { Adapters } from "./index";
import { SvcStorageAdapter } from "./svc/adapter";

export function openHardwareAdapters(settings: HardwareSettings, options: HardwareAdapterOptions = {}): Adapters {
  const issues: ValidationIssue[] = [];
  if (!settings.hmc) issues.push({ path: "hmc", message: "`hmc` is required when `type` is \"hardware\": add the HMC's url, username and password" });
  if (!settings.storage) issues.push({ path: "storage", message: "`storage` is required when `type` is \"hardware\": add the storage system's url, username and password" });
  if (!settings.hmc || !settings.storage) throw new ValidationError("adapter settings", issues);
  const storage = new SvcStorageAdapter(settings.storage, options);
  // Which volumes an LPAR uses: by the storage side's naming convention when one is set, else
  // from the VIOSes' vSCSI mappings (disk ids) matched to the storage system's volume UIDs.
  const lparVolumes: LparVolumes = storage.ownsVolumesByName
    ? (ids) => storage.volumesOfLpars(ids)
    : async (ids, deviceIds) => {
        const [disks, uids] = await Promise.all([deviceIds(), storage.volumesByUid()]);
        return new Map(ids.map((id) => [id, volumesByUid(disks.get(id) ?? [], uids)]));
      };
  const compute = new HmcComputeAdapter(settings.hmc, { ...options, lparVolumes });
  return { compute, storage };
}
