// The network of managed systems and LPARs as the HMC REST API shows it, read into the model's
// virtual switches (with the VLANs each VIOS bridges) and client network adapters. Element names
// and shapes follow captured HMC answers (pypowervm's vswitch, VIOS and ClientNetworkAdapter test
// data; see docs/hardware.md, "Fidelity"):
// - ManagedSystem/{uuid}/VirtualSwitch: SwitchID, SwitchName ("ETHERNET0(Default)" for the
//   default switch, which partitions know as ETHERNET0), SwitchMode.
// - ManagedSystem/{uuid}/VirtualIOServer?group=ViosNetwork: each VIOS's SharedEthernetAdapters,
//   whose TrunkAdapters carry PortVLANID, TaggedVLANIDs (space-separated) and VirtualSwitchID
//   (the trunks inside a SEA carry no AssociatedVirtualSwitch link, only the switch's number).
// - LogicalPartition/{uuid}/ClientNetworkAdapter: MACAddress, PortVLANID, TaggedVLANIDs,
//   VirtualSwitchID, AssociatedVirtualSwitch/link, VirtualSlotNumber.
// - LogicalPartition/{uuid}/SRIOVEthernetLogicalPort: MACAddress, PortVLANID.
// An LPAR entry lists its adapters as links (ClientNetworkAdapters, SRIOVEthernetLogicalPorts):
// only LPARs that list some are asked for them.

import type { ClientNetworkAdapter, SeaBridge, VirtualSwitch } from "../../model";
import { UOM } from "./directory";
import { AdapterError } from "../../errors";
import type { Semaphore } from "../http/limiter";
import type { AdapterLog } from "../http/log";
import { isSystemDown } from "./states";
import type { HmcSession } from "./session";
import { asList, child, entryEtag, entryObject, feedEntries, isNode, linkedUuids, MalformedAnswer, parseXml, requireText, textAt, uuidOfHref, type XmlNode } from "./xml";

/** A virtual switch as the HMC reports it. */
export interface HmcSwitch {
  readonly uuid: string;
  /** SwitchID: the number trunk and client adapters name it by. */
  readonly id: number;
  /** The name partitions know it by (ETHERNET0 for the default switch). */
  readonly name: string;
}

/** The VLANs one VIOS's shared Ethernet adapters bridge, per switch number, and whether it runs. */
export interface HmcViosNetwork {
  readonly uuid: string;
  readonly name: string;
  /** PartitionState, lower case. */
  readonly state: string;
  readonly bridged: ReadonlyMap<number, readonly number[]>;
}

/** A client virtual Ethernet adapter of an LPAR, with what updating it needs. */
export interface HmcClientAdapter {
  readonly uuid: string;
  readonly slot: number;
  readonly mac: string;
  readonly pvid: number;
  readonly taggedVlans: readonly number[];
  readonly switchId: number;
  readonly switchUuid: string | undefined;
  readonly etag: string | undefined;
}

/** The default switch's API name carries this suffix; partitions and the CLI name it without. */
const DEFAULT_SUFFIX = "(Default)";

export function parseSwitch(entry: XmlNode): HmcSwitch {
  const sw = entryObject(entry, "VirtualSwitch");
  const uuid = textAt(sw, "Metadata", "Atom", "AtomID") ?? textAt(entry, "id");
  if (!uuid) throw new MalformedAnswer("VirtualSwitch entry has no id");
  const what = `VirtualSwitch ${uuid}`;
  const raw = requireText(sw, what, "SwitchName");
  return { uuid, id: intAt(sw, what, "SwitchID"), name: raw.endsWith(DEFAULT_SUFFIX) ? raw.slice(0, -DEFAULT_SUFFIX.length) : raw };
}

