// A small, stateful fake of the HMC REST API. Its answers follow the shapes of real HMC answers
// as captured in public test data (pypowervm's ManagedSystem, LogicalPartition, VirtualIOServer,
// JobResponse and HttpErrorResponse captures; see docs/hardware.md, "Fidelity"): Atom feeds and
// entries with the Atom, UOM and web namespaces, <link rel="SELF">, <author>, <etag:etag>; an
// inactive partition reporting current processors and memory 0; jobs that go NOT_STARTED ->
// RUNNING -> a final state, with returnCode / result parameters on an error and a
// ResponseException when the job failed before completion; errors as an Atom entry holding an
// HttpErrorResponse. Sessions (X-API-Session, 401 once expired), ETags with If-Match (412 when
// stale) on LogicalPartition and VirtualIOServer updates. Jobs run for `jobMs` and change the
// fake's state as the real operation would (PowerOn, PowerOff, RemoteRestart, Migrate); a
// LogicalPartition is created by a PUT to its ManagedSystem and deleted by a DELETE. A
// VirtualIOServer read alone lists the SAN disks it sees (PhysicalVolumes) and the vSCSI mappings
// made through this API, which a POST replaces.

import { randomBytes, randomUUID } from "crypto";
import { XMLParser } from "fast-xml-parser";
import { FakeServer, type FakeRequest, type FakeResponse } from "./server";

const UOM_NS = "http://www.ibm.com/xmlns/systems/power/firmware/uom/mc/2012_10/";
const WEB_NS = "http://www.ibm.com/xmlns/systems/power/firmware/web/mc/2012_10/";
const ATOM_NS = "http://www.w3.org/2005/Atom";
const DOWN = new Set(["power off", "error", "no connection", "error - terminated"]);

/** How a job ends, for fault injection: the HMC's words and the message it gives. */
export type FakeJobOutcome = "COMPLETED_WITH_ERROR" | "COMPLETED_WITH_WARNINGS" | "FAILED_BEFORE_COMPLETION";

export interface FakeSystem {
  uuid: string;
  name: string;
  state: string;
  processorUnits: number;
  memoryMb: number;
  vioses: string[];
  /** AssociatedSystemCapabilities/PowerVMLogicalPartitionSimplifiedRemoteRestartCapable. */
  srrCapable: boolean;
  /** Virtual switches: SwitchID, and SwitchName as the API gives it ("ETHERNET0(Default)"). */
  switches: FakeSwitch[];
  /** Per VIOS UUID, the trunk adapters of its shared Ethernet adapters. */
  trunks: Map<string, FakeTrunk[]>;
  /** PartitionState of each VIOS (running unless set). */
  viosStates: Map<string, string>;
}

export interface FakeSwitch {
  uuid: string;
  id: number;
  name: string;
}

/** A trunk adapter of a VIOS's shared Ethernet adapter: the VLANs it bridges on one switch. */
export interface FakeTrunk {
  switchId: number;
  pvid: number;
  tagged: number[];
}

/** A client virtual Ethernet adapter of an LPAR. */
export interface FakeCna {
  uuid: string;
  slot: number;
  mac: string;
  pvid: number;
  tagged: number[];
  switchId: number;
  etag: number;
}

export interface FakeLpar {
  uuid: string;
  name: string;
  partitionId: number;
  state: string;
  remoteRestartState: string;
  srrCapable: boolean;
  systemUuid: string;
  /** Desired processing units (shared) or processors (dedicated). */
  processorUnits: number;
  memoryMb: number;
  dedicated: boolean;
  /** PartitionType: AIX/Linux, OS400, Virtual IO Server. */
  type: string;
  sharedMemory: boolean;
  etag: number;
  /** UniqueDeviceIDs of the disks its VIOS maps to it (vSCSI). */
  disks: string[];
  /** ResourceMonitoringControlState. */
  rmc: string;
  /** Client virtual Ethernet adapters (ClientNetworkAdapter children). */
  cnas: FakeCna[];
  /** SR-IOV Ethernet logical ports (SRIOVEthernetLogicalPort children). */
  sriovPorts: { mac: string; pvid: number }[];
}

/** A vSCSI mapping made through the VirtualIOServer API: the disk (hdiskN) and its client. */
export interface FakeViosMapping {
  disk: string;
  udid: string;
  lparUuid?: string;
}

interface FakeJob {
  id: string;
  operation: string;
  lparUuid: string;
  params: Record<string, string>;
  status: string;
  /** Result parameters (returnCode, result) of a job that ended. */
  results: Record<string, string>;
  /** The ResponseException of a job that failed before completion. */
  exception: string;
}

/** The RemoteRestart job's parameters, as IBM's HMC REST API reference lists them: no VLAN or switch mapping among them. */
const REMOTE_RESTART_PARAMETERS = new Set([
  "Operation", "targetManagedSystemUUID", "targetManagedSystem", "Redundancy", "Verbose", "vlanbridge", "force", "usecurrdata", "retaindev",
  "targetRemoteHMCIPAddress", "targetRemoteHMCUserId", "sharedProcessorPoolName", "sharedProcessorPoolID", "virtualFCMappings", "noconnection",
]);

const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: true, isArray: (n) => n === "JobParameter" });

export class FakeHmc extends FakeServer {
  readonly systems = new Map<string, FakeSystem>();
  readonly lpars = new Map<string, FakeLpar>();
  readonly sessions = new Set<string>();
  /** Every session token ever handed out (for secrecy checks). */
  readonly issuedTokens: string[] = [];
  readonly jobs = new Map<string, FakeJob>();
  /** Jobs failing with COMPLETED_WITH_ERROR, as "Operation:lparName". */
  readonly failingJobs = new Set<string>();
  /** Jobs ending otherwise than COMPLETED_OK, as "Operation:lparName" -> outcome (the job's effect applies with warnings). */
  readonly jobOutcomes = new Map<string, FakeJobOutcome>();
  /** Polls of a job's status (GET jobs/{id}). */
  jobPolls = 0;
  lparsCreated = 0;
  lparsDeleted = 0;
  jobMs = 20;
  bootMs = 10;
  /** After the partition runs, until its RMC connection is active. */
  rmcMs = 10;
  logons = 0;
  jobsDeleted = 0;
  runningJobs = 0;
  maxRunningJobs = 0;
  private readonly restartsOnto = new Map<string, number>();
  /** vSCSI mappings made through the API, by VIOS UUID. */
  readonly viosMappings = new Map<string, FakeViosMapping[]>();
  private readonly viosEtags = new Map<string, number>();
  /** UniqueDeviceIDs of the SAN disks a system's VIOSes see; by default those of its LPARs' disks. */
  sanDisks: (system: FakeSystem) => string[] = (system) => [...this.lpars.values()].filter((l) => l.systemUuid === system.uuid).flatMap((l) => l.disks);
  /** VIOS reads after which someone else changes the VIOS (its ETag moves on): the next POST gets a 412. */
  viosRaces = 0;
  /** LogicalPartition reads after which someone else changes the LPAR (its ETag moves on): the next POST gets a 412. */
  lparRaces = 0;
  viosPosts = 0;
  /** Updates of client network adapters (POST ClientNetworkAdapter). */
  cnaPosts = 0;
  /** The adapters of partitions on a down system answer 409, as their VIOSes do (unknown on a real HMC: both cases are tested). */
  downAdapters409 = false;
  maxRestartsOntoOneSystem = 0;

  constructor(
    readonly username = "hscroot",
    readonly password = "abc123-Pa$$w0rd<&>",
  ) {
    super();
  }

  addSystem(name: string, state = "operating", processorUnits = 16, memoryMb = 262144): FakeSystem {
    const s: FakeSystem = { uuid: randomUUID().toUpperCase(), name, state, processorUnits, memoryMb, vioses: [randomUUID().toUpperCase(), randomUUID().toUpperCase()], srrCapable: true,
      // Every system has the default switch; the API names it with a "(Default)" suffix.
      switches: [{ uuid: randomUUID(), id: 0, name: "ETHERNET0(Default)" }],
      trunks: new Map(),
      viosStates: new Map(),
    };
    this.systems.set(s.uuid, s);
    return s;
  }

