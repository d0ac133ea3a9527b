// Applying a NetworkMapping to an LPAR's client virtual Ethernet adapters on the HMC. IBM's
// RemoteRestart job takes no VLAN or virtual-switch mapping (its parameters, per the HMC REST
// reference: Operation, targetManagedSystemUUID, vlanbridge, force, usecurrdata, retaindev,
// virtualFCMappings...; see docs/hardware.md), so the mapping is a step of its own: each
// ClientNetworkAdapter is read, its PortVLANID, TaggedVLANIDs and AssociatedVirtualSwitch changed
// in the element as read, and POSTed back with If-Match (the way SimplifiedRemoteRestartCapable
// is changed). Adapters are matched by MAC address, which a remote restart keeps.
//
// Tagged VLANs can change on a running partition (DLPAR); the PVID and the switch only while it is
// not activated (HMC CLI documentation of the virtual Ethernet attributes). So after a remote
// restart, which activates the partition, a PVID or switch change powers it off at once, changes
// the adapters, and powers it on again; after an inactive migration (a planned move, a failback)
// the partition is not activated yet, and the change is made before its power-on step.

import { AdapterError } from "../../../errors";
import type { ClientNetworkAdapter } from "../../../model";
import type { HmcContext } from "../context";
import { UOM } from "../directory";
import type { HmcLpar } from "../inventory";
import { parseClientAdapter, readClientAdapters, readSwitches, type HmcClientAdapter, type HmcSwitch } from "../network";
import { feedEntries, MalformedAnswer, parseXml } from "../xml";
import { isActive, lparPath } from "./power";

const CNA_TYPE = "application/vnd.ibm.powervm.uom+xml; type=ClientNetworkAdapter";

/** One adapter to change: the CNA as read, and what it must become. */
interface Change {
  readonly cna: HmcClientAdapter;
  readonly pvid: number;
  readonly tagged: readonly number[];
  readonly switch: HmcSwitch;
  /** The PVID or the switch changes: the partition must not be activated. */
  readonly offline: boolean;
}

/**
 * Puts the LPAR's adapters on the mapped switch and VLANs on the system it is defined on now.
 * Returns the number of adapters changed (0: nothing to do). `label` names the operation.
 */
export async function applyAdapters(ctx: HmcContext, lpar: HmcLpar, wanted: readonly ClientNetworkAdapter[], label: string, objectId: string): Promise<number> {
  const virtual = wanted.filter((a) => (a.kind ?? "virtual") === "virtual");
  if (virtual.length === 0) return 0;
  const changes = await plannedChanges(ctx, lpar, virtual, label, objectId);
  if (changes.length === 0) return 0;
  const offline = changes.some((c) => c.offline) && isActive(lpar);
  if (offline) {
    ctx.log.warn(`${label} ${objectId}: its mapped PVID or virtual switch can only be set while the partition is not activated: powering it off, changing ${changes.length} adapter(s), powering it on`);
    await ctx.runJob({ objectPath: lparPath(lpar), operation: "PowerOff", group: "LogicalPartition", parameters: { operation: "shutdown", immediate: "true" }, label, objectId });
  }
  for (const c of changes) await postChange(ctx, lpar, c, label, objectId);
  if (offline) await ctx.runJob({ objectPath: lparPath(lpar), operation: "PowerOn", group: "LogicalPartition", parameters: {}, label, objectId });
  return changes.length;
}

