/* Generated from schemas/ by scripts/gen-types.js: do not edit. Run `npm run gen`. */

/**
 * An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit.
 *
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "Id".
 */
export type Id = string;
/**
 * A virtual switch name as the HMC shows it (ETHERNET0 by default): letters, digits, '.', '_' and '-'.
 *
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "SwitchName".
 */
export type SwitchName = string;
/**
 * An IEEE 802.1Q VLAN ID, 1-4094.
 *
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "VlanId".
 */
export type VlanId = number;
/**
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "ManagedSystemState".
 */
export type ManagedSystemState = "Operating" | "Error" | "Power Off" | "No Connection";
/**
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "LparState".
 */
export type LparState =
  "Running" | "Not Activated" | "Starting" | "Shutting Down" | "Error" | "Suspended";
/**
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "ConsistencyGroupState".
 */
export type ConsistencyGroupState =
  | "consistent_synchronized"
  | "inconsistent_copying"
  | "consistent_stopped"
  | "consistent_disconnected"
  | "idling"
  | "idling_disconnected";

/**
 * A datacenter as the simulator holds it, and as adapters report it: sites, HMCs, POWER managed systems, LPARs, SAN storage systems, volumes, host mappings, remote-copy consistency groups and FlashCopy groups.
 */
export interface Topology {
  sites: Site[];
  hmcs: Hmc[];
  managedSystems: ManagedSystem[];
  lpars: Lpar[];
  storageSystems: StorageSystem[];
  volumes: Volume[];
  hostMappings: HostMapping[];
  consistencyGroups: ConsistencyGroup[];
  flashCopyGroups?: FlashCopyGroup[];
  simulation?: SimulationSettings;
}
/**
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "Site".
 */
export interface Site {
  name: Id;
  description?: string;
}
/**
 * A Hardware Management Console: it runs the remote-restart, power-on and power-off jobs of the managed systems it manages.
 *
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "Hmc".
 */
export interface Hmc {
  name: Id;
  site: Id;
  /**
   * Jobs the HMC runs at once; more wait in its queue. Assumption: IBM publishes no figure.
   */
  maxConcurrentJobs?: number;
}
/**
 * A POWER server.
 *
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "ManagedSystem".
 */
export interface ManagedSystem {
  id: Id;
  name: string;
  site: Id;
  /**
   * An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit.
   */
  hmc: string;
  /**
   * Processor units available to LPARs.
   */
  processorUnits: number;
  /**
   * Memory available to LPARs, in GiB.
   */
  memoryGb: number;
  state?: "Operating" | "Error" | "Power Off" | "No Connection";
  /**
   * Remote restarts the system accepts at once as a target (MAX_NUM_RR; unconfirmed as an IBM limit).
   */
  maxRemoteRestarts?: number;
  /**
   * Virtual I/O Servers of this system; each applies one mapping change at a time.
   *
   * @minItems 1
   */
  vioses?: [Id, ...Id[]];
  /**
   * Virtual Ethernet switches of the system and the VLANs each VIOS bridges to the wire on them (its shared Ethernet adapters). Empty: the network is not modelled for this system.
   */
  virtualSwitches?: VirtualSwitch[];
  /**
   * VIOSes of this system that are down (lost, or not running): the VLANs only they bridge reach no other system until they are back. A VLAN counts as bridged only where a surviving VIOS bridges it.
   */
  failedVioses?: Id[];
}
/**
 * A virtual Ethernet switch of a managed system (PowerVM VirtualSwitch).
 *
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "VirtualSwitch".
 */
export interface VirtualSwitch {
  name: SwitchName;
  /**
   * Per VIOS, the VLANs its shared Ethernet adapter bridges from this switch to the physical network. A VLAN no VIOS bridges reaches no other system.
   */
  bridges?: SeaBridge[];
}
/**
 * The VLANs one VIOS bridges on one virtual switch (its shared Ethernet adapter's trunk adapters).
 *
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "SeaBridge".
 */
export interface SeaBridge {
  /**
   * An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit.
   */
  vios: string;
  vlans: VlanId[];
}
/**
 * A logical partition: the virtual machine of PowerVM.
 *
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "Lpar".
 */
