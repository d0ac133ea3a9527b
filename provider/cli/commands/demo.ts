// `vmr demo` (`npm run demo`): deploy examples/basic on the embedded simulator through the real
// Pulumi engine, rehearse losing site A with a scripted drill, write the report, destroy.

import * as path from "path";
import type { Command } from "commander";
import { demo } from "../../demo/demo";
import { predictionPhrase } from "../../drill/run";
import { measuredAt } from "../../report/format";
import { exitCode } from "../exit-codes";
import { createProgress, type Progress } from "../progress";
import { plural, predictedSeconds } from "../../text";

export function register(program: Command): void {
  program
    .command("demo")
    .description("Deploy examples/basic on the simulator with Pulumi, run a scripted drill of a site loss, write its report, destroy.")
    .option("--dir <dir>", "working directory (simulator state, Pulumi backend, runs, report)", path.join(".vmr", "demo"))
    .option("--drill-file <file>", "the drill to run (default: examples/drills/site-loss.yaml)")
    .option("--keep", "keep the stack deployed afterwards", false)
    .option("--networks", "add a second act: examples/networks failed over to other VLANs, switches and subnets (about 25 s more)", false)
    .option("--verbose", "show the engine's output and the drill's phases", false)
    .addHelpText("after", "\nExamples:\n  npm run demo\n  vmr demo --drill-file examples/drills/critical-tier.yaml --keep\n  vmr demo --networks")
    .action(async (opts: { dir: string; drillFile?: string; keep: boolean; networks: boolean; verbose: boolean }) => {
      const out = process.stdout;
      const started = Date.now();
      const stamp = (): string => `${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s`;
      let n = 0;
      let bars: Progress | undefined;
      out.write("pulumi-vm-recovery demo: a non-disruptive drill of a site loss, on the embedded PowerVM/SAN simulator\n\n");
      const r = await demo({
        dir: opts.dir,
        drillFile: opts.drillFile,
        keep: opts.keep,
        networks: opts.networks,
        onStep: (message) => {
          bars?.stop();
          bars = undefined;
          out.write(`${stamp()}  ${++n}. ${message}\n`);
        },
        onDetail: (line) => {
          if (opts.verbose || /^building|failed/.test(line)) out.write(`          ${line}\n`);
        },
        onPlan: (plan) => {
          out.write(`          plan: ${plural(plan.placements.length, "VM")} onto ${plural(new Set(plan.placements.map((p) => p.target)).size, "system")}, ${plural(plan.steps.length, "step")}\n          ${predictionPhrase(plan)} (simulated)\n`);
          bars = createProgress(plan);
        },
        onEvent: (event) => bars?.onEvent(event),
      });
      bars?.stop();
      const d = r.drill;
      const report = d.report;
      out.write(`\n${stamp()}  done: drill ${d.drill.name} ${d.passed ? "PASSED" : "FAILED"}\n\n`);
      const width = Math.max(...report.groups.map((g) => g.name.length), 5);
      out.write(`  ${"group".padEnd(width)}  VMs  up at (simulated)  predicted p50-p95  measured at  budget\n`);
      for (const g of report.groups) {
        const band = g.predictedRto ? `${predictedSeconds(g.predictedRto.p50Seconds, (s) => String(Math.round(s)))}-${predictedSeconds(g.predictedRto.p95Seconds)}` : "-";
        const at = g.measuredQuantile !== undefined ? measuredAt(g.measuredQuantile) : "-";
        out.write(
          `  ${g.name.padEnd(width)}  ${String(g.vms).padStart(3)}  ${(g.rtoSeconds === undefined ? g.verdict : `${Math.round(g.rtoSeconds)} s`).padStart(17)}  ${band.padStart(17)}  ${at.padStart(11)}  ${g.rtoBudgetSeconds === undefined ? "-" : `${g.rtoBudgetSeconds} s`}  ${g.verdict === "within" ? "ok" : g.verdict}\n`,
        );
      }
      out.write("\n");
      for (const a of report.assertions ?? []) out.write(`  ${a.passed ? "pass" : "FAIL"}  ${a.type}: ${a.message}\n`);
      // Paths as the user would type them: relative when under the current directory.
      const show = (file: string | undefined): string => {
        const rel = path.relative(process.cwd(), file ?? "");
        return rel.startsWith("..") || path.isAbsolute(rel) ? (file ?? "") : rel;
      };
      out.write(`\n  report:  ${show(d.reportFiles.html)}   (open it in a browser)\n`);
      out.write(`           ${show(d.reportFiles.md)}\n           ${show(d.reportFiles.json)}\n`);
      if (r.networks) {
        out.write(`\n  examples/networks failover: ${r.networks.status}; each VM at site B (simulator state) and its new address\n`);
        const w = Math.max(...r.networks.vms.map((v) => v.lpar.length), 3);
        for (const v of r.networks.vms) out.write(`    ${v.lpar.padEnd(w)}  ${v.system.padEnd(5)}  ${v.vlans.join(" ").padEnd(24)}  ${v.address ?? "address kept"}\n`);
        if (r.networks.status !== "succeeded") process.exitCode = exitCode("failed");
      }
      out.write(r.destroyed ? `  the demo stack is destroyed; the simulator state and the run's journal stay in ${show(r.dir)}\n` : `  the stack is still deployed (--keep): ${show(r.dir)}\n`);
      if (!d.passed) process.exitCode = exitCode("failed");
    });
}
