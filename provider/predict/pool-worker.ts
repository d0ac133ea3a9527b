// A worker thread of the SettlePool (pool.ts): draws each job it is sent until its verdicts are
// settled, answers on its port, and counts the answer in the shared counter the caller sleeps on.
// A job that throws is answered with the error, so that the caller draws it itself.

import { parentPort, workerData, type MessagePort } from "worker_threads";
import { drawJob, type PoolAnswer, type SettleJob } from "./pool";

const { port, answered } = workerData as { port: MessagePort; answered: Int32Array };

parentPort?.on("message", ({ id, job }: { id: number; job: SettleJob }) => {
  let answer: PoolAnswer;
  try {
    answer = { id, values: drawJob(job).map((v) => Float64Array.from(v)) };
  } catch (e) {
    answer = { id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  port.postMessage(answer);
  Atomics.add(answered, 0, 1);
  Atomics.notify(answered, 0);
});
