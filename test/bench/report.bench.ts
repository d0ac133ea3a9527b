// Report size and rendering time for large runs: 1,000 and 5,000 VMs failing over onto 20 / 100
// target systems (about 6 steps per VM). The HTML page must stay a few hundred kilobytes and
// render in well under a second per thousand VMs, whatever the run's size.

import { performance } from "perf_hooks";
import { buildReport, renderHtml, renderMarkdown, renderReport } from "../../provider/report";
import { makeRun } from "../unit/report/fixture";
import type { BenchContext } from "./main";

export const title = "Report: size and rendering time of large runs";

const SIZES = [
  { vms: 1_000, targets: 20 },
  { vms: 5_000, targets: 100 },
];

export async function run(context: BenchContext): Promise<void> {
  const sizes = context.quick ? SIZES.slice(0, 1) : SIZES;
  context.print("| VMs | steps | lanes | build (ms) | HTML (ms) | HTML (kB) | JSON (kB) | Markdown (kB) |");
  context.print("|---|---|---|---|---|---|---|---|");
  for (const size of sizes) {
    const run = makeRun({ vms: size.vms, targets: size.targets, failRestartOf: ["lpar-0007"] });
    let t = performance.now();
    const report = buildReport(run);
    const build = performance.now() - t;
    t = performance.now();
    const html = renderHtml(report);
    const htmlMs = performance.now() - t;
    const json = renderReport(report, "json");
    const md = renderMarkdown(report);
    const lanes = new Set(report.steps.map((s) => s.lane)).size;
    const kb = (s: string): string => (Buffer.byteLength(s) / 1024).toFixed(0);
    context.print(`| ${size.vms} | ${report.steps.length} | ${lanes} | ${build.toFixed(0)} | ${htmlMs.toFixed(0)} | ${kb(html)} | ${kb(json)} | ${kb(md)} |`);
  }
}
