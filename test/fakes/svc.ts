// A small, stateful fake of the IBM Spectrum Virtualize REST API, written from IBM's public
// documentation: POST /rest/v1/auth (X-Auth-Username / X-Auth-Password -> {"token"}), then
// POST /rest/v1/<command>[/<object>] with the command's named parameters as JSON and the token in
// X-Auth-Token. Answers are JSON lists (ls views) or objects, with the field names of the CLI's
// views as the IBM Storage Virtualize Ansible collection's tests show them; failures are HTTP 500
// carrying the CLI's CMMVC message (that collection reads the code from the body's text). An
// expired token answers 403. Unknown parameters are refused, as the CLI refuses them. The
// refusals drills meet: mapping exists (CMMVC5878E), object exists (CMMVC6035E), volume in use
// (CMMVC5840E), group not prepared (CMMVC5907E), source at its FlashCopy mapping limit.

import { randomUUID } from "crypto";
import { FakeServer, type FakeRequest, type FakeResponse } from "./server";

export interface FakeVdisk {
  id: string;
  name: string;
  /** vdisk_UID: 32 hex digits. */
  uid: string;
  capacity: number;
  pool: string;
}

export interface FakeRcGroup {
  id: string;
  name: string;
  state: string;
  primary: string;
  copyType: "metro" | "global";
  masterCluster: string;
  auxCluster: string;
}

export interface FakeFcGroup {
  id: string;
  name: string;
  status: string;
}

type Params = Record<string, unknown>;

const NOT_FOUND = "CMMVC5753E The specified object does not exist or is not a suitable candidate.";
const IN_USE = "CMMVC5840E The virtual disk (VDisk) was not deleted because it is mapped to a host or because it is part of a FlashCopy or Remote Copy mapping, or is involved in an image mode migrate.";
/** A source volume is in at most 256 FlashCopy mappings (IBM's FlashCopy mapping events: Create). */
export const MAX_FC_MAPS_PER_SOURCE = 256;

/** The named parameters each command accepts (a subset of the CLI's). */
const ACCEPTS: Record<string, readonly string[]> = {
  lssystem: [],
  lsvdisk: ["filtervalue", "bytes"],
  lshost: ["filtervalue"],
  lshostvdiskmap: [],
  lsvdiskhostmap: [],
  lsrcconsistgrp: ["filtervalue"],
  lsrcrelationship: ["filtervalue"],
  lsfcconsistgrp: ["filtervalue"],
  lsfcmap: ["filtervalue"],
  mkvdiskhostmap: ["host", "force", "scsi"],
  rmvdiskhostmap: ["host"],
  stoprcconsistgrp: ["access"],
  switchrcconsistgrp: ["primary"],
  startrcconsistgrp: ["primary", "force"],
  mkfcconsistgrp: ["name"],
  mkvdisk: ["name", "mdiskgrp", "iogrp", "size", "unit", "rsize", "autoexpand"],
  mkfcmap: ["source", "target", "consistgrp", "copyrate"],
  startfcconsistgrp: ["prep"],
  stopfcconsistgrp: ["force"],
  rmfcconsistgrp: ["force"],
  rmvdisk: ["force"],
};

class CliError extends Error {
  constructor(
    message: string,
    readonly status = 500,
  ) {
    super(message);
  }
}

export class FakeSvc extends FakeServer {
  readonly vdisks = new Map<string, FakeVdisk>();
  readonly hosts = new Map<string, string>();
  readonly maps: { host: string; vdisk: string; scsi: number }[] = [];
  readonly rcGroups = new Map<string, FakeRcGroup>();
  readonly rcRelationships: { name: string; group: string; master: string; aux: string }[] = [];
  readonly fcGroups = new Map<string, FakeFcGroup>();
  readonly fcMaps: { id: string; name: string; source: string; target: string; group: string }[] = [];
  readonly tokens = new Set<string>();
  readonly issuedTokens: string[] = [];
  /** Commands run, with their object: "mkvdiskhostmap vol1". */
  readonly commands: string[] = [];
  auths = 0;
  /** Called before each command runs: lets a test play another client acting in between. */
  beforeCommand: ((command: string, object: string | undefined, params: Record<string, unknown>) => void) | undefined;
  /** FlashCopy mappings other tools hold on a volume (counted in fc_map_count and against the limit). */
  readonly foreignFcMaps = new Map<string, number>();
  largestAnswer = 0;
  private nextId = 0;

