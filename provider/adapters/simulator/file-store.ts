// The datacenter in a directory that several processes share at once (the provider inside
// `pulumi up`, the `vmr` command, tests). Layout:
//
//   sim.json            manifest: format version, instance id, generation (written atomically)
//   state-<gen>.json    snapshot of the whole state (written atomically)
//   log-<gen>.jsonl     entries appended since the snapshot, one JSON object per line
//   .lock               proper-lockfile's lock: every read and update holds it
//
// Why a snapshot plus a log: rewriting a 20 MB state for each of the 50,000 operations of a large
// failover would take hours. Each process keeps the parsed state cached, keyed by (instance,
// generation, log bytes read), and under the lock reads only the log lines appended since; an
// update appends a few hundred bytes. When the log outgrows the snapshot, the writer folds it
// into a new generation. A torn last line (a writer killed mid-append) is ignored and cut off
// by the next writer. The previous generation's snapshot and log are kept one generation longer:
// when a snapshot is damaged (a disk fault, a copy tool, not our atomic writer), the state is
// rebuilt from them, the snapshot rewritten, and the user told. Lines are not fsynced: a killed process loses nothing (the page cache
// holds the write), a power cut may lose the last entries.

import * as fs from "fs";
import * as path from "path";
import * as crypto from "crypto";
import * as lockfile from "proper-lockfile";
import writeFileAtomic from "write-file-atomic";
import type { Clock } from "../../clock";
import type { SimulatorManifest } from "../../generated/sim-state";
import { DamagedFileError, LockHeldError, ValidationError } from "../../errors";
import { damaged, parseJsonText } from "../../parse-file";
import { applyEntry, type Entry } from "./apply";
import { decideAndApply, outcome, type Decision, type StateStore } from "./store";
import { persistedFromState, stateFromPersisted, STATE_FORMAT_VERSION, type PersistedState, type SimState } from "./state";

const MANIFEST = "sim.json";
const LOCK = ".lock";
/** Fold the log into a new snapshot once it is larger than this and than the snapshot. */
const MIN_COMPACT_BYTES = 1 << 20;

/** sim.json (schemas/sim-state.schema.json, SimulatorManifest). */
export type Manifest = SimulatorManifest;

interface Cached {
  instance: string;
  generation: number;
  logBytes: number;
  /** Complete lines of the log applied so far (to name a damaged line). */
  logLines: number;
  snapshotBytes: number;
  state: SimState;
}

// Shared by every store of the process on the same directory.
const caches = new Map<string, Cached>();

const snapshotFile = (dir: string, generation: number): string => path.join(dir, `state-${generation}.json`);
const logFile = (dir: string, generation: number): string => path.join(dir, `log-${generation}.jsonl`);

function readManifest(dir: string): Manifest | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, MANIFEST), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const manifest = parseJsonText<Manifest>(text, { file: path.join(dir, MANIFEST), wayOut: rebuildAdvice(dir) });
  if (manifest.formatVersion !== STATE_FORMAT_VERSION) {
    throw new ValidationError("simulator state", [
      {
        path: "stateDir",
        message: `\`stateDir\` ${dir} holds simulator state format ${manifest.formatVersion}; this version reads format ${STATE_FORMAT_VERSION}: run \`vmr sim init --force\` to recreate it`,
      },
    ]);
  }
  return manifest;
}

/** The way out when the state cannot be read back: start the simulated datacenter again. */
function rebuildAdvice(dir: string): string {
  return `The simulator state cannot be read back: recreate it with \`vmr sim init --force --topology FILE|preset:NAME --state ${dir}\` (the simulated datacenter starts again from its topology)`;
}

function notInitialised(dir: string): ValidationError {
  return new ValidationError("simulator state", [
    { path: "stateDir", message: `\`stateDir\` ${dir} holds no simulator state: create it with \`vmr sim init --topology FILE|preset:small --state ${dir}\`` },
  ]);
}

/** Takes the directory's lock, waiting for other processes (up to about a minute). */
async function lockDir(dir: string): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dir, {
      lockfilePath: path.join(dir, LOCK),
      realpath: false,
      stale: 15_000,
      retries: { retries: 2000, factor: 1.3, minTimeout: 1, maxTimeout: 30, randomize: true },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOCKED") throw new LockHeldError(`simulator state ${dir}`, "another process");
    throw err;
  }
}

/** One read or update waiting for the directory's lock. */
interface Task {
  readonly clock: Clock;
  readonly minCompactBytes: number;
  readonly decide: (state: SimState, now: number) => Decision<unknown>;
  /** Fold the log into a new snapshot after this task, whatever its size. */
  readonly compact?: boolean;
  /** Tells the user something they should know (a damaged snapshot recovered). */
  readonly notice: (message: string) => void;
  resolve(decision: Decision<unknown>): void;
  reject(err: unknown): void;
}

/**
 * The calls of this process on one directory, served in batches: one lock, one log read and one
 * append for every call queued meanwhile (group commit). An executor with hundreds of operations
 * in flight thus takes the lock once per batch instead of polling for it once per call.
 */
class DirectoryQueue {
  private tasks: Task[] = [];
  private draining = false;

