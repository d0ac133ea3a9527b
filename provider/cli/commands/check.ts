// `vmr check`: the paper's daily N-1 check. For every host and every site in turn, could all
// of its protected LPARs restart elsewhere within their RTO budgets? Prints the matrix and exits
// 1 when some single-server failure or site loss is not survivable (each counted apart): an LPAR
// left unplaced, or a group whose predicted RTO at --confidence breaches its budget.

import type { Command } from "commander";
import { checkStack, notSurvivable } from "../../live/planning";
import { formatSurvivability } from "../../planner/format";
import { addStackFlags, predictionOf, profileFlags, type StackFlags } from "./plan";

export function register(program: Command): void {
  addStackFlags(program.command("check").description("N-1 check: can every single-server failure, and every site loss, be recovered within the RTO budgets at --confidence (predicted RTO, Monte Carlo)? (counted apart)"))
    .option("--json", "print the matrix as JSON: scenarios, with serverFailures and siteLosses counted apart", false)
    .addHelpText("after", "\nExamples:\n  vmr check --stack dev\n  vmr check --stack dev --confidence 0.99\n  vmr check --stack-file state.json --json")
    .action(async (opts: StackFlags & { json: boolean }) => {
      const predict = predictionOf(opts);
      const report = await checkStack({ stack: opts.stack, cwd: opts.cwd, stackFile: opts.stackFile, options: { slaMode: opts.sla }, predict, ...profileFlags(opts) });
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatSurvivability(report)}\n`);
      if (!report.survivable) throw notSurvivable(report);
    });
}
