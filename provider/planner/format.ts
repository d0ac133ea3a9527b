// Plain-text views of a plan and of the N-1 check, for the terminal.

import type { Plan, PredictedRto } from "../generated/plan";
import type { ScenarioResult, ScopeSummary, SurvivabilityReport } from "./check";
import { plural, predictedSeconds, unrecoveredPhrase } from "../text";

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ").trimEnd()).join("\n");
}

const secs = (s: number): string => `${Math.round(s)} s`;

const percent = (q: number): string => `${+(q * 100).toFixed(2)}%`;

/** "p50 X, p90 Y, p95 Z, p99 W": a prediction's quantiles, and the share of runs not up without an operator when some are. */
function band(p: PredictedRto): string {
  const q = (s: number | null): string => predictedSeconds(s, secs);
  return `p50 ${q(p.p50Seconds)}, p90 ${q(p.p90Seconds)}, p95 ${q(p.p95Seconds)}, p99 ${q(p.p99Seconds)}${unrecoveredPhrase(p.unrecoveredShare)}`;
}

/** What a group's RTO line says: the prediction and its verdict at the confidence, else the median schedule's. */
function groupLine(g: Plan["groups"][number], confidence: number | undefined): string {
  const budget = g.rtoBudgetSeconds !== undefined ? ` of ${secs(g.rtoBudgetSeconds)}` : "";
  if (g.estimatedRtoSeconds === undefined) return `no RTO: not every LPAR is placed${budget ? ` (budget${budget})` : ""} -> ${g.verdict}`;
  const p = g.predictedRto;
  if (p === undefined || confidence === undefined) return `median-schedule RTO ${secs(g.estimatedRtoSeconds)}${budget} -> ${g.verdict}`;
  const at =
    p.atConfidenceSeconds === undefined
      ? `at ${percent(confidence)} confidence`
      : p.atConfidenceSeconds === null
        ? `fewer than ${percent(confidence)} of runs up without an operator`
        : `${percent(confidence)} of runs up by ${secs(p.atConfidenceSeconds)}`;
  return `predicted RTO ${band(p)}${budget} -> ${g.verdict} at ${percent(confidence)} confidence (${at})`;
}

export function formatPlan(plan: Plan): string {
  const f = plan.failure;
  const scope = f.failedSite !== undefined ? `site ${f.failedSite}` : f.failedHosts.length > 0 ? f.failedHosts.join(", ") : "all protected LPARs";
  const placed = plan.placements.filter((p) => p.target !== null).length;
  const e = plan.estimate;
  const lines: string[] = [
    `${plan.kind} plan${plan.stack ? ` for stack ${plan.stack}` : ""}: ${scope}${f.detected ? " (detected)" : ""}`,
    `${plural(plan.placements.length, "LPAR")} affected, ${placed} placed, ${plural(plan.steps.length, "step")}`,
    ...(e.predictedMakespan !== undefined
      ? [
          `predicted makespan (${e.slaMode ?? "strict"} SLA, ${e.predictedMakespan.samples} Monte Carlo runs of the executor's dispatch, latency profile ${e.predictedMakespan.profile}): ${band(e.predictedMakespan)}`,
        ]
      : []),
    `median schedule (${e.slaMode ?? "strict"} SLA, every step at its median): ${secs(e.makespanSeconds)}; lower bound ${secs(e.lowerBoundSeconds)} (${e.bottleneck ?? "critical-path"}); serial ${secs(e.serialSeconds ?? 0)}`,
  ];
  if (plan.kind === "failback") {
    const home = plan.placements.filter((p) => p.home !== undefined && p.home.reason === undefined).length;
    lines.push(`${home} of ${plural(plan.placements.length, "LPAR")} go${home === 1 ? "es" : ""} back to their home system${home < plan.placements.length ? " (the others say why not)" : ""}`);
  }
  for (const { group: g, level } of byPriority(plan)) {
    lines.push("", `group ${g.name} (SLA ${level}): ${groupLine(g, e.confidence)}`);
    const rows: string[][] = [["LPAR", "level", "from", "to", "volumes", "note"]];
    for (const p of plan.placements.filter((x) => x.group === g.name)) {
      const replicas = p.volumes.filter((v) => v.attach !== v.source).length;
      rows.push([
        p.lpar,
        String(p.slaLevel),
        p.source,
        p.target ?? (p.waiting ? "(waits)" : "(none)"),
        p.target === null ? "-" : `${p.volumes.length}${replicas > 0 ? ` (${plural(replicas, "replica")})` : ""}`,
        [p.start?.shrunk === true && p.target !== null ? `starts at ${p.start.processorUnits} processor units and ${p.start.memoryGb} GiB (${p.start.reason})` : undefined, p.reason, p.wouldTake !== undefined ? `it would take: ${p.wouldTake.summary}` : undefined, homeNote(p)]
          .filter((n) => n !== undefined)
          .join("; "),
      ]);
    }
    lines.push(table(rows));
  }
  // Non-critical VMs the plan stops or suspends for room (planner/non-critical.ts), or brings back.
  for (const n of plan.nonCritical ?? []) {
    const what = n.resume ? (n.action === "suspend" ? "resumes" : "powers on") : n.action === "suspend" ? "suspends" : "stops";
    lines.push("", `non-critical: ${what} ${n.lpar} on ${n.system}${n.for?.length ? ` for ${n.for.join(", ")}` : ""}`);
  }
  for (const w of plan.warnings ?? []) lines.push("", `warning: ${w}`);
  return lines.join("\n");
}

