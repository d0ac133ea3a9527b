// One size of the planner benchmark, run in a process of its own (planner.bench.ts forks it), so
// that its peak resident set is its own: in the bench's process it would be the peak of every
// section and size before it. Sends its figures to the parent and exits.
//   node planner-size.js plan <LPARs> <hosts> <runs>      site and one-host failures, planned
//   node planner-size.js execute <LPARs> <hosts>          site failure run by the executor (zero spread)

import { performance } from "perf_hooks";
import { planFailover } from "../../provider/planner";
import { generateDatacenter } from "../fixtures/datacenter";
import { executeSiteFailure, type ExecutorFigures } from "./planner-executor";

export interface PlanFigures {
  readonly steps: number;
  /** Site failure, strict: best and median wall, best CPU (ms). */
  readonly wall: number;
  readonly medianWall: number;
  readonly cpu: number;
  readonly hostWall: number;
  readonly strict: { readonly makespan: number; readonly bound: number };
  readonly pipelined: number;
  readonly hostStrict: number;
  readonly hostPipelined: number;
  /** Peak resident set of this process, in MB. */
  readonly rssMb: number;
}

export interface SizeFigures {
  readonly plan?: PlanFigures;
  readonly execute?: { readonly strict: ExecutorFigures; readonly pipelined: ExecutorFigures; readonly rssMb: number };
}

/**
 * Best and median wall time, and best CPU time (this process, GC threads included), of `runs`
 * runs, in ms. The best is the figure compared with the goal: on a shared machine the other
 * runs measure the neighbours as well; the median shows how far apart they are.
 */
export function bestOf(runs: number, fn: () => void): { wall: number; medianWall: number; cpu: number } {
  const walls: number[] = [];
  let cpu = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    fn();
    const used = process.cpuUsage(c);
    walls.push(performance.now() - t);
    cpu = Math.min(cpu, (used.user + used.system) / 1000);
  }
  walls.sort((a, b) => a - b);
  return { wall: walls[0], medianWall: walls[Math.floor(walls.length / 2)], cpu };
}

const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

function planSize(vms: number, hosts: number, runs: number): PlanFigures {
  // A fresh process has not compiled the planner yet: a few small plans first, not counted (in
  // the bench's own process the sections before did that).
  const warm = generateDatacenter({ hosts: 100, vms: 1000, volumesPerVm: 4 });
  for (let i = 0; i < 5; i++) planFailover({ ...warm, failure: { failedSite: "A" } });
  const dc = generateDatacenter({ hosts, vms, volumesPerVm: 4 });
  let steps = 0;
  let strict = { makespan: 0, bound: 0 };
  const site = bestOf(runs, () => {
    const plan = planFailover({ ...dc, failure: { failedSite: "A" } });
    steps = plan.steps.length;
    strict = { makespan: plan.estimate.makespanSeconds, bound: plan.estimate.lowerBoundSeconds };
  });
  const rssMb = peakRssMb();
  const host = bestOf(runs, () => planFailover({ ...dc, failure: { failedHosts: ["sys-A-00001"] } }));
  const ratioOf = (failure: { failedSite: string } | { failedHosts: string[] }, slaMode: "strict" | "pipelined"): number => {
    const plan = planFailover({ ...dc, failure, options: { slaMode } });
    return plan.estimate.makespanSeconds / plan.estimate.lowerBoundSeconds;
  };
  return {
    steps,
    wall: site.wall,
    medianWall: site.medianWall,
    cpu: site.cpu,
    hostWall: host.wall,
    strict,
    pipelined: ratioOf({ failedSite: "A" }, "pipelined"),
    hostStrict: ratioOf({ failedHosts: ["sys-A-00001"] }, "strict"),
    hostPipelined: ratioOf({ failedHosts: ["sys-A-00001"] }, "pipelined"),
    rssMb,
  };
}

async function main(): Promise<void> {
  const [mode, vms, hosts, runs] = process.argv.slice(2);
  const figures: SizeFigures =
    mode === "plan"
      ? { plan: planSize(Number(vms), Number(hosts), Number(runs)) }
      : await (async () => {
          const dc = generateDatacenter({ hosts: Number(hosts), vms: Number(vms), volumesPerVm: 4 });
          const strict = await executeSiteFailure(dc, "strict");
          const pipelined = await executeSiteFailure(dc, "pipelined");
          return { execute: { strict, pipelined, rssMb: peakRssMb() } };
        })();
  (process.send as (message: unknown) => void)(figures);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`planner bench child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
}