  addLpar(name: string, system: string, opts: Partial<Pick<FakeLpar, "state" | "srrCapable" | "processorUnits" | "memoryMb" | "dedicated" | "type" | "sharedMemory">> = {}): FakeLpar {
    const l: FakeLpar = {
      uuid: randomUUID().toUpperCase(),
      name,
      partitionId: this.lpars.size + 1,
      state: opts.state ?? "running",
      remoteRestartState: opts.srrCapable === false ? "Invalid" : "Remote_Restartable",
      srrCapable: opts.srrCapable ?? true,
      systemUuid: this.system(system).uuid,
      processorUnits: opts.processorUnits ?? 0.5,
      memoryMb: opts.memoryMb ?? 8192,
      dedicated: opts.dedicated ?? false,
      type: opts.type ?? "AIX/Linux",
      sharedMemory: opts.sharedMemory ?? false,
      // Real ETags are large, sometimes negative, integers.
      etag: -1208061982 + this.lpars.size * 7919,
      disks: [],
      rmc: opts.state === "not activated" ? "inactive" : "active",
      cnas: [],
      sriovPorts: [],
    };
    this.lpars.set(l.uuid, l);
    return l;
  }

  /** A virtual switch on `system` (the default ETHERNET0 exists already). */
  addSwitch(system: string, name: string): FakeSwitch {
    const s = this.system(system);
    const sw: FakeSwitch = { uuid: randomUUID(), id: Math.max(...s.switches.map((x) => x.id)) + 1, name };
    s.switches.push(sw);
    return sw;
  }

  /** The switch of `system` that partitions know as `name` (ETHERNET0 for the default one). */
  switchOf(system: FakeSystem, name: string): FakeSwitch {
    const sw = system.switches.find((x) => x.name === name || x.name === `${name}(Default)`);
    if (!sw) throw new Error(`fake HMC: no switch ${name} on ${system.name}`);
    return sw;
  }

  /** A trunk adapter of the shared Ethernet adapter of VIOS number `vios` (0 or 1) of `system`, bridging `pvid` and `tagged` on `switchName`. */
  bridge(system: string, vios: number, switchName: string, pvid: number, tagged: number[] = []): void {
    const s = this.system(system);
    const uuid = s.vioses[vios];
    s.trunks.set(uuid, [...(s.trunks.get(uuid) ?? []), { switchId: this.switchOf(s, switchName).id, pvid, tagged }]);
  }

  /** A client virtual Ethernet adapter of `lpar` on `switchName`. */
  addCna(lpar: string, switchName: string, pvid: number, tagged: number[] = [], mac?: string): FakeCna {
    const l = this.lpar(lpar);
    const cna: FakeCna = {
      uuid: randomUUID(),
      slot: 2 + l.cnas.length,
      mac: mac ?? randomBytes(6).toString("hex").toUpperCase(),
      pvid,
      tagged,
      switchId: this.switchOf(this.systems.get(l.systemUuid)!, switchName).id,
      etag: -788086984 + l.cnas.length * 104729,
    };
    l.cnas.push(cna);
    return cna;
  }

  system(name: string): FakeSystem {
    const s = [...this.systems.values()].find((x) => x.name === name);
    if (!s) throw new Error(`fake HMC: no system ${name}`);
    return s;
  }

  lpar(name: string): FakeLpar {
    const l = [...this.lpars.values()].find((x) => x.name === name);
    if (!l) throw new Error(`fake HMC: no LPAR ${name}`);
    return l;
  }

  /** Drops every session, as an HMC does when sessions time out. */
  expireSessions(): void {
    this.sessions.clear();
  }

  protected exempt(req: FakeRequest): boolean {
    return req.path.startsWith("/rest/api/web/Logon");
  }

  protected handle(req: FakeRequest): FakeResponse {
    if (req.path === "/rest/api/web/Logon") return req.method === "PUT" ? this.logon(req) : this.logoff(req);
    const session = req.headers["x-api-session"];
    if (typeof session !== "string" || !this.sessions.has(session)) return httpError(401, req.path, "Unauthorized: the session is not valid or has expired");
    const path = req.path.split("?")[0];
    let m: RegExpExecArray | null;
    if (req.method === "GET" && path === "/rest/api/uom/ManagedSystem") return atom(feed([...this.systems.values()].map((s) => this.systemEntry(s))));
    if (req.method === "GET" && (m = /^\/rest\/api\/uom\/ManagedSystem\/([^/]+)$/.exec(path))) {
      const s = this.systems.get(m[1]);
      return s ? atom(this.systemEntry(s)) : httpError(404, path, "ManagedSystem not found");
    }
    if (req.method === "GET" && (m = /^\/rest\/api\/uom\/ManagedSystem\/([^/]+)\/LogicalPartition$/.exec(path))) {
      if (!this.systems.has(m[1])) return httpError(404, path, "ManagedSystem not found");
      return atom(feed([...this.lpars.values()].filter((l) => l.systemUuid === m![1]).map((l) => this.lparEntry(l))));
    }
    if (req.method === "PUT" && (m = /^\/rest\/api\/uom\/ManagedSystem\/([^/]+)\/LogicalPartition$/.exec(path))) {
      const s = this.systems.get(m[1]);
      return s ? this.createLpar(req, s) : httpError(404, path, "ManagedSystem not found");
    }
    if (req.method === "GET" && (m = /^\/rest\/api\/uom\/ManagedSystem\/([^/]+)\/VirtualIOServer$/.exec(path))) {
      const s = this.systems.get(m[1]);
      if (!s) return httpError(404, path, "ManagedSystem not found");
      // Mappings and shared Ethernet adapters are only in the answer when their group is asked for.
      const withMappings = /[?&]group=[^&]*ViosSCSIMapping/.test(req.path);
      const withNetwork = /[?&]group=[^&]*ViosNetwork/.test(req.path);
      if (withNetwork && DOWN.has(s.state)) return httpError(409, path, `HSCL0006 the managed system is ${s.state}: its VIOS does not answer`);
      return atom(feed(s.vioses.map((v, i) => this.viosEntry(s, v, withMappings && i === 0, withNetwork))));
    }
    if (req.method === "GET" && (m = /^\/rest\/api\/uom\/ManagedSystem\/([^/]+)\/VirtualSwitch$/.exec(path))) {
      const s = this.systems.get(m[1]);
      if (!s) return httpError(404, path, "ManagedSystem not found");
      return atom(feed(s.switches.map((sw) => this.switchEntry(s, sw))));
    }
    if (req.method === "GET" && (m = /^\/rest\/api\/uom\/LogicalPartition\/([^/]+)\/ClientNetworkAdapter$/.exec(path))) {
      const l = this.lpars.get(m[1]);
      if (!l) return httpError(404, path, "LogicalPartition not found");
      const state = this.systems.get(l.systemUuid)!.state;
      if (this.downAdapters409 && DOWN.has(state)) return httpError(409, path, `HSCL0006 the managed system is ${state}: the partition's adapters cannot be read`);
      return atom(feed(l.cnas.map((c) => this.cnaEntry(l, c))));
    }
    if ((m = /^\/rest\/api\/uom\/LogicalPartition\/([^/]+)\/ClientNetworkAdapter\/([^/]+)$/.exec(path))) {
      const l = this.lpars.get(m[1]);
      const cna = l?.cnas.find((c) => c.uuid === m![2]);
      if (!l || !cna) return httpError(404, path, "ClientNetworkAdapter not found");
      if (req.method === "GET") return { ...atom(this.cnaEntry(l, cna)), headers: { "Content-Type": "application/atom+xml", ETag: String(cna.etag) } };
      if (req.method === "POST") return this.updateCna(req, l, cna);
    }
    if (req.method === "GET" && (m = /^\/rest\/api\/uom\/LogicalPartition\/([^/]+)\/SRIOVEthernetLogicalPort$/.exec(path))) {
      const l = this.lpars.get(m[1]);
      if (!l) return httpError(404, path, "LogicalPartition not found");
      return atom(feed(l.sriovPorts.map((p, i) => this.sriovEntry(l, p, i))));
    }
    if ((m = /^\/rest\/api\/uom\/ManagedSystem\/([^/]+)\/VirtualIOServer\/([^/]+)$/.exec(path))) {
      const s = this.systems.get(m[1]);
      if (!s || !s.vioses.includes(m[2])) return httpError(404, path, "VirtualIOServer not found");
      if (DOWN.has(s.state)) return httpError(409, path, `HSCL0006 the managed system is ${s.state}: its VIOS does not answer`);
      if (req.method === "GET") return this.readVios(s, m[2]);
      if (req.method === "POST") return this.updateVios(req, s, m[2]);
    }
    if (req.method === "GET" && path === "/rest/api/uom/LogicalPartition") return atom(feed([...this.lpars.values()].map((l) => this.lparEntry(l))));
    if ((m = /^\/rest\/api\/uom\/LogicalPartition\/([^/]+)$/.exec(path))) {
      const l = this.lpars.get(m[1]);
      if (!l) return httpError(404, path, "LogicalPartition not found");
      if (req.method === "GET") {
        const answer = { ...atom(this.lparEntry(l)), headers: { "Content-Type": "application/atom+xml", ETag: String(l.etag) } };
        if (this.lparRaces > 0) {
          this.lparRaces--;
          l.etag++;
        }
        return answer;
      }
      if (req.method === "POST") return this.updateLpar(req, l);
      if (req.method === "DELETE") return this.deleteLpar(req, l);
    }
    if (req.method === "PUT" && (m = /^\/rest\/api\/uom\/LogicalPartition\/([^/]+)\/do\/(\w+)$/.exec(path))) return this.startJob(req, m[1], m[2]);
    if ((m = /^\/rest\/api\/uom\/jobs\/([^/]+)(\/cancel)?$/.exec(path))) {
      const job = this.jobs.get(m[1]);
      if (!job) return httpError(404, path, "Job not found");
      if (req.method === "GET") {
        this.jobPolls++;
        return this.jobResponse(job);
      }
      if (req.method === "DELETE") {
        this.jobs.delete(job.id);
        this.jobsDeleted++;
        return { status: 204 };
      }
      if (req.method === "PUT" && m[2]) {
        job.status = "COMPLETED_WITH_ERROR";
        job.results = { returnCode: "1", result: "HSCL0000 the job was cancelled" };
        return { status: 200 };
      }
    }
    return httpError(404, path, `no resource ${req.method} ${path}`);
  }

