// Planner wall time: a site failure (every protected LPAR moves) and a single-host failure, at
// 1k / 10k / 50k LPARs on 100 / 1k / 5k hosts with 4 volumes each. The goal is 10,000 LPARs on
// 1,000 hosts in under a second, growing close to linearly.

import { performance } from "perf_hooks";
import { planFailover } from "../../provider/planner";
import { generateDatacenter } from "../fixtures/datacenter";
import type { BenchContext } from "./main";

export const title = "Planner: planning wall time";

const SIZES = [
  { vms: 1_000, hosts: 100 },
  { vms: 10_000, hosts: 1_000 },
  { vms: 50_000, hosts: 5_000 },
];

function bestOf(runs: number, fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

export async function run(context: BenchContext): Promise<void> {
  const sizes = context.quick ? SIZES.slice(0, 2) : SIZES;
  context.print("| LPARs | hosts | steps | site failure (ms) | one host (ms) | makespan / lower bound | ms per 1k LPARs |");
  context.print("|---|---|---|---|---|---|---|");
  let previous: { vms: number; ms: number } | undefined;
  const growth: string[] = [];
  for (const size of sizes) {
    const dc = generateDatacenter({ hosts: size.hosts, vms: size.vms, volumesPerVm: 4 });
    let steps = 0;
    let ratio = 0;
    const runs = size.vms >= 50_000 ? 2 : 3;
    const siteMs = bestOf(runs, () => {
      const plan = planFailover({ ...dc, failure: { failedSite: "A" } });
      steps = plan.steps.length;
      ratio = plan.estimate.makespanSeconds / plan.estimate.lowerBoundSeconds;
    });
    const hostMs = bestOf(runs, () => planFailover({ ...dc, failure: { failedHosts: ["sys-A-00001"] } }));
    context.print(`| ${size.vms} | ${size.hosts} | ${steps} | ${siteMs.toFixed(0)} | ${hostMs.toFixed(0)} | ${ratio.toFixed(3)} | ${((siteMs / size.vms) * 1000).toFixed(1)} |`);
    if (previous) growth.push(`${previous.vms} -> ${size.vms} LPARs (x${size.vms / previous.vms}): time x${(siteMs / previous.ms).toFixed(2)}`);
    previous = { vms: size.vms, ms: siteMs };
  }
  context.print();
  for (const g of growth) context.print(`growth: ${g}`);
}
