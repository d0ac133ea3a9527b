// The run store: where a stack's lock, its runs' journals and its latency profile live. One
// interface, two implementations: `file` (a per-user directory on this machine, file-store.ts) and `etcd`
// (a replicated etcd v3 cluster, etcd-store.ts), so that a failover can outlive the machine
// that ran it.

import type { LockHolder, LockOptions, StackLock } from "../executor/lock";
import type { RunSummary } from "../executor/run-store";
import type { JournalRecord, JournalSink } from "../executor/types";

/** A run as the store lists it: what `vmr runs list` shows and resume looks for. */
export type StoredRun = Omit<RunSummary, "dir" | "journalFile">;

export interface RunStore {
  readonly kind: "file" | "etcd";
  /** Where the store is, for messages (a directory, or the etcd endpoints and key prefix); never a password. */
  readonly where: string;
  /** Takes the stack's lock, or throws LockHeldError naming the holder. */
  acquireLock(holder: Omit<LockHolder, "pid" | "host" | "since">, options?: LockOptions): Promise<StackLock>;
  /** Who holds the stack's lock, if anyone. */
  lockHolder(): Promise<LockHolder | undefined>;
  /** Every run of the stack, oldest first. */
  listRuns(): Promise<StoredRun[]>;
  /** The records of a run's journal, in order; ValidationError naming the run when it is not there. */
  readRecords(runId: string): Promise<JournalRecord[]>;
  /**
   * A journal to append to, for a new run (`create`) or one being resumed or discarded. Every
   * append is made under `lock`: once the lock is lost, appends reject.
   */
  openJournal(runId: string, lock: StackLock, options: { create: boolean; fsync?: boolean }): Promise<JournalSink>;
  /** A directory on this machine for the run's report files. */
  localRunDir(runId: string): string;
  /** Keeps a run's artefact (its JSON report, a drill's outcome) in the store beside its journal. */
  putArtifact(runId: string, name: string, text: string, lock?: StackLock): Promise<void>;
  getArtifact(runId: string, name: string): Promise<string | undefined>;
  /**
   * The stack's calibrated latency profile (`vmr calibrate`, refreshed after each drill), kept
   * beside its runs so that every operator who reaches the store predicts with the same one.
   */
  getProfile(): Promise<string | undefined>;
  putProfile(text: string): Promise<void>;
  /** Where the profile is kept, for messages. */
  readonly profileWhere: string;
  close(): Promise<void>;
}