  private logon(req: FakeRequest): FakeResponse {
    if (!String(req.headers["content-type"]).includes("type=LogonRequest")) return httpError(415, req.path, "expected a LogonRequest");
    const doc = parser.parse(req.body) as { LogonRequest?: { UserID?: string; Password?: string } };
    if (doc.LogonRequest?.UserID !== this.username || doc.LogonRequest?.Password !== this.password) return httpError(401, req.path, "Logon failed: invalid user or password");
    // Real session tokens are long base64url-like strings, "=" padding included.
    const token = randomBytes(150).toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
    this.sessions.add(token);
    this.issuedTokens.push(token);
    this.logons++;
    return {
      status: 200,
      headers: { "Content-Type": "application/vnd.ibm.powervm.web+xml; type=LogonResponse" },
      body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<LogonResponse xmlns="${WEB_NS}" schemaVersion="V1_1_0"><Metadata><Atom/></Metadata><X-API-Session kxe="false" kb="ROR">\n${token}\n</X-API-Session></LogonResponse>`,
    };
  }

  private logoff(req: FakeRequest): FakeResponse {
    this.sessions.delete(String(req.headers["x-api-session"]));
    return { status: 204 };
  }

  private updateLpar(req: FakeRequest, l: FakeLpar): FakeResponse {
    if (req.headers["if-match"] !== String(l.etag)) return httpError(412, req.path, "Precondition Failed: the object was changed (ETag mismatch)");
    const doc = parser.parse(req.body) as { LogicalPartition?: { SimplifiedRemoteRestartCapable?: string } };
    const value = doc.LogicalPartition?.SimplifiedRemoteRestartCapable;
    if (value === undefined) return httpError(400, req.path, "expected a LogicalPartition");
    l.srrCapable = value === "true";
    l.remoteRestartState = l.srrCapable ? "Remote_Restartable" : "Invalid";
    l.etag++;
    return { ...atom(this.lparEntry(l)), headers: { "Content-Type": "application/atom+xml", ETag: String(l.etag) } };
  }

  /** The disks (hdiskN by position) the VIOS sees on the SAN. */
  private viosDisks(s: FakeSystem): { disk: string; udid: string }[] {
    return [...new Set(this.sanDisks(s))].map((udid, i) => ({ disk: `hdisk${i + 2}`, udid }));
  }

  private readVios(s: FakeSystem, uuid: string): FakeResponse {
    const etag = this.viosEtags.get(uuid) ?? 1;
    if (this.viosRaces > 0) {
      this.viosRaces--;
      this.viosEtags.set(uuid, etag + 1);
    }
    const pvs = this.viosDisks(s)
      .map((d) => `<PhysicalVolume schemaVersion="V1_0"><Metadata><Atom/></Metadata><UniqueDeviceID kb="ROR" kxe="false">${d.udid}</UniqueDeviceID><VolumeName kb="CUR" kxe="false">${d.disk}</VolumeName></PhysicalVolume>`)
      .join("");
    const maps = (this.viosMappings.get(uuid) ?? [])
      .map(
        (m) =>
          `<VirtualSCSIMapping schemaVersion="V1_0"><Metadata><Atom/></Metadata>` +
          (m.lparUuid ? `<AssociatedLogicalPartition kb="CUR" kxe="false" href="${this.url}/rest/api/uom/LogicalPartition/${m.lparUuid}" rel="related"/>` : "") +
          `<Storage kxe="false" kb="CUR"><PhysicalVolume schemaVersion="V1_0"><Metadata><Atom/></Metadata><UniqueDeviceID kb="ROR" kxe="false">${m.udid}</UniqueDeviceID><VolumeName kb="CUR" kxe="false">${m.disk}</VolumeName></PhysicalVolume></Storage></VirtualSCSIMapping>`,
      )
      .join("");
    const body = this.entry(
      uuid,
      "VirtualIOServer",
      etag,
      `<VirtualIOServer:VirtualIOServer xmlns:VirtualIOServer="${UOM_NS}" xmlns="${UOM_NS}" schemaVersion="V1_0"><Metadata><Atom><AtomID>${uuid}</AtomID></Atom></Metadata>` +
        `<PartitionName kb="CUR" kxe="false">${s.name}-vios</PartitionName><PhysicalVolumes kb="CUD" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata>${pvs}</PhysicalVolumes>` +
        `<VirtualSCSIMappings kb="CUD" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata>${maps}</VirtualSCSIMappings></VirtualIOServer:VirtualIOServer>`,
    );
    return { ...atom(body), headers: { "Content-Type": "application/atom+xml", ETag: String(etag) } };
  }

  private updateVios(req: FakeRequest, s: FakeSystem, uuid: string): FakeResponse {
    const etag = this.viosEtags.get(uuid) ?? 1;
    if (req.headers["if-match"] !== String(etag)) return httpError(412, req.path, "Precondition Failed: the object was changed (ETag mismatch)");
    if (!String(req.headers["content-type"]).includes("type=VirtualIOServer")) return httpError(415, req.path, "expected a VirtualIOServer");
    const doc = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: false, isArray: (n) => n === "VirtualSCSIMapping" }).parse(req.body) as {
      VirtualIOServer?: { VirtualSCSIMappings?: { VirtualSCSIMapping?: { AssociatedLogicalPartition?: { "@_href"?: string }; Storage?: { PhysicalVolume?: { VolumeName?: string | { "#text"?: string } } } }[] } };
    };
    if (!doc.VirtualIOServer) return httpError(400, req.path, "expected a VirtualIOServer");
    const disks = this.viosDisks(s);
    const mappings: FakeViosMapping[] = [];
    for (const m of doc.VirtualIOServer.VirtualSCSIMappings?.VirtualSCSIMapping ?? []) {
      const name = m.Storage?.PhysicalVolume?.VolumeName;
      const volumeName = typeof name === "object" ? name["#text"] : name;
      const disk = disks.find((d) => d.disk === volumeName);
      if (!disk) return httpError(400, req.path, `HSCL0007 the VIOS has no physical volume ${volumeName}`);
      const href = m.AssociatedLogicalPartition?.["@_href"];
      mappings.push({ ...disk, ...(href ? { lparUuid: href.slice(href.lastIndexOf("/") + 1) } : {}) });
    }
    this.viosMappings.set(uuid, mappings);
    this.viosEtags.set(uuid, etag + 1);
    this.viosPosts++;
    return this.readVios(s, uuid);
  }

  private startJob(req: FakeRequest, uuid: string, operation: string): FakeResponse {
    const lpar = this.lpars.get(uuid);
    if (!lpar) return httpError(404, req.path, "LogicalPartition not found");
    if (!String(req.headers["content-type"]).includes("type=JobRequest")) return httpError(415, req.path, "expected a JobRequest");
    const doc = parser.parse(req.body) as { JobRequest?: { RequestedOperation?: { OperationName?: string }; JobParameters?: { JobParameter?: { ParameterName: string; ParameterValue: string }[] } } };
    if (doc.JobRequest?.RequestedOperation?.OperationName !== operation) return httpError(400, req.path, "OperationName does not match the URL");
    const params: Record<string, string> = {};
    for (const p of doc.JobRequest.JobParameters?.JobParameter ?? []) params[p.ParameterName] = p.ParameterValue;
    // IBM's LogicalPartition_RemoteRestart page lists the job's parameters: anything else is refused.
    const unknown = operation === "RemoteRestart" ? Object.keys(params).filter((k) => !REMOTE_RESTART_PARAMETERS.has(k)) : [];
    if (unknown.length > 0) return httpError(400, req.path, `HSCL0009 the RemoteRestart job has no parameter ${unknown.join(", ")}`);
    // Real job ids are epoch milliseconds.
    const job: FakeJob = { id: String(1376478617707 + this.jobs.size + this.jobsDeleted), operation, lparUuid: uuid, params, status: "NOT_STARTED", results: {}, exception: "" };
    this.jobs.set(job.id, job);
    const target = operation === "RemoteRestart" && params.Operation === "restart" ? params.targetManagedSystemUUID : undefined;
    this.runningJobs++;
    this.maxRunningJobs = Math.max(this.maxRunningJobs, this.runningJobs);
    if (target) {
      const n = (this.restartsOnto.get(target) ?? 0) + 1;
      this.restartsOnto.set(target, n);
      this.maxRestartsOntoOneSystem = Math.max(this.maxRestartsOntoOneSystem, n);
      lpar.remoteRestartState = "Source_Remote_Restarting";
    }
    setTimeout(() => {
      if (job.status === "NOT_STARTED") job.status = "RUNNING";
    }, Math.min(1, this.jobMs / 4));
    setTimeout(() => {
      this.runningJobs--;
      if (target) this.restartsOnto.set(target, this.restartsOnto.get(target)! - 1);
      const key = `${operation}:${lpar.name}`;
      const outcome = this.failingJobs.has(key) ? "COMPLETED_WITH_ERROR" : this.jobOutcomes.get(key);
      if (outcome === "FAILED_BEFORE_COMPLETION") {
        job.status = outcome;
        job.exception = `com.ibm.pmc.jaxb.api.server.jobs.PmcJobException: the job ${operation} could not be run on partition ${lpar.name}`;
        if (target) lpar.remoteRestartState = "Remote_Restartable";
        return;
      }
      const error = outcome === "COMPLETED_WITH_ERROR" ? `HSCLA27C The operation failed on partition ${lpar.name}` : this.apply(job, lpar);
      if (error) {
        job.status = "COMPLETED_WITH_ERROR";
        job.results = { returnCode: "1", result: `${error}\n` };
        if (target) lpar.remoteRestartState = "Remote_Restartable";
      } else if (outcome === "COMPLETED_WITH_WARNINGS") {
        job.status = outcome;
        job.results = { returnCode: "0", result: `HSCL4001 The operation completed on partition ${lpar.name} with warnings\n` };
      } else {
        job.status = "COMPLETED_OK";
        job.results = { returnCode: "0" };
      }
    }, this.jobMs);
    return this.jobResponse(job);
  }

  /** A new partition from a LogicalPartition body (PUT ManagedSystem/{uuid}/LogicalPartition). */
  private createLpar(req: FakeRequest, s: FakeSystem): FakeResponse {
    if (!String(req.headers["content-type"]).includes("type=LogicalPartition")) return httpError(415, req.path, "expected a LogicalPartition");
    const doc = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: true }).parse(req.body) as { LogicalPartition?: Record<string, unknown> };
    const lp = doc.LogicalPartition;
    const text = (...path: string[]): string | undefined => {
      let cur: unknown = lp;
      for (const p of path) cur = typeof cur === "object" && cur !== null ? (cur as Record<string, unknown>)[p] : undefined;
      return typeof cur === "string" ? cur : undefined;
    };
    const name = text("PartitionName");
    if (!lp || !name) return httpError(400, req.path, "HSCL0008 a LogicalPartition needs a PartitionName");
    if (name.length > 47) return httpError(400, req.path, `HSCL0009 the partition name ${name} is longer than 47 characters`);
    if ([...this.lpars.values()].some((l) => l.systemUuid === s.uuid && l.name === name)) return httpError(409, req.path, `HSCL0010 a partition named ${name} already exists on ${s.name}`);
    if (s.state !== "operating") return httpError(409, req.path, `HSCL0006 the managed system is ${s.state}`);
    const dedicated = text("PartitionProcessorConfiguration", "HasDedicatedProcessors") === "true";
    const units = dedicated
      ? text("PartitionProcessorConfiguration", "DedicatedProcessorConfiguration", "DesiredProcessors")
      : text("PartitionProcessorConfiguration", "SharedProcessorConfiguration", "DesiredProcessingUnits");
    const memory = text("PartitionMemoryConfiguration", "DesiredMemory");
    if (units === undefined || memory === undefined) return httpError(400, req.path, "HSCL0011 desired processors and memory are required");
    const l = this.addLpar(name, s.name, { state: "not activated", srrCapable: text("SimplifiedRemoteRestartCapable") === "true", processorUnits: Number(units), memoryMb: Number(memory), dedicated, type: text("PartitionType") ?? "AIX/Linux" });
    this.lparsCreated++;
    return { ...atom(this.lparEntry(l)), headers: { "Content-Type": "application/atom+xml", ETag: String(l.etag) } };
  }

  private deleteLpar(req: FakeRequest, l: FakeLpar): FakeResponse {
    if (l.state !== "not activated") return httpError(409, req.path, `HSCL0012 the partition ${l.name} is ${l.state}: power it off before deleting it`);
    // The VIOSes' mappings to it stay, orphaned, as on a real HMC (pypowervm removes orphan
    // mappings in a task of its own): whoever deletes a partition removes them first.
    this.lpars.delete(l.uuid);
    this.lparsDeleted++;
    return { status: 204 };
  }

  private jobResponse(job: FakeJob): FakeResponse {
    const exception = job.exception
      ? `<ResponseException kb="ROR" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata><Message kb="ROR" kxe="false">${job.exception}</Message><StackTrace kb="ROR" kxe="false">${job.exception}\n\tat com.ibm.pmc.jaxb.api.server.jobs.AbstractPmcJob.execute(AbstractPmcJob.java:633)</StackTrace></ResponseException>`
      : "";
    const param = (name: string, value: string): string =>
      `<JobParameter schemaVersion="V1_0"><Metadata><Atom/></Metadata><ParameterName kb="ROR" kxe="false">${name}</ParameterName><ParameterValue kxe="false" kb="CUR">${value}</ParameterValue></JobParameter>`;
    const requested = Object.entries(job.params).map(([n, v]) => param(n, v)).join("");
    const results = Object.entries(job.results).map(([n, v]) => param(n, v)).join("");
    const content =
      `<JobResponse:JobResponse xmlns:JobResponse="${WEB_NS}" xmlns="${WEB_NS}" xmlns:ns2="http://www.w3.org/XML/1998/namespace/k2" schemaVersion="V1_0"><Metadata><Atom/></Metadata>` +
      `<RequestURL kb="ROR" kxe="false" href="LogicalPartition/${job.lparUuid}/do/${job.operation}" rel="via" title="The URL to which the JobRequest was submitted."/>` +
      `<TargetUuid kb="ROR" kxe="false">${job.lparUuid}</TargetUuid><JobID kb="ROR" kxe="false">${job.id}</JobID><TimeStarted kb="ROR" kxe="false">0</TimeStarted><TimeCompleted kb="ROR" kxe="false">0</TimeCompleted><Status kb="ROR" kxe="false">${job.status}</Status>${exception}` +
      `<JobRequestInstance kb="ROR" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata><RequestedOperation kb="CUR" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata><OperationName kb="ROR" kxe="false">${job.operation}</OperationName><GroupName kb="ROR" kxe="false">LogicalPartition</GroupName></RequestedOperation>` +
      `<JobParameters kb="CUR" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata>${requested}</JobParameters></JobRequestInstance>` +
      `<Progress kb="ROO" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata></Progress>` +
      `<Results kb="ROR" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata>${results}</Results></JobResponse:JobResponse>`;
    return {
      status: 200,
      headers: { "Content-Type": "application/atom+xml" },
      body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${entryDoc(randomUUID(), "JobResponse", `${this.url}/rest/api/uom/jobs/${job.id}`, undefined, "application/vnd.ibm.powervm.web+xml; type=JobResponse", content)}`,
    };
  }