  constructor(
    readonly username = "superuser",
    readonly password = "s3cr3t-\"SVC\"-pass",
    /** lssystem's name: the system's id in the inventory. */
    readonly systemName = "svc-dr",
  ) {
    super();
  }

  addVdisk(name: string, capacityGb = 100, pool = "Pool0"): FakeVdisk {
    const id = this.id();
    const v = { id, name, uid: `6005076801${Number(id).toString(16).toUpperCase().padStart(22, "0")}`, capacity: capacityGb * 1024 ** 3, pool };
    this.vdisks.set(name, v);
    return v;
  }

  addHost(name: string): void {
    this.hosts.set(name, this.id());
  }

  map(vdisk: string, host: string): void {
    this.maps.push({ host, vdisk, scsi: this.maps.filter((m) => m.host === host).length });
  }

  /** A remote-copy group; both partners list it (call this on each fake with the same clusters). */
  addRcGroup(name: string, pairs: [string, string][], state = "consistent_synchronized", copyType: "metro" | "global" = "metro", masterCluster = "svc-prod", auxCluster = this.systemName): FakeRcGroup {
    const g: FakeRcGroup = { id: this.id(), name, state, primary: "master", copyType, masterCluster, auxCluster };
    this.rcGroups.set(name, g);
    pairs.forEach(([master, aux], i) => this.rcRelationships.push({ name: `${name}_rel${i}`, group: name, master, aux }));
    return g;
  }

  expireTokens(): void {
    this.tokens.clear();
  }

  protected exempt(req: FakeRequest): boolean {
    return req.path === "/rest/v1/auth";
  }

  protected handle(req: FakeRequest): FakeResponse {
    if (req.method !== "POST") return { status: 405, body: "only POST is supported" };
    if (req.path === "/rest/v1/auth") return this.auth(req);
    const token = req.headers["x-auth-token"];
    if (typeof token !== "string" || !this.tokens.has(token)) return { status: 403, body: "Forbidden: token expired or invalid" };
    const m = /^\/rest\/v1\/([a-z]+)(?:\/([^/]+))?$/.exec(req.path);
    if (!m) return { status: 404, body: "no such endpoint" };
    const [, command, rawObject] = m;
    const object = rawObject === undefined ? undefined : decodeURIComponent(rawObject);
    let params: Params;
    try {
      params = req.body.trim() ? (JSON.parse(req.body) as Params) : {};
    } catch {
      return { status: 400, body: "CMMVC5709E The request body is not valid JSON." };
    }
    const accepted = ACCEPTS[command];
    if (!accepted) return { status: 400, body: `CMMVC6051E An unsupported command was entered: ${command}` };
    const unknown = Object.keys(params).filter((p) => !accepted.includes(p));
    if (unknown.length > 0) return { status: 400, body: `CMMVC5709E [-${unknown[0]}] is not a supported parameter.` };
    try {
      this.commands.push(object === undefined ? command : `${command} ${object}`);
      this.beforeCommand?.(command, object, params);
      const answer = this.run(command, object, params);
      if (Array.isArray(answer)) this.largestAnswer = Math.max(this.largestAnswer, answer.length);
      return { status: 200, headers: { "Content-Type": "application/json" }, body: answer === undefined ? "" : JSON.stringify(answer) };
    } catch (err) {
      if (err instanceof CliError) return { status: err.status, headers: { "Content-Type": "text/plain" }, body: err.message };
      throw err;
    }
  }

