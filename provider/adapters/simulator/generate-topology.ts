// A seeded topology generator: the same parameters and seed give the same datacenter. Benchmarks
// sweep its parameters (LUNs per LPAR, LPARs per server...), so each is a first-class option.
//
// What every generated topology guarantees:
// - each LPAR's volumes are on a storage system of its own site and mapped to its host (vSCSI
//   through one of the host's VIOSes, alternating, or NPIV);
// - with `replicate` (default) and two or more sites, each LPAR's volumes are in a remote-copy
//   consistency group whose aux volumes are on a storage system of the next site;
// - every system has `spareFraction` of headroom over the heaviest load any system carries, so
//   the surviving systems of a site, and the other site, can receive the LPARs of a failed one.

import type { ResolvedTopology, SimulationSettings } from "../../model";
import type { Lpar, ManagedSystem, Volume, HostMapping, ConsistencyGroup, Hmc, StorageSystem, Site } from "../../model";
import { uniform } from "./draw";
import { lparAdapter, systemSwitches, type NetworkOptions } from "./generate-network";

export interface GeneratorOptions {
  /** @default 1 */
  seed?: number;
  /** @default 2 */
  sites?: number;
  /** Managed systems (POWER servers) per site. @default 4 */
  hostsPerSite?: number;
  /** LPARs on each server: the "LPARs per failed server" of a benchmark. @default 4 */
  lparsPerHost?: number;
  /** Volumes (LUNs) per LPAR. @default 2 */
  lunsPerLpar?: number;
  /** Storage systems per site; hosts are spread over them. @default 1 */
  storageSystemsPerSite?: number;
  /** Servers one HMC manages. @default 32 */
  hostsPerHmc?: number;
  /** Replicate each LPAR's volumes to the next site in a consistency group. @default true */
  replicate?: boolean;
  /** LPARs per consistency group. @default 1 */
  lparsPerConsistencyGroup?: number;
  /** Remote-copy mode. @default "sync" */
  replicationMode?: "sync" | "async";
  /** Weight of each SLA level among the LPARs. @default { 3: 1, 2: 2, 1: 3 } */
  slaMix?: Readonly<Record<number, number>>;
  /** Headroom of each system over the heaviest per-system load, as a fraction. @default 1 (twice the load) */
  spareFraction?: number;
  /** How volumes are presented to hosts. @default "vscsi" */
  via?: "vscsi" | "npiv";
  /** Size of each LUN. @default 50 */
  lunGb?: number;
  /** Fraction of LPARs that are remote-restart capable. @default 1 */
  remoteRestartCapableFraction?: number;
  /** Remote restarts a system accepts at once as a target. @default 32 (schema default) */
  maxRemoteRestarts?: number;
  /** Jobs each HMC runs at once. @default 64 (schema default) */
  hmcMaxConcurrentJobs?: number;
  /** Configuration commands each storage system applies at once. @default 1 (schema default) */
  storageMaxConcurrentConfigOps?: number;
  /** Simulation settings copied into the topology. */
  simulation?: SimulationSettings;
  /** Model the network: VLANs per site and per LPAR (generate-network.ts). @default none (not modelled) */
  network?: NetworkOptions;
}

const LPAR_SHAPES: readonly { processorUnits: number; memoryGb: number }[] = [
  { processorUnits: 0.5, memoryGb: 8 },
  { processorUnits: 1, memoryGb: 16 },
  { processorUnits: 2, memoryGb: 32 },
  { processorUnits: 4, memoryGb: 64 },
];

function letters(i: number): string {
  let s = "";
  let n = i;
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return s;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`generator option \`${name}\` must be a non-negative integer, got ${value}`);
  return value;
}

