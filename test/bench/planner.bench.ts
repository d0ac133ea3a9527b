// Planner wall time: a site failure (every protected LPAR moves) and a single-host failure, at
// 1k / 10k / 50k / 100k LPARs on 100 / 1k / 5k / 10k hosts with 4 volumes each. The goal is
// 10,000 LPARs on 1,000 hosts in under a second, growing close to linearly; the plans' makespan
// within 5% of their lower bound, strict and pipelined (deterministic figures, unlike the times).
// Each size runs in a child process (planner-size.ts), so that its peak RSS is its own. Then the
// executor's measured makespan on the 10k and 50k site failures (planner-executor.ts), and the
// N-1 check, stopped per scenario once its verdict is known, beside the same check in full plans.

import { fork } from "child_process";
import * as path from "path";
import { checkSurvivability, type SurvivabilityReport } from "../../provider/planner";
import { generateDatacenter } from "../fixtures/datacenter";
import type { BenchContext } from "./main";
import { bestOf, type PlanFigures, type SizeFigures } from "./planner-size";

export const title = "Planner: planning wall time";

const SIZES = [
  { vms: 1_000, hosts: 100 },
  { vms: 10_000, hosts: 1_000 },
  { vms: 50_000, hosts: 5_000 },
  { vms: 100_000, hosts: 10_000 },
];

/**
 * makespan / lower bound of the site failure before issue 17 (commit 7c5dc8b: steps in name
 * order, the plain bound), strict SLA, to print beside today's.
 */
const BEFORE: Readonly<Record<number, { makespan: number; bound: number }>> = {
  1_000: { makespan: 2745, bound: 2445 },
  10_000: { makespan: 3645, bound: 3042 },
  50_000: { makespan: 3796, bound: 3042 },
};

/** The goal for a site failure. */
const GOAL = { vms: 10_000, hosts: 1_000, ms: 1000 };

/** The goal for the N-1 check. */
const CHECK_GOAL = { vms: 10_000, hosts: 1_000, ms: 1000 };

/** Runs one size in a process of its own (planner-size.ts): its peak RSS is then its own. */
function inChild(args: readonly (string | number)[]): Promise<SizeFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, "planner-size.js"), args.map(String), { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let figures: SizeFigures | undefined;
    child.on("message", (m) => (figures = m as SizeFigures));
    child.on("error", reject);
    child.on("exit", (code) => (figures !== undefined && code === 0 ? resolve(figures) : reject(new Error(`planner bench child ${args.join(" ")} exited ${code}`))));
  });
}

