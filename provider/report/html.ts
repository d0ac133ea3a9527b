// The self-contained HTML page of a run: no scripts, fonts or images from elsewhere, so it can be
// mailed, attached to a change record or opened on an air-gapped console.

import type { RunReport, VmOutcome } from "../generated/report";
import { duration, escapeHtml, measuredAt, predictedBand, VERDICT_TEXT } from "./format";
import { plural, predictedSeconds } from "../text";
import { renderGantt, renderRtoChart, type GanttOptions } from "./gantt";
import { KIND_ORDER, kindClass, kindCss } from "./palette";
import { cleanupSummary, statsByKind } from "./stats";
import { NON_CRITICAL_HEADER, nonCriticalRows, START_HEADER, startSizeRows } from "./non-critical";

/** Above this many VMs the per-VM table starts folded. */
const OPEN_VM_TABLE_LIMIT = 60;
const MAX_FAILED_STEPS = 200;

const KIND_TITLE: Readonly<Record<RunReport["kind"], string>> = {
  failover: "Failover",
  planned: "Planned move",
  failback: "Failback",
  drill: "Drill",
  resume: "Resume of non-critical VMs",
};

const CSS = `
:root{--fg:#1d2433;--muted:#5b6474;--line:#d9dde5;--ok:#2f9e44;--bad:#d6336c;--warn:#e67700;--bg:#fff}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg);margin:0;padding:24px 32px 48px;max-width:1200px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
.meta{color:var(--muted);margin:0 0 16px}
.status{display:inline-block;padding:1px 10px;border-radius:10px;color:#fff;font-size:13px;vertical-align:middle;margin-left:8px}
.status.succeeded{background:var(--ok)}.status.failed{background:var(--bad);color:#fff}.status.incomplete{background:var(--warn);color:#fff}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:130px}
.card b{display:block;font-size:19px}.card span{color:var(--muted);font-size:12px}
table{border-collapse:collapse;margin:6px 0;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top;white-space:nowrap}
td.r{white-space:normal;min-width:260px}
i.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:6px;vertical-align:-1px}
th{background:#f4f6f9;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.restarted td.o{color:var(--ok)}tr.failed td.o,tr.unplaced td.o{color:var(--bad);font-weight:600}tr.notFinished td.o{color:var(--warn)}
.within{color:var(--ok)}.over,.failed{color:var(--bad);font-weight:600}.incomplete{color:var(--warn)}.no-budget{color:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin:6px 0 10px;font-size:12px;color:var(--muted)}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;vertical-align:-2px}
.legend .slakey{border-top:2px dashed #444;width:18px;height:0;border-radius:0;background:none}
.scroll{overflow-x:auto}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;fill:var(--fg)}
svg .stripe{fill:#f6f8fb}svg .lane{font-weight:600}svg .sub{fill:var(--muted);font-size:11px}
svg .tick{fill:var(--muted);font-size:11px;text-anchor:middle}svg .grid{stroke:#e6e9ef}svg .axis{stroke:#9aa3b2}
svg .failbar{stroke:var(--bad);stroke-width:1.5}svg .open{opacity:.55}
svg .failmark{fill:var(--bad)}
svg .sla{stroke:#333;stroke-dasharray:4 3}svg .sla.partial{stroke:var(--bad)}svg .slalabel{font-size:11px;text-anchor:middle;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:3px}svg .slalabel.partial{fill:var(--bad)}
svg .bar.within{fill:var(--ok)}svg .bar.over{fill:var(--bad)}svg .bar.no-budget{fill:#8d96a7}svg .bar.failed{fill:var(--bad)}svg .bar.incomplete{fill:var(--warn)}
svg .budget{stroke:#111;stroke-width:2}svg .estimate{fill:#fff;stroke:#333}svg .band{fill:#c9d3e6}svg .whisker{stroke:#7d8aa3;stroke-width:2}
svg .value{font-size:12px}svg .value.within{fill:var(--ok)}svg .value.over,svg .value.failed{fill:var(--bad)}
details summary{cursor:pointer;color:#2b6cb0;margin:4px 0}
.pass{color:var(--ok);font-weight:600}.fail{color:var(--bad);font-weight:600}
footer{margin-top:32px;color:var(--muted);font-size:12px}
`;

function card(value: string, label: string): string {
  return `<div class="card"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`;
}