/** Generates a topology (defaults filled in, ready for validation and `vmr sim init`). */
export function generateTopology(options: GeneratorOptions = {}): ResolvedTopology {
  const seed = options.seed ?? 1;
  const siteCount = positiveInt("sites", options.sites ?? 2);
  const hostsPerSite = positiveInt("hostsPerSite", options.hostsPerSite ?? 4);
  const lparsPerHost = positiveInt("lparsPerHost", options.lparsPerHost ?? 4);
  const luns = positiveInt("lunsPerLpar", options.lunsPerLpar ?? 2);
  const storagePerSite = Math.max(1, positiveInt("storageSystemsPerSite", options.storageSystemsPerSite ?? 1));
  const hostsPerHmc = Math.max(1, positiveInt("hostsPerHmc", options.hostsPerHmc ?? 32));
  const replicate = (options.replicate ?? true) && siteCount >= 2;
  const lparsPerGroup = Math.max(1, positiveInt("lparsPerConsistencyGroup", options.lparsPerConsistencyGroup ?? 1));
  const via = options.via ?? "vscsi";
  const lunGb = options.lunGb ?? 50;
  const spare = options.spareFraction ?? 1;
  const capableFraction = options.remoteRestartCapableFraction ?? 1;
  const slaMix = Object.entries(options.slaMix ?? { 3: 1, 2: 2, 1: 3 }).map(([level, w]) => ({ level: Number(level), w }));
  const slaTotal = slaMix.reduce((a, b) => a + b.w, 0);

  const sites: Site[] = [];
  const hmcs: Hmc[] = [];
  const managedSystems: ManagedSystem[] = [];
  const storageSystems: StorageSystem[] = [];
  const lpars: Lpar[] = [];
  const volumes: Volume[] = [];
  const hostMappings: HostMapping[] = [];
  const consistencyGroups: ConsistencyGroup[] = [];

  const totalLpars = siteCount * hostsPerSite * lparsPerHost;
  const lparWidth = Math.max(5, String(totalLpars).length);
  const hostWidth = Math.max(2, String(hostsPerSite).length);
  const hmcsPerSite = Math.ceil(hostsPerSite / hostsPerHmc);

  for (let s = 0; s < siteCount; s++) {
    const site = `site-${letters(s)}`;
    sites.push({ name: site });
    for (let h = 0; h < hmcsPerSite; h++) {
      hmcs.push({ name: `hmc-${letters(s)}${h + 1}`, site, ...(options.hmcMaxConcurrentJobs ? { maxConcurrentJobs: options.hmcMaxConcurrentJobs } : {}) });
    }
    for (let k = 0; k < storagePerSite; k++) {
      storageSystems.push({
        id: `svc-${letters(s)}${k + 1}`,
        name: `FlashSystem ${letters(s).toUpperCase()}${k + 1}`,
        site,
        ...(options.storageMaxConcurrentConfigOps ? { maxConcurrentConfigOps: options.storageMaxConcurrentConfigOps } : {}),
      });
    }
  }

  // LPARs first, to size the systems after the heaviest load.
  const loads: { pu: number; mem: number }[] = [];
  let n = 0;
  let groupMembers: { lpar: string; pairs: { master: string; aux: string }[]; master: string; aux: string }[] = [];
  const flushGroup = (): void => {
    if (groupMembers.length === 0) return;
    const first = groupMembers[0];
    consistencyGroups.push({
      id: `cg-${first.lpar.replace(/^lpar-/, "")}`,
      name: `rc ${groupMembers.map((g) => g.lpar).join(" ")}`.slice(0, 200),
      masterSystem: first.master,
      auxSystem: first.aux,
      mode: options.replicationMode ?? "sync",
      pairs: groupMembers.flatMap((g) => g.pairs),
    });
    groupMembers = [];
  };

  for (let s = 0; s < siteCount; s++) {
    const site = `site-${letters(s)}`;
    for (let h = 0; h < hostsPerSite; h++) {
      const hostId = `sys-${letters(s)}-${pad(h + 1, hostWidth)}`;
      const storageIndex = h % storagePerSite;
      const storage = `svc-${letters(s)}${storageIndex + 1}`;
      const auxStorage = `svc-${letters((s + 1) % siteCount)}${storageIndex + 1}`;
      const load = { pu: 0, mem: 0 };
      for (let l = 0; l < lparsPerHost; l++) {
        n++;
        const id = `lpar-${pad(n, lparWidth)}`;
        const shape = LPAR_SHAPES[Math.floor(uniform(seed, "shape", id) * LPAR_SHAPES.length)];
        let pick = uniform(seed, "sla", id) * slaTotal;
        let sla = slaMix[slaMix.length - 1]?.level ?? 1;
        for (const m of slaMix) {
          if (pick < m.w) {
            sla = m.level;
            break;
          }
          pick -= m.w;
        }
        const vios = `vios${(l % 2) + 1}`;
        const volumeIds: string[] = [];
        const pairs: { master: string; aux: string }[] = [];
        for (let u = 0; u < luns; u++) {
          const vol = `vol-${pad(n, lparWidth)}-${u + 1}`;
          volumeIds.push(vol);
          volumes.push({ id: vol, name: `${id} lun${u + 1}`, storageSystem: storage, capacityGb: lunGb });
          hostMappings.push({ volume: vol, host: hostId, via, ...(via === "vscsi" ? { vios } : {}) });
          if (replicate) {
            const aux = `${vol}-r`;
            volumes.push({ id: aux, name: `${id} lun${u + 1} replica`, storageSystem: auxStorage, capacityGb: lunGb });
            pairs.push({ master: vol, aux });
          }
        }
        lpars.push({
          id,
          name: `${id} ${site}`,
          host: hostId,
          processorUnits: shape.processorUnits,
          memoryGb: shape.memoryGb,
          slaLevel: sla,
          remoteRestartCapable: uniform(seed, "capable", id) < capableFraction,
          volumes: volumeIds,
          state: "Running",
          network: "production",
          ...(options.network ? { adapters: [lparAdapter(s, n, options.network)] } : {}),
        });
        load.pu += shape.processorUnits;
        load.mem += shape.memoryGb;
        if (replicate && luns > 0) {
          groupMembers.push({ lpar: id, pairs, master: storage, aux: auxStorage });
          if (groupMembers.length >= lparsPerGroup) flushGroup();
        }
      }
      flushGroup();
      loads.push(load);
      managedSystems.push({
        id: hostId,
        name: `POWER ${letters(s).toUpperCase()}${h + 1}`,
        site,
        hmc: `hmc-${letters(s)}${Math.floor(h / hostsPerHmc) + 1}`,
        processorUnits: 0,
        memoryGb: 0,
        state: "Operating",
        ...(options.maxRemoteRestarts ? { maxRemoteRestarts: options.maxRemoteRestarts } : {}),
        vioses: ["vios1", "vios2"],
        ...(options.network ? { virtualSwitches: systemSwitches(s, options.network, ["vios1", "vios2"]) } : {}),
      });
    }
  }
  const maxPu = Math.max(4, ...loads.map((l) => l.pu));
  const maxMem = Math.max(64, ...loads.map((l) => l.mem));
  for (const m of managedSystems) {
    m.processorUnits = Math.ceil(maxPu * (1 + spare));
    m.memoryGb = Math.ceil(maxMem * (1 + spare));
  }

  return {
    sites,
    hmcs,
    managedSystems,
    lpars,
    storageSystems,
    volumes,
    hostMappings,
    consistencyGroups,
    flashCopyGroups: [],
    simulation: { seed, ...(options.simulation ?? {}) },
  } as ResolvedTopology;
}