  /** The effect of a finished job; returns an error message when the HMC would refuse it. */
  private apply(job: FakeJob, lpar: FakeLpar): string | undefined {
    const system = this.systems.get(lpar.systemUuid)!;
    switch (job.operation) {
      case "PowerOn":
        if (system.state !== "operating") return `HSCL0001 the managed system is ${system.state}`;
        if (lpar.state !== "not activated") return `HSCL0002 the partition is ${lpar.state}`;
        this.boot(lpar);
        return undefined;
      case "PowerOff":
        if (DOWN.has(system.state)) return `HSCL0003 the managed system is ${system.state}`;
        lpar.state = "not activated";
        lpar.rmc = "inactive";
        return undefined;
      case "Migrate": {
        const target = [...this.systems.values()].find((s) => s.name === job.params.TargetManagedSystemName);
        if (!target || target.state !== "operating") return "HSCL0004 the target system cannot receive the partition";
        if (lpar.state !== "not activated") return "HSCL0005 only inactive partitions are migrated by this fake";
        const moved = this.adaptersOnto(lpar, this.systems.get(lpar.systemUuid)!, target);
        if (typeof moved === "string") return moved;
        lpar.systemUuid = target.uuid;
        return undefined;
      }
      case "RemoteRestart":
        return this.remoteRestart(job, lpar, system);
      default:
        return `HSCL0000 unknown job ${job.operation}`;
    }
  }

