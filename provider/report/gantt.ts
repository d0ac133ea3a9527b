// The Gantt timeline of a run as inline SVG. Lanes are where work happened (see lanes.ts). A lane
// with few overlapping steps shows every step as a bar; a crowded lane (or any lane of a large
// run) shows its concurrency over time instead, stacked by step kind, so a 1,000-VM failover stays
// a readable picture of a few dozen lanes and a file of a few hundred kilobytes.

import groupBy from "lodash/groupBy";
import type { RunReport, StepRecord } from "../generated/report";
import { duration, escapeHtml } from "./format";
import { compareLanes, parseLaneKey } from "./lanes";
import { KIND_ORDER, kindClass } from "./palette";
import { plural, predictedSeconds, unrecoveredPhrase } from "../text";

export interface GanttOptions {
  /** Total width of the SVG in pixels. @default 1120 */
  readonly width?: number;
  /** Above this many steps every lane is aggregated. @default 1500 */
  readonly detailLimit?: number;
  /** A lane needing more bar rows than this is aggregated. @default 24 */
  readonly maxRows?: number;
  /** Above this many lanes, neighbouring target-system lanes are merged. @default 40 */
  readonly maxLanes?: number;
}

const LABEL_WIDTH = 170;
const RIGHT_PAD = 16;
const AXIS_HEIGHT = 40;
const LANE_GAP = 6;
const AGGREGATE_HEIGHT = 46;
const BIN_PIXELS = 3;

interface Bar {
  readonly step: StepRecord;
  readonly start: number;
  readonly end: number;
  readonly open: boolean;
}

