// Opens the real-hardware adapters: PowerVM through HMCs, storage through Spectrum Virtualize.
// One HMC and one storage system give the plain adapters; several (one per site, or more) give
// the composites of sites/, which fan out and route. Nothing connects here: each adapter logs on
// at its first call.

import type { HardwareSettings } from "../generated/adapter-settings";
import { HmcComputeAdapter } from "./hmc/adapter";
import { volumesByUid } from "./hmc/vios";
import type { HardwareAdapterOptions, LparVolumes } from "./http/options";
import { stderrLog } from "./http/log";
import type { Adapters } from "./index";
import { MultiHmcComputeAdapter } from "./sites/compute";
import { checkConnections } from "./sites/settings";
import { MultiSvcStorageAdapter } from "./sites/storage";
import { SvcStorageAdapter } from "./svc/adapter";

/** What the HMC side needs from the storage side to fill each LPAR's volumes. */
interface VolumeSource {
  /** Some volumes are recognised by name (`storage.lparVolumePattern`). */
  readonly ownsVolumesByName: boolean;
  /** Some volumes are recognised by the UIDs VIOSes see (no `lparVolumePattern`). */
  readonly matchesUids: boolean;
  volumesOfLpars(ids: readonly string[]): Promise<ReadonlyMap<string, readonly string[]>>;
  volumesByUid(): Promise<ReadonlyMap<string, string>>;
}

export function openHardwareAdapters(settings: HardwareSettings, options: HardwareAdapterOptions = {}): Adapters {
  const connections = checkConnections(settings);
  const single = !connections.lists.hmc && !connections.lists.storage;
  const svcs = connections.storage.map((c) => ({
    name: c.name,
    site: c.site,
    named: c.connection.name !== undefined,
    adapter: new SvcStorageAdapter(c.connection, { ...options, settingsPath: c.path }),
  }));
  const storage = single ? svcs[0].adapter : new MultiSvcStorageAdapter(svcs, options.log ?? stderrLog);
  const lparVolumes = lparVolumesFrom(storage);
  // The VIOS finds the disk of a vSCSI mapping by the volume's UID, which only the storage knows.
  const volumeUid = async (volumeId: string): Promise<string | undefined> => {
    for (const [uid, name] of await storage.allVolumesByUid()) if (name === volumeId) return uid;
    return undefined;
  };
  const hmcs = connections.hmcs.map((c) => ({ name: c.name, site: c.site, adapter: new HmcComputeAdapter(c.connection, { ...options, lparVolumes, volumeUid, settingsPath: c.path }) }));
  const compute = single ? hmcs[0].adapter : new MultiHmcComputeAdapter(hmcs, options.log ?? stderrLog);
  return { compute, storage };
}

/**
 * Which volumes an LPAR uses: by the storage side's naming convention when one is set, else from
 * the VIOSes' vSCSI mappings (disk ids) matched to the storage systems' volume UIDs.
 */
function lparVolumesFrom(storage: VolumeSource): LparVolumes {
  return async (ids, deviceIds) => {
    const out = new Map<string, string[]>(ids.map((id) => [id, []]));
    if (storage.ownsVolumesByName) {
      for (const [id, vols] of await storage.volumesOfLpars(ids)) out.get(id)?.push(...vols);
    }
    if (storage.matchesUids) {
      const [disks, uids] = await Promise.all([deviceIds(), storage.volumesByUid()]);
      for (const id of ids) out.get(id)?.push(...volumesByUid(disks.get(id) ?? [], uids));
    }
    return new Map([...out].map(([id, vols]) => [id, [...new Set(vols)].sort()]));
  };
}