async function plannedChanges(ctx: HmcContext, lpar: HmcLpar, wanted: readonly ClientNetworkAdapter[], label: string, objectId: string): Promise<Change[]> {
  let cnas: HmcClientAdapter[];
  let switches: readonly HmcSwitch[];
  try {
    cnas = [...(await readClientAdapters(ctx.session, lpar.uuid, objectId))].sort((a, b) => a.slot - b.slot);
    switches = (await readSwitches(ctx.session, lpar.systemUuid, objectId)) ?? [];
  } catch (err) {
    if (!(err instanceof MalformedAnswer)) throw err;
    throw new AdapterError("fatal", label, objectId, `malformed answer from the HMC: ${err.message}`);
  }
  const changes: Change[] = [];
  wanted.forEach((w, i) => {
    // By MAC when the model knows it; else the i-th virtual adapter in slot order (as discovered).
    const cna = w.mac ? cnas.find((c) => c.mac === normalMac(w.mac as string)) : cnas[i];
    if (!cna) {
      throw new AdapterError("conflict", label, objectId, `the partition has no client network adapter ${w.mac ? `with MAC ${w.mac}` : `number ${i}`} to put on ${w.switch} VLAN ${w.pvid}: its adapters are ${cnas.map((c) => c.mac).join(", ") || "none"}`);
    }
    const sw = switches.find((s) => s.name === w.switch);
    if (!sw) throw new AdapterError("conflict", label, objectId, `its system has no virtual switch ${w.switch} for adapter ${cna.mac}: create it there, or map the adapter to one of ${switches.map((s) => s.name).join(", ") || "its switches"}`);
    const tagged = [...(w.taggedVlans ?? [])];
    const same = cna.pvid === w.pvid && cna.switchId === sw.id && sameSet(cna.taggedVlans, tagged);
    if (!same) changes.push({ cna, pvid: w.pvid, tagged, switch: sw, offline: cna.pvid !== w.pvid || cna.switchId !== sw.id });
  });
  return changes;
}

/** GET the adapter, change its three elements in the element as read, POST it back with its ETag. */
async function postChange(ctx: HmcContext, lpar: HmcLpar, c: Change, label: string, objectId: string): Promise<void> {
  const path = `${UOM}/LogicalPartition/${lpar.uuid}/ClientNetworkAdapter/${c.cna.uuid}`;
  const res = await ctx.session.send({ method: "GET", path, operation: label, objectId });
  let element: string;
  let etag: string | undefined;
  try {
    const entry = feedEntries(parseXml(res.body), path)[0];
    if (!entry) throw new MalformedAnswer("no ClientNetworkAdapter entry");
    etag = headerValue(res.headers.etag) ?? parseClientAdapter(entry).etag;
    const match = /<((?:\w+:)?ClientNetworkAdapter)\b[\s\S]*<\/\1>/.exec(res.body);
    if (!match) throw new MalformedAnswer("no <ClientNetworkAdapter> element in the entry");
    element = match[0];
  } catch (err) {
    if (!(err instanceof MalformedAnswer)) throw err;
    throw new AdapterError("fatal", label, objectId, `malformed answer from the HMC: ${err.message}`);
  }
  // The switch link keeps the HMC's own address; only the system and switch UUIDs change.
  // VirtualSwitchID is read-only (kb="ROR"): the HMC derives it from the link.
  const changed = element
    .replace(/(<(?:\w+:)?PortVLANID\b[^>]*>)[^<]*(<\/(?:\w+:)?PortVLANID>)/, `$1${c.pvid}$2`)
    .replace(/<((?:\w+:)?TaggedVLANIDs)\b([^>]*?)\s*(?:\/>|>[^<]*<\/\1>)/, `<$1$2>${c.tagged.join(" ")}</$1>`)
    .replace(
      /(<(?:\w+:)?AssociatedVirtualSwitch\b[^>]*>\s*<(?:\w+:)?link\b[^>]*\bhref="[^"]*?\/ManagedSystem\/)[^/"]+\/VirtualSwitch\/[^"/?]+/,
      `$1${lpar.systemUuid}/VirtualSwitch/${c.switch.uuid}`,
    );
  await ctx.session.send({ method: "POST", path, body: changed, contentType: CNA_TYPE, ifMatch: etag, operation: label, objectId });
}

export function normalMac(mac: string): string {
  return mac.replace(/[^0-9A-Fa-f]/g, "").toUpperCase();
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
