// `vmr resume-noncritical`: brings back the non-critical VMs a recovery stopped or suspended to
// free room (RecoveryTarget `nonCritical`). Thin: flags in, recovery functions, output.

import type { Command } from "commander";
import { resumeNonCritical } from "../../recovery/recover";
import { addRecoveryFlags, stopOnInterrupt, recoveryOptionsOf, reportOutcome, type RecoveryFlags } from "../recovery-flags";
import type { Progress } from "../progress";

export function register(program: Command): void {
  addRecoveryFlags(
    program
      .command("resume-noncritical")
      .description(
        "Bring back the non-critical VMs of the stack's recovery targets found stopped (power on) or suspended (resume), journaled like a failover; a failback does it by itself once the recovered VMs left. Where recovered VMs still hold the room, the hardware refuses that VM and the others still come back.",
      ),
  )
    .addHelpText("after", "\nExamples:\n  vmr resume-noncritical --stack dev --dry-run\n  vmr resume-noncritical --stack dev --yes")
    .action(async (flags: RecoveryFlags) => {
      const progress: { current?: Progress } = {};
      const interrupt = stopOnInterrupt();
      try {
        const outcome = await resumeNonCritical({ ...recoveryOptionsOf(flags, "resume-noncritical", progress), signal: interrupt.signal });
        progress.current?.stop();
        reportOutcome(outcome, flags);
      } finally {
        progress.current?.stop();
        interrupt.dispose();
      }
    });
}