export async function run(context: BenchContext): Promise<void> {
  const sizes = context.quick ? SIZES.slice(0, 2) : SIZES;
  // Wall time depends on what else runs on the machine; CPU time much less so. Both are printed.
  context.print("Each size runs in a process of its own: its peak RSS is that size's (datacenter, plans and the runtime), not the bench's.");
  context.print();
  context.print(
    "| LPARs | hosts | steps | runs | site failure wall, best (ms) | median (ms) | site failure CPU (ms) | peak RSS (MB) | one host wall (ms) | makespan / lower bound | pipelined | one host, strict / pipelined | CPU ms per 1k LPARs |",
  );
  context.print("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  let previous: { vms: number; wall: number; cpu: number; rss: number } | undefined;
  const growth: string[] = [];
  const before: string[] = [];
  let goal: string | undefined;
  for (const size of sizes) {
    const runs = size.vms >= 100_000 ? 1 : size.vms >= 50_000 ? 2 : 5;
    const f = (await inChild(["plan", size.vms, size.hosts, runs])).plan as PlanFigures;
    const ratio = f.strict.makespan / f.strict.bound;
    context.print(
      `| ${size.vms} | ${size.hosts} | ${f.steps} | ${runs} | ${f.wall.toFixed(0)} | ${f.medianWall.toFixed(0)} | ${f.cpu.toFixed(0)} | ${f.rssMb.toFixed(0)} | ${f.hostWall.toFixed(0)} | ${ratio.toFixed(3)} | ${f.pipelined.toFixed(3)} | ${f.hostStrict.toFixed(3)} / ${f.hostPipelined.toFixed(3)} | ${((f.cpu / size.vms) * 1000).toFixed(1)} |`,
    );
    const then = BEFORE[size.vms];
    if (then !== undefined) {
      before.push(
        `${size.vms} LPARs, site failure, strict: makespan ${then.makespan} s -> ${f.strict.makespan} s, lower bound ${then.bound} s -> ${f.strict.bound} s, makespan / bound ${(then.makespan / then.bound).toFixed(3)} -> ${ratio.toFixed(3)}`,
      );
    }
    if (previous) {
      growth.push(
        `${previous.vms} -> ${size.vms} LPARs (x${size.vms / previous.vms}): wall x${(f.wall / previous.wall).toFixed(2)}, CPU x${(f.cpu / previous.cpu).toFixed(2)}, peak RSS x${(f.rssMb / previous.rss).toFixed(2)}`,
      );
    }
    previous = { vms: size.vms, wall: f.wall, cpu: f.cpu, rss: f.rssMb };
    if (size.vms === GOAL.vms && size.hosts === GOAL.hosts) {
      goal = `goal: ${GOAL.vms} LPARs on ${GOAL.hosts} hosts planned in under ${GOAL.ms} ms: ${f.wall < GOAL.ms ? "met" : "NOT met"} (best ${f.wall.toFixed(0)} ms, median ${f.medianWall.toFixed(0)} ms of ${runs} runs)`;
    }
  }
  context.print();
  for (const g of growth) context.print(`growth: ${g}`);
  if (goal) context.print(goal);
  context.print();
  context.print("Before issue 17 (commit 7c5dc8b) -> now, the same datacenters (virtual seconds, deterministic):");
  for (const b of before) context.print(`- ${b}`);

  // The executor on the same datacenters: site A failed in the simulator (its storage offline, so
  // the old volumes' unmaps are deferred cleanup), planned from the simulator's inventory, run in
  // virtual time with every latency's spread at zero.
  context.print();
  context.print("Executor, site failure of the same datacenters (simulator, zero spread, virtual time): measured makespan / the plan's lower bound");
  context.print();
  context.print("| LPARs | hosts | steps | strict: measured | planned | bound | measured / bound | pipelined: measured | bound | measured / bound | executor wall, strict + pipelined (s) | peak RSS (MB) |");
  context.print("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const size of context.quick ? SIZES.slice(0, 1) : SIZES.slice(1, 3)) {
    const e = (await inChild(["execute", size.vms, size.hosts])).execute as NonNullable<SizeFigures["execute"]>;
    const { strict, pipelined } = e;
    context.print(
      `| ${size.vms} | ${size.hosts} | ${strict.steps} | ${strict.measuredSeconds.toFixed(0)} s | ${strict.plannedSeconds.toFixed(0)} s | ${strict.boundSeconds.toFixed(0)} s | ${(strict.measuredSeconds / strict.boundSeconds).toFixed(3)} | ${pipelined.measuredSeconds.toFixed(0)} s | ${pipelined.boundSeconds.toFixed(0)} s | ${(pipelined.measuredSeconds / pipelined.boundSeconds).toFixed(3)} | ${((strict.wallMs + pipelined.wallMs) / 1000).toFixed(1)} | ${e.rssMb.toFixed(0)} |`,
    );
  }

  // The daily N-1 check: one failover per host and per site, each stopped once its verdict is
  // known (verdict.ts); beside it the same check with a full plan per scenario, and whether the
  // two agree.
  context.print();
  context.print("| LPARs | hosts | N-1 check scenarios | settled at placement / by upper bound / by schedule | wall, best of 3 (ms) | CPU (ms) | full plans: wall (ms) | CPU (ms) | same verdicts |");
  context.print("|---|---|---|---|---|---|---|---|---|");
  let checkGoal: string | undefined;
  for (const size of SIZES.slice(0, 2)) {
    const dc = generateDatacenter({ hosts: size.hosts, vms: size.vms, volumesPerVm: 4 });
    let fast: SurvivabilityReport | undefined;
    let full: SurvivabilityReport | undefined;
    const quick = bestOf(3, () => (fast = checkSurvivability(dc)));
    const slow = bestOf(1, () => (full = checkSurvivability({ ...dc, method: "full-plan" })));
    const a = fast as SurvivabilityReport;
    const b = full as SurvivabilityReport;
    const count = (by: string): number => a.scenarios.filter((s) => s.decidedBy === by).length;
    const same = a.scenarios.every((s, i) => s.survivable === b.scenarios[i].survivable && s.unplaced.length === b.scenarios[i].unplaced.length);
    context.print(
      `| ${size.vms} | ${size.hosts} | ${a.scenarios.length} | ${count("placement")} / ${count("upper bound")} / ${count("schedule")} | ${quick.wall.toFixed(0)} | ${quick.cpu.toFixed(0)} | ${slow.wall.toFixed(0)} | ${slow.cpu.toFixed(0)} | ${same ? "yes" : "NO"} |`,
    );
    if (size.vms === CHECK_GOAL.vms && size.hosts === CHECK_GOAL.hosts) {
      checkGoal = `goal: the N-1 check of ${CHECK_GOAL.hosts} hosts / ${CHECK_GOAL.vms} LPARs in <= ${CHECK_GOAL.ms} ms: ${quick.wall <= CHECK_GOAL.ms ? "met" : "NOT met"} (best ${quick.wall.toFixed(0)} ms, median ${quick.medianWall.toFixed(0)} ms of 3; full plans ${slow.wall.toFixed(0)} ms)`;
    }
  }
  if (checkGoal) context.print(`\n${checkGoal}`);
}
