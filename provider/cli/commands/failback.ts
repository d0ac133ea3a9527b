// `vmr failback`: reprotect (reverse replication), then move the VMs back to their home systems.
// Thin: flags in, recovery functions, output.

import type { Command } from "commander";
import { failback } from "../../recovery/recover";
import { addRecoveryFlags, stopOnInterrupt, recoveryOptionsOf, reportOutcome, type RecoveryFlags } from "../recovery-flags";
import type { Progress } from "../progress";

export function register(program: Command): void {
  addRecoveryFlags(
    program
      .command("failback")
      .description("Return failed-over VMs home: reverse replication (reprotect), then a planned move back, journaled like a failover."),
  )
    .addHelpText("after", "\nExamples:\n  vmr failback --stack dev --dry-run\n  vmr failback --stack dev --group app --yes")
    .action(async (flags: RecoveryFlags) => {
      const progress: { current?: Progress } = {};
      const interrupt = stopOnInterrupt();
      try {
        const outcome = await failback({ ...recoveryOptionsOf(flags, "failback", progress), signal: interrupt.signal });
        progress.current?.stop();
        reportOutcome(outcome, flags);
      } finally {
        progress.current?.stop();
        interrupt.dispose();
      }
    });
}
