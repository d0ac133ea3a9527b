// RunHook: a user's pre/post script. Spawned with an argument array (never a shell string),
// with a time limit, and told what it runs for through VMR_* environment variables; when the
// group's VMs have a mapped network, its standard input holds their adapters and new addresses
// as JSON (hook-payload.ts).

import { spawn } from "child_process";
import { ExecutionError } from "../../errors";
import { positiveNumberParam, stringArrayParam } from "../params";
import { redact } from "../redact";
import { defineStep, placementOf } from "../registry";
import { hookNetworkPayload } from "./hook-payload";

/** A hook that exited non-zero, was killed or could not start. */
export class HookFailedError extends ExecutionError {
  constructor(
    message: string,
    lpars: readonly string[],
    readonly exitCode: number | null,
  ) {
    super(message, lpars);
    this.name = "HookFailedError";
  }
}

const OUTPUT_TAIL = 2000;

export const RunHook = defineStep({
  kind: "RunHook",
  touches: "none",
  defaultTimeoutSeconds: 300,
  resolve: (step) => ({
    command: stringArrayParam(step, "command", undefined, true),
    timeoutSeconds: positiveNumberParam(step, "timeoutSeconds", 300),
  }),
  run({ command, timeoutSeconds }, { step, plan, runId, signal }) {
    const placement = placementOf(plan, step.lpar);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      VMR_RUN_ID: runId,
      VMR_STEP_ID: step.id,
      VMR_PLAN_KIND: plan.kind,
      ...(plan.stack ? { VMR_STACK: plan.stack } : {}),
      ...(step.group ? { VMR_GROUP: step.group } : {}),
      ...(step.lpar ? { VMR_LPAR: step.lpar } : {}),
      ...(placement?.target ? { VMR_TARGET: placement.target } : {}),
    };
    const lpars = step.lpar ? [step.lpar] : [];
    const payload = hookNetworkPayload(plan, step.group);
    if (payload) env.VMR_NETWORK = "stdin";
    return new Promise((resolve, reject) => {
      const child = spawn(command[0], command.slice(1), {
        env,
        stdio: [payload ? "pipe" : "ignore", "pipe", "pipe"],
        timeout: timeoutSeconds * 1000,
        killSignal: "SIGKILL",
        signal,
      });
      let tail = "";
      const keep = (chunk: Buffer) => {
        tail = (tail + chunk.toString("utf8")).slice(-OUTPUT_TAIL);
      };
      if (payload && child.stdin) {
        // A hook that does not read its input closes the pipe early: that is its choice, not a failure.
        child.stdin.on("error", () => undefined);
        child.stdin.end(`${JSON.stringify(payload)}\n`);
      }
      child.stdout?.on("data", keep);
      child.stderr?.on("data", keep);
      child.on("error", (err) => {
        reject(new HookFailedError(`hook ${JSON.stringify(command[0])} could not run: ${redact(err.message)}`, lpars, null));
      });
      child.on("close", (code, killedBy) => {
        if (code === 0) return resolve({ alreadyDone: false });
        const why = killedBy ? `was killed (${killedBy}; time limit ${timeoutSeconds} s)` : `exited with ${code}`;
        const output = redact(tail.trim().split("\n").slice(-5).join(" | "));
        reject(new HookFailedError(`hook ${JSON.stringify(command.join(" "))} ${why}${output ? `: ${output}` : ""}`, lpars, code));
      });
    });
  },
});
