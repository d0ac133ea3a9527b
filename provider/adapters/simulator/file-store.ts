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
// by the next writer. Lines are not fsynced: a killed process loses nothing (the page cache
// holds the write), a power cut may lose the last entries.

import * as fs from "fs";
import * as path from "path";
import * as crypto from "crypto";
import * as lockfile from "proper-lockfile";
import writeFileAtomic from "write-file-atomic";
import type { Clock } from "../../clock";
import { LockHeldError, ValidationError } from "../../errors";
import { applyEntry, type Entry } from "./apply";
import { decideAndApply, outcome, type Decision, type StateStore } from "./store";
import { persistedFromState, stateFromPersisted, STATE_FORMAT_VERSION, type PersistedState, type SimState } from "./state";

const MANIFEST = "sim.json";
const LOCK = ".lock";
/** Fold the log into a new snapshot once it is larger than this and than the snapshot. */
const MIN_COMPACT_BYTES = 1 << 20;

export interface Manifest {
  formatVersion: number;
  /** Random id of this initialisation: a re-initialised directory never matches an old cache. */
  instance: string;
  generation: number;
}

interface Cached {
  instance: string;
  generation: number;
  logBytes: number;
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
  const manifest = JSON.parse(text) as Manifest;
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

export class FileStateStore implements StateStore {
  readonly dir: string;

  private readonly minCompactBytes: number;

  constructor(
    dir: string,
    readonly clock: Clock,
    /** Fold the log into a snapshot once it exceeds this many bytes and the snapshot's size. @default 1 MiB */
    options: { minCompactBytes?: number } = {},
  ) {
    this.dir = path.resolve(dir);
    this.minCompactBytes = options.minCompactBytes ?? MIN_COMPACT_BYTES;
  }

  async update<T>(decide: (state: SimState, now: number) => Decision<T>): Promise<T> {
    return outcome(await this.locked(() => this.updateLocked(decide)));
  }

  async read<T>(view: (state: SimState, now: number) => T): Promise<T> {
    return this.locked(() => {
      const { decision } = decideAndApply(this.load(), this.clock.now(), (s, now) => ({ result: view(s, now) }));
      return decision.result as T;
    });
  }

  async close(): Promise<void> {}

  /** Drops this process's cached state (tests use it to force a cold read). */
  forget(): void {
    caches.delete(this.dir);
  }

  private async locked<T>(fn: () => T): Promise<T> {
    if (!fs.existsSync(path.join(this.dir, MANIFEST))) throw notInitialised(this.dir);
    const release = await lockDir(this.dir);
    try {
      return fn();
    } catch (err) {
      // The cache may hold half-applied work: read the directory afresh next time.
      caches.delete(this.dir);
      throw err;
    } finally {
      await release();
    }
  }

  private updateLocked<T>(decide: (state: SimState, now: number) => Decision<T>): Decision<T> {
    const state = this.load();
    const cached = caches.get(this.dir)!;
    const { decision, entries } = decideAndApply(state, this.clock.now(), decide);
    if (entries.length > 0) {
      const log = logFile(this.dir, cached.generation);
      const text = entries.map((e) => JSON.stringify(e)).join("\n") + "\n";
      const size = fs.statSync(log).size;
      // Cut a torn line left by a writer that died mid-append before adding ours.
      if (size > cached.logBytes) fs.truncateSync(log, cached.logBytes);
      fs.appendFileSync(log, text);
      cached.logBytes += Buffer.byteLength(text);
      if (cached.logBytes > Math.max(this.minCompactBytes, cached.snapshotBytes)) this.compact(cached);
    }
    return decision;
  }

  /** The state as of the last complete log line, from the cache when it is current. */
  private load(): SimState {
    const manifest = readManifest(this.dir);
    if (!manifest) throw notInitialised(this.dir);
    let cached = caches.get(this.dir);
    if (!cached || cached.instance !== manifest.instance || cached.generation !== manifest.generation) {
      const text = fs.readFileSync(snapshotFile(this.dir, manifest.generation), "utf8");
      const persisted = JSON.parse(text) as PersistedState;
      cached = {
        instance: manifest.instance,
        generation: manifest.generation,
        logBytes: 0,
        snapshotBytes: Buffer.byteLength(text),
        state: stateFromPersisted(persisted),
      };
      caches.set(this.dir, cached);
    }
    const log = logFile(this.dir, cached.generation);
    const fd = fs.openSync(log, "r");
    try {
      const size = fs.fstatSync(fd).size;
      if (size > cached.logBytes) {
        const buf = Buffer.alloc(size - cached.logBytes);
        fs.readSync(fd, buf, 0, buf.length, cached.logBytes);
        const complete = buf.lastIndexOf(10) + 1;
        if (complete > 0) {
          for (const line of buf.subarray(0, complete).toString("utf8").split("\n")) {
            if (line.length > 0) applyEntry(cached.state, JSON.parse(line) as Entry);
          }
          cached.logBytes += complete;
        }
      }
    } finally {
      fs.closeSync(fd);
    }
    return cached.state;
  }

  private compact(cached: Cached): void {
    const next = cached.generation + 1;
    const text = JSON.stringify(persistedFromState(cached.state));
    writeFileAtomic.sync(snapshotFile(this.dir, next), text);
    fs.writeFileSync(logFile(this.dir, next), "");
    const manifest: Manifest = { formatVersion: STATE_FORMAT_VERSION, instance: cached.instance, generation: next };
    writeFileAtomic.sync(path.join(this.dir, MANIFEST), JSON.stringify(manifest) + "\n");
    for (const old of [snapshotFile(this.dir, cached.generation), logFile(this.dir, cached.generation)]) fs.rmSync(old, { force: true });
    cached.generation = next;
    cached.logBytes = 0;
    cached.snapshotBytes = Buffer.byteLength(text);
  }
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