/**
 * The plan's groups in the order they recover: by SLA level, highest first (a group's level is
 * the highest of its LPARs'), then in plan order.
 */
function byPriority(plan: Plan): { group: Plan["groups"][number]; level: number }[] {
  const level = new Map<string, number>();
  for (const p of plan.placements) level.set(p.group, Math.max(level.get(p.group) ?? -Infinity, p.slaLevel));
  return plan.groups
    .map((group, index) => ({ group, index, level: level.get(group.name) ?? 0 }))
    .sort((a, b) => b.level - a.level || a.index - b.index)
    .map(({ group, level: l }) => ({ group, level: l }));
}

/** Failback: why an LPAR does not go back to its home system, when it does not. */
function homeNote(p: Plan["placements"][number]): string | undefined {
  if (p.home?.reason === undefined || p.home.reason === p.reason) return undefined;
  return `not home${p.home.system !== null ? ` (${p.home.system})` : ""}: ${p.home.reason}`;
}

/** A scenario's makespan as the check settled it: scheduled, at most its upper bound, or not scheduled. */
function makespanText(s: ScenarioResult): string {
  if (s.predictedMakespanSeconds !== undefined) return predictedSeconds(s.predictedMakespanSeconds, secs);
  if (s.makespanSeconds !== undefined) return secs(s.makespanSeconds);
  return s.makespanAtMostSeconds !== undefined ? `<= ${secs(s.makespanAtMostSeconds)}` : "not scheduled";
}

/** What a group over its budget takes: its predicted RTO at the confidence, else the median schedule's. */
function overBy(g: ScenarioResult["groups"][number]): string {
  const at = g.predictedRto?.atConfidenceSeconds;
  return at !== undefined ? predictedSeconds(at, secs) : secs(g.estimatedRtoSeconds ?? 0);
}

/** LPARs named per scenario in what it would take; the others are counted. */
const TAKE_NAMED = 3;

/** Per scenario with LPARs short of capacity: what it would take to place each (the first few). */
function wouldTakeLines(scenarios: readonly SurvivabilityReport["scenarios"][number][]): string[] {
  const lines: string[] = [];
  for (const s of scenarios) {
    const short = s.unplaced.filter((u) => u.wouldTake !== undefined);
    if (short.length === 0) continue;
    lines.push(`  ${s.scope} ${s.name}: what it would take to place ${plural(short.length, "LPAR")} short of capacity:`);
    for (const u of short.slice(0, TAKE_NAMED)) lines.push(`    ${u.lpar}: ${u.wouldTake?.summary}`);
    if (short.length > TAKE_NAMED) lines.push(`    and ${short.length - TAKE_NAMED} more (see the plan of that failure)`);
  }
  return lines;
}

/**
 * The N-1 matrix in two sections, single-server failures and site losses, each with its own
 * count of failures that are not survivable.
 */
export function formatSurvivability(report: SurvivabilityReport): string {
  const section = (scope: "host" | "site", title: string, summary: ScopeSummary, noun: [string, string]): string => {
    const rtoColumn = report.prediction !== undefined ? `makespan p${+(report.prediction.confidence * 100).toFixed(2)}` : "median-schedule makespan";
    const rows: string[][] = [[scope === "host" ? "server" : "site", "LPARs", "unplaced", rtoColumn, "verdict", "groups over budget or unplaceable"]];
    for (const s of report.scenarios.filter((x) => x.scope === scope)) {
      const bad = s.groups.filter((g) => g.verdict === "over" || g.verdict === "unplaceable");
      rows.push([
        `${s.scope} ${s.name}`,
        String(s.affectedLpars),
        String(s.unplaced.length),
        s.affectedLpars === 0 ? "-" : makespanText(s),
        s.survivable ? "ok" : "NOT SURVIVABLE",
        bad
          .slice(0, 4)
          .map((g) => `${g.name} (${g.verdict === "over" ? `${overBy(g)} > ${secs(g.rtoBudgetSeconds ?? 0)}` : "unplaceable"})`)
          .join(", ") + (bad.length > 4 ? ` and ${bad.length - 4} more` : ""),
      ]);
    }
    const verdict =
      summary.checked === 0
        ? `no ${noun[1]} to check`
        : summary.notSurvivable.length === 0
          ? `every ${noun[0]} is survivable (${summary.checked} checked)`
          : `${summary.notSurvivable.length} of ${plural(summary.checked, noun[0], noun[1])} not survivable: ${summary.notSurvivable.join(", ")}`;
    return [`${title}`, table(rows), ...wouldTakeLines(report.scenarios.filter((x) => x.scope === scope)), verdict].join("\n");
  };
  const basis =
    report.prediction !== undefined
      ? `verdicts at ${percent(report.prediction.confidence)} confidence: each group's predicted RTO at that quantile (up to ${report.prediction.samples} Monte Carlo runs of the executor's dispatch, fewer where the verdicts were settled sooner; latency profile ${report.prediction.profile}) against its budget`
      : "verdicts from the median schedule (every step at its median duration); a makespan \"<= N s\" is an upper bound on that schedule, which settled the verdict without scheduling";
  return [
    section("host", "Single-server failures", report.serverFailures, ["single-server failure", "single-server failures"]),
    section("site", "Site losses", report.siteLosses, ["site loss", "site losses"]),
    basis,
  ].join("\n\n");
}
