// Per step-kind statistics, shared by the Markdown and HTML renderers.

import type { StepRecord } from "../generated/report";
import groupBy from "lodash/groupBy";
import { median } from "./format";

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
