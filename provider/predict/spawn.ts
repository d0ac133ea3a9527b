// Starting a worker thread of the prediction (threads.ts, pool.ts): the one place that knows how.

import * as fs from "fs";
import { MessageChannel, Worker, type MessagePort } from "worker_threads";

/**
 * A worker running `file` (compiled next to this module) with `data` and the far end of a new
 * channel as `data.port`; undefined when the file is not there (sources run untranspiled) or the
 * thread does not start. The caller reads answers from `port`, never from events: the worker is
 * unref'd (the process need not wait for it), and its error event is swallowed (a crash reaches
 * the event loop only after the caller, which blocks it, drew the work itself).
 */
export function spawnWorker(file: string, data: Record<string, unknown>): { worker: Worker; port: MessagePort } | undefined {
  if (!fs.existsSync(file)) return undefined;
  const { port1, port2 } = new MessageChannel();
  try {
    const worker = new Worker(file, { workerData: { ...data, port: port2 }, transferList: [port2] });
    worker.unref();
    worker.on("error", () => undefined);
    return { worker, port: port1 };
  } catch {
    port1.close();
    return undefined;
  }
}