function table(header: readonly string[], rows: readonly string[], numeric: readonly number[] = []): string {
  const th = header.map((h, i) => `<th${numeric.includes(i) ? ' class="n"' : ""}>${escapeHtml(h)}</th>`).join("");
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`;
}

function td(text: string, cls = ""): string {
  return `<td${cls ? ` class="${cls}"` : ""}>${escapeHtml(text)}</td>`;
}

function vmRow(v: VmOutcome): string {
  const outcome = v.outcome === "notFinished" ? "not finished" : v.outcome;
  return `<tr class="${v.outcome}">${td(v.lpar)}${td(v.name)}${td(v.group)}${td(String(v.slaLevel), "n")}${td(v.source)}${td(v.target ?? "–")}${td(outcome, "o")}${td(duration(v.restartSeconds), "n")}${td(v.reason ?? "", "r")}</tr>`;
}

export interface HtmlOptions {
  readonly gantt?: GanttOptions;
  /** Shown in the footer. */
  readonly generatedAt?: string;
}

export function renderHtml(report: RunReport, options: HtmlOptions = {}): string {
  const title = `${KIND_TITLE[report.kind]} ${report.runId}`;
  const outcomes = { restarted: 0, failed: 0, unplaced: 0, notFinished: 0 };
  for (const vm of report.vms) outcomes[vm.outcome]++;
  const p = report.plan;
  const parts: string[] = [];
  parts.push(
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${escapeHtml(title)}</title><style>${CSS}\n${kindCss()}</style></head><body>`,
  );
  parts.push(`<h1>${escapeHtml(title)}<span class="status ${report.status}">${escapeHtml(report.status)}</span></h1>`);
  const failure = report.failure;
  const what = failure?.failedSite ? `site ${failure.failedSite}` : failure && failure.failedHosts.length > 0 ? failure.failedHosts.join(", ") : "";
  const meta = [
    report.stack ? `stack ${report.stack}` : "",
    what ? `${report.kind === "drill" ? "rehearsed failure of" : "failure of"} ${what}` : "",
    `started ${report.startedAt}`,
    report.endedAt ? `ended ${report.endedAt}` : "end not recorded",
  ].filter(Boolean);
  parts.push(`<p class="meta">${escapeHtml(meta.join(" · "))}</p>`);

  parts.push(`<div class="cards">`);
  parts.push(card(duration(report.makespanSeconds), "makespan"));
  if (p.predictedMakespan) parts.push(card(`${predictedSeconds(p.predictedMakespan.p50Seconds, duration)} – ${predictedSeconds(p.predictedMakespan.p95Seconds, duration)}`, `predicted makespan p50 – p95 (${p.predictedMakespan.samples} runs, ${p.predictedMakespan.profile})`));
  parts.push(card(duration(p.estimatedMakespanSeconds), "median schedule"));
  parts.push(card(duration(p.lowerBoundSeconds), `lower bound${p.bottleneck ? ` (${p.bottleneck})` : ""}`));
  parts.push(card(`${outcomes.restarted} / ${p.vms}`, report.kind === "drill" ? "VM copies up" : "VMs up"));
  if (outcomes.failed + outcomes.unplaced > 0) parts.push(card(`${outcomes.failed} + ${outcomes.unplaced}`, "failed + unplaced"));
  if (outcomes.notFinished > 0) parts.push(card(String(outcomes.notFinished), "not finished"));
  parts.push(card(String(p.steps), "steps"));
  if (report.assertions) {
    const passed = report.assertions.filter((a) => a.passed).length;
    parts.push(card(`${passed} / ${report.assertions.length}`, "assertions passed"));
  }
  parts.push(`</div>`);
  const opts = Object.entries(report.options);
  if (opts.length > 0) parts.push(`<p class="meta">Options: ${opts.map(([k, v]) => `<code>${escapeHtml(k)}</code> = ${escapeHtml(String(v))}`).join(", ")}</p>`);

  if (report.assertions && report.assertions.length > 0) {
    parts.push(`<h2>Assertions</h2>`);
    parts.push(
      table(
        ["", "Assertion", "Result"],
        report.assertions.map((a) => `<tr><td class="${a.passed ? "pass" : "fail"}">${a.passed ? "PASS" : "FAIL"}</td>${td(a.type)}${td(a.message, "r")}</tr>`),
      ),
    );
  }

  if (report.groups.length > 0) {
    parts.push(`<h2>Recovery time per protection group</h2>`);
    parts.push(`<div class="legend"><span><i style="background:var(--ok)"></i>within budget</span><span><i style="background:var(--bad)"></i>over budget / failed</span><span><i style="background:#8d96a7"></i>no budget</span><span><i style="background:#111;width:3px"></i>budget</span><span><i style="background:#c9d3e6"></i>predicted p50 – p95, whisker to p99</span><span>◇ median schedule</span></div>`);
    parts.push(`<div class="scroll">${renderRtoChart(report)}</div>`);
    parts.push(
      table(
        ["Group", "SLA", "VMs", "RTO", "Budget", "Predicted p50 / p95 / p99", "Measured at", "Median schedule", "Verdict"],
        report.groups.map(
          (g) =>
            `<tr>${td(g.name)}${td(g.slaLevel === undefined ? "–" : String(g.slaLevel), "n")}${td(String(g.vms), "n")}${td(duration(g.rtoSeconds), "n")}${td(duration(g.rtoBudgetSeconds), "n")}${td(g.predictedRto ? predictedBand(g.predictedRto) : "–", "n")}${td(measuredAt(g.measuredQuantile), "n")}${td(duration(g.estimatedRtoSeconds), "n")}${td(VERDICT_TEXT[g.verdict] ?? g.verdict, g.verdict)}</tr>`,
        ),
        [1, 2, 3, 4, 5, 6, 7],
      ),
    );
  }

  parts.push(`<h2>Timeline</h2>`);
  const kindsPresent = KIND_ORDER.filter((k) => report.steps.some((s) => s.kind === k));
  parts.push(
    `<div class="legend">${kindsPresent.map((k) => `<span><i class="${kindClass(k)}"></i>${escapeHtml(k)}</span>`).join("")}<span><i class="slakey"></i>SLA level all up</span><span><i style="background:none;border:1.5px solid var(--bad)"></i>failed step</span></div>`,
  );
  parts.push(`<div class="scroll">${renderGantt(report, options.gantt)}</div>`);
  parts.push(
    `<p class="meta">Lanes are target systems (every step of the VMs restarted there) and storage systems. Crowded lanes show how many steps ran at once, stacked by kind; hover for details.</p>`,
  );

  if (report.slaLevels.length > 0) {
    parts.push(`<h2>SLA levels</h2>`);
    parts.push(table(["SLA level", "VMs", "Up", "All up at"], report.slaLevels.map((l) => `<tr>${td(String(l.slaLevel), "n")}${td(String(l.vms), "n")}${td(String(l.up), l.up < l.vms ? "n failed" : "n")}${td(l.doneSeconds === undefined ? "not all up" : duration(l.doneSeconds), "n")}</tr>`), [0, 1, 2, 3]));
  }

  parts.push(`<h2>Steps by kind</h2>`);
  parts.push(
    table(
      ["Kind", "Steps", "Succeeded", "Failed", "Retried", "Median", "Longest"],
      statsByKind(report.steps).map(
        (k) =>
          `<tr><td><i class="sw ${kindClass(k.kind)}"></i>${escapeHtml(k.kind)}</td>${td(String(k.count), "n")}${td(String(k.succeeded), "n")}${td(String(k.failed), k.failed ? "n failed" : "n")}${td(String(k.retried), "n")}${td(duration(k.medianSeconds), "n")}${td(duration(k.maxSeconds), "n")}</tr>`,
      ),
      [1, 2, 3, 4, 5, 6],
    ),
  );

  const failedSteps = report.steps.filter((s) => s.status === "failed");
  if (failedSteps.length > 0) {
    parts.push(`<h2>Failed steps</h2>`);
    parts.push(
      table(
        ["Step", "Kind", "LPAR", "Attempts", "Error"],
        failedSteps.slice(0, MAX_FAILED_STEPS).map((s) => `<tr>${td(s.id)}${td(s.kind)}${td(s.lpar ?? "–")}${td(String(s.attempts), "n")}${td(s.error ?? "", "r")}</tr>`),
      ),
    );
    if (failedSteps.length > MAX_FAILED_STEPS) parts.push(`<p class="meta">…and ${plural(failedSteps.length - MAX_FAILED_STEPS, "more failed step")}: see the JSON report.</p>`);
  }

  if (report.cleanup) {
    parts.push(`<h2>Cleanup</h2>`);
    if (report.cleanup.complete) parts.push(`<p class="pass">Complete: ${escapeHtml(cleanupSummary(report))}.</p>`);
    else parts.push(`<p class="fail">Incomplete: run <code>vmr drill --cleanup</code>. Left behind:</p><ul>${report.cleanup.leftovers.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`);
  }

  const starts = startSizeRows(report);
  if (starts.length > 0) parts.push(`<h2>Start sizes (flexible capacity)</h2>`, table(START_HEADER, starts.map((r) => `<tr>${r.map((c) => td(c)).join("")}</tr>`)));
  const nonCritical = nonCriticalRows(report);
  if (nonCritical.length > 0) parts.push(`<h2>Non-critical VMs</h2>`, table(NON_CRITICAL_HEADER, nonCritical.map((r) => `<tr>${r.map((c) => td(c)).join("")}</tr>`)));

  parts.push(`<h2>VMs</h2>`);
  // Problems first: they are what a reader of a large run looks for.
  const rank = { failed: 0, unplaced: 1, notFinished: 2, restarted: 3 };
  const vms = [...report.vms].sort((a, b) => rank[a.outcome] - rank[b.outcome] || b.slaLevel - a.slaLevel || (a.restartSeconds ?? 0) - (b.restartSeconds ?? 0));
  const vmTable = table(["LPAR", "Name", "Group", "SLA", "Source", "Target", "Outcome", "Up at", "Reason"], vms.map(vmRow), [3, 7]);
  if (vms.length > OPEN_VM_TABLE_LIMIT) parts.push(`<details><summary>Show all ${plural(vms.length, "VM")} (problems first)</summary>${vmTable}</details>`);
  else parts.push(vmTable);

  parts.push(`<footer>pulumi-vm-recovery report · run ${escapeHtml(report.runId)}${options.generatedAt ? ` · generated ${escapeHtml(options.generatedAt)}` : ""}</footer>`);
  parts.push(`</body></html>\n`);
  return parts.join("\n");
}
