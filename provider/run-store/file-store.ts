// The `file` run store: a stack's lock and runs in one per-user directory on this machine,
// keyed by the stack's identity, so that every shell of the user, in whatever directory, sees
// the same lock and the same runs:
//
//   <state root>/stacks/<identity key>/runs/<run id>/journal.jsonl
//   <state root>/stacks/<identity key>/runs/locks/<stack>
//   <state root>/stacks/<identity key>/runs/latency-profile.json   (`vmr calibrate`)
//   <state root>/stacks/<identity key>/identity.json
//
// The state root is $VMR_STATE_HOME, else $XDG_STATE_HOME/pulumi-vm-recovery, else
// ~/.local/state/pulumi-vm-recovery. `--runs-dir` still points a run at a directory of its own.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import writeFileAtomic from "write-file-atomic";
import { ValidationError } from "../errors";
import { FileJournal } from "../executor/journal/file-journal";
import { readJournal } from "../executor/journal/read-journal";
import { acquireStackLock, lockHolder, type LockHolder, type LockOptions, type StackLock } from "../executor/lock";
import { createRunDir, journalFileOf, listRuns, runDirOf } from "../executor/run-store";
import type { JournalRecord, JournalSink } from "../executor/types";
import { identityKey, type StackIdentity } from "./identity";
import type { RunStore, StoredRun } from "./types";

/** The per-user root of the file store (not the working directory). */
export function stateRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VMR_STATE_HOME) return path.resolve(env.VMR_STATE_HOME);
  const xdg = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(env.HOME ?? os.homedir(), ".local", "state");
  return path.join(xdg, "pulumi-vm-recovery");
}

/** The runs directory of a stack in the per-user file store. */
export function runsDirOfStack(id: StackIdentity, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateRoot(env), "stacks", identityKey(id), "runs");
}

/** Every stack runs directory in the per-user store, with the identity it was made for. */
export function knownStacks(env: NodeJS.ProcessEnv = process.env): { identity: StackIdentity; runsDir: string }[] {
  const root = path.join(stateRoot(env), "stacks");
  if (!fs.existsSync(root)) return [];
  const out: { identity: StackIdentity; runsDir: string }[] = [];
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    try {
      const identity = JSON.parse(fs.readFileSync(path.join(root, entry.name, "identity.json"), "utf8")) as StackIdentity;
      out.push({ identity, runsDir: path.join(root, entry.name, "runs") });
    } catch {
      // not made by us, or half-made: skip it
    }
  }
  return out;
}

/** The runs directory, in the per-user store, that holds run `runId` (any stack), if one does. */
export function findRunsDirOfRun(runId: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return knownStacks(env).find(({ runsDir }) => fs.existsSync(journalFileOf(runDirOf(runsDir, runId))))?.runsDir;
}

/** The stack's latency profile in its runs directory (not a run: listRuns reads directories only). */
export const PROFILE_FILE = "latency-profile.json";

export class FileRunStore implements RunStore {
  readonly kind = "file" as const;
  readonly where: string;
  readonly profileWhere: string;

  /** `runsDir`: the stack's runs directory (`runsDirOfStack`, or the operator's `--runs-dir`). */
  constructor(
    readonly runsDir: string,
    private readonly stack: string,
    identity?: StackIdentity,
  ) {
    this.where = runsDir;
    this.profileWhere = path.join(runsDir, PROFILE_FILE);
    if (identity) {
      fs.mkdirSync(runsDir, { recursive: true, mode: 0o700 });
      const file = path.join(path.dirname(runsDir), "identity.json");
      if (!fs.existsSync(file)) writeFileAtomic.sync(file, `${JSON.stringify(identity)}\n`, { mode: 0o600 });
    }
  }

  /** The file store of a stack in the per-user location. */
  static ofStack(identity: StackIdentity, env: NodeJS.ProcessEnv = process.env): FileRunStore {
    return new FileRunStore(runsDirOfStack(identity, env), identity.stack, identity);
  }

  acquireLock(holder: Omit<LockHolder, "pid" | "host" | "since">, options?: LockOptions): Promise<StackLock> {
    return acquireStackLock(this.runsDir, this.stack, holder, options);
  }

  async lockHolder(): Promise<LockHolder | undefined> {
    return lockHolder(this.runsDir, this.stack);
  }

  async listRuns(): Promise<StoredRun[]> {
    return listRuns(this.runsDir).map(({ dir: _dir, journalFile: _file, ...run }) => run);
  }

  async readRecords(runId: string): Promise<JournalRecord[]> {
    const file = journalFileOf(runDirOf(this.runsDir, runId));
    if (!fs.existsSync(file)) {
      throw new ValidationError("run", [{ path: "runId", message: `no run ${runId} under \`${this.runsDir}\`: list the runs with \`vmr runs list\`` }]);
    }
    return readJournal(file).records;
  }

  async openJournal(runId: string, lock: StackLock, options: { create: boolean; fsync?: boolean }): Promise<JournalSink> {
    const dir = options.create ? createRunDir(this.runsDir, runId) : runDirOf(this.runsDir, runId);
    const journal = new FileJournal(journalFileOf(dir), { fsync: options.fsync });
    // A lock taken over by another process (this one stalled past the stale time) lets nothing more in.
    return {
      append: (record) => (lock.compromised ? Promise.reject(new Error(`the stack lock was lost: ${lock.compromised.message}`)) : journal.append(record)),
      close: () => journal.close(),
    };
  }

  localRunDir(runId: string): string {
    return runDirOf(this.runsDir, runId);
  }

  async putArtifact(runId: string, name: string, text: string): Promise<void> {
    writeFileAtomic.sync(path.join(this.localRunDir(runId), name), text, { mode: 0o600 });
  }

  async getArtifact(runId: string, name: string): Promise<string | undefined> {
    const file = path.join(this.localRunDir(runId), name);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  }

  async getProfile(): Promise<string | undefined> {
    return fs.existsSync(this.profileWhere) ? fs.readFileSync(this.profileWhere, "utf8") : undefined;
  }

  async putProfile(text: string): Promise<void> {
    fs.mkdirSync(this.runsDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.profileWhere, text, { mode: 0o600 });
  }

  async close(): Promise<void> {}
}
