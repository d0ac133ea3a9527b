// Each protected VM's home, as the ProtectionGroup keeps it in stack state: the managed system it
// runs on while it uses its own volumes (the master side of its consistency groups), and how
// those volumes are mapped there. A VM on its replicas (after a failover or a planned site move)
// is away: its home is the one recorded before it left, never the recovery site, so that failover,
// failback and failover again keep the original home. `vmr failback` reads these records from the
// stack (provider/stack/model.ts) and returns each VM to its home.
//
// Stack state is the record because it outlives the machine a failover ran on (the journals do
// not) and is written without any step of the run: by `pulumi up` and by the refresh that ends
// every `vmr failover` and `vmr failback`. The HMC's record of a remote-restarted LPAR's source
// lasts only until that source is cleaned up, and a planned move (migration) leaves none.

import type { ComputeInventory } from "../../adapters/compute";
import type { StorageInventory } from "../../adapters/storage";
import type { HomeMapping, LparHome } from "../../generated/resource-outputs";

export type { HomeMapping, LparHome };

/**
 * The homes of `lpars`: recorded afresh for a VM that runs on its own volumes, kept from
 * `previous` for one that runs on replicas of `consistencyGroups` or is gone. In `lpars` order.
 */
export function recordHomes(
  lpars: readonly string[],
  consistencyGroups: readonly string[],
  compute: ComputeInventory,
  storage: StorageInventory,
  previous: readonly LparHome[] | undefined,
): LparHome[] {
  const before = new Map((previous ?? []).map((h) => [h.lpar, h]));
  const byId = new Map(compute.lpars.map((l) => [l.id, l]));
  const siteOf = new Map(compute.managedSystems.map((s) => [s.id, s.site]));
  const declared = new Set(consistencyGroups);
  const replicas = new Set<string>();
  for (const cg of storage.consistencyGroups) if (declared.has(cg.id)) for (const p of cg.pairs) replicas.add(p.aux);
  const storageOf = new Map(storage.volumes.map((v) => [v.id, v.storageSystem]));
  const mappings = new Map<string, (typeof storage.hostMappings)[number]>();
  for (const m of storage.hostMappings) mappings.set(`${m.volume}\n${m.host}`, m);

  const out: LparHome[] = [];
  for (const id of lpars) {
    const l = byId.get(id);
    const away = l === undefined || l.volumes.some((v) => replicas.has(v));
    if (away) {
      const kept = before.get(id);
      if (kept) out.push(kept);
      continue;
    }
    const site = siteOf.get(l.host);
    out.push({
      lpar: id,
      system: l.host,
      ...(site !== undefined ? { site } : {}),
      // A volume not mapped to the system now has no path to record: failback picks one.
      mappings: l.volumes.flatMap((volume): HomeMapping[] => {
        const m = mappings.get(`${volume}\n${l.host}`);
        const storageSystem = storageOf.get(volume);
        if (m === undefined || storageSystem === undefined) return [];
        return [{ volume, storageSystem, via: m.via, ...(m.via === "vscsi" && m.vios !== undefined ? { vios: m.vios } : {}) }];
      }),
    });
  }
  return out;
}

/**
 * The `homes` of stored outputs (undefined in state of a version without them). A record that is
 * not well formed is dropped: the VM then has no home, which a failback plan says.
 */
export function homesOf(props: Record<string, unknown>): LparHome[] | undefined {
  const v = props.homes;
  if (!Array.isArray(v)) return undefined;
  return v.filter((h): h is LparHome => isRecord(h) && typeof h.lpar === "string" && typeof h.system === "string" && Array.isArray(h.mappings) && h.mappings.every(isMapping));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

function isMapping(m: unknown): m is HomeMapping {
  return isRecord(m) && typeof m.volume === "string" && typeof m.storageSystem === "string" && (m.via === "vscsi" || m.via === "npiv") && (m.vios === undefined || typeof m.vios === "string");
}
