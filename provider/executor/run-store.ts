// Where runs live: <runs dir>/<run id>/journal.jsonl, the runs dir defaulting to ./.vmr/runs.
// Listing reads only each journal's first and last line, so it stays fast for large runs.

import * as fs from "fs";
import * as path from "path";
import { ValidationError } from "../errors";
import type { RunDiscarded, RunFinished, RunStarted } from "../generated/journal";
import { isRunId } from "./run-id";

export const JOURNAL_FILE = "journal.jsonl";

export function defaultRunsDir(cwd: string = process.cwd()): string {
  return path.join(cwd, ".vmr", "runs");
}

export function runDirOf(runsDir: string, runId: string): string {
  if (!isRunId(runId)) {
    throw new ValidationError("run id", [
      { path: "runId", message: `\`runId\` ${JSON.stringify(runId)} is not a run id (letters, digits, '.', '_', '-'); list runs with \`vmr report --list\`` },
    ]);
  }
  return path.join(runsDir, runId);
}

export function journalFileOf(runDir: string): string {
  return path.join(runDir, JOURNAL_FILE);
}

/** Creates the directory of a new run (private: plans name the infrastructure). */
export function createRunDir(runsDir: string, runId: string): string {
  const dir = runDirOf(runsDir, runId);
  fs.mkdirSync(runsDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(dir, { mode: 0o700 });
  return dir;
}

export interface RunSummary {
  readonly runId: string;
  readonly dir: string;
  readonly journalFile: string;
  readonly stack?: string;
  readonly kind: RunStarted["plan"]["kind"];
  readonly startedAt: string;
  /** The run's last record was `run-finished`; otherwise it was interrupted (or still runs). */
  readonly finished?: { readonly status: RunFinished["status"]; readonly at: string };
  /** The run's last record was `run-discarded`: interrupted, then abandoned for a fresh run. */
  readonly discarded?: { readonly at: string; readonly replacedBy?: string };
}

/** The `run-started` record of a journal, read from its first line only. */
export function readRunHeader(journalFile: string): RunStarted {
  const first = readFirstLine(journalFile);
  let record: RunStarted | undefined;
  try {
    record = first ? (JSON.parse(first) as RunStarted) : undefined;
  } catch {
    record = undefined;
  }
  if (record?.type !== "run-started") {
    throw new ValidationError(`journal ${journalFile}`, [
      { path: "line 1", message: `\`${journalFile}\` does not start with a \`run-started\` record: it is missing or not a run journal` },
    ]);
  }
  return record;
}

/** Every run under `runsDir`, oldest first. */
export function listRuns(runsDir: string): RunSummary[] {
  if (!fs.existsSync(runsDir)) return [];
  const runs: RunSummary[] = [];
  for (const entry of fs.readdirSync(runsDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !isRunId(entry.name)) continue;
    const file = journalFileOf(path.join(runsDir, entry.name));
    const first = readFirstLine(file);
    if (!first) continue;
    let started: RunStarted;
    try {
      started = JSON.parse(first) as RunStarted;
    } catch {
      continue;
    }
    if (started.type !== "run-started") continue;
    const last = readLastLine(file);
    let finished: RunSummary["finished"];
    let discarded: RunSummary["discarded"];
    try {
      const record = last ? (JSON.parse(last) as RunFinished | RunDiscarded) : undefined;
      if (record?.type === "run-finished") finished = { status: record.status, at: record.wallTime };
      if (record?.type === "run-discarded") discarded = { at: record.wallTime, ...(record.replacedBy !== undefined ? { replacedBy: record.replacedBy } : {}) };
    } catch {
      // a torn last line: the run was interrupted
    }
    runs.push({
      runId: started.runId,
      dir: path.join(runsDir, entry.name),
      journalFile: file,
      ...(started.stack !== undefined ? { stack: started.stack } : {}),
      kind: started.plan.kind,
      startedAt: started.wallTime,
      ...(finished ? { finished } : {}),
      ...(discarded ? { discarded } : {}),
    });
  }
  return runs.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.runId.localeCompare(b.runId)));
}

/**
 * The newest run of `stack` that did not finish and was not discarded: what `--resume` without a
 * run id continues. `recoveriesOnly` leaves drills out (they are cleaned up, not resumed).
 */
export function latestUnfinishedRun(runsDir: string, stack: string | undefined, options: { recoveriesOnly?: boolean } = {}): RunSummary | undefined {
  return listRuns(runsDir)
    .filter((r) => !r.finished && !r.discarded && (stack === undefined || r.stack === stack) && !(options.recoveriesOnly && r.kind === "drill"))
    .pop();
}

/**
 * The newest failover, planned move or failback of `stack` (drills have their own cleanup), when
 * it neither finished nor was discarded: it was interrupted, and a fresh run of the stack must
 * wait until it is resumed or discarded. Read under the stack's lock, so it is not still running.
 * `runs`: the runs directory's listing, when the caller has read it already.
 */
export function interruptedRecoveryRun(runsDir: string, stack: string, runs: readonly RunSummary[] = listRuns(runsDir)): RunSummary | undefined {
  const last = runs
    .filter((r) => r.kind !== "drill" && r.stack === stack)
    .pop();
  return last && !last.finished && !last.discarded ? last : undefined;
}

function readFirstLine(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(64 * 1024);
    let pos = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) return undefined;
      const at = buf.subarray(0, n).indexOf(0x0a);
      if (at >= 0) {
        chunks.push(Buffer.from(buf.subarray(0, at)));
        return Buffer.concat(chunks).toString("utf8");
      }
      chunks.push(Buffer.from(buf.subarray(0, n)));
      pos += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function readLastLine(file: string): string | undefined {
  const size = fs.statSync(file).size;
  const length = Math.min(size, 64 * 1024);
  const buf = Buffer.alloc(length);
  const fd = fs.openSync(file, "r");
  try {
    fs.readSync(fd, buf, 0, length, size - length);
  } finally {
    fs.closeSync(fd);
  }
  const text = buf.toString("utf8");
  if (!text.endsWith("\n")) return undefined;
  const lines = text.slice(0, -1).split("\n");
  return lines[lines.length - 1];
}
