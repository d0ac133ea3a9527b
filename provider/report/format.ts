// Small formatting helpers shared by the Markdown and HTML renderers.

import { predictedSeconds } from "../text";

/** 0.8 -> "0.8 s", 38 -> "38 s", 252 -> "4 min 12 s", 3720 -> "1 h 02 min". */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return "–";
  if (seconds < 10) return `${Number(seconds.toFixed(1))} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/** Text safe inside a Markdown table cell. */
export function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export const VERDICT_TEXT: Readonly<Record<string, string>> = {
  within: "within budget",
  over: "over budget",
  failed: "failed",
  "no-budget": "no budget",
  incomplete: "not finished",
};

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** "p50 / p95 / p99" of a prediction, as durations ("not up" past the runs that come up without an operator). */
export function predictedBand(p: { p50Seconds: number | null; p95Seconds: number | null; p99Seconds: number | null; unrecoveredShare?: number }): string {
  const band = [p.p50Seconds, p.p95Seconds, p.p99Seconds].map((s) => predictedSeconds(s, duration)).join(" / ");
  return p.unrecoveredShare !== undefined && p.unrecoveredShare > 0 ? `${band} (${+(p.unrecoveredShare * 100).toFixed(1)}% not up)` : band;
}

/** "p87": where a measurement fell in its prediction, or "–" without one. */
export function measuredAt(quantile: number | undefined): string {
  if (quantile === undefined) return "–";
  const pct = quantile * 100;
  return pct < 1 ? "below p1" : pct > 99.5 ? "above p99" : `p${Math.round(pct)}`;
}
