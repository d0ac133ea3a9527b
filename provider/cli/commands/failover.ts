// `vmr failover`: recover the VMs of failed hosts or a failed site (or move them, --planned),
// with a journal; --resume finishes an interrupted run. Thin: flags in, recovery functions, output.

import { InvalidArgumentError, type Command } from "commander";
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
      "\nExamples:\n  vmr failover --stack dev --failed-host sys-a-01 --dry-run\n  vmr failover --stack dev --failed-site A --yes\n  vmr failover --stack dev --planned --failed-host sys-a-02\n  vmr failover --stack dev --resume",
    )
    .action(async (flags: FailoverFlags) => {
      if (flags.failedHost && flags.failedSite) throw new InvalidArgumentError("give --failed-host or --failed-site, not both");
      const progress: { current?: Progress } = {};
      const interrupt = stopOnInterrupt();
      const options = { ...recoveryOptionsOf(flags, flags.planned ? "planned failover" : "failover", progress), signal: interrupt.signal };
      try {
        if (flags.resume !== undefined && flags.resume !== false) {
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