  private remoteRestart(job: FakeJob, lpar: FakeLpar, source: FakeSystem): string | undefined {
    const op = job.params.Operation;
    if (op === "cleanup") {
      if (lpar.remoteRestartState !== "Remote_Restarted") return "HSCLB001 nothing to clean up";
      lpar.remoteRestartState = "Remote_Restartable";
      return undefined;
    }
    const target = this.systems.get(job.params.targetManagedSystemUUID ?? "");
    if (!target) return "HSCLB002 targetManagedSystemUUID names no managed system";
    if (!lpar.srrCapable) return "HSCLB003 the partition is not simplified remote restart capable";
    if (!DOWN.has(source.state)) return `HSCLB004 the source managed system is ${source.state}: remote restart needs it down`;
    if (target.state !== "operating") return `HSCLB005 the target managed system is ${target.state}`;
    if (op === "validate") return undefined;
    if (op !== "restart") return `HSCLB006 unknown Operation ${op}`;
    const moved = this.adaptersOnto(lpar, source, target);
    if (typeof moved === "string") return moved;
    lpar.systemUuid = target.uuid;
    lpar.remoteRestartState = "Remote_Restarted";
    this.boot(lpar);
    return undefined;
  }

  /**
   * A restart or migration re-creates the adapters on the target's switch of the same name, with
   * the same VLANs and MAC (assumption by analogy with LPM: a target without that switch refuses).
   */
  private adaptersOnto(lpar: FakeLpar, source: FakeSystem, target: FakeSystem): string | undefined {
    const ids: number[] = [];
    for (const c of lpar.cnas) {
      const name = source.switches.find((x) => x.id === c.switchId)?.name;
      const there = target.switches.find((x) => x.name === name);
      if (!there) return `HSCLB007 the virtual switch ${name} of partition ${lpar.name} does not exist on managed system ${target.name}`;
      ids.push(there.id);
    }
    lpar.cnas.forEach((c, i) => (c.switchId = ids[i]));
    return undefined;
  }

  private boot(lpar: FakeLpar): void {
    lpar.state = "starting";
    lpar.rmc = "inactive";
    setTimeout(() => {
      if (lpar.state !== "starting") return;
      lpar.state = "running";
      setTimeout(() => {
        if (lpar.state === "running") lpar.rmc = "active";
      }, this.rmcMs);
    }, this.bootMs);
  }

  private systemEntry(s: FakeSystem): string {
    const vios = s.vioses.map((v) => `<link href="${this.url}/rest/api/uom/ManagedSystem/${s.uuid}/VirtualIOServer/${v}" rel="related"/>`).join("");
    return this.entry(
      s.uuid,
      "ManagedSystem",
      1,
      `<ManagedSystem:ManagedSystem xmlns:ManagedSystem="${UOM_NS}" xmlns="${UOM_NS}" schemaVersion="V1_0"><Metadata><Atom><AtomID>${s.uuid}</AtomID></Atom></Metadata>` +
        `<AssociatedSystemMemoryConfiguration kb="CUD" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata><ConfigurableSystemMemory kb="CUD" kxe="false">${s.memoryMb}</ConfigurableSystemMemory></AssociatedSystemMemoryConfiguration>` +
        `<AssociatedSystemProcessorConfiguration kb="CUD" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata><ConfigurableSystemProcessorUnits kb="CUD" kxe="false">${s.processorUnits}</ConfigurableSystemProcessorUnits></AssociatedSystemProcessorConfiguration>` +
        `<AssociatedSystemCapabilities kb="CUD" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata><LogicalPartitionRemoteRestartCapable kb="ROO" kxe="false">true</LogicalPartitionRemoteRestartCapable><PowerVMLogicalPartitionSimplifiedRemoteRestartCapable kb="ROO" kxe="false">${s.srrCapable}</PowerVMLogicalPartitionSimplifiedRemoteRestartCapable></AssociatedSystemCapabilities>` +
        `<AssociatedVirtualIOServers kb="CUD" kxe="false">${vios}</AssociatedVirtualIOServers>` +
        `<State kb="ROO" kxe="false">${s.state}</State><SystemName kb="CUR" kxe="false">${s.name}</SystemName></ManagedSystem:ManagedSystem>`,
    );
  }

  /** A VIOS whose vSCSI mappings (when `mappings`) serve every disk of the system's LPARs; with `network`, its shared Ethernet adapter. */
  private viosEntry(s: FakeSystem, uuid: string, mappings: boolean, network = false): string {
    const maps = mappings
      ? [...this.lpars.values()]
          .filter((l) => l.systemUuid === s.uuid)
          .flatMap((l) =>
            l.disks.map(
              (udid, i) =>
                `<VirtualSCSIMapping schemaVersion="V1_0"><Metadata><Atom/></Metadata>` +
                `<AssociatedLogicalPartition kb="CUR" kxe="false" href="${this.url}/rest/api/uom/ManagedSystem/${s.uuid}/LogicalPartition/${l.uuid}" rel="related"/>` +
                `<Storage kxe="false" kb="CUR"><PhysicalVolume schemaVersion="V1_0"><Metadata><Atom/></Metadata><VolumeName kb="CUR" kxe="false">hdisk${i + 2}</VolumeName>` +
                `<UniqueDeviceID kb="ROR" kxe="false">${udid}</UniqueDeviceID></PhysicalVolume></Storage></VirtualSCSIMapping>`,
            ),
          )
          .join("")
      : "";
    return this.entry(
      uuid,
      "VirtualIOServer",
      1,
      `<VirtualIOServer:VirtualIOServer xmlns:VirtualIOServer="${UOM_NS}" xmlns="${UOM_NS}" schemaVersion="V1_0"><Metadata><Atom><AtomID>${uuid}</AtomID></Atom></Metadata>` +
        `<PartitionName kb="CUR" kxe="false">${s.name}-vios${s.vioses.indexOf(uuid) + 1}</PartitionName><PartitionState kb="ROO" kxe="false">${s.viosStates.get(uuid) ?? "running"}</PartitionState>` +
        `<PartitionUUID kb="ROO" kxe="false">${uuid}</PartitionUUID>` +
        (network ? this.seaXml(s, uuid) : "") +
        `<VirtualSCSIMappings kb="CUD" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata>${maps}</VirtualSCSIMappings></VirtualIOServer:VirtualIOServer>`,
    );
  }