  constructor(private readonly dir: string) {}

  submit(task: Task): void {
    this.tasks.push(task);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.tasks.length > 0) await this.runBatch(this.tasks.splice(0));
    } finally {
      this.draining = false;
    }
  }

  private async runBatch(batch: Task[]): Promise<void> {
    let release: (() => Promise<void>) | undefined;
    try {
      if (!fs.existsSync(path.join(this.dir, MANIFEST))) throw notInitialised(this.dir);
      release = await lockDir(this.dir);
      const decisions = this.runLocked(batch);
      batch.forEach((task, i) => task.resolve(decisions[i]));
    } catch (err) {
      // The cache may hold work that never reached the log: read the directory afresh next time.
      caches.delete(this.dir);
      for (const task of batch) task.reject(err);
    } finally {
      if (release) await release();
    }
  }

  private runLocked(batch: Task[]): Decision<unknown>[] {
    const state = load(this.dir, batch[0].notice);
    const cached = caches.get(this.dir)!;
    const lines: string[] = [];
    const decisions = batch.map((task) => {
      const { decision, entries } = decideAndApply(state, task.clock.now(), task.decide);
      for (const e of entries) lines.push(JSON.stringify(e));
      return decision;
    });
    if (lines.length > 0) {
      const log = logFile(this.dir, cached.generation);
      const text = lines.join("\n") + "\n";
      // Cut a torn line left by a writer that died mid-append before adding ours.
      if (fs.statSync(log).size > cached.logBytes) fs.truncateSync(log, cached.logBytes);
      fs.appendFileSync(log, text);
      cached.logBytes += Buffer.byteLength(text);
    }
    const threshold = Math.min(...batch.map((t) => t.minCompactBytes));
    const forced = batch.some((t) => t.compact) && cached.logBytes > 0;
    if (forced || cached.logBytes > Math.max(threshold, cached.snapshotBytes)) compact(this.dir, cached);
    return decisions;
  }
}

const queues = new Map<string, DirectoryQueue>();

export class FileStateStore implements StateStore {
  readonly dir: string;

  private readonly minCompactBytes: number;

  constructor(
    dir: string,
    readonly clock: Clock,
    options: {
      /** Fold the log into a snapshot once it exceeds this many bytes and the snapshot's size. @default 1 MiB */
      minCompactBytes?: number;
      /** Where notices go (a damaged snapshot recovered). @default standard error */
      notice?: (message: string) => void;
    } = {},
  ) {
    this.dir = path.resolve(dir);
    this.minCompactBytes = options.minCompactBytes ?? MIN_COMPACT_BYTES;
    this.notice = options.notice ?? ((message) => process.stderr.write(`vmr: ${message}\n`));
  }

  private readonly notice: (message: string) => void;

  async update<T>(decide: (state: SimState, now: number) => Decision<T>): Promise<T> {
    return outcome(await this.submit(decide));
  }

  async read<T>(view: (state: SimState, now: number) => T): Promise<T> {
    return outcome(await this.submit((s, now) => ({ result: view(s, now) })));
  }

  async close(): Promise<void> {}

  /** Folds the log into a new snapshot now (normally done once the log outgrows the snapshot). */
  async compact(): Promise<void> {
    await this.submit(() => ({}), true);
  }

  /** Drops this process's cached state (tests use it to force a cold read). */
  forget(): void {
    caches.delete(this.dir);
  }

  private submit<T>(decide: (state: SimState, now: number) => Decision<T>, compact = false): Promise<Decision<T>> {
    let queue = queues.get(this.dir);
    if (!queue) queues.set(this.dir, (queue = new DirectoryQueue(this.dir)));
    const q = queue;
    return new Promise((resolve, reject) => {
      q.submit({ clock: this.clock, minCompactBytes: this.minCompactBytes, decide, compact, notice: this.notice, resolve: resolve as (d: Decision<unknown>) => void, reject });
    });
  }
}

/** The state as of the last complete log line, from the cache when it is current. Call under the lock. */
function load(dir: string, notice: (message: string) => void): SimState {
  const manifest = readManifest(dir);
  if (!manifest) throw notInitialised(dir);
  let cached = caches.get(dir);
  if (!cached || cached.instance !== manifest.instance || cached.generation !== manifest.generation) {
    const { state, bytes } = readSnapshot(dir, manifest.generation, notice);
    cached = { instance: manifest.instance, generation: manifest.generation, logBytes: 0, logLines: 0, snapshotBytes: bytes, state };
    caches.set(dir, cached);
  }
  const read = readLog(logFile(dir, cached.generation), cached.logBytes, cached.logLines);
  for (const entry of read.entries) applyEntry(cached.state, entry);
  cached.logBytes += read.bytes;
  cached.logLines += read.entries.length;
  return cached.state;
}

/**
 * The snapshot of `generation`; when it is damaged or missing, the previous generation's
 * snapshot plus its log (which together hold the same state), after which the snapshot is
 * rewritten so the next reader finds it whole.
 */
