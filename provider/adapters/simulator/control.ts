// The simulator's control panel: what `vmr sim ...` does, as typed functions. Creating a
// datacenter, summarising it, failing and repairing hosts and sites, changing injected faults on
// a live state directory (tests and drills).

import * as fs from "fs";
import { parseJsonText, parseYamlText } from "../../parse-file";
import { WallClock, type Clock } from "../../clock";
import { ValidationError } from "../../errors";
import type { Faults, ResolvedTopology } from "../../model";
import { validate } from "../../validation";
import { validateTopology } from "../../validation/topology-rules";
import type { Entry } from "./apply";
import { scheduleCrashes } from "./apply";
import { FileStateStore, writeStateDir } from "./file-store";
import { resolveStateDir } from "./index";
import { presetTopology, PRESETS } from "./presets";
import type { StateStore } from "./store";
import { newPersistedState, persistedFromState, stateFromPersisted, type SimState } from "./state";
import { plural } from "../../text";

export interface SimInitOptions {
  /** A YAML or JSON file, `preset:NAME`, or a topology object. */
  topology: string | object;
  stateDir?: string;
  /** Overrides the topology's simulation.seed (and the preset generator's seed). */
  seed?: number;
  /** Replace existing state. */
  force?: boolean;
  clock?: Clock;
}

export interface SimInitResult {
  stateDir: string;
  sites: number;
  managedSystems: number;
  lpars: number;
  volumes: number;
  hostMappings: number;
  consistencyGroups: number;
}

function readTopologyFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new ValidationError("topology", [{ path: "topology", message: `\`topology\` file ${file} cannot be read (${(err as Error).message}): give a YAML or JSON file, or preset:NAME` }]);
  }
  const context = { file, wayOut: "Fix the file there, or start from a preset: `vmr sim init --topology preset:small`" };
  return file.endsWith(".json") ? parseJsonText(text, context) : parseYamlText(text, context);
}

/** The topology named by `--topology`, validated, defaults filled in. Writes nothing. */
export function loadTopology(source: string | object, seed?: number): ResolvedTopology {
  let raw: unknown;
  if (typeof source === "string" && source.startsWith("preset:")) {
    const name = source.slice("preset:".length);
    if (!PRESETS[name]) {
      throw new ValidationError("topology", [{ path: "topology", message: `\`topology\` preset ${JSON.stringify(name)} is unknown: use one of ${Object.keys(PRESETS).map((p) => `preset:${p}`).join(", ")}` }]);
    }
    raw = presetTopology(name, seed);
  } else if (typeof source === "string") {
    raw = readTopologyFile(source);
  } else {
    raw = structuredClone(source);
  }
  if (seed !== undefined && raw && typeof raw === "object") {
    const t = raw as { simulation?: Record<string, unknown> };
    t.simulation = { ...(t.simulation ?? {}), seed };
  }
  return validateTopology(raw);
}

function summaryOf(stateDir: string, t: ResolvedTopology): SimInitResult {
  return {
    stateDir,
    sites: t.sites.length,
    managedSystems: t.managedSystems.length,
    lpars: t.lpars.length,
    volumes: t.volumes.length,
    hostMappings: t.hostMappings.length,
    consistencyGroups: t.consistencyGroups.length,
  };
}

/** `vmr sim init`: validates the topology and writes a new state directory. Invalid input writes nothing. */
export async function simInit(options: SimInitOptions): Promise<SimInitResult> {
  const topology = loadTopology(options.topology, options.seed);
  const stateDir = resolveStateDir(options.stateDir);
  const now = (options.clock ?? new WallClock()).now();
  const state = stateFromPersisted(newPersistedState(topology, now, topology.simulation?.timeScale ?? 0.001));
  scheduleCrashes(state, now);
  await writeStateDir(stateDir, persistedFromState(state), options.force ?? false);
  return summaryOf(stateDir, topology);
}

export interface SimStatus {
  stateDir: string;
  /** Simulated seconds since `vmr sim init`. */
  simulatedSeconds: number;
  timeScale: number;
  sites: { name: string; managedSystems: number; storageSystems: number }[];
  managedSystemsByState: Record<string, number>;
  lparsByState: Record<string, number>;
  volumes: number;
  hostMappings: number;
  consistencyGroupsByState: Record<string, number>;
  flashCopyGroups: number;
  storageSystemsOffline: string[];
  jobsInFlight: { total: number; byOperation: Record<string, number> };
  /** Injected faults in force (simulation.faults). */
  faults: Faults;
}