  /**
   * SharedEthernetAdapters (group ViosNetwork) as pypowervm's fake_vios.txt shows them: one SEA
   * whose TrunkAdapters carry PortVLANID, TaggedVLANIDs (space-separated) and VirtualSwitchID,
   * with no AssociatedVirtualSwitch link inside the SEA.
   */
  private seaXml(s: FakeSystem, vios: string): string {
    const trunks = s.trunks.get(vios) ?? [];
    if (trunks.length === 0) return `<SharedEthernetAdapters group="ViosNetwork" kb="CUD" kxe="false" schemaVersion="V1_2_0"><Metadata><Atom/></Metadata></SharedEthernetAdapters>`;
    const tx = trunks
      .map(
        (t, i) =>
          `<TrunkAdapter schemaVersion="V1_2_0"><Metadata><Atom/></Metadata><DynamicReconfigurationConnectorName kb="CUD" kxe="false">U8286.42A.10D6DET-V1-C${2 + i}</DynamicReconfigurationConnectorName>` +
          `<LocationCode kb="ROR" kxe="false">U8286.42A.10D6DET-V1-C${2 + i}</LocationCode><RequiredAdapter kb="CUD" kxe="false">true</RequiredAdapter><VariedOn kb="CUD" kxe="true">true</VariedOn>` +
          `<VirtualSlotNumber kb="COD" kxe="false">${2 + i}</VirtualSlotNumber><AllowedOperatingSystemMACAddresses kb="CUD" kxe="false">ALL</AllowedOperatingSystemMACAddresses><MACAddress kb="CUR" kxe="false">8EC3EE1FF5${(2 + i).toString(16).padStart(2, "0").toUpperCase()}</MACAddress>` +
          `<PortVLANID kb="CUR" kxe="false">${t.pvid}</PortVLANID><QualityOfServicePriorityEnabled kb="CUD" kxe="false">false</QualityOfServicePriorityEnabled>` +
          (t.tagged.length > 0 ? `<TaggedVLANIDs kb="CUA" kxe="false">${t.tagged.join(" ")}</TaggedVLANIDs>` : "") +
          `<TaggedVLANSupported kb="CUA" kxe="false">${t.tagged.length > 0}</TaggedVLANSupported><VirtualSwitchID kb="ROR" kxe="false">${t.switchId}</VirtualSwitchID>` +
          `<DeviceName kxe="false" kb="ROR">ent${8 + i}</DeviceName><TrunkPriority kb="CUD" kxe="false">1</TrunkPriority></TrunkAdapter>`,
      )
      .join("");
    return (
      `<SharedEthernetAdapters group="ViosNetwork" kb="CUD" kxe="false" schemaVersion="V1_2_0"><Metadata><Atom/></Metadata><SharedEthernetAdapter schemaVersion="V1_2_0"><Metadata><Atom/></Metadata>` +
      `<BackingDeviceChoice kb="CUD" kxe="false"><EthernetBackingDevice schemaVersion="V1_2_0"><Metadata><Atom/></Metadata><AdapterID kb="ROR" kxe="false">1</AdapterID><DeviceName kb="ROR" kxe="false">ent0</DeviceName><DeviceType kb="ROR" kxe="false">physicalEthernetAdpter</DeviceType></EthernetBackingDevice></BackingDeviceChoice>` +
      `<HighAvailabilityMode kb="CUD" kxe="false">auto</HighAvailabilityMode><DeviceName kb="CUD" kxe="false">ent${8 + trunks.length}</DeviceName><JumboFramesEnabled kb="UOD" kxe="false">false</JumboFramesEnabled>` +
      `<PortVLANID kb="ROR" kxe="false">${trunks[0].pvid}</PortVLANID><QualityOfServiceMode kb="CUD" kxe="false">disabled</QualityOfServiceMode><QueueSize kb="UOD" kxe="false">8192</QueueSize><ThreadModeEnabled kb="CUD" kxe="false">true</ThreadModeEnabled>` +
      `<TrunkAdapters kb="CUD" kxe="false" schemaVersion="V1_2_0"><Metadata><Atom/></Metadata>${tx}</TrunkAdapters>` +
      `<UniqueDeviceID kb="ROR" kxe="false">10103183065bdca682</UniqueDeviceID><LargeSend kb="CUD" kxe="false">true</LargeSend></SharedEthernetAdapter></SharedEthernetAdapters>`
    );
  }

  /** A VirtualSwitch entry as pypowervm's fake_vswitch_feed.txt shows it. */
  private switchEntry(s: FakeSystem, sw: FakeSwitch): string {
    return entryDoc(
      sw.uuid,
      "VirtualSwitch",
      `${this.url}/rest/api/uom/ManagedSystem/${s.uuid}/VirtualSwitch/${sw.uuid}`,
      -465528264 + sw.id,
      "application/vnd.ibm.powervm.uom+xml; type=VirtualSwitch",
      `<VirtualSwitch:VirtualSwitch xmlns:VirtualSwitch="${UOM_NS}" xmlns="${UOM_NS}" xmlns:ns2="http://www.w3.org/XML/1998/namespace/k2" schemaVersion="V1_2_0"><Metadata><Atom><AtomID>${sw.uuid}</AtomID><AtomCreated>1421712662473</AtomCreated></Atom></Metadata>` +
        `<SwitchID kb="ROR" kxe="false">${sw.id}</SwitchID><SwitchMode kxe="false" kb="CUD">Veb</SwitchMode><SwitchName kb="CUD" kxe="false">${sw.name}</SwitchName>` +
        `<VirtualNetworks kb="CUD" kxe="false"></VirtualNetworks></VirtualSwitch:VirtualSwitch>`,
    );
  }

  /** A ClientNetworkAdapter entry as pypowervm's cna_feed.txt shows it. */
  private cnaEntry(l: FakeLpar, c: FakeCna): string {
    const s = this.systems.get(l.systemUuid)!;
    const sw = s.switches.find((x) => x.id === c.switchId);
    return entryDoc(
      c.uuid,
      "ClientNetworkAdapter",
      `${this.url}/rest/api/uom/LogicalPartition/${l.uuid}/ClientNetworkAdapter/${c.uuid}`,
      c.etag,
      "application/vnd.ibm.powervm.uom+xml; type=ClientNetworkAdapter",
      `<ClientNetworkAdapter:ClientNetworkAdapter xmlns:ClientNetworkAdapter="${UOM_NS}" xmlns="${UOM_NS}" xmlns:ns2="http://www.w3.org/XML/1998/namespace/k2" schemaVersion="V1_3_0"><Metadata><Atom><AtomID>${c.uuid}</AtomID><AtomCreated>0</AtomCreated></Atom></Metadata>` +
        `<DynamicReconfigurationConnectorName kb="CUD" kxe="false">U8247.22L.2125D0A-V${l.partitionId}-C${c.slot}</DynamicReconfigurationConnectorName><LocationCode kxe="false" kb="ROR">U8247.22L.2125D0A-V${l.partitionId}-C${c.slot}</LocationCode>` +
        `<LocalPartitionID kb="CUR" kxe="false">${l.partitionId}</LocalPartitionID><VirtualSlotNumber kxe="false" kb="COD">${c.slot}</VirtualSlotNumber><MACAddress kxe="false" kb="CUR">${c.mac}</MACAddress>` +
        `<PortVLANID kxe="false" kb="CUR">${c.pvid}</PortVLANID>` +
        // An adapter without tagged VLANs has the element empty, as in the capture.
        (c.tagged.length > 0 ? `<TaggedVLANIDs kb="CUA" kxe="false">${c.tagged.join(" ")}</TaggedVLANIDs>` : `<TaggedVLANIDs kb="CUA" kxe="false"/>`) +
        `<TaggedVLANSupported kxe="false" kb="CUA">true</TaggedVLANSupported>` +
        (sw ? `<AssociatedVirtualSwitch kb="CUD" kxe="false"><link href="${this.url}/rest/api/uom/ManagedSystem/${s.uuid}/VirtualSwitch/${sw.uuid}" rel="related"/></AssociatedVirtualSwitch>` : "") +
        `<VirtualSwitchID kxe="false" kb="ROR">${c.switchId}</VirtualSwitchID><TrunkPriority kxe="false" kb="CUD">1</TrunkPriority></ClientNetworkAdapter:ClientNetworkAdapter>`,
    );
  }