function readSnapshot(dir: string, generation: number, notice: (message: string) => void): { state: SimState; bytes: number } {
  const file = snapshotFile(dir, generation);
  let damage: DamagedFileError;
  try {
    const text = fs.readFileSync(file, "utf8");
    return { state: stateFromPersisted(parseJsonText<PersistedState>(text, { file, wayOut: rebuildAdvice(dir) })), bytes: Buffer.byteLength(text) };
  } catch (err) {
    if (err instanceof DamagedFileError) damage = err;
    else if ((err as NodeJS.ErrnoException).code === "ENOENT") damage = new DamagedFileError(file, "", "the file is missing", rebuildAdvice(dir));
    else throw err;
  }
  const previous = snapshotFile(dir, generation - 1);
  const previousLog = logFile(dir, generation - 1);
  let state: SimState;
  try {
    state = stateFromPersisted(parseJsonText<PersistedState>(fs.readFileSync(previous, "utf8"), { file: previous, wayOut: rebuildAdvice(dir) }));
    for (const entry of readLog(previousLog, 0, 0).entries) applyEntry(state, entry);
  } catch (err) {
    if (err instanceof DamagedFileError || (err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new DamagedFileError(damage.file, damage.where, `${damage.problem} (and the previous snapshot and log it could be rebuilt from are ${err instanceof DamagedFileError ? "damaged too" : "not there"})`, damage.wayOut);
    }
    throw err;
  }
  const text = JSON.stringify(persistedFromState(state));
  writeFileAtomic.sync(file, text);
  notice(`${damage.file} was damaged${damage.where ? ` at ${damage.where}` : ""}: ${damage.problem}; rebuilt it from ${path.basename(previous)} and ${path.basename(previousLog)} and rewrote it`);
  return { state, bytes: Buffer.byteLength(text) };
}

/** The complete lines of a log from byte `from` (line `linesBefore` + 1); a torn last line is left for the next writer to cut. */
function readLog(file: string, from: number, linesBefore: number): { entries: Entry[]; bytes: number } {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= from) return { entries: [], bytes: 0 };
    const buf = Buffer.alloc(size - from);
    fs.readSync(fd, buf, 0, buf.length, from);
    const complete = buf.lastIndexOf(10) + 1;
    if (complete === 0) return { entries: [], bytes: 0 };
    const lines = buf.subarray(0, complete).toString("utf8").split("\n");
    lines.pop();
    const entries = lines.map((line, i) => {
      try {
        return JSON.parse(line) as Entry;
      } catch (err) {
        const where = { file, line: linesBefore + i + 1, wayOut: `Entries after this line cannot be applied. ${rebuildAdvice(path.dirname(file))}` };
        throw damaged(err, line, where);
      }
    });
    return { entries, bytes: complete };
  } finally {
    fs.closeSync(fd);
  }
}

function compact(dir: string, cached: Cached): void {
  const next = cached.generation + 1;
  const text = JSON.stringify(persistedFromState(cached.state));
  writeFileAtomic.sync(snapshotFile(dir, next), text);
  fs.writeFileSync(logFile(dir, next), "");
  const manifest: Manifest = { formatVersion: STATE_FORMAT_VERSION, instance: cached.instance, generation: next };
  writeFileAtomic.sync(path.join(dir, MANIFEST), JSON.stringify(manifest) + "\n");
  // Keep the generation just folded (the fallback of a damaged snapshot); drop the one before it.
  for (const old of [snapshotFile(dir, cached.generation - 1), logFile(dir, cached.generation - 1)]) fs.rmSync(old, { force: true });
  cached.generation = next;
  cached.logBytes = 0;
  cached.logLines = 0;
  cached.snapshotBytes = Buffer.byteLength(text);
}

/**
 * Writes a new state directory holding `persisted`. Refuses to replace existing state unless
 * `force`. Takes the lock, so no process reads a half-written directory.
 */
export async function writeStateDir(dir: string, persisted: PersistedState, force: boolean): Promise<void> {
  const abs = path.resolve(dir);
  fs.mkdirSync(abs, { recursive: true });
  const release = await lockDir(abs);
  try {
    const existing = fs.existsSync(path.join(abs, MANIFEST));
    if (existing && !force) {
      throw new ValidationError("simulator state", [
        { path: "stateDir", message: `\`stateDir\` ${abs} already holds simulator state: pass --force to replace it, or choose another --state` },
      ]);
    }
    let generation = 1;
    if (existing) {
      try {
        generation = (JSON.parse(fs.readFileSync(path.join(abs, MANIFEST), "utf8")) as Manifest).generation + 1;
      } catch {
        generation = 1;
      }
    }
    for (const f of fs.readdirSync(abs)) if (/^(state|log)-\d+\.jsonl?$/.test(f)) fs.rmSync(path.join(abs, f), { force: true });
    writeFileAtomic.sync(snapshotFile(abs, generation), JSON.stringify(persisted));
    fs.writeFileSync(logFile(abs, generation), "");
    const manifest: Manifest = { formatVersion: STATE_FORMAT_VERSION, instance: crypto.randomUUID(), generation };
    writeFileAtomic.sync(path.join(abs, MANIFEST), JSON.stringify(manifest) + "\n");
    caches.delete(abs);
  } finally {
    await release();
  }
}