export interface Lpar {
  id: Id;
  name: string;
  /**
   * An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit.
   */
  host: string;
  processorUnits: number;
  memoryGb: number;
  minimum?: LparSize;
  allocated?: LparSize1;
  /**
   * Higher restarts first.
   */
  slaLevel?: number;
  remoteRestartCapable?: boolean;
  /**
   * Ids of the volumes the LPAR uses.
   */
  volumes?: Id[];
  state?: "Running" | "Not Activated" | "Starting" | "Shutting Down" | "Error" | "Suspended";
  /**
   * Network the LPAR is attached to, by name; drills use an isolated one. Its VLANs, when modelled, are in `adapters`.
   */
  network?: string;
  /**
   * Client network adapters (virtual Ethernet, SR-IOV). Empty: the network is not modelled for this LPAR.
   */
  adapters?: ClientNetworkAdapter[];
  /**
   * An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit.
   */
  drillOf?: string;
  /**
   * An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit.
   */
  pendingCleanupOn?: string;
}
/**
 * The least the LPAR may be started with (the partition profile's minimum processing units and memory): a flexible-capacity start never goes below it. Each dimension at most the LPAR's size.
 * @default its processorUnits and memoryGb (it starts at full size only)
 */
export interface LparSize {
  processorUnits: number;
  memoryGb: number;
}
/**
 * What the LPAR holds now when it was started below its size (a flexible-capacity start); its processorUnits and memoryGb stay the size it asks for.
 * @default absent: it holds its full size
 */
export interface LparSize1 {
  processorUnits: number;
  memoryGb: number;
}
/**
 * A client network adapter of an LPAR: a virtual Ethernet adapter on a virtual switch, or a logical port of a physical adapter (SR-IOV), which a remote restart cannot move.
 *
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "ClientNetworkAdapter".
 */
export interface ClientNetworkAdapter {
  /**
   * A virtual switch name as the HMC shows it (ETHERNET0 by default): letters, digits, '.', '_' and '-'.
   */
  switch: string;
  /**
   * An IEEE 802.1Q VLAN ID, 1-4094.
   */
  pvid: number;
  /**
   * Additional 802.1Q VLANs the adapter carries tagged.
   */
  taggedVlans?: VlanId[];
  /**
   * MAC address, 12 hex digits (colons allowed).
   */
  mac?: string;
  /**
   * virtual: a virtual Ethernet adapter, re-created on the target by a remote restart. sriov: an SR-IOV logical port, tied to a physical adapter of its system, which a remote restart cannot move.
   */
  kind?: "virtual" | "sriov";
  /**
   * The guest's IPv4 address on this adapter, when known: IP re-addressing rules apply to it.
   */
  ipAddress?: string;
}
/**
 * A SAN storage cluster such as IBM FlashSystem or SAN Volume Controller.
 *
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "StorageSystem".
 */
export interface StorageSystem {
  id: Id;
  name: string;
  site: Id;
  /**
   * Configuration commands applied at once: the configuration node serialises them (unconfirmed).
   */
  maxConcurrentConfigOps?: number;
  /**
   * offline after a site loss: the cluster answers no command and its remote-copy partners see it disconnected.
   */
  state?: "online" | "offline";
}
/**
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "Volume".
 */
export interface Volume {
  id: Id;
  name: string;
  storageSystem: Id;
  capacityGb: number;
}
/**
 * A volume presented to a managed system, through a VIOS (vSCSI) or to the LPAR's virtual Fibre Channel ports (NPIV).
 *
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "HostMapping".
 */
export interface HostMapping {
  volume: Id;
  /**
   * An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit.
   */
  host: string;
  via: "vscsi" | "npiv";
  /**
   * An identifier: letters, digits, '.', '_' and '-', starting with a letter or digit.
   */
  vios?: string;
  /**
   * vscsi only: whether the VIOS serves the volume to its client LPARs (its vSCSI mapping, mkvdev). false when only the SAN host mapping exists (mapVolume done, attachVirtualDisk not yet). Absent means true.
   */
  attached?: boolean;
}
/**
 * A remote-copy (Metro / Global Mirror) consistency group: volume pairs replicated together from the master to the auxiliary storage system.
 *
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "ConsistencyGroup".
 */