  /** An SRIOVEthernetLogicalPort entry as pypowervm's sriov_lp_feed.txt shows it. */
  private sriovEntry(l: FakeLpar, p: { mac: string; pvid: number }, i: number): string {
    const id = `${l.uuid.slice(0, 8).toLowerCase()}-29e9-333a-8034-a5c8a35878${String(i).padStart(2, "0")}`;
    return entryDoc(
      id,
      "SRIOVEthernetLogicalPort",
      `${this.url}/rest/api/uom/LogicalPartition/${l.uuid}/SRIOVEthernetLogicalPort/${id}`,
      undefined,
      "application/vnd.ibm.powervm.uom+xml; type=SRIOVEthernetLogicalPort",
      `<SRIOVEthernetLogicalPort:SRIOVEthernetLogicalPort xmlns:SRIOVEthernetLogicalPort="${UOM_NS}" xmlns="${UOM_NS}" schemaVersion="V1_3_0"><Metadata><Atom><AtomID>${id}</AtomID><AtomCreated>0</AtomCreated></Atom></Metadata>` +
        `<ConfigurationID kxe="false" kb="COD">0</ConfigurationID><LogicalPortID kxe="false" kb="COD">${654327810 + i}</LogicalPortID><AdapterID kb="COR" kxe="false">1</AdapterID>` +
        `<PhysicalPortID kxe="false" kb="COR">2</PhysicalPortID><PortVLANID kxe="false" kb="CUR">${p.pvid}</PortVLANID><MACAddress kxe="false" kb="CUD">${p.mac}</MACAddress><AllowedVLANs kxe="false" kb="CUD">ALL</AllowedVLANs></SRIOVEthernetLogicalPort:SRIOVEthernetLogicalPort>`,
    );
  }

  /**
   * POST of a ClientNetworkAdapter: PortVLANID, TaggedVLANIDs and AssociatedVirtualSwitch change.
   * Assumption after the HMC CLI's virtual Ethernet attributes (see docs/hardware.md): a running
   * partition's tagged VLANs may change; its PVID and switch only while it is not activated.
   */
  private updateCna(req: FakeRequest, l: FakeLpar, c: FakeCna): FakeResponse {
    if (req.headers["if-match"] !== String(c.etag)) return httpError(412, req.path, "Precondition Failed: the object was changed (ETag mismatch)");
    if (!String(req.headers["content-type"]).includes("type=ClientNetworkAdapter")) return httpError(415, req.path, "expected a ClientNetworkAdapter");
    type Text = string | { "#text"?: string };
    const doc = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: false }).parse(req.body) as {
      ClientNetworkAdapter?: { PortVLANID?: Text; TaggedVLANIDs?: Text; AssociatedVirtualSwitch?: { link?: { "@_href"?: string } } };
    };
    const text = (v: Text | undefined): string | undefined => (typeof v === "object" ? (v["#text"] ?? "") : v);
    const body = doc.ClientNetworkAdapter;
    const pvid = Number(text(body?.PortVLANID));
    if (!body || !Number.isInteger(pvid)) return httpError(400, req.path, "expected a ClientNetworkAdapter with a PortVLANID");
    const s = this.systems.get(l.systemUuid)!;
    const href = body.AssociatedVirtualSwitch?.link?.["@_href"];
    const sw = href ? s.switches.find((x) => href.endsWith(`/VirtualSwitch/${x.uuid}`)) : s.switches.find((x) => x.id === c.switchId);
    if (!sw) return httpError(400, req.path, `HSCL1001 the virtual switch ${href} is not on managed system ${s.name}`);
    if ((sw.id !== c.switchId || pvid !== c.pvid) && l.state !== "not activated") {
      return httpError(409, req.path, `HSCL1002 the port VLAN ID and virtual switch of an adapter can only be changed while the partition is not activated: partition ${l.name} is ${l.state}`);
    }
    c.pvid = pvid;
    c.tagged = (text(body.TaggedVLANIDs) ?? "").split(" ").filter((t) => t !== "").map(Number);
    c.switchId = sw.id;
    c.etag++;
    this.cnaPosts++;
    return { ...atom(this.cnaEntry(l, c)), headers: { "Content-Type": "application/atom+xml", ETag: String(c.etag) } };
  }

  private entry(uuid: string, type: string, etag: number, content: string): string {
    const self = type === "VirtualIOServer" ? `VirtualIOServer/${uuid}` : `${type}/${uuid}`;
    return entryDoc(uuid, type, `${this.url}/rest/api/uom/${self}`, etag, `application/vnd.ibm.powervm.uom+xml; type=${type}`, content);
  }

  private lparEntry(l: FakeLpar): string {
    // Not activated: the partition holds nothing, and the HMC says so with current values of 0.
    const active = l.state !== "not activated";
    const cur = (v: number): number => (active ? v : 0);
    const procs = l.dedicated
      ? `<HasDedicatedProcessors kb="CUD" kxe="false">true</HasDedicatedProcessors>` +
        `<DedicatedProcessorConfiguration kxe="false" kb="CUD" schemaVersion="V1_0"><Metadata><Atom/></Metadata><DesiredProcessors kb="CUD" kxe="false">${l.processorUnits}</DesiredProcessors><MaximumProcessors kb="CUD" kxe="false">${l.processorUnits}</MaximumProcessors><MinimumProcessors kb="CUD" kxe="false">1</MinimumProcessors></DedicatedProcessorConfiguration>` +
        `<SharingMode kb="CUD" kxe="false">sre idle proces</SharingMode><CurrentHasDedicatedProcessors kxe="false" kb="ROR">true</CurrentHasDedicatedProcessors>` +
        `<CurrentDedicatedProcessorConfiguration kb="ROR" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata><CurrentMaximumProcessors kb="ROR" kxe="false">${cur(l.processorUnits)}</CurrentMaximumProcessors><CurrentMinimumProcessors kb="ROR" kxe="false">${cur(1)}</CurrentMinimumProcessors><CurrentProcessors kb="ROR" kxe="false">${cur(l.processorUnits)}</CurrentProcessors><RunProcessors kb="ROR" kxe="false">${cur(l.processorUnits)}</RunProcessors></CurrentDedicatedProcessorConfiguration>`
      : `<HasDedicatedProcessors kb="CUD" kxe="false">false</HasDedicatedProcessors>` +
        `<SharedProcessorConfiguration kxe="false" kb="CUD" schemaVersion="V1_0"><Metadata><Atom/></Metadata><DesiredProcessingUnits kb="CUD" kxe="false">${l.processorUnits}</DesiredProcessingUnits><DesiredVirtualProcessors kb="CUD" kxe="false">${Math.ceil(l.processorUnits)}</DesiredVirtualProcessors>` +
        `<MaximumProcessingUnits kb="CUD" kxe="false">${l.processorUnits * 2}</MaximumProcessingUnits><MaximumVirtualProcessors kb="CUD" kxe="false">${Math.ceil(l.processorUnits * 2)}</MaximumVirtualProcessors><MinimumProcessingUnits kb="CUD" kxe="false">0.1</MinimumProcessingUnits><MinimumVirtualProcessors kb="CUD" kxe="false">1</MinimumVirtualProcessors>` +
        `<SharedProcessorPoolID kb="CUD" kxe="false">0</SharedProcessorPoolID><UncappedWeight kb="CUD" kxe="false">128</UncappedWeight></SharedProcessorConfiguration>` +
        `<SharingMode kb="CUD" kxe="false">uncapped</SharingMode>` +
        // Odd but real (pypowervm's lpar.txt): an inactive shared LPAR reports current dedicated processors, all 0.
        (active
          ? `<CurrentHasDedicatedProcessors kxe="false" kb="ROR">false</CurrentHasDedicatedProcessors><CurrentSharingMode kb="ROR" kxe="false">uncapped</CurrentSharingMode><CurrentSharedProcessorConfiguration kb="ROR" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata><AllocatedVirtualProcessors kb="ROR" kxe="false">${Math.ceil(l.processorUnits)}</AllocatedVirtualProcessors><CurrentProcessingUnits kb="ROR" kxe="false">${l.processorUnits}</CurrentProcessingUnits><RuntimeProcessingUnits kb="ROR" kxe="false">0.00</RuntimeProcessingUnits></CurrentSharedProcessorConfiguration>`
          : `<CurrentHasDedicatedProcessors kxe="false" kb="ROR">true</CurrentHasDedicatedProcessors><CurrentSharingMode kb="ROR" kxe="false">sre idle proces</CurrentSharingMode><CurrentDedicatedProcessorConfiguration kb="ROR" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata><CurrentMaximumProcessors kb="ROR" kxe="false">0</CurrentMaximumProcessors><CurrentMinimumProcessors kb="ROR" kxe="false">0</CurrentMinimumProcessors><CurrentProcessors kb="ROR" kxe="false">0</CurrentProcessors><RunProcessors kb="ROR" kxe="false">0</RunProcessors></CurrentDedicatedProcessorConfiguration>`);
    return this.entry(
      l.uuid,
      "LogicalPartition",
      l.etag,
      `<LogicalPartition:LogicalPartition xmlns:LogicalPartition="${UOM_NS}" xmlns="${UOM_NS}" xmlns:ns2="http://www.w3.org/XML/1998/namespace/k2" schemaVersion="V1_0"><Metadata><Atom><AtomID>${l.uuid}</AtomID><AtomCreated>1378742169504</AtomCreated></Atom></Metadata>` +
        `<AvailabilityPriority kb="CUD" kxe="false">127</AvailabilityPriority><IsOperationInProgress kb="ROR" kxe="false">false</IsOperationInProgress>` +
        `<PartitionID kb="COD" kxe="false">${l.partitionId}</PartitionID>` +
        `<PartitionMemoryConfiguration kb="CUD" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata><ActiveMemoryExpansionEnabled kb="CUD" kxe="false">false</ActiveMemoryExpansionEnabled>` +
        `<DesiredMemory kb="CUD" kxe="false">${l.memoryMb}</DesiredMemory><MaximumMemory kb="CUD" kxe="false">${l.memoryMb}</MaximumMemory><MinimumMemory kxe="false" kb="CUD">${Math.min(l.memoryMb, 2048)}</MinimumMemory>` +
        `<CurrentMaximumMemory kxe="false" kb="ROR">${cur(l.memoryMb)}</CurrentMaximumMemory><CurrentMemory kb="ROR" kxe="false">${cur(l.memoryMb)}</CurrentMemory><CurrentMinimumMemory kb="ROR" kxe="false">${cur(Math.min(l.memoryMb, 2048))}</CurrentMinimumMemory>` +
        `<RuntimeMemory kb="ROR" kxe="false">${cur(l.memoryMb)}</RuntimeMemory><SharedMemoryEnabled kb="CUD" kxe="false">${l.sharedMemory}</SharedMemoryEnabled></PartitionMemoryConfiguration>` +
        `<PartitionName kb="CUR" kxe="false">${l.name}</PartitionName>` +
        `<PartitionProcessorConfiguration kb="CUD" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata>${procs}</PartitionProcessorConfiguration>` +
        `<PartitionState kb="ROO" kxe="false">${l.state}</PartitionState><PartitionType kb="COD" kxe="false">${l.type}</PartitionType><PartitionUUID kb="ROO" kxe="false">${l.uuid}</PartitionUUID>` +
        `<ResourceMonitoringControlState kb="ROR" kxe="false">${l.rmc}</ResourceMonitoringControlState>` +
        `<AssociatedManagedSystem kb="CUD" kxe="false" href="${this.url}/rest/api/uom/ManagedSystem/${l.systemUuid}" rel="related"/>` +
        // Its adapters, as links (lpar.txt); read from the LogicalPartition's child feeds.
        `<ClientNetworkAdapters kb="CUR" kxe="false">${l.cnas.map((c) => `<link href="${this.url}/rest/api/uom/LogicalPartition/${l.uuid}/ClientNetworkAdapter/${c.uuid}" rel="related"/>`).join("")}</ClientNetworkAdapters>` +
        (l.sriovPorts.length > 0
          ? `<SRIOVEthernetLogicalPorts kb="CUD" kxe="false">${l.sriovPorts.map((_, i) => `<link href="${this.url}/rest/api/uom/LogicalPartition/${l.uuid}/SRIOVEthernetLogicalPort/${l.uuid.slice(0, 8).toLowerCase()}-29e9-333a-8034-a5c8a35878${String(i).padStart(2, "0")}" rel="related"/>`).join("")}</SRIOVEthernetLogicalPorts>`
          : "") +
        `<ReferenceCode kb="ROO" kxe="true">${active ? "" : "00000000"}</ReferenceCode>` +
        `<RemoteRestartCapable kb="COD" kxe="false">false</RemoteRestartCapable>` +
        `<SimplifiedRemoteRestartCapable kb="COD" kxe="false">${l.srrCapable}</SimplifiedRemoteRestartCapable>` +
        `<RemoteRestartState kb="ROO" kxe="false">${l.remoteRestartState}</RemoteRestartState></LogicalPartition:LogicalPartition>`,
    );
  }
}