function round1(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** Tick spacings that read well as times: seconds below a minute, then whole minutes, then hours. */
const TIME_STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** The time tick spacing giving at most about `target` ticks over `span` seconds. */
export function tickStep(span: number, target = 8): number {
  if (span <= 0) return 1;
  return TIME_STEPS.find((s) => span / s <= target) ?? Math.ceil(span / target / 86400) * 86400;
}

function tickLabel(t: number, step: number): string {
  if (t === 0) return "0";
  if (step >= 3600) return `${t / 3600} h`;
  if (step >= 60) return `${t / 60} min`;
  return `${Number(t.toFixed(1))} s`;
}

/** Greedy interval partitioning: each bar goes to the first row free at its start. */
function packRows(bars: readonly Bar[]): number[] {
  const rowEnds: number[] = [];
  return bars.map((b) => {
    let row = rowEnds.findIndex((end) => end <= b.start);
    if (row < 0) {
      row = rowEnds.length;
      rowEnds.push(b.end);
    } else rowEnds[row] = b.end;
    return row;
  });
}

function peakConcurrency(bars: readonly Bar[]): number {
  const edges: [number, number][] = [];
  for (const b of bars) edges.push([b.start, 1], [b.end, -1]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let peak = 0;
  for (const [, d] of edges) {
    cur += d;
    peak = Math.max(peak, cur);
  }
  return peak;
}

export function renderGantt(report: RunReport, options: GanttOptions = {}): string {
  const width = options.width ?? 1120;
  const detailLimit = options.detailLimit ?? 1500;
  const maxRows = options.maxRows ?? 24;
  const plotLeft = LABEL_WIDTH;
  const plotWidth = width - LABEL_WIDTH - RIGHT_PAD;

  const started = report.steps.filter((s) => s.startSeconds !== undefined);
  const lastEnd = Math.max(0, ...started.map((s) => s.endSeconds ?? s.startSeconds ?? 0));
  const step = tickStep(lastEnd);
  const span = Math.max(step, Math.ceil(lastEnd / step) * step);
  const x = (t: number): number => plotLeft + (t / span) * plotWidth;

  const bars: Bar[] = started.map((s) => ({
    step: s,
    start: s.startSeconds!,
    end: Math.max(s.endSeconds ?? lastEnd, s.startSeconds!),
    open: s.endSeconds === undefined,
  }));
  const lanes = mergeSystemLanes(
    Object.entries(groupBy(bars, (b) => b.step.lane ?? "other:other")).sort((a, b) => compareLanes(parseLaneKey(a[0]), parseLaneKey(b[0]))),
    options.maxLanes ?? 40,
  );
  const aggregateAll = report.steps.length > detailLimit;

  const body: string[] = [];
  let y = AXIS_HEIGHT;
  lanes.forEach(([key, laneBars], index) => {
    laneBars.sort((a, b) => a.start - b.start || a.end - b.end);
    const lane = parseLaneKey(key);
    const systems = laneBars.length > 0 ? new Set(laneBars.map((b) => b.step.lane)).size : 0;
    const rows = packRows(laneBars);
    const rowCount = Math.max(1, ...rows.map((r) => r + 1));
    const aggregate = aggregateAll || rowCount > maxRows;
    const rowHeight = aggregate ? 0 : Math.max(4, Math.min(12, Math.floor(160 / rowCount)));
    const height = aggregate ? AGGREGATE_HEIGHT : Math.max(34, rowCount * rowHeight + 6);
    const vms = new Set(laneBars.flatMap((b) => (b.step.lpar ? [b.step.lpar] : []))).size;
    const peak = peakConcurrency(laneBars);
    if (index % 2 === 0) body.push(`<rect class="stripe" x="0" y="${y - LANE_GAP / 2}" width="${width}" height="${height + LANE_GAP}"/>`);
    const title = lane.family === "system" ? lane.name : `${lane.family === "storage" ? "storage " : ""}${lane.name}`;
    body.push(`<text class="lane" x="8" y="${y + 15}">${escapeHtml(title.length > 22 ? `${title.slice(0, 21)}…` : title)}</text>`);
    const sub = [...(systems > 1 ? [plural(systems, "system")] : []), vms > 0 ? plural(vms, "VM") : plural(laneBars.length, "step"), `peak ${peak}`].join(" · ");
    body.push(`<text class="sub" x="8" y="${y + 29}">${sub}</text>`);
    if (aggregate) body.push(...aggregateLane(laneBars, y, height, span, x, plotWidth));
    else
      laneBars.forEach((b, i) => {
        const w = Math.max(1, x(b.end) - x(b.start));
        const cls = `${kindClass(b.step.kind)}${b.step.status === "failed" ? " failbar" : ""}${b.open ? " open" : ""}`;
        const tip = `${b.step.id} · ${b.step.kind} · ${round1(b.start)}–${round1(b.end)} s${b.step.attempts > 1 ? ` · ${plural(b.step.attempts, "attempt")}` : ""}${b.step.error ? ` · ${b.step.error}` : ""}`;
        body.push(
          `<rect class="${cls}" x="${round1(x(b.start))}" y="${y + 3 + rows[i] * rowHeight}" width="${round1(w)}" height="${Math.max(2, rowHeight - 1)}"><title>${escapeHtml(tip)}</title></rect>`,
        );
      });
    y += height + LANE_GAP;
  });
  const plotBottom = y - LANE_GAP / 2;

  const axis: string[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) {
    axis.push(`<line class="grid" x1="${round1(x(t))}" y1="${AXIS_HEIGHT - 6}" x2="${round1(x(t))}" y2="${plotBottom}"/>`);
    axis.push(`<text class="tick" x="${round1(x(t))}" y="${AXIS_HEIGHT - 10}">${tickLabel(t, step)}</text>`);
  }

  // SLA levels: a dashed line where each level's last VM was up. A label goes to the first row
  // below the chart where it does not collide with the one before it.
  const marks: string[] = [];
  const rowRight: number[] = [];
  for (const level of [...report.slaLevels].filter((l) => l.lastUpSeconds !== undefined).sort((a, b) => a.lastUpSeconds! - b.lastUpSeconds!)) {
    const lx = x(level.lastUpSeconds!);
    const all = level.up === level.vms;
    const text = all ? `SLA ${level.slaLevel} up ${duration(level.lastUpSeconds)}` : `SLA ${level.slaLevel}: ${level.up}/${level.vms} up`;
    const half = text.length * 3.3;
    let labelRow = rowRight.findIndex((right) => right < lx - half - 6);
    if (labelRow < 0) labelRow = rowRight.length;
    rowRight[labelRow] = lx + half;
    const ly = plotBottom + 14 + labelRow * 14;
    const tip = all ? `SLA level ${level.slaLevel}: all ${plural(level.vms, "VM")} up at ${duration(level.lastUpSeconds)}` : `SLA level ${level.slaLevel}: ${level.up} of ${plural(level.vms, "VM")} up, the last at ${duration(level.lastUpSeconds)}`;
    marks.push(`<line class="sla${all ? "" : " partial"}" x1="${round1(lx)}" y1="${AXIS_HEIGHT - 6}" x2="${round1(lx)}" y2="${ly - 10}"/>`);
    marks.push(`<text class="slalabel${all ? "" : " partial"}" x="${round1(lx)}" y="${ly}">${escapeHtml(text)}<title>${escapeHtml(tip)}</title></text>`);
  }
  const height = plotBottom + 26 + rowRight.length * 14;
  return [
    `<svg class="gantt" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Timeline of ${plural(report.steps.length, "step")} in ${plural(lanes.length, "lane")}">`,
    ...body,
    ...axis,
    ...marks,
    `<line class="axis" x1="${plotLeft}" y1="${AXIS_HEIGHT - 6}" x2="${plotLeft + plotWidth}" y2="${AXIS_HEIGHT - 6}"/>`,
    `</svg>`,
  ].join("\n");
}

/**
 * Keeps the chart to about `maxLanes` lanes: when there are more, consecutive target systems share
 * a lane ("sys-b-001 … sys-b-004"), in the order the lanes are sorted.
 */
function mergeSystemLanes(lanes: [string, Bar[]][], maxLanes: number): [string, Bar[]][] {
  const systems = lanes.filter(([key]) => parseLaneKey(key).family === "system");
  if (lanes.length <= maxLanes || systems.length < 2) return lanes;
  const room = Math.max(1, maxLanes - (lanes.length - systems.length));
  const size = Math.ceil(systems.length / room);
  const merged: [string, Bar[]][] = [];
  for (let i = 0; i < systems.length; i += size) {
    const chunk = systems.slice(i, i + size);
    const first = parseLaneKey(chunk[0][0]).name;
    const last = parseLaneKey(chunk[chunk.length - 1][0]).name;
    merged.push([`system:${chunk.length > 1 ? `${first} … ${last}` : first}`, chunk.flatMap(([, b]) => b)]);
  }
  const others = lanes.filter(([key]) => parseLaneKey(key).family !== "system");
  return [...others, ...merged].sort((a, b) => compareLanes(parseLaneKey(a[0]), parseLaneKey(b[0])));
}

/** A lane drawn as concurrency over time, stacked by step kind, with failures marked below. */
function aggregateLane(bars: readonly Bar[], top: number, height: number, span: number, x: (t: number) => number, plotWidth: number): string[] {
  const binCount = Math.max(1, Math.floor(plotWidth / BIN_PIXELS));
  const binSeconds = span / binCount;
  const kinds = KIND_ORDER.filter((k) => bars.some((b) => b.step.kind === k));
  for (const b of bars) if (!kinds.includes(b.step.kind)) kinds.push(b.step.kind);
  // Time-weighted mean number of running steps of each kind in each bin.
  const load = kinds.map(() => new Float64Array(binCount));
  bars.forEach((b) => {
    const k = kinds.indexOf(b.step.kind);
    const first = Math.min(binCount - 1, Math.floor(b.start / binSeconds));
    const last = Math.min(binCount - 1, Math.floor(b.end / binSeconds));
    for (let i = first; i <= last; i++) {
      const overlap = Math.min(b.end, (i + 1) * binSeconds) - Math.max(b.start, i * binSeconds);
      // A step shorter than a bin still shows as a sliver of it.
      load[k][i] += Math.max(overlap, b.end === b.start ? binSeconds * 0.05 : 0) / binSeconds;
    }
  });
  let maxTotal = 0;
  for (let i = 0; i < binCount; i++) maxTotal = Math.max(maxTotal, kinds.reduce((sum, _, k) => sum + load[k][i], 0));
  const inner = height - 8;
  const base = top + height - 4;
  const scale = maxTotal > 0 ? inner / maxTotal : 0;
  const out: string[] = [];
  const below = new Float64Array(binCount);
  const binX = (i: number): string => round1(x(i * binSeconds));
  kinds.forEach((kind, k) => {
    const bottoms = Array.from(below, (v) => base - v * scale);
    for (let i = 0; i < binCount; i++) below[i] += load[k][i];
    const tops = Array.from(below, (v) => base - v * scale);
    // Runs of bins with the same (rounded) edges collapse into one segment.
    const segs: { from: number; to: number; top: string; bottom: string }[] = [];
    for (let i = 0; i < binCount; i++) {
      const t = round1(tops[i]);
      const bt = round1(bottoms[i]);
      const prev = segs[segs.length - 1];
      if (prev && prev.top === t && prev.bottom === bt) prev.to = i + 1;
      else segs.push({ from: i, to: i + 1, top: t, bottom: bt });
    }
    if (segs.every((s) => s.top === s.bottom)) return;
    let d = `M${binX(segs[0].from)},${segs[0].bottom}`;
    for (const s of segs) d += `V${s.top}H${binX(s.to)}`;
    for (let j = segs.length - 1; j >= 0; j--) d += `V${segs[j].bottom}H${binX(segs[j].from)}`;
    out.push(`<path class="${kindClass(kind)}" d="${d}Z"><title>${escapeHtml(kind)}</title></path>`);
  });
  for (const b of bars.filter((b) => b.step.status === "failed")) {
    const fx = x(b.end);
    out.push(
      `<path class="failmark" d="M${round1(fx)},${base}l-4,6h8z"><title>${escapeHtml(`${b.step.id} failed: ${b.step.error ?? ""}`)}</title></path>`,
    );
  }
  return out;
}

/** The highest of a prediction's p50 / p95 / p99 that is not null (0 without one): how far its band reaches on the chart. */
function lastFinite(p: { p50Seconds: number | null; p95Seconds: number | null; p99Seconds: number | null } | undefined): number {
  return p === undefined ? 0 : (p.p99Seconds ?? p.p95Seconds ?? p.p50Seconds ?? 0);
}

/** Each group's RTO against its budget, as horizontal bars. */
export function renderRtoChart(report: RunReport, width = 1120): string {
  const groups = report.groups;
  const rowHeight = 26;
  const left = LABEL_WIDTH;
  const plotWidth = width - left - 200;
  const maxValue = Math.max(1, ...groups.flatMap((g) => [g.rtoSeconds ?? 0, g.rtoBudgetSeconds ?? 0, g.estimatedRtoSeconds ?? 0, lastFinite(g.predictedRto)]));
  const step = tickStep(maxValue * 1.05, 6);
  const span = Math.ceil((maxValue * 1.05) / step) * step;
  const x = (t: number): number => left + (t / span) * plotWidth;
  const top = 24;
  const height = top + groups.length * rowHeight + 10;
  const out: string[] = [
    `<svg class="rto" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="RTO of ${plural(groups.length, "group")} against their budgets">`,
  ];
  for (let t = 0; t <= span + 1e-9; t += step) {
    out.push(`<line class="grid" x1="${round1(x(t))}" y1="${top - 4}" x2="${round1(x(t))}" y2="${height - 6}"/>`);
    out.push(`<text class="tick" x="${round1(x(t))}" y="${top - 8}">${tickLabel(t, step)}</text>`);
  }
  groups.forEach((g, i) => {
    const y = top + i * rowHeight;
    const name = g.name.length > 22 ? `${g.name.slice(0, 21)}…` : g.name;
    out.push(`<text class="lane" x="8" y="${y + 16}">${escapeHtml(name)}</text>`);
    const band = g.predictedRto;
    if (band !== undefined && band.p50Seconds !== null) {
      // The predicted band behind the measured bar: p50 to p95 filled, a whisker on to p99. A
      // quantile past the runs that come up without an operator (null) runs to the chart's end.
      const mid = y + rowHeight / 2;
      const at = (s: number | null): number => (s === null ? x(span) : x(s));
      const q = (s: number | null): string => predictedSeconds(s, duration);
      const title = escapeHtml(`predicted p50 ${q(band.p50Seconds)}, p95 ${q(band.p95Seconds)}, p99 ${q(band.p99Seconds)} (${band.samples} runs, ${band.profile}${unrecoveredPhrase(band.unrecoveredShare)})`);
      out.push(`<rect class="band" x="${round1(x(band.p50Seconds))}" y="${y + 1}" width="${round1(Math.max(1, at(band.p95Seconds) - x(band.p50Seconds)))}" height="${rowHeight - 2}"><title>${title}</title></rect>`);
      out.push(`<line class="whisker" x1="${round1(at(band.p95Seconds))}" y1="${mid}" x2="${round1(at(band.p99Seconds))}" y2="${mid}"><title>${title}</title></line>`);
    }
    if (g.rtoSeconds !== undefined)
      out.push(`<rect class="bar ${g.verdict}" x="${left}" y="${y + 5}" width="${round1(Math.max(1, x(g.rtoSeconds) - left))}" height="${rowHeight - 10}"><title>${escapeHtml(`${g.name}: up at ${duration(g.rtoSeconds)}`)}</title></rect>`);
    if (g.estimatedRtoSeconds !== undefined && g.estimatedRtoSeconds > 0)
      out.push(`<path class="estimate" d="M${round1(x(g.estimatedRtoSeconds))},${y + 3}l4,4l-4,4l-4,-4z"><title>${escapeHtml(`median schedule ${duration(g.estimatedRtoSeconds)}`)}</title></path>`);
    if (g.rtoBudgetSeconds !== undefined)
      out.push(`<line class="budget" x1="${round1(x(g.rtoBudgetSeconds))}" y1="${y + 2}" x2="${round1(x(g.rtoBudgetSeconds))}" y2="${y + rowHeight - 2}"><title>${escapeHtml(`budget ${duration(g.rtoBudgetSeconds)}`)}</title></line>`);
    const verdict = g.rtoSeconds !== undefined ? `${duration(g.rtoSeconds)}${g.rtoBudgetSeconds !== undefined ? ` / ${duration(g.rtoBudgetSeconds)}` : ""}` : g.verdict === "failed" ? "failed" : "not up";
    out.push(`<text class="value ${g.verdict}" x="${left + plotWidth + 10}" y="${y + 16}">${escapeHtml(verdict)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n");
}
