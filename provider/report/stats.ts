// Per step-kind statistics, shared by the Markdown and HTML renderers.

import type { RunReport, StepRecord } from "../generated/report";
import groupBy from "lodash/groupBy";
import { median } from "./format";
import { plural } from "../text";

export interface KindStats {
  readonly kind: string;
  readonly count: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly retried: number;
  readonly medianSeconds?: number;
  readonly maxSeconds?: number;
}

export function statsByKind(steps: readonly StepRecord[]): KindStats[] {
  return Object.entries(groupBy(steps, (s) => s.kind)).map(([kind, list]) => {
    const durations = list.flatMap((s) => (s.startSeconds !== undefined && s.endSeconds !== undefined ? [s.endSeconds - s.startSeconds] : []));
    return {
      kind,
      count: list.length,
      succeeded: list.filter((s) => s.status === "succeeded").length,
      failed: list.filter((s) => s.status === "failed").length,
      retried: list.filter((s) => s.attempts > 1).length,
      medianSeconds: median(durations),
      maxSeconds: durations.length > 0 ? Math.max(...durations) : undefined,
    };
  });
}

/**
 * What a complete drill cleanup removed, in words: the plan's own cleanup steps, then the final
 * sweep. One wording for the assertion, the Markdown and the HTML report.
 */
export function cleanupSummary(report: RunReport): string {
  const byPlan = report.steps.filter((s) => (s.kind === "DeleteDrillLpar" || s.kind === "DeleteFlashCopyGroup") && s.status === "succeeded").length;
  const swept = report.cleanup?.removed.length ?? 0;
  return `the drill's cleanup steps removed ${plural(byPlan, "object")}${swept > 0 ? `, the final sweep ${swept} more` : ", the final sweep found nothing"}`;
}
