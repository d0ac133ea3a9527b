// A worker thread of a large prediction (threads.ts): draws its range of samples and answers on
// its port, then sets the shared state the calling thread waits on. Every failure is answered
// too, so that the caller never waits longer than the work takes.

import { workerData } from "worker_threads";
import { MonteCarlo } from "./predict";
import { WorkerState, type WorkerAnswer, type WorkerJob } from "./threads";

const job = workerData as WorkerJob;
try {
  const runs = new MonteCarlo(job.input, job.seed, job.firstSample);
  runs.draw(job.samples);
  const answer: WorkerAnswer = { values: runs.values.map((v) => Float64Array.from(v)) };
  job.port.postMessage(answer);
  Atomics.store(job.state, 0, WorkerState.Done);
} catch (e) {
  const answer: WorkerAnswer = { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  job.port.postMessage(answer);
  Atomics.store(job.state, 0, WorkerState.Failed);
}
Atomics.notify(job.state, 0);