export interface ConsistencyGroup {
  id: Id;
  name: string;
  masterSystem: Id;
  auxSystem: Id;
  mode?: "sync" | "async";
  state?:
    | "consistent_synchronized"
    | "inconsistent_copying"
    | "consistent_stopped"
    | "consistent_disconnected"
    | "idling"
    | "idling_disconnected";
  /**
   * Which side is the copy source now.
   */
  primary?: "master" | "aux";
  /**
   * True after a failover (stoprcconsistgrp -access) made the secondaries writable.
   */
  auxWritable?: boolean;
  lagSeconds?: number;
  pairs: {
    master: Id;
    aux: Id;
  }[];
}
/**
 * A FlashCopy consistency group: point-in-time copies used by drills.
 *
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "FlashCopyGroup".
 */
export interface FlashCopyGroup {
  id: Id;
  name: string;
  storageSystem: Id;
  state?: "idle_or_copied" | "prepared" | "copying" | "stopped";
  maps: {
    source: Id;
    target: Id;
  }[];
}
/**
 * How the embedded simulator behaves: latencies, time scale, limits and injected faults.
 *
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "SimulationSettings".
 */
export interface SimulationSettings {
  seed?: number;
  /**
   * Wall-clock milliseconds per simulated millisecond: 0.001 runs a 120 s restart in 120 ms.
   */
  timeScale?: number;
  /**
   * Overrides of the default latency of each operation (see provider/model/latency.ts for the defaults and their sources).
   */
  latencies?: {
    [k: string]: Duration;
  };
  /**
   * Per managed system (by id), overrides of the latency of the operations run on it (a remote restart onto it, the boot of an LPAR there, its power-ons, shutdowns, fences and copies): real servers differ (firmware, load, memory to clear). Over `latencies` and the defaults; `vmr calibrate` fits them apart per system once measured often enough.
   */
  systemLatencies?: {
    [k: string]: {
      [k: string]: Duration;
    };
  };
  /**
   * What a component at its concurrency limit does with one more request: queue it, or refuse it with a transient 'busy' error.
   */
  whenBusy?: "queue" | "refuse";
  faults?: Faults;
  /**
   * Per managed system (by id), its own transient fault rates for the jobs run on it (a remote restart onto it, its power-ons, shutdowns, fences and copies), over `faults`: one flaky server or its firmware, not the whole site. `vmr calibrate` fits a system's fault rate apart once measured often enough.
   */
  systemFaults?: {
    [k: string]: SystemFaults;
  };
}
/**
 * A lognormal duration in seconds: median, and the 95th percentile (its spread).
 *
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "Duration".
 */
export interface Duration {
  medianSeconds: number;
  p95Seconds?: number;
}
/**
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "Faults".
 */
export interface Faults {
  /**
   * Probability that an operation fails with a transient error (seeded).
   */
  transientProbability?: number;
  /**
   * Probability that an accepted job fails part way through (seeded): it runs for a uniform share of its time, holding its slots, then fails transiently with nothing done, and the caller retries. Unlike transientProbability, the attempt costs time.
   */
  midJobProbability?: number;
  /**
   * Operations that always fail, as 'operation:objectId' (for example 'remoteRestart:lpar-00017').
   */
  permanent?: string[];
  /**
   * Managed systems that crash at a given simulated time after initialisation.
   */
  hostCrashes?: {
    host: Id;
    atSeconds: number;
  }[];
}
/**
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "SystemFaults".
 */
export interface SystemFaults {
  /**
   * As faults.transientProbability, for this system's jobs.
   */
  transientProbability?: number;
  /**
   * As faults.midJobProbability, for this system's jobs.
   */
  midJobProbability?: number;
}
/**
 * This interface was referenced by `Topology`'s JSON-Schema
 * via the `definition` "LparSize".
 */
export interface LparSize2 {
  processorUnits: number;
  memoryGb: number;
}