function countBy<T>(items: Iterable<T>, key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

export function statusOf(stateDir: string, s: SimState, now: number): SimStatus {
  let hostMappings = 0;
  for (const list of s.mappings.values()) hostMappings += list.length;
  return {
    stateDir,
    simulatedSeconds: Math.max(0, (now - s.originAt) / s.timeScale / 1000),
    timeScale: s.timeScale,
    sites: [...s.sites.values()].map((site) => ({
      name: site.name,
      managedSystems: [...s.systems.values()].filter((m) => m.site === site.name).length,
      storageSystems: [...s.storageSystems.values()].filter((x) => x.site === site.name).length,
    })),
    managedSystemsByState: countBy(s.systems.values(), (m) => m.state),
    lparsByState: countBy(s.lpars.values(), (l) => l.state),
    volumes: s.volumes.size,
    hostMappings,
    consistencyGroupsByState: countBy(s.consistencyGroups.values(), (g) => g.state),
    flashCopyGroups: s.flashCopyGroups.size,
    storageSystemsOffline: [...s.storageSystems.values()].filter((x) => x.state === "offline").map((x) => x.id),
    jobsInFlight: { total: s.jobs.size, byOperation: countBy(s.jobs.values(), (j) => j.op) },
    faults: s.topology.simulation?.faults ?? {},
  };
}

/** Which simulated datacenter: a state directory (default), or the store of an open simulator (in memory). */
export interface SimTarget {
  stateDir?: string;
  clock?: Clock;
  store?: StateStore;
}

function storeFor(options: SimTarget): StateStore {
  return options.store ?? new FileStateStore(resolveStateDir(options.stateDir), options.clock ?? new WallClock());
}

/** `vmr sim status`: a summary of the simulated datacenter. */
export async function simStatus(options: SimTarget = {}): Promise<SimStatus> {
  const store = storeFor(options);
  const where = store instanceof FileStateStore ? store.dir : "(in memory)";
  return store.read((s, now) => statusOf(where, s, now));
}

function formatCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([k, v]) => `${k} ${v}`);
  return parts.length > 0 ? parts.join(", ") : "none";
}

/** The status as the lines `vmr sim status` prints. */
export function formatStatus(st: SimStatus): string {
  return [
    `state:              ${st.stateDir}`,
    `simulated time:     ${st.simulatedSeconds.toFixed(1)} s since init (time scale ${st.timeScale} wall ms per simulated ms)`,
    `sites:              ${st.sites.map((x) => `${x.name} (${plural(x.managedSystems, "system")}, ${x.storageSystems} storage)`).join(", ")}`,
    `managed systems:    ${formatCounts(st.managedSystemsByState)}`,
    `LPARs:              ${formatCounts(st.lparsByState)}`,
    `volumes:            ${st.volumes}`,
    `host mappings:      ${st.hostMappings}`,
    `consistency groups: ${formatCounts(st.consistencyGroupsByState)}`,
    `FlashCopy groups:   ${st.flashCopyGroups}`,
    `storage offline:    ${st.storageSystemsOffline.length > 0 ? st.storageSystemsOffline.join(", ") : "none"}`,
    `jobs in flight:     ${st.jobsInFlight.total}${st.jobsInFlight.total > 0 ? ` (${formatCounts(st.jobsInFlight.byOperation)})` : ""}`,
    `injected faults:    ${formatFaults(st.faults)}`,
  ].join("\n");
}

function formatFaults(f: Faults): string {
  const parts: string[] = [];
  if (f.transientProbability) parts.push(`transient p=${f.transientProbability}`);
  if (f.midJobProbability) parts.push(`part way through jobs p=${f.midJobProbability}`);
  if (f.permanent?.length) parts.push(`permanent ${f.permanent.join(" ")}`);
  if (f.hostCrashes?.length) parts.push(`crashes ${f.hostCrashes.map((c) => `${c.host}@${c.atSeconds}s`).join(" ")}`);
  return parts.length > 0 ? parts.join("; ") : "none";
}

function unknownName(what: string, name: string, known: string[]): ValidationError {
  const sample = known.slice(0, 8).join(", ");
  return new ValidationError(what, [{ path: "name", message: `\`name\` ${JSON.stringify(name)} is not a ${what}: use one of ${sample}${known.length > 8 ? ", ..." : ""}` }]);
}

/** The system id for an id or a display name. */
function systemIdOf(s: SimState, name: string): string | undefined {
  if (s.systems.has(name)) return name;
  for (const m of s.systems.values()) if (m.name === name) return m.id;
  return undefined;
}

export interface SimChange {
  /** What changed: managed systems and storage systems now down or up. */
  managedSystems: string[];
  storageSystems: string[];
}

/** `vmr sim fail-host`: the managed system crashes (state Error, its LPARs in Error). */
export async function simFailHost(name: string, options: SimTarget = {}): Promise<SimChange> {
  return storeFor(options).update((s) => {
    const id = systemIdOf(s, name);
    if (!id) return { error: unknownName("managed system", name, [...s.systems.keys()]) };
    return { entries: [{ k: "crash", at: 0, host: id }], result: { managedSystems: [id], storageSystems: [] } };
  });
}

