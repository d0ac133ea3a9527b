// The journal on disk: JSON lines appended to one file and fsync'd. Appends made in the same
// turn of the event loop share one write and one fsync (group commit), so a plan of 60,000 steps
// does not pay 120,000 fsyncs; a record is durable when its append resolves. Writes are
// synchronous on purpose: the run never waits on I/O the virtual clock cannot see.

import * as fs from "fs";
import type { JournalRecord, JournalSink } from "../types";

export interface FileJournalOptions {
  /** fsync after each group of appends. Off only for throwaway runs (benchmarks). @default true */
  readonly fsync?: boolean;
}

export class FileJournal implements JournalSink {
  private pending: string[] = [];
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;
  private fd: number | undefined;
  private readonly fsync: boolean;

  /** Opens `file` for appending, first cutting off a line a crash left half-written. */
  constructor(
    readonly file: string,
    options: FileJournalOptions = {},
  ) {
    this.fsync = options.fsync ?? true;
    truncateTornTail(file);
    this.fd = fs.openSync(file, "a", 0o600);
  }

  append(record: JournalRecord): Promise<void> {
    if (this.fd === undefined) return Promise.reject(new Error(`journal ${this.file} is closed`));
    this.pending.push(`${JSON.stringify(record)}\n`);
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => this.flush());
      }
    });
  }

  async close(): Promise<void> {
    this.flush();
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }

  private flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = this.pending.join("");
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    try {
      fs.writeSync(this.fd!, text);
      if (this.fsync) fs.fsyncSync(this.fd!);
    } catch (err) {
      for (const w of waiters) w.reject(err);
      return;
    }
    for (const w of waiters) w.resolve();
  }
}

/** Keeps records in memory: for dry runs, tests and virtual-time benchmarks. */
export class MemoryJournal implements JournalSink {
  // Kept as JSON text, as a file would hold them: later changes to an object must not rewrite
  // history, and text is cheaper to keep than a deep copy.
  private readonly lines: string[] = [];

  async append(record: JournalRecord): Promise<void> {
    this.lines.push(JSON.stringify(record));
  }

  /** The records appended so far, parsed afresh on each call. */
  get records(): JournalRecord[] {
    return this.lines.map((line) => JSON.parse(line) as JournalRecord);
  }

  get size(): number {
    return this.lines.length;
  }

  async close(): Promise<void> {}
}

/** Drops an incomplete last line (a crash during a write) so that appends start on a line. */
function truncateTornTail(file: string): void {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return;
  }
  if (size === 0) return;
  const fd = fs.openSync(file, "r+");
  try {
    const chunk = Buffer.alloc(Math.min(size, 1 << 20));
    let end = size;
    // Walk back from the end to the last newline.
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = fs.readSync(fd, chunk, 0, end - start, start);
      const at = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (at >= 0) {
        const keep = start + at + 1;
        if (keep < size) {
          fs.ftruncateSync(fd, keep);
          fs.fsyncSync(fd);
        }
        return;
      }
      end = start;
    }
    fs.ftruncateSync(fd, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
