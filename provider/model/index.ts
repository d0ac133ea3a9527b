// The domain vocabulary: plain data types and nothing else. The shapes come from
// schemas/topology.schema.json (generated into provider/generated/topology.ts); this module adds
// the "resolved" forms in which every defaulted field is present, as the validator leaves them.

import type {
  ConsistencyGroup,
  FlashCopyGroup,
  Hmc,
  HostMapping,
  Lpar,
  ManagedSystem,
  SimulationSettings,
  Site,
  StorageSystem,
  Topology,
  Volume,
} from "../generated/topology";

export type {
  ClientNetworkAdapter,
  ConsistencyGroup,
  ConsistencyGroupState,
  Duration,
  Faults,
  FlashCopyGroup,
  Hmc,
  HostMapping,
  Lpar,
  LparState,
  ManagedSystem,
  ManagedSystemState,
  SimulationSettings,
  SeaBridge,
  Site,
  StorageSystem,
  Topology,
  VirtualSwitch,
  Volume,
} from "../generated/topology";

type WithDefaults<T, K extends keyof T> = Omit<T, K> & Required<Pick<T, K>>;

export type ResolvedHmc = WithDefaults<Hmc, "maxConcurrentJobs">;
export type ResolvedManagedSystem = WithDefaults<ManagedSystem, "state" | "maxRemoteRestarts" | "vioses">;
export type ResolvedLpar = WithDefaults<Lpar, "slaLevel" | "remoteRestartCapable" | "volumes" | "state" | "network">;
export type ResolvedStorageSystem = WithDefaults<StorageSystem, "maxConcurrentConfigOps">;
export type ResolvedConsistencyGroup = WithDefaults<
  ConsistencyGroup,
  "mode" | "state" | "primary" | "auxWritable" | "lagSeconds"
>;
export type ResolvedFlashCopyGroup = WithDefaults<FlashCopyGroup, "state">;

/** A topology after validation filled in every default. */
export interface ResolvedTopology {
  sites: Site[];
  hmcs: ResolvedHmc[];
  managedSystems: ResolvedManagedSystem[];
  lpars: ResolvedLpar[];
  storageSystems: ResolvedStorageSystem[];
  volumes: Volume[];
  hostMappings: HostMapping[];
  consistencyGroups: ResolvedConsistencyGroup[];
  flashCopyGroups: ResolvedFlashCopyGroup[];
  simulation?: SimulationSettings;
}

/** Managed-system states from which PowerVM allows a remote restart of its LPARs. */
export const RESTARTABLE_SOURCE_STATES: ReadonlySet<string> = new Set(["Error", "Power Off", "No Connection"]);

/** Is `t` a topology with its defaults filled in? Compile-time helper for generated input. */
export function asResolved(t: Topology): ResolvedTopology {
  return t as ResolvedTopology;
}
