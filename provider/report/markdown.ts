// The Markdown summary of a run: what an operator pastes into a ticket or a change record.
// Short by design: totals, groups, SLA levels, what failed; the per-step detail is in the JSON.

import type { RunReport } from "../generated/report";
import { duration, escapeCell, measuredAt, predictedBand, VERDICT_TEXT } from "./format";
import { plural } from "../text";
import { cleanupSummary, statsByKind } from "./stats";
import { NON_CRITICAL_HEADER, nonCriticalRows, START_HEADER, startSizeRows } from "./non-critical";

/** VMs listed by name in the "did not come up" section before it only counts the rest. */
const MAX_LISTED_PROBLEMS = 50;

const KIND_TITLE: Readonly<Record<RunReport["kind"], string>> = {
  failover: "Failover",
  planned: "Planned move",
  failback: "Failback",
  drill: "Drill",
  resume: "Resume of non-critical VMs",
};

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(escapeCell).join(" | ")} |`)];
}

/** Each VM's network at its target, when its group has a NetworkMapping: what the guest must be told. */
function networkSection(report: RunReport): string[] {
  const vms = report.vms.filter((v) => v.network !== undefined && v.target !== null);
  if (vms.length === 0) return [];
  const vlans = (v: (typeof vms)[number]) => v.network!.adapters.map((a) => `${a.switch} ${[a.pvid, ...(a.taggedVlans ?? [])].join(",")}`).join("; ");
  const addresses = (v: (typeof vms)[number]) =>
    v.network!.addresses.map((a) => `${a.from ? `${a.from} -> ` : ""}${a.address}/${a.prefixLength}${a.gateway ? ` gw ${a.gateway}` : ""}`).join("; ") || "kept";
  return [
    "## Networks",
    "",
    ...table(["VM", "Target", "Map", "Switch and VLANs", "Addresses"], vms.map((v) => [v.lpar, v.target as string, `${v.network!.mapping} (${v.network!.use})`, vlans(v), addresses(v)])),
    "",
  ];
}

export function renderMarkdown(report: RunReport): string {
  const out: string[] = [];
  const stack = report.stack ? ` of stack \`${report.stack}\`` : "";
  out.push(`# ${KIND_TITLE[report.kind]} ${report.runId}${stack}: ${report.status}`, "");
  const failure = report.failure;
  if (failure && (failure.failedSite || failure.failedHosts.length > 0)) {
    const what = failure.failedSite ? `site \`${failure.failedSite}\`` : failure.failedHosts.map((h) => `\`${h}\``).join(", ");
    out.push(`${report.kind === "drill" ? "Rehearsed failure" : "Failure"}: ${what}.`, "");
  }
  const p = report.plan;
  out.push(
    ...table(
      ["", ""],
      [
        ["Started", report.startedAt],
        ["Ended", report.endedAt ?? "not recorded"],
        ["VMs", `${p.vms} (${p.placed} placed, ${p.unplaced} unplaced)`],
        ["Steps", String(p.steps)],
        ["Makespan", duration(report.makespanSeconds)],
        ...(p.predictedMakespan ? [["Predicted makespan", `${predictedBand(p.predictedMakespan)} (${p.predictedMakespan.samples} Monte Carlo runs, latency profile ${p.predictedMakespan.profile})`]] : []),
        ["Median schedule", duration(p.estimatedMakespanSeconds)],
        ["Lower bound", `${duration(p.lowerBoundSeconds)}${p.bottleneck ? ` (set by ${p.bottleneck})` : ""}`],
        ...Object.entries(report.options).map(([k, v]) => [`Option \`${k}\``, String(v)]),
      ],
    ),
    "",
  );

  const outcomes = { restarted: 0, failed: 0, unplaced: 0, notFinished: 0 };
  for (const vm of report.vms) outcomes[vm.outcome]++;
  const upWord = report.kind === "drill" ? "copies up" : "up";
  out.push(
    `**VMs:** ${outcomes.restarted} ${upWord}, ${outcomes.failed} failed, ${outcomes.unplaced} unplaced${outcomes.notFinished ? `, ${outcomes.notFinished} not finished` : ""}.`,
    "",
  );

  if (report.groups.length > 0) {
    out.push("## Protection groups", "");
    out.push(
      ...table(
        ["Group", "SLA", "VMs", "RTO", "Budget", "Predicted p50 / p95 / p99", "Measured at", "Median schedule", "Verdict"],
        report.groups.map((g) => [
          g.name,
          g.slaLevel === undefined ? "–" : String(g.slaLevel),
          String(g.vms),
          duration(g.rtoSeconds),
          duration(g.rtoBudgetSeconds),
          g.predictedRto ? predictedBand(g.predictedRto) : "–",
          measuredAt(g.measuredQuantile),
          duration(g.estimatedRtoSeconds),
          VERDICT_TEXT[g.verdict] ?? g.verdict,
        ]),
      ),
      "",
    );
  }

  if (report.slaLevels.length > 0) {
    out.push("## SLA levels", "");
    out.push(...table(["SLA level", "VMs", "Up", "All up at"], report.slaLevels.map((l) => [String(l.slaLevel), String(l.vms), String(l.up), l.doneSeconds === undefined ? "not all up" : duration(l.doneSeconds)])), "");
  }

  const problems = report.vms.filter((v) => v.outcome !== "restarted");
  if (problems.length > 0) {
    out.push("## VMs that did not come up", "");
    out.push(
      ...table(
        ["LPAR", "Group", "Target", "Outcome", "Reason"],
        problems.slice(0, MAX_LISTED_PROBLEMS).map((v) => [v.name === v.lpar ? v.lpar : `${v.name} (${v.lpar})`, v.group, v.target ?? "–", v.outcome, v.reason ?? ""]),
      ),
    );
    if (problems.length > MAX_LISTED_PROBLEMS) out.push("", `…and ${plural(problems.length - MAX_LISTED_PROBLEMS, "more VM")}; see the JSON report.`);
    out.push("");
  }

  out.push("## Steps by kind", "");
  out.push(
    ...table(
      ["Kind", "Steps", "Succeeded", "Failed", "Retried", "Median", "Longest"],
      statsByKind(report.steps).map((k) => [k.kind, String(k.count), String(k.succeeded), String(k.failed), String(k.retried), duration(k.medianSeconds), duration(k.maxSeconds)]),
    ),
    "",
  );

  out.push(...networkSection(report));
  if (report.assertions && report.assertions.length > 0) {
    out.push("## Assertions", "");
    for (const a of report.assertions) out.push(`- ${a.passed ? "PASS" : "FAIL"} \`${a.type}\`: ${a.message}`);
    out.push("");
  }
  const starts = startSizeRows(report);
  if (starts.length > 0) out.push("## Start sizes (flexible capacity)", "", ...table([...START_HEADER], starts), "");
  const nonCritical = nonCriticalRows(report);
  if (nonCritical.length > 0) out.push("## Non-critical VMs", "", "Stopped or suspended at the recovery site to free room for the VMs named, or brought back.", "", ...table([...NON_CRITICAL_HEADER], nonCritical), "");
  if (report.deferredCleanup) {
    out.push("## Deferred cleanup", "", "Mappings of old volumes left in place: their storage system did not answer. `vmr failback` removes them once it is back.", "");
    out.push("| LPAR | Volume | Host | Storage system | Why |", "|---|---|---|---|---|");
    for (const d of report.deferredCleanup) out.push(`| ${d.lpar} | ${d.volume} | ${d.host} | ${d.storageSystem} | ${d.reason} |`);
    out.push("");
  }
  if (report.cleanup) {
    out.push("## Cleanup", "");
    out.push(report.cleanup.complete ? `Complete: ${cleanupSummary(report)}.` : "**Incomplete.** Left behind:");
    for (const l of report.cleanup.leftovers) out.push(`- ${l}`);
    if (!report.cleanup.complete) out.push("", "Run `vmr drill --cleanup` to remove them.");
    out.push("");
  }
  return out.join("\n");
}
