// Plain-text views of a plan and of the N-1 check, for the terminal.

import type { Plan } from "../generated/plan";
import type { SurvivabilityReport } from "./check";

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ").trimEnd()).join("\n");
}

const secs = (s: number): string => `${Math.round(s)} s`;

export function formatPlan(plan: Plan): string {
  const f = plan.failure;
  const scope = f.failedSite !== undefined ? `site ${f.failedSite}` : f.failedHosts.length > 0 ? f.failedHosts.join(", ") : "all protected LPARs";
  const placed = plan.placements.filter((p) => p.target !== null).length;
  const e = plan.estimate;
  const lines: string[] = [
    `${plan.kind} plan${plan.stack ? ` for stack ${plan.stack}` : ""}: ${scope}${f.detected ? " (detected)" : ""}`,
    `${plan.placements.length} LPARs affected, ${placed} placed, ${plan.steps.length} steps`,
    `estimate (${e.slaMode ?? "strict"} SLA): ${secs(e.makespanSeconds)}; lower bound ${secs(e.lowerBoundSeconds)} (${e.bottleneck ?? "critical-path"}); serial ${secs(e.serialSeconds ?? 0)}`,
  ];
  if (plan.kind === "failback") {
    const home = plan.placements.filter((p) => p.home !== undefined && p.home.reason === undefined).length;
    lines.push(`${home} of ${plan.placements.length} LPARs go back to their home system${home < plan.placements.length ? " (the others say why not)" : ""}`);
  }
  for (const g of plan.groups) {
    lines.push("", `group ${g.name}: estimated RTO ${secs(g.estimatedRtoSeconds)}${g.rtoBudgetSeconds !== undefined ? ` of ${secs(g.rtoBudgetSeconds)}` : ""} -> ${g.verdict}`);
    const rows: string[][] = [["LPAR", "level", "from", "to", "volumes", "note"]];
    for (const p of plan.placements.filter((x) => x.group === g.name)) {
      const replicas = p.volumes.filter((v) => v.attach !== v.source).length;
      rows.push([
        p.lpar,
        String(p.slaLevel),
        p.source,
        p.target ?? (p.waiting ? "(waits)" : "(none)"),
        p.target === null ? "-" : `${p.volumes.length}${replicas > 0 ? ` (${replicas} replicas)` : ""}`,
        [p.reason, homeNote(p)].filter((n) => n !== undefined).join("; "),
      ]);
    }
    lines.push(table(rows));
  }
  for (const w of plan.warnings ?? []) lines.push("", `warning: ${w}`);
  return lines.join("\n");
}

/** Failback: why an LPAR does not go back to its home system, when it does not. */
function homeNote(p: Plan["placements"][number]): string | undefined {
  if (p.home?.reason === undefined || p.home.reason === p.reason) return undefined;
  return `not home${p.home.system !== null ? ` (${p.home.system})` : ""}: ${p.home.reason}`;
}

export function formatSurvivability(report: SurvivabilityReport): string {
  const rows: string[][] = [["failure", "LPARs", "unplaced", "est. RTO", "verdict", "groups over budget or unplaceable"]];
  for (const s of report.scenarios) {
    const bad = s.groups.filter((g) => g.verdict === "over" || g.verdict === "unplaceable");
    rows.push([
      `${s.scope} ${s.name}`,
      String(s.affectedLpars),
      String(s.unplaced.length),
      s.affectedLpars === 0 ? "-" : secs(s.makespanSeconds),
      s.survivable ? "ok" : "NOT SURVIVABLE",
      bad
        .slice(0, 4)
        .map((g) => `${g.name} (${g.verdict === "over" ? `${secs(g.estimatedRtoSeconds)} > ${secs(g.rtoBudgetSeconds ?? 0)}` : "unplaceable"})`)
        .join(", ") + (bad.length > 4 ? ` and ${bad.length - 4} more` : ""),
    ]);
  }
  const failing = report.scenarios.filter((s) => !s.survivable);
  const summary = failing.length === 0 ? "every single host or site failure is survivable" : `${failing.length} of ${report.scenarios.length} single failures are not survivable`;
  return `${table(rows)}\n\n${summary}`;
}
