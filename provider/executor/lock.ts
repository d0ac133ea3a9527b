// One failover at a time per stack. The lock is proper-lockfile's (an atomic mkdir whose mtime
// the holder refreshes); next to it a small file names the holder, so that a refusal says who
// holds it. A lock left by a process that died (kill -9, power loss) goes stale once its mtime
// stops moving and is then taken over; when the holder is on this host and its pid is gone, we
// wait for that instead of refusing.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as lockfile from "proper-lockfile";
import writeFileAtomic from "write-file-atomic";
import { LockHeldError, LockLostError } from "../errors";

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly runId: string;
  /** ISO time the holder took the lock. */
  readonly since: string;
  /** What the holder is doing: failover, failback, drill... */
  readonly purpose: string;
}

export interface StackLock {
  readonly holder: LockHolder;
  /** Set when another process took the lock over (we stalled longer than the stale time). */
  readonly compromised: Error | undefined;
  /**
   * Throws once the lock is lost (taken over, or a lease not renewed within its TTL): checked
   * before each hardware operation, so a run that lost its lock acts no more. Synchronous and
   * cheap: it reads what the renewals recorded, it does not ask the store.
   */
  assertHeld(): void;
  release(): Promise<void>;
}

export interface LockOptions {
  /** A lock not refreshed for this long is stale (min 2000). @default 10000 */
  readonly staleMs?: number;
  /** Called if another process takes the lock over (this one stalled past the stale time). */
  readonly onCompromised?: (err: Error) => void;
}

/** Where the lock of `stack` lives under `dir` (a runs directory). */
export function lockPaths(dir: string, stack: string): { target: string; holderFile: string } {
  const name = encodeURIComponent(stack);
  return { target: path.join(dir, "locks", name), holderFile: path.join(dir, "locks", `${name}.holder.json`) };
}

export async function acquireStackLock(
  dir: string,
  stack: string,
  holder: Omit<LockHolder, "pid" | "host" | "since">,
  options: LockOptions = {},
): Promise<StackLock> {
  const staleMs = Math.max(2000, options.staleMs ?? 10_000);
  const { target, holderFile } = lockPaths(dir, stack);
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  const me: LockHolder = { ...holder, pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  let compromised: Error | undefined;
  const lockOptions = {
    stale: staleMs,
    realpath: false,
    onCompromised: (err: Error) => {
      compromised = err;
      options.onCompromised?.(err);
    },
  };

  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, lockOptions);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ELOCKED") throw err;
    const current = readHolder(holderFile);
    if (!current || !isDeadHere(current)) throw heldError(stack, current);
    // The holder died here: its lock stops being refreshed and turns stale within staleMs.
    try {
      release = await lockfile.lock(target, {
        ...lockOptions,
        retries: { retries: Math.ceil((staleMs * 2) / 250), minTimeout: 250, maxTimeout: 250, factor: 1 },
      });
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== "ELOCKED") throw again;
      throw heldError(stack, readHolder(holderFile));
    }
  }
  writeFileAtomic.sync(holderFile, `${JSON.stringify(me)}\n`, { mode: 0o600 });
  return {
    holder: me,
    get compromised() {
      return compromised;
    },
    assertHeld() {
      if (compromised) throw new LockLostError(`stack ${stack}`, compromised.message);
    },
    async release() {
      if (compromised) return;
      fs.rmSync(holderFile, { force: true });
      await release();
    },
  };
}

/** Who holds the lock of `stack`, if anyone (for `vmr status` and error messages). */
export function lockHolder(dir: string, stack: string): LockHolder | undefined {
  const { target, holderFile } = lockPaths(dir, stack);
  if (!fs.existsSync(`${target}.lock`)) return undefined;
  return readHolder(holderFile);
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as LockHolder;
  } catch {
    return undefined;
  }
}

function isDeadHere(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function heldError(stack: string, holder: LockHolder | undefined): LockHeldError {
  const who = holder
    ? `pid ${holder.pid} on ${holder.host} (${holder.purpose} run ${holder.runId}, since ${holder.since})`
    : "another process (no holder record yet: it is starting, or crashed while taking the lock; retry in a few seconds)";
  const err = new LockHeldError(`stack ${stack}`, who);
  err.message = `stack ${stack} is locked by ${who}: one failover at a time per stack; wait for it to end${holder ? `, or resume its run with \`vmr failover --stack ${stack} --resume ${holder.runId}\` once that process is gone` : ""}`;
  return err;
}
