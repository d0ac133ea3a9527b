// A large prediction drawn on several threads: this one draws the first range of samples, each
// worker thread (worker.ts) the next, all from the same seeded stream at their own offsets
// (MonteCarlo), so the figures are those one thread would draw. The caller waits without an event
// loop (Atomics.wait on a shared flag, then receiveMessageOnPort), so predictRuns stays a plain
// function that the planner, the N-1 check and the providers call as before.
// A worker that fails, or does not answer in time, has its range drawn here instead: the figures
// never depend on a thread, only the time does, and Prediction.threads says how many drew.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { receiveMessageOnPort, type MessagePort, type Worker } from "worker_threads";
import type { SamplingInput } from "./sampling-input";
import { spawnWorker } from "./spawn";

/**
 * Step-samples (steps x samples) a thread must have to be worth starting: about 2 s of drawing,
 * against the 0.2-0.3 s a worker takes to load the modules and rebuild its scheduler.
 */
export const WORK_PER_THREAD = 5_000_000;

/** Beyond the time this thread took for its own range, how long a worker may take for its (as long, or more) before its range is drawn here. */
const WORKER_GRACE_MS = 30_000;

const WORKER_FILE = path.join(__dirname, "worker.js");

/** What a worker is given: its range of samples. */
export interface WorkerJob {
  readonly input: SamplingInput;
  readonly seed: number;
  readonly firstSample: number;
  readonly samples: number;
  readonly port: MessagePort;
  /** WorkerState, set once the answer is on the port. */
  readonly state: Int32Array;
}

export const enum WorkerState {
  Running = 0,
  Done = 1,
  Failed = 2,
}

/** What a worker answers on its port: each group's RTO then the makespan, per sample of its range in draw order. */
export type WorkerAnswer = { readonly values: Float64Array[] } | { readonly error: string };

/** The threads a prediction of `work` step-samples uses: the number asked for, else as many cores as the work fills. */
export function threadsFor(work: number, requested: number | undefined): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 1) throw new RangeError(`\`threads\` is ${requested}; it must be a whole number >= 1`);
    return requested;
  }
  if (!fs.existsSync(WORKER_FILE)) return 1;
  return Math.max(1, Math.min(os.availableParallelism(), Math.floor(work / WORK_PER_THREAD)));
}

/** Sample ranges as even as they go: [first, first + samples) each. */
function ranges(samples: number, threads: number): { firstSample: number; samples: number }[] {
  const out: { firstSample: number; samples: number }[] = [];
  let first = 0;
  for (let t = 0; t < threads; t++) {
    const count = Math.floor(samples / threads) + (t < samples % threads ? 1 : 0);
    if (count > 0) out.push({ firstSample: first, samples: count });
    first += count;
  }
  return out;
}

interface Started {
  readonly range: { firstSample: number; samples: number };
  readonly worker?: Worker;
  readonly port?: MessagePort;
  readonly state?: Int32Array;
}

function start(input: SamplingInput, seed: number, range: { firstSample: number; samples: number }): Started {
  const state = new Int32Array(new SharedArrayBuffer(4));
  const spawned = spawnWorker(WORKER_FILE, { input, seed, ...range, state });
  return spawned === undefined ? { range } : { range, ...spawned, state };
}

/** The answer of a started worker, waited for until `deadline` (performance.now()); undefined when it failed or did not answer. */
function answerOf(s: Started, deadline: number): Float64Array[] | undefined {
  if (s.worker === undefined || s.port === undefined || s.state === undefined) return undefined;
  try {
    const wait = Math.max(0, deadline - performance.now());
    if (Atomics.load(s.state, 0) === WorkerState.Running) Atomics.wait(s.state, 0, WorkerState.Running, wait);
    if (Atomics.load(s.state, 0) !== WorkerState.Done) return undefined;
    const answer = receiveMessageOnPort(s.port)?.message as WorkerAnswer | undefined;
    return answer !== undefined && "values" in answer ? answer.values : undefined;
  } finally {
    s.port.close();
    void s.worker.terminate();
  }
}

/** Every sample's figures (each group's RTO, then the makespan, in draw order), drawn on up to `threads` threads. */
export function drawOnThreads(
  input: SamplingInput,
  seed: number,
  samples: number,
  threads: number,
  drawHere: (firstSample: number, samples: number) => readonly ArrayLike<number>[],
): { values: number[][]; threads: number } {
  const [own, ...others] = ranges(samples, threads);
  const started = others.map((r) => start(input, seed, r));
  const begun = performance.now();
  const parts: (readonly ArrayLike<number>[])[] = [drawHere(own.firstSample, own.samples)];
  const deadline = performance.now() + 3 * (performance.now() - begun) + WORKER_GRACE_MS;
  let drewOn = 1;
  for (const s of started) {
    const answer = answerOf(s, deadline);
    if (answer !== undefined) drewOn++;
    parts.push(answer ?? drawHere(s.range.firstSample, s.range.samples));
  }
  const values = parts[0].map((_, k) => parts.flatMap((p) => Array.from(p[k])));
  return { values, threads: drewOn };
}
