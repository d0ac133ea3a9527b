// `vmr plan`: plan a failover (or a planned move, failback, drill) from the stack's protection and
// the live inventory, and print it. Thin: parses flags, calls planStack, prints.

import { Option, type Command } from "commander";
import { ValidationError } from "../../errors";
import { planStack } from "../../live/planning";
import { formatPlan } from "../../planner/format";
import type { PlanKind, SlaMode } from "../../planner";
import { parseRunStoreFlag, type RunStoreChoice } from "../../run-store/open";
import { checkConfidence, DEFAULT_CONFIDENCE, DEFAULT_SAMPLES, type PredictPlanOptions } from "../../predict";

export interface StackFlags {
  stack?: string;
  cwd?: string;
  stackFile?: string;
  sla: SlaMode;
  confidence: string;
  samples: string;
  profile?: string;
  runsDir?: string;
  runStore?: RunStoreChoice;
}

/** The prediction the `--confidence` and `--samples` flags ask for; bad values are refused naming the flag. */
export function predictionOf(opts: StackFlags): PredictPlanOptions {
  return { confidence: checkConfidence(opts.confidence), samples: samplesOf(opts.samples), sla: opts.sla };
}

/** `--samples` as a whole number >= 1, else a ValidationError naming the flag. */
export function samplesOf(raw: string): number {
  const samples = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || samples < 1) {
    throw new ValidationError("flags", [{ path: "--samples", message: `\`--samples\` is ${JSON.stringify(raw)}; it must be a whole number >= 1 (Monte Carlo runs behind each predicted RTO)` }]);
  }
  return samples;
}

/** Where `plan` and `check` find the profile to predict with. */
export function profileFlags(opts: StackFlags): { profileFile?: string; runsDir?: string; runStore?: RunStoreChoice } {
  return { ...(opts.profile !== undefined ? { profileFile: opts.profile } : {}), ...(opts.runsDir !== undefined ? { runsDir: opts.runsDir } : {}), ...(opts.runStore !== undefined ? { runStore: opts.runStore } : {}) };
}

/** The flags `plan` and `check` share. */
export function addStackFlags(command: Command): Command {
  return command
    .option("--stack <name>", "stack whose protection to plan (read live through Pulumi)")
    .option("--cwd <dir>", "directory of the Pulumi program (default: the current directory)")
    .option("--stack-file <file>", "a `pulumi stack export --show-secrets` file instead of a live stack")
    .addOption(new Option("--sla <mode>", "SLA mode the estimate assumes").choices(["strict", "pipelined"]).default("strict"))
    .option("--confidence <q>", "confidence of the verdicts: a group is within budget when its predicted RTO at this quantile is, in (0, 1)", String(DEFAULT_CONFIDENCE))
    .option("--samples <n>", "Monte Carlo runs behind each predicted RTO", String(DEFAULT_SAMPLES))
    .option("--profile <file>", "latency profile to predict with (default: the stack's, kept in its run store by `vmr calibrate`, else the documented defaults)")
    .option("--runs-dir <dir>", "a runs directory of its own, as given to `vmr calibrate --runs-dir`, whose profile to predict with")
    .option("--run-store <store>", "the run store the stack's profile is kept in: file (per user, the default), etcd (settings from the stack's vmr:runStore) or etcd:https://HOST:2379,...", parseRunStoreFlag);
}

export function register(program: Command): void {
  addStackFlags(
    program
      .command("plan")
      .description("Plan the recovery of failed hosts or a site: targets, storage actions, ordered steps and the predicted RTO per group (p50-p99, Monte Carlo), its verdict at --confidence."),
  )
    .option("--failed-host <ids...>", "managed systems treated as failed (default: read failures from the inventory)")
    .option("--failed-site <site>", "every managed system of this site is treated as failed")
    .option("--group <names...>", "only these protection groups")
    .addOption(new Option("--kind <kind>", "what to plan").choices(["failover", "planned", "failback", "drill"]).default("failover"))
    .option("--json", "print the plan as JSON (schemas/plan.schema.json)", false)
    .addHelpText(
      "after",
      "\nExamples:\n  vmr plan --stack dev --failed-host a-01 a-02\n  vmr plan --stack dev --failed-site site-a --confidence 0.99\n  vmr plan --stack-file state.json --failed-site site-a --json > plan.json\n  vmr plan --stack dev --kind drill --group db",
    )
    .action(async (opts: StackFlags & { failedHost?: string[]; failedSite?: string; group?: string[]; kind: PlanKind; json: boolean }) => {
      if (opts.failedHost && opts.failedSite) {
        throw new ValidationError("flags", [{ path: "failedHost", message: "`--failed-host` and `--failed-site` exclude each other: give one of them" }]);
      }
      const predict = predictionOf(opts);
      const plan = await planStack(opts.kind, {
        stack: opts.stack,
        cwd: opts.cwd,
        stackFile: opts.stackFile,
        failure: { failedHosts: opts.failedHost, failedSite: opts.failedSite, groups: opts.group },
        options: { slaMode: opts.sla },
        predict,
        ...profileFlags(opts),
      });
      process.stdout.write(opts.json ? `${JSON.stringify(plan, null, 2)}\n` : `${formatPlan(plan)}\n`);
    });
}
