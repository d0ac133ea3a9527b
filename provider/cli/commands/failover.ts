// `vmr failover`: recover the VMs of failed hosts or a failed site (or move them, --planned),
// with a journal; --resume finishes an interrupted run. Thin: flags in, recovery functions, output.

import type { Command } from "commander";
import { ValidationError } from "../../errors";
import { failover, plannedFailover, resumeRecovery } from "../../recovery/recover";
import { addRecoveryFlags, stopOnInterrupt, collect, recoveryOptionsOf, reportOutcome, type RecoveryFlags } from "../recovery-flags";
import type { Progress } from "../progress";

interface FailoverFlags extends RecoveryFlags {
  failedHost?: string[];
  failedSite?: string;
  planned: boolean;
  resume?: string | boolean;
  retryFailed: boolean;
}

export function register(program: Command): void {
  addRecoveryFlags(
    program
      .command("failover")
      .description("Recover the VMs of failed hosts or a site: plan from live state, confirm, run in parallel within the hardware's limits, journal every step, refresh the stack."),
  )
    .option("--failed-host <id>", "a managed system treated as failed (repeatable; default: read failures from the inventory)", collect)
    .option("--failed-site <site>", "every managed system of this site is treated as failed")
    .option("--planned", "planned move: graceful shutdown at the source, final sync, switch replication, start at the target", false)
    .option("--resume [run]", "finish an interrupted run (default: the newest unfinished run of the stack)")
    .option("--retry-failed", "with --resume: run the failed steps again", false)
    .addHelpText(
      "after",
      "\nExamples:\n  vmr failover --stack dev --failed-host a-01 --dry-run\n  vmr failover --stack dev --failed-site site-a --yes\n  vmr failover --stack dev --planned --failed-host a-02\n  vmr failover --stack dev --resume\n  vmr failover --stack dev --failed-site site-a --discard-unfinished 20260105T100000Z-3f2a",
    )
    .action(async (flags: FailoverFlags) => {
      // ValidationError, not commander's InvalidArgumentError: thrown from an action, the latter
      // would exit 2 without its message being printed.
      if (flags.failedHost && flags.failedSite) throw new ValidationError("flags", [{ path: "--failed-site", message: "give `--failed-host` or `--failed-site`, not both" }]);
      const resuming = flags.resume !== undefined && flags.resume !== false;
      if (resuming && flags.discardUnfinished !== undefined)
        throw new ValidationError("flags", [{ path: "--discard-unfinished", message: "give `--resume` (finish the interrupted run) or `--discard-unfinished` (abandon it and run afresh), not both" }]);
      const progress: { current?: Progress } = {};
      const interrupt = stopOnInterrupt();
      const options = { ...recoveryOptionsOf(flags, flags.planned ? "planned failover" : "failover", progress), signal: interrupt.signal };
      try {
        if (resuming) {
          const outcome = await resumeRecovery({ ...options, runId: typeof flags.resume === "string" ? flags.resume : undefined, retryFailed: flags.retryFailed });
          progress.current?.stop();
          reportOutcome(outcome, flags);
          return;
        }
        const run = flags.planned ? plannedFailover : failover;
        const outcome = await run({ ...options, failedHosts: flags.failedHost, failedSite: flags.failedSite });
        progress.current?.stop();
        reportOutcome(outcome, flags);
      } finally {
        progress.current?.stop();
        interrupt.dispose();
      }
    });
}
