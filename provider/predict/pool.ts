// Many small predictions on every core: the N-1 check predicts one plan per failure (1,000 hosts,
// 1,000 plans), each until its verdict is settled. Jobs are queued as the caller plans them;
// worker threads (pool-worker.ts) take them from the front, a few at a time, while the caller
// goes on planning; once it is done planning, the caller draws jobs from the back itself and tops
// the workers up between two of its own. All of it without an event loop (receiveMessageOnPort
// polls; Atomics.wait sleeps), so the check stays a plain function.
// A job whose worker fails, or stops answering, is drawn by the caller: the figures never depend
// on a thread (each job draws from its own seed, as on one thread), only the time does.

import * as os from "os";
import * as path from "path";
import { receiveMessageOnPort, type MessagePort, type Worker } from "worker_threads";
import { drawUntilSettled, type SettleUntil } from "./predict";
import type { SamplingInput } from "./sampling-input";
import { spawnWorker } from "./spawn";
import { WORK_PER_THREAD } from "./threads";

export interface SettleJob {
  readonly input: SamplingInput;
  /** By place in input.groupNames: the budget to settle, or undefined. */
  readonly budgets: readonly (number | undefined)[];
  readonly confidence: number;
  readonly samples: number;
  readonly seed: number;
  readonly until: SettleUntil;
}

/** Each group's RTO, then the makespan, per sample in draw order. */
export type JobValues = readonly ArrayLike<number>[];

/** What a pool worker answers on its port for a job. */
export type PoolAnswer = { readonly id: number; readonly values: Float64Array[] } | { readonly id: number; readonly error: string };

/** Jobs a worker holds at once (one drawing, the rest queued in its event loop): enough that it never waits for the caller. */
const OUTSTANDING_PER_WORKER = 8;

/**
 * How long the caller waits for a worker that has jobs but answers none before drawing them
 * itself: SILENCE_MS, and MS_PER_STEP_SAMPLE for each step-sample its jobs may draw (about 4x
 * what one takes on this machine), so that a slow job is waited for and a dead worker is not
 * waited for forever (its exit reaches only the event loop, which the waiting caller blocks).
 */
const SILENCE_MS = 30_000;
const MS_PER_STEP_SAMPLE = 0.002;

/** Samples a check's prediction usually settles in (settle.ts: 155 for a group none of whose runs is over, at 0.95). */
const TYPICAL_SETTLED_SAMPLES = 200;

const WORKER_FILE = path.join(__dirname, "pool-worker.js");

export function drawJob(job: SettleJob): JobValues {
  return drawUntilSettled(job.input, job.budgets, job.confidence, job);
}

interface PoolWorker {
  readonly worker: Worker;
  readonly port: MessagePort;
  /** Answers posted so far (the worker adds one after each). */
  readonly answered: Int32Array;
  readonly outstanding: Set<number>;
}

export class SettlePool {
  private readonly threads: number;
  private readonly jobs: SettleJob[] = [];
  private readonly results: (JobValues | undefined)[] = [];
  /** Jobs not yet handed out: the front goes to workers, the back to this thread. */
  private front = 0;
  private back = 0;
  private workers: PoolWorker[] = [];
  private workersStarted = 0;
  /** Work queued so far, in step-samples (steps x the samples a job typically settles in): workers start once it fills a thread. */
  private queuedWork = 0;
  private started = false;
  /** Jobs a worker thread drew (the tests read it). */
  drawnOnWorkers = 0;
  private readonly silenceMs: number;

  /**
   * `threads` counts this one: a pool of 1 draws everything here. `threads` given, its workers
   * start at once; left to the default (one per core), once the queued work fills a thread.
   * `silenceMs`: how long a worker with jobs may answer none (SILENCE_MS; tests shorten it).
   */
  constructor(threads?: number, options: { readonly silenceMs?: number } = {}) {
    this.threads = threads ?? os.availableParallelism();
    this.silenceMs = options.silenceMs ?? SILENCE_MS;
    if (threads !== undefined) this.startWorkers();
  }

  /** Stops the workers as a crash would, their jobs unanswered (the tests' way to kill one). */
  killWorkers(): Promise<unknown> {
    return Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  /** Threads that drew (or are drawing) jobs: this one and the workers started. */
  get threadsUsed(): number {
    return 1 + this.workersStarted;
  }

  /** The workers, once the queued work is worth their start (a check of a few hosts never starts one). */
  private startWorkers(): void {
    this.started = true;
    for (let t = 1; t < this.threads; t++) {
      const answered = new Int32Array(new SharedArrayBuffer(4));
      const spawned = spawnWorker(WORKER_FILE, { answered });
      if (spawned === undefined) continue;
      this.workers.push({ ...spawned, answered, outstanding: new Set() });
      this.workersStarted++;
    }
  }

  /** Queues a job and hands work to idle workers; returns its place in finish()'s answer. */
  add(job: SettleJob): number {
    this.jobs.push(job);
    this.queuedWork += job.input.steps * Math.min(job.samples, TYPICAL_SETTLED_SAMPLES);
    if (!this.started && this.queuedWork >= WORK_PER_THREAD) this.startWorkers();
    this.back = this.jobs.length;
    this.poll();
    return this.jobs.length - 1;
  }

  /** Every job's values, in the order added; the workers are stopped. */
  finish(): JobValues[] {
    try {
      while (this.front < this.back) {
        this.poll();
        if (this.front >= this.back) break;
        const id = --this.back;
        this.results[id] = drawJob(this.jobs[id]);
      }
      for (const w of this.workers) this.await(w);
      return this.jobs.map((job, id) => this.results[id] ?? drawJob(job));
    } finally {
      for (const w of this.workers) {
        w.port.close();
        void w.worker.terminate();
      }
      this.workers = [];
    }
  }

  /** Takes in every answer posted so far, and tops each worker up from the front of the queue. */
  private poll(): void {
    for (const w of this.workers) {
      this.receive(w);
      while (w.outstanding.size < OUTSTANDING_PER_WORKER && this.front < this.back) {
        const id = this.front++;
        w.outstanding.add(id);
        w.worker.postMessage({ id, job: this.jobs[id] });
      }
    }
  }

  private receive(w: PoolWorker): void {
    for (let m = receiveMessageOnPort(w.port); m !== undefined; m = receiveMessageOnPort(w.port)) {
      const answer = m.message as PoolAnswer;
      w.outstanding.delete(answer.id);
      if ("values" in answer) {
        this.results[answer.id] = answer.values;
        this.drawnOnWorkers++;
      }
      // An error is drawn here in finish(): results[id] stays empty.
    }
  }

  /** Waits for a worker's outstanding answers; one silent for longer than its jobs may take leaves them to this thread. */
  private await(w: PoolWorker): void {
    for (;;) {
      const seen = Atomics.load(w.answered, 0);
      this.receive(w);
      if (w.outstanding.size === 0) return;
      let work = 0;
      for (const id of w.outstanding) work += this.jobs[id].input.steps * this.jobs[id].samples;
      if (Atomics.wait(w.answered, 0, seen, this.silenceMs + work * MS_PER_STEP_SAMPLE) === "timed-out") {
        this.receive(w);
        w.outstanding.clear();
        return;
      }
    }
  }
}