export function parseViosNetwork(entry: XmlNode): HmcViosNetwork {
  const vios = entryObject(entry, "VirtualIOServer");
  const uuid = textAt(vios, "PartitionUUID") ?? textAt(vios, "Metadata", "Atom", "AtomID") ?? textAt(entry, "id");
  if (!uuid) throw new MalformedAnswer("VirtualIOServer entry has no id");
  const what = `VirtualIOServer ${uuid}`;
  const bridged = new Map<number, Set<number>>();
  for (const sea of asList(child(vios, "SharedEthernetAdapters", "SharedEthernetAdapter"))) {
    for (const trunk of asList(child(sea, "TrunkAdapters", "TrunkAdapter"))) {
      const sw = intAt(trunk, `${what} trunk adapter`, "VirtualSwitchID");
      const set = bridged.get(sw) ?? new Set<number>();
      for (const v of [intAt(trunk, `${what} trunk adapter`, "PortVLANID"), ...vlanList(textAt(trunk, "TaggedVLANIDs"), what)]) set.add(v);
      bridged.set(sw, set);
    }
  }
  return {
    uuid,
    name: textAt(vios, "PartitionName") ?? uuid,
    state: (textAt(vios, "PartitionState") ?? "running").toLowerCase(),
    bridged: new Map([...bridged].map(([sw, vlans]) => [sw, [...vlans].sort((a, b) => a - b)])),
  };
}

export function parseClientAdapter(entry: XmlNode): HmcClientAdapter {
  const cna = entryObject(entry, "ClientNetworkAdapter");
  const uuid = textAt(cna, "Metadata", "Atom", "AtomID") ?? textAt(entry, "id");
  if (!uuid) throw new MalformedAnswer("ClientNetworkAdapter entry has no id");
  const what = `ClientNetworkAdapter ${uuid}`;
  return {
    uuid,
    slot: intAt(cna, what, "VirtualSlotNumber"),
    mac: requireText(cna, what, "MACAddress").toUpperCase(),
    pvid: intAt(cna, what, "PortVLANID"),
    taggedVlans: vlanList(textAt(cna, "TaggedVLANIDs"), what),
    switchId: intAt(cna, what, "VirtualSwitchID"),
    switchUuid: linkedUuids(child(cna, "AssociatedVirtualSwitch"))[0],
    etag: entryEtag(entry),
  };
}

export function parseSriovPort(entry: XmlNode): { mac: string; pvid: number } {
  const port = entryObject(entry, "SRIOVEthernetLogicalPort");
  const what = `SRIOVEthernetLogicalPort ${textAt(port, "LogicalPortID") ?? "?"}`;
  return { mac: requireText(port, what, "MACAddress").toUpperCase(), pvid: intAt(port, what, "PortVLANID") };
}

/** The model's virtual switches of a system: per switch, the VLANs each VIOS bridges on it. */
export function toVirtualSwitches(switches: readonly HmcSwitch[], vioses: readonly HmcViosNetwork[]): VirtualSwitch[] {
  return switches.map((sw) => {
    const bridges: SeaBridge[] = vioses.flatMap((v) => {
      const vlans = v.bridged.get(sw.id);
      return vlans && vlans.length > 0 ? [{ vios: v.uuid, vlans: [...vlans] }] : [];
    });
    return { name: sw.name, bridges };
  });
}

/** A VIOS that is not running bridges nothing: its bridges are lost until it is back. */
export function failedVioses(vioses: readonly HmcViosNetwork[]): string[] {
  return vioses.filter((v) => v.state !== "running").map((v) => v.uuid);
}

/** The model's adapters of an LPAR: its virtual Ethernet adapters in slot order, then its SR-IOV ports. */
export function toAdapters(cnas: readonly HmcClientAdapter[], sriov: readonly { mac: string; pvid: number }[], switchNames: ReadonlyMap<number, string>): ClientNetworkAdapter[] {
  const virtual = [...cnas]
    .sort((a, b) => a.slot - b.slot)
    .map((c): ClientNetworkAdapter => ({ switch: switchNames.get(c.switchId) ?? `switch-${c.switchId}`, pvid: c.pvid, taggedVlans: [...c.taggedVlans], mac: c.mac, kind: "virtual" }));
  // An SR-IOV port is on no virtual switch; the name only says so (it cannot move anyway).
  const ports = sriov.map((p): ClientNetworkAdapter => ({ switch: "SRIOV", pvid: p.pvid, mac: p.mac, kind: "sriov" }));
  return [...virtual, ...ports];
}

/** The network of one managed system: its switches (by number, for adapters) and its VIOSes' bridges. */
export interface SystemNetwork {
  readonly switches: readonly HmcSwitch[];
  readonly vioses: readonly HmcViosNetwork[];
}

