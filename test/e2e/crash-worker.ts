// A failover (or its resume) in a process of its own, for the kill -9 test: runs the recovery
// functions the CLI runs, on a simulator state directory, through adapters that append every
// operation's outcome to a file (so the test can count VM starts and volume mappings across
// processes). Prints "running" once the plan starts executing.
//   node crash-worker.js run|resume <stackFile> <stateDir> <runsDir> <countsFile>

import * as fs from "fs";
import { openSimulator } from "../../provider/adapters/simulator";
import type { Adapters } from "../../provider/adapters";
import { failover, resumeRecovery } from "../../provider/recovery/recover";

/** Wraps every method of `target` so that each call's outcome is appended to `file` once it returns. */
function counted<T extends object>(target: T, side: string, file: string): T {
  return new Proxy(target, {
    get(obj, name, receiver) {
      const value = Reflect.get(obj, name, receiver);
      if (typeof value !== "function" || typeof name !== "string") return value;
      return async (...args: unknown[]) => {
        const result = await value.apply(obj, args);
        const first = args[0] as Record<string, unknown> | string;
        const key = typeof first === "string" ? first : first && typeof first === "object" ? `${first.lparId ?? first.volumeId ?? ""}@${first.targetSystemId ?? first.hostId ?? ""}` : "";
        const alreadyDone = result && typeof result === "object" && "alreadyDone" in result ? (result as { alreadyDone: boolean }).alreadyDone : null;
        fs.appendFileSync(file, `${JSON.stringify({ side, op: name, key, alreadyDone })}\n`);
        return result;
      };
    },
  });
}

async function main(): Promise<void> {
  const [mode, stackFile, stateDir, runsDir, countsFile] = process.argv.slice(2);
  const sim = await openSimulator({ stateDir });
  const adapters: Adapters = { compute: counted(sim.compute, "compute", countsFile), storage: counted(sim.storage, "storage", countsFile) };
  const common = { stackFile, runsDir, adapters, lockStaleMs: 2000, refresh: false, onPlan: () => process.stdout.write("running\n") };
  const outcome = mode === "run" ? await failover({ ...common, failedHosts: ["sys-a-01"] }) : await resumeRecovery(common);
  process.stdout.write(`${JSON.stringify({ status: outcome.run?.status, runId: outcome.run?.runId })}\n`);
  await sim.close();
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