/** An Atom entry as the HMC writes one: id, title, published, SELF link, author, etag, content. */
function entryDoc(id: string, title: string, selfHref: string, etag: number | undefined, contentType: string, content: string): string {
  return (
    `<entry><id>${id}</id><title>${title}</title><published>2026-01-01T00:00:00.000Z</published>` +
    `<link rel="SELF" href="${selfHref}"/><author><name>IBM Power Systems Management Console</name></author>` +
    (etag !== undefined ? `<etag:etag xmlns:etag="${UOM_NS}" xmlns="${UOM_NS}">${etag}</etag:etag>` : "") +
    `<content type="${contentType}">${content}</content></entry>`
  );
}

function feed(entries: string[]): string {
  return `<feed xmlns="${ATOM_NS}" xmlns:ns2="http://a9.com/-/spec/opensearch/1.1/" xmlns:ns3="http://www.w3.org/1999/xhtml"><id>${randomUUID()}</id><updated>2026-01-01T00:00:00.000Z</updated><generator>IBM Power Systems Management Console</generator>${entries.join("")}</feed>`;
}

/** A document: a feed, or a single entry (then with the Atom namespaces on <entry>). */
function atom(body: string): FakeResponse {
  return { status: 200, headers: { "Content-Type": "application/atom+xml" }, body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${standalone(body)}` };
}

function standalone(body: string): string {
  return body.startsWith("<entry>") ? body.replace("<entry>", `<entry xmlns="${ATOM_NS}" xmlns:ns2="http://a9.com/-/spec/opensearch/1.1/" xmlns:ns3="http://www.w3.org/1999/xhtml">`) : body;
}

const REASONS: Readonly<Record<number, string>> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 412: "Precondition Failed", 415: "Unsupported Media Type", 500: "Unknown internal error.", 503: "Service Unavailable" };

/** An error as the HMC sends it: an Atom entry whose content is an HttpErrorResponse. */
export function httpError(status: number, uri: string, message: string): FakeResponse {
  const content =
    `<HttpErrorResponse:HttpErrorResponse xmlns:HttpErrorResponse="${WEB_NS}" xmlns="${WEB_NS}" xmlns:ns2="http://www.w3.org/XML/1998/namespace/k2" schemaVersion="V1_2_0"><Metadata><Atom/></Metadata>` +
    `<HTTPStatus kb="ROR" kxe="false">${status}</HTTPStatus><RequestURI kb="ROR" kxe="false">${uri.split("?")[0]}</RequestURI><ReasonCode kb="ROR" kxe="false">${REASONS[status] ?? "Error"}</ReasonCode>` +
    `<Message kb="ROO" kxe="false">${message}</Message><RequestBody kb="ROO" kxe="false"/><RequestHeaders kb="ROO" kxe="false">{X-API-Session=*******}</RequestHeaders></HttpErrorResponse:HttpErrorResponse>`;
  return {
    status,
    headers: { "Content-Type": "application/atom+xml" },
    body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${standalone(entryDoc(randomUUID(), "HttpErrorResponse", uri, undefined, "application/vnd.ibm.powervm.web+xml; type=HttpErrorResponse", content))}`,
  };
}