/** `vmr sim fail-site`: every managed system of the site crashes and its storage goes offline. */
export async function simFailSite(name: string, options: SimTarget = {}): Promise<SimChange> {
  return storeFor(options).update((s) => {
    if (!s.sites.has(name)) return { error: unknownName("site", name, [...s.sites.keys()]) };
    const systems = [...s.systems.values()].filter((m) => m.site === name).map((m) => m.id);
    const storage = [...s.storageSystems.values()].filter((x) => x.site === name).map((x) => x.id);
    const entries: Entry[] = [
      ...systems.map((host): Entry => ({ k: "crash", at: 0, host })),
      ...storage.map((storageSystemId): Entry => ({ k: "storageState", at: 0, storageSystemId, online: false })),
    ];
    return { entries, result: { managedSystems: systems, storageSystems: storage } };
  });
}

/** `vmr sim fail-vios` (and `--repair`): one VIOS of a managed system down, or back. */
export async function simSetVios(system: string, vios: string, up: boolean, options: SimTarget = {}): Promise<{ system: string; vios: string; failedVioses: string[] }> {
  return storeFor(options).update((s) => {
    const id = systemIdOf(s, system);
    if (!id) return { error: unknownName("managed system", system, [...s.systems.keys()]) };
    const known = s.systems.get(id)!.vioses;
    if (!known.includes(vios)) return { error: unknownName(`VIOS of ${id}`, vios, [...known]) };
    const failed = (s.systems.get(id)!.failedVioses ?? []).filter((v) => v !== vios);
    return { entries: [{ k: "viosState", at: 0, host: id, vios, up }], result: { system: id, vios, failedVioses: up ? failed : [...failed, vios] } };
  });
}

/** `vmr sim repair`: a host, or every host and storage system of a site, back in service. */
export async function simRepair(name: string, options: SimTarget = {}): Promise<SimChange> {
  return storeFor(options).update((s) => {
    const id = systemIdOf(s, name);
    if (id) return { entries: [{ k: "repair", at: 0, host: id }], result: { managedSystems: [id], storageSystems: [] } };
    if (!s.sites.has(name)) return { error: unknownName("managed system or site", name, [...s.sites.keys(), ...s.systems.keys()]) };
    const systems = [...s.systems.values()].filter((m) => m.site === name).map((m) => m.id);
    const storage = [...s.storageSystems.values()].filter((x) => x.site === name).map((x) => x.id);
    const entries: Entry[] = [
      ...systems.map((host): Entry => ({ k: "repair", at: 0, host })),
      ...storage.map((storageSystemId): Entry => ({ k: "storageState", at: 0, storageSystemId, online: true })),
    ];
    return { entries, result: { managedSystems: systems, storageSystems: storage } };
  });
}

/** The Faults of `vmr sim faults` flags; throws a ValidationError naming a malformed flag. */
export function parseFaultFlags(flags: { transient?: string; midJob?: string; permanent?: string[]; crash?: string[] }): Faults {
  const faults: Faults = {};
  const issues: { path: string; message: string }[] = [];
  const probability = (value: string | undefined, flag: string, set: (p: number) => void): void => {
    if (value === undefined) return;
    const p = Number(value);
    if (Number.isFinite(p)) set(p);
    else issues.push({ path: flag, message: `\`${flag}\` must be a probability between 0 and 1, got ${JSON.stringify(value)}` });
  };
  probability(flags.transient, "--transient", (p) => (faults.transientProbability = p));
  probability(flags.midJob, "--mid-job", (p) => (faults.midJobProbability = p));
  if (flags.permanent?.length) faults.permanent = flags.permanent;
  if (flags.crash?.length) {
    faults.hostCrashes = flags.crash.map((c) => {
      const at = c.lastIndexOf("@");
      const seconds = Number(c.slice(at + 1));
      if (at <= 0 || !Number.isFinite(seconds)) issues.push({ path: "--crash", message: `\`--crash\` must be HOST@SECONDS, e.g. a-01@600, got ${JSON.stringify(c)}` });
      return { host: c.slice(0, at), atSeconds: seconds };
    });
  }
  if (issues.length > 0) throw new ValidationError("faults", issues);
  return faults;
}

/**
 * Replaces the injected faults of a live state directory (tests, drills). Crashes are timed from
 * the directory's initialisation; one already in the past happens now.
 */
export async function simSetFaults(faults: Faults, options: SimTarget = {}): Promise<void> {
  const copy = structuredClone(faults);
  const probe = { sites: [], hmcs: [], managedSystems: [], lpars: [], storageSystems: [], volumes: [], hostMappings: [], consistencyGroups: [], simulation: { faults: copy } };
  const issues = validate("topology", probe);
  if (issues.length > 0) throw new ValidationError("faults", issues);
  await storeFor(options).update((s) => {
    const unknown = (copy.hostCrashes ?? []).map((c, i) => ({ c, i })).filter(({ c }) => !s.systems.has(c.host));
    if (unknown.length > 0) {
      return {
        error: new ValidationError(
          "faults",
          unknown.map(({ c, i }) => ({ path: `simulation.faults.hostCrashes[${i}].host`, message: `\`simulation.faults.hostCrashes[${i}].host\` ${JSON.stringify(c.host)} is not a managed system of this datacenter` })),
        ),
      };
    }
    return { entries: [{ k: "faults", at: 0, faults: copy }] };
  });
}