  private auth(req: FakeRequest): FakeResponse {
    if (req.headers["x-auth-username"] !== this.username || req.headers["x-auth-password"] !== this.password) {
      return { status: 403, body: "Authentication failed" };
    }
    const token = randomUUID().replace(/-/g, "");
    this.tokens.add(token);
    this.issuedTokens.push(token);
    this.auths++;
    return { status: 200, headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token }) };
  }

  private run(command: string, object: string | undefined, p: Params): unknown {
    switch (command) {
      case "lssystem":
        return { id: "0000020420400001", name: this.systemName, location: "local", code_level: "8.5.0.0" };
      case "lsvdisk":
        if (object !== undefined) return this.vdiskRow(this.vdisk(object), true);
        return filter([...this.vdisks.values()].map((v) => this.vdiskRow(v, p.bytes === true)), p.filtervalue);
      case "lshost":
        return filter([...this.hosts.entries()].map(([name, id]) => ({ id, name, port_count: "2", iogrp_count: "4", status: "online" })), p.filtervalue);
      case "lshostvdiskmap": {
        const host = this.host(object);
        return this.maps.filter((m) => m.host === host).map((m) => ({ id: this.hosts.get(host)!, name: host, SCSI_id: String(m.scsi), vdisk_id: this.vdisk(m.vdisk).id, vdisk_name: m.vdisk, vdisk_UID: "60050768" }));
      }
      case "lsvdiskhostmap": {
        const v = this.vdisk(object);
        return this.maps.filter((m) => m.vdisk === v.name).map((m) => ({ id: v.id, name: v.name, SCSI_id: String(m.scsi), host_id: this.hosts.get(m.host)!, host_name: m.host, vdisk_UID: "60050768" }));
      }
      case "lsrcconsistgrp":
        if (object !== undefined) return this.rcRow(this.rcGroup(object));
        return filter([...this.rcGroups.values()].map((g) => this.rcRow(g)), p.filtervalue);
      case "lsrcrelationship":
        return filter(
          this.rcRelationships.map((r) => {
            const g = this.rcGroups.get(r.group)!;
            // Each partner holds one side of the pair: the local volume's id.
            return { id: (this.vdisks.get(r.aux) ?? this.vdisks.get(r.master))?.id ?? "", name: r.name, master_cluster_name: g.masterCluster, master_vdisk_name: r.master, aux_cluster_name: g.auxCluster, aux_vdisk_name: r.aux, primary: g.primary, consistency_group_id: g.id, consistency_group_name: g.name, state: g.state, copy_type: g.copyType };
          }),
          p.filtervalue,
        );
      case "lsfcconsistgrp":
        if (object !== undefined) return this.fcRow(this.fcGroup(object));
        return filter([...this.fcGroups.values()].map((g) => this.fcRow(g)), p.filtervalue);
      case "lsfcmap":
        return filter(
          this.fcMaps.map((m) => ({ id: m.id, name: m.name, source_vdisk_name: m.source, target_vdisk_name: m.target, group_id: this.fcGroup(m.group).id, group_name: m.group, status: this.fcGroup(m.group).status, copy_rate: "0" })),
          p.filtervalue,
        );
      case "mkvdiskhostmap": {
        const v = this.vdisk(object);
        const host = this.host(String(p.host));
        const current = this.maps.filter((m) => m.vdisk === v.name);
        if (current.some((m) => m.host === host)) throw new CliError("CMMVC5878E The VDisk-to-host mapping was not created because this VDisk is already mapped to this host.");
        if (current.length > 0 && p.force !== true) throw new CliError("CMMVC6071E The VDisk-to-host mapping was not created because the VDisk is already mapped to a host.");
        this.map(v.name, host);
        return { id: String(this.maps.length - 1), message: "Virtual Disk to Host map, id [0], successfully created" };
      }
      case "rmvdiskhostmap": {
        const v = this.vdisk(object);
        const i = this.maps.findIndex((m) => m.vdisk === v.name && m.host === p.host);
        if (i < 0) throw new CliError("CMMVC5842E The action failed because an entity that was specified in the command does not exist.");
        this.maps.splice(i, 1);
        return undefined;
      }
      case "stoprcconsistgrp": {
        const g = this.rcGroup(object);
        if (!g.state.startsWith("consistent")) throw new CliError(`CMMVC5950E The relationship or consistency group is in state ${g.state}: cannot enable access.`);
        g.state = p.access === true ? "idling" : "consistent_stopped";
        if (p.access === true) g.primary = "";
        return undefined;
      }
      case "switchrcconsistgrp": {
        const g = this.rcGroup(object);
        if (g.state !== "consistent_synchronized") throw new CliError(`CMMVC5974E The operation was not performed because the consistency group is ${g.state}.`);
        g.primary = String(p.primary);
        return undefined;
      }
      case "startrcconsistgrp": {
        const g = this.rcGroup(object);
        if (g.state.startsWith("idling")) {
          if (p.primary !== "master" && p.primary !== "aux") throw new CliError("CMMVC5963E The direction has not been defined.");
          g.primary = p.primary;
        } else if (p.primary !== undefined) throw new CliError("CMMVC5964E The primary is already defined.");
        g.state = "consistent_synchronized";
        return undefined;
      }
      case "mkfcconsistgrp": {
        const name = String(p.name);
        if (this.fcGroups.has(name)) throw new CliError("CMMVC6035E The action failed as the object already exists.");
        const g = { id: this.id(), name, status: "empty" };
        this.fcGroups.set(name, g);
        return { id: g.id, message: `FlashCopy Consistency Group, id [${g.id}], successfully created` };
      }
      case "mkvdisk": {
        const name = String(p.name);
        if (this.vdisks.has(name)) throw new CliError("CMMVC6035E The action failed as the object already exists.");
        if (p.unit !== "b") throw new CliError("CMMVC5731E the fake expects -unit b");
        const v = this.addVdisk(name, Number(p.size) / 1024 ** 3, String(p.mdiskgrp));
        return { id: v.id, message: `Virtual Disk, id [${v.id}], successfully created` };
      }
      case "mkfcmap": {
        const source = this.vdisk(String(p.source));
        const target = this.vdisk(String(p.target));
        const group = this.fcGroup(String(p.consistgrp));
        if (source.capacity !== target.capacity) throw new CliError("CMMVC5924E The FlashCopy mapping was not created because the source and target virtual disks are different sizes.");
        if (this.fcMaps.some((m) => m.target === target.name)) throw new CliError("CMMVC6425E The target volume is already the target of a FlashCopy mapping.");
        if (this.fcMapCount(source.name) >= MAX_FC_MAPS_PER_SOURCE) throw new CliError(`CMMVC6426E The FlashCopy mapping was not created because the source volume is already in the maximum number (${MAX_FC_MAPS_PER_SOURCE}) of FlashCopy mappings.`);
        const id = this.id();
        this.fcMaps.push({ id, name: `fcmap${id}`, source: source.name, target: target.name, group: group.name });
        group.status = "idle_or_copied";
        return { id, message: `FlashCopy Mapping, id [${id}], successfully created` };
      }
      case "startfcconsistgrp": {
        const g = this.fcGroup(object);
        if (g.status !== "prepared" && p.prep !== true) throw new CliError("CMMVC5907E The FlashCopy mapping or consistency group was not started because the mapping or consistency group is not in the prepared state.");
        g.status = "copying";
        return undefined;
      }
      case "stopfcconsistgrp":
        this.fcGroup(object).status = "stopped";
        return undefined;
      case "rmfcconsistgrp": {
        const g = this.fcGroup(object);
        const maps = this.fcMaps.filter((m) => m.group === g.name);
        if (maps.length > 0 && p.force !== true) throw new CliError("CMMVC5936E The FlashCopy consistency group contains mappings: use -force.");
        if (g.status === "copying") throw new CliError("CMMVC5903E The group is copying: stop it first.");
        for (const m of maps) this.fcMaps.splice(this.fcMaps.indexOf(m), 1);
        this.fcGroups.delete(g.name);
        return undefined;
      }
      case "rmvdisk": {
        const v = this.vdisk(object);
        if (this.maps.some((m) => m.vdisk === v.name)) throw new CliError(IN_USE);
        if (this.fcMaps.some((m) => m.source === v.name || m.target === v.name)) throw new CliError(IN_USE);
        this.vdisks.delete(v.name);
        return undefined;
      }
      default:
        throw new CliError(`CMMVC6051E An unsupported command was entered: ${command}`, 400);
    }
  }

  private fcMapCount(vdisk: string): number {
    return this.fcMaps.filter((m) => m.source === vdisk || m.target === vdisk).length + (this.foreignFcMaps.get(vdisk) ?? 0);
  }

  private id(): string {
    return String(this.nextId++);
  }

  private vdisk(name: string | undefined): FakeVdisk {
    const v = name === undefined ? undefined : (this.vdisks.get(name) ?? [...this.vdisks.values()].find((x) => x.id === name));
    if (!v) throw new CliError(NOT_FOUND);
    return v;
  }

  private host(name: string | undefined): string {
    if (name === undefined || !this.hosts.has(name)) throw new CliError(NOT_FOUND);
    return name;
  }

  private rcGroup(name: string | undefined): FakeRcGroup {
    const g = name === undefined ? undefined : this.rcGroups.get(name);
    if (!g) throw new CliError(NOT_FOUND);
    return g;
  }

  private fcGroup(name: string | undefined): FakeFcGroup {
    const g = name === undefined ? undefined : this.fcGroups.get(name);
    if (!g) throw new CliError(NOT_FOUND);
    return g;
  }

  private vdiskRow(v: FakeVdisk, bytes: boolean): Record<string, string> {
    const rc = this.rcRelationships.find((r) => r.aux === v.name || r.master === v.name);
    return {
      id: v.id,
      name: v.name,
      IO_group_id: "0",
      IO_group_name: "io_grp0",
      status: "online",
      mdisk_grp_id: "0",
      mdisk_grp_name: v.pool,
      capacity: bytes ? String(v.capacity) : `${(v.capacity / 1024 ** 3).toFixed(2)}GB`,
      type: "striped",
      RC_name: rc?.name ?? "",
      vdisk_UID: v.uid,
      fc_map_count: String(this.fcMapCount(v.name)),
      copy_count: "1",
    };
  }

  private rcRow(g: FakeRcGroup): Record<string, string> {
    return {
      id: g.id,
      name: g.name,
      master_cluster_name: g.masterCluster,
      aux_cluster_name: g.auxCluster,
      primary: g.primary,
      state: g.state,
      relationship_count: String(this.rcRelationships.filter((r) => r.group === g.name).length),
      freeze_time: "",
      status: "",
      sync: "",
      copy_type: g.copyType,
      cycling_mode: "",
    };
  }

  private fcRow(g: FakeFcGroup): Record<string, string> {
    return { id: g.id, name: g.name, status: g.status, autodelete: "off", start_time: "" };
  }
}

/** The UniqueDeviceID AIX gives a Spectrum Virtualize disk under MPIO: the volume UID inside. */
export function udidOf(vdisk: FakeVdisk): string {
  return `33213${vdisk.uid}04214503IBMfcp`;
}

/** Applies a -filtervalue "attr=value" (value may end with "*"), as the CLI does. */
function filter<T extends Record<string, string>>(rows: T[], filtervalue: unknown): T[] {
  if (filtervalue === undefined) return rows;
  const m = /^(\w+)=(.*)$/.exec(String(filtervalue));
  if (!m) throw new CliError(`CMMVC5741E The filter value ${String(filtervalue)} is not valid.`, 400);
  const [, attr, value] = m;
  return rows.filter((r) => (value.endsWith("*") ? (r[attr] ?? "").startsWith(value.slice(0, -1)) : r[attr] === value));
}