/**
 * Reads a system's virtual switches and its VIOSes' shared Ethernet adapters. A system whose
 * switches the HMC does not serve (404: an older level, or no connection) models no network.
 */
export async function readSystemNetwork(session: HmcSession, systemUuid: string, objectId: string): Promise<SystemNetwork | undefined> {
  const switches = await readSwitches(session, systemUuid, objectId);
  if (switches === undefined) return undefined;
  const vioses = (await readFeed(session, `${UOM}/ManagedSystem/${systemUuid}/VirtualIOServer?group=ViosNetwork`, objectId, true)) ?? [];
  return { switches, vioses: vioses.map(parseViosNetwork) };
}

/** A system's virtual switches; undefined when the HMC does not serve them (404). */
export async function readSwitches(session: HmcSession, systemUuid: string, objectId: string): Promise<HmcSwitch[] | undefined> {
  return (await readFeed(session, `${UOM}/ManagedSystem/${systemUuid}/VirtualSwitch`, objectId, true))?.map(parseSwitch);
}

/** Switch 0 is the default switch, ETHERNET0, unless renamed: the names when none could be read. */
const DEFAULT_SWITCH_NAMES: ReadonlyMap<number, string> = new Map([[0, "ETHERNET0"]]);

/** An LPAR's client virtual Ethernet adapters. */
export async function readClientAdapters(session: HmcSession, lparUuid: string, objectId: string): Promise<HmcClientAdapter[]> {
  return ((await readFeed(session, `${UOM}/LogicalPartition/${lparUuid}/ClientNetworkAdapter`, objectId, false)) ?? []).map(parseClientAdapter);
}

/** An LPAR's SR-IOV Ethernet logical ports. */
export async function readSriovPorts(session: HmcSession, lparUuid: string, objectId: string): Promise<{ mac: string; pvid: number }[]> {
  return ((await readFeed(session, `${UOM}/LogicalPartition/${lparUuid}/SRIOVEthernetLogicalPort`, objectId, false)) ?? []).map(parseSriovPort);
}

/** How many client adapters and SR-IOV ports an LPAR entry lists (links), to know whether to read them. */
export function listedAdapters(lp: XmlNode): { cnas: number; sriov: number } {
  return { cnas: linkCount(child(lp, "ClientNetworkAdapters")), sriov: linkCount(child(lp, "SRIOVEthernetLogicalPorts")) };
}

function linkCount(node: unknown): number {
  return asList(child(node, "link")).filter((l) => isNode(l) && typeof l["@_href"] === "string" && uuidOfHref(l["@_href"]) !== undefined).length;
}

async function readFeed(session: HmcSession, path: string, objectId: string, absentIsUnknown: boolean): Promise<XmlNode[] | undefined> {
  let res;
  try {
    res = await session.send({ method: "GET", path, operation: "inventory", objectId });
  } catch (err) {
    if (absentIsUnknown && (err as { failure?: string }).failure === "notFound") return undefined;
    throw err;
  }
  if (res.status === 204 || res.body.trim() === "") return [];
  return feedEntries(parseXml(res.body), path.split("?")[0]);
}

function intAt(node: unknown, what: string, name: string): number {
  const text = requireText(node, what, name);
  const n = Number(text);
  if (!Number.isInteger(n)) throw new MalformedAnswer(`${what}: <${name}> is not a whole number: ${JSON.stringify(text)}`);
  return n;
}

/** TaggedVLANIDs: VLAN IDs separated by spaces (commas tolerated), empty when none. */
function vlanList(text: string | undefined, what: string): number[] {
  if (!text) return [];
  return text
    .split(/[\s,]+/)
    .filter((t) => t !== "")
    .map((t) => {
      const n = Number(t);
      if (!Number.isInteger(n) || n < 1 || n > 4094) throw new MalformedAnswer(`${what}: <TaggedVLANIDs> holds ${JSON.stringify(t)}, not a VLAN ID 1-4094`);
      return n;
    });
}

/** What the inventory learnt of the network, by HMC UUID. */
export interface DiscoveredNetwork {
  /** Per system: its switches with their bridges, and its VIOSes that are down. */
  readonly systems: Map<string, { virtualSwitches: VirtualSwitch[]; failedVioses: string[]; switchNames: Map<number, string> }>;
  /** Per LPAR that lists adapters: its adapters in the model's terms. */
  readonly adapters: Map<string, ClientNetworkAdapter[]>;
}

/**
 * Reads the network of every system (two feeds each) and the adapters of every LPAR that lists
 * some (one or two feeds each), at most `parallel` requests at a time. A system that is down
 * (a lost site) is not asked for its VIOSes (they cannot answer, and nothing is placed on it);
 * its switches are asked for their names only, and its LPARs' adapters are still read (a
 * failover maps them). What the HMC cannot give for a down system is warned about, not fatal:
 * switch 0 is then ETHERNET0 (the default switch), and an LPAR without readable adapters has an
 * unknown network rather than the whole inventory lost.
 */
export async function discoverNetwork(
  session: HmcSession,
  systems: readonly { uuid: string; name: string; state: string }[],
  lpars: readonly { uuid: string; name: string; systemUuid: string; listedAdapters: { cnas: number; sriov: number } }[],
  parallel: Semaphore,
  log: AdapterLog,
): Promise<DiscoveredNetwork> {
  const out: DiscoveredNetwork = { systems: new Map(), adapters: new Map() };
  const down = new Set(systems.filter((s) => isSystemDown(s.state)).map((s) => s.uuid));
  const downNames = new Map<string, Map<number, string>>();
  const tolerated = (err: unknown): boolean => err instanceof AdapterError && err.failure !== "transient";
  await Promise.all(
    systems.map(async (s) => {
      if (!down.has(s.uuid)) {
        const net = await parallel.run(() => readSystemNetwork(session, s.uuid, s.name));
        if (net) out.systems.set(s.uuid, systemModel(net));
        return;
      }
      try {
        const switches = await parallel.run(() => readSwitches(session, s.uuid, s.name));
        downNames.set(s.uuid, new Map((switches ?? []).map((sw) => [sw.id, sw.name])));
      } catch (err) {
        if (!tolerated(err)) throw err;
        log.warn(`the HMC gives no virtual switches for ${s.name}, which is down (${(err as Error).message}): switch 0 is taken as ETHERNET0`);
      }
    }),
  );
  await Promise.all(
    lpars.map(async (l) => {
      const names = out.systems.get(l.systemUuid)?.switchNames ?? downNames.get(l.systemUuid) ?? DEFAULT_SWITCH_NAMES;
      let adapters: ClientNetworkAdapter[] | undefined;
      try {
        adapters = await readLparAdapters(session, l, names, parallel);
      } catch (err) {
        if (!down.has(l.systemUuid) || !tolerated(err)) throw err;
        log.warn(`the HMC gives no network adapters for LPAR ${l.name}, whose system is down (${(err as Error).message}): its NetworkMapping cannot be applied by this run`);
      }
      if (adapters) out.adapters.set(l.uuid, adapters);
    }),
  );
  return out;
}

export function systemModel(net: SystemNetwork): { virtualSwitches: VirtualSwitch[]; failedVioses: string[]; switchNames: Map<number, string> } {
  return { virtualSwitches: toVirtualSwitches(net.switches, net.vioses), failedVioses: failedVioses(net.vioses), switchNames: new Map(net.switches.map((s) => [s.id, s.name])) };
}

/** An LPAR's adapters in the model's terms; undefined when its entry lists none. */
export async function readLparAdapters(
  session: HmcSession,
  l: { uuid: string; name: string; listedAdapters: { cnas: number; sriov: number } },
  switchNames: ReadonlyMap<number, string>,
  parallel: Semaphore,
): Promise<ClientNetworkAdapter[] | undefined> {
  if (l.listedAdapters.cnas === 0 && l.listedAdapters.sriov === 0) return undefined;
  const cnas = l.listedAdapters.cnas > 0 ? await parallel.run(() => readClientAdapters(session, l.uuid, l.name)) : [];
  const sriov = l.listedAdapters.sriov > 0 ? await parallel.run(() => readSriovPorts(session, l.uuid, l.name)) : [];
  return toAdapters(cnas, sriov, switchNames);
}
