// Progress of a run on the terminal: one bar per SLA level (highest first) with its steps done,
// running and waiting, and an ETA. Without a TTY, one line per finished level and per failure.

import { MultiBar, Presets, type SingleBar } from "cli-progress";
import type { Plan } from "../generated/plan";
import type { RunEvent } from "../executor/types";
import { plural } from "../text";

export interface Progress {
  readonly onEvent: (event: RunEvent) => void;
  stop(): void;
}

interface LevelCount {
  readonly total: number;
  ended: number;
  running: number;
  failed: number;
}

/**
 * `ended`: for a resumed run, the steps its journal says ended before (id, and whether it failed
 * or was skipped), so that the display continues from where the run was, not from 0.
 */
export function createProgress(plan: Plan, stream: NodeJS.WriteStream = process.stderr, ended: ReadonlyMap<string, { failed: boolean }> = new Map()): Progress {
  const levels = new Map<number, LevelCount>();
  for (const s of plan.steps) {
    const c = levels.get(s.slaLevel);
    if (c) (c as { total: number }).total++;
    else levels.set(s.slaLevel, { total: 1, ended: 0, running: 0, failed: 0 });
  }
  const endedBefore = new Map<string, { failed: boolean }>();
  for (const s of plan.steps) {
    const before = ended.get(s.id);
    if (!before) continue;
    const c = levels.get(s.slaLevel)!;
    c.ended++;
    if (before.failed) c.failed++;
    endedBefore.set(s.id, before);
  }
  const ordered = [...levels.keys()].sort((a, b) => b - a);
  const running = new Set<string>();

  const count = (event: RunEvent): LevelCount | undefined => {
    const c = levels.get(event.step.slaLevel);
    if (!c) return undefined;
    const id = event.step.id;
    // A step that had ended before the resume runs again (--retry-failed): it is counted afresh.
    const before = event.type === "step-started" ? endedBefore.get(id) : undefined;
    if (before) {
      endedBefore.delete(id);
      c.ended--;
      if (before.failed) c.failed--;
    }
    switch (event.type) {
      case "step-started":
        if (!running.has(id)) {
          running.add(id);
          c.running++;
        }
        break;
      case "step-completed":
      case "step-failed":
        if (running.delete(id)) c.running--;
        c.ended++;
        if (event.type === "step-failed") c.failed++;
        break;
      case "step-skipped":
        c.ended++;
        c.failed++;
        break;
      case "step-retrying":
        break;
    }
    return c;
  };

  if (!stream.isTTY) {
    if (endedBefore.size > 0) {
      const done = [...levels.values()].reduce((n, c) => n + c.ended, 0);
      stream.write(`resumed: ${done} of ${plural(plan.steps.length, "step")} had ended before\n`);
      for (const level of ordered) {
        const c = levels.get(level)!;
        if (c.ended === c.total) stream.write(`SLA level ${level}: all ${plural(c.total, "step")} ended${c.failed ? ` (${c.failed} failed or skipped)` : ""} (before the resume)\n`);
      }
    }
    return {
      onEvent(event) {
        const c = count(event);
        if (!c) return;
        if (event.type === "step-failed") stream.write(`failed: ${event.step.id}: ${event.error.message}\n`);
        if ((event.type === "step-completed" || event.type === "step-failed" || event.type === "step-skipped") && c.ended === c.total) {
          stream.write(`SLA level ${event.step.slaLevel}: all ${plural(c.total, "step")} ended${c.failed ? ` (${c.failed} failed or skipped)` : ""}\n`);
        }
      },
      stop() {},
    };
  }

  const multi = new MultiBar(
    {
      stream,
      clearOnComplete: false,
      hideCursor: true,
      format: "SLA {level} [{bar}] {value}/{total} done | {running} running | {waiting} waiting{failed} | ETA {eta_formatted}",
      etaBuffer: 50,
      fps: 5,
    },
    Presets.shades_classic,
  );
  const bars = new Map<number, SingleBar>();
  let stopped = false;
  const payload = (level: number, c: LevelCount) => ({
    level: String(level).padStart(2),
    running: c.running,
    waiting: c.total - c.ended - c.running,
    failed: c.failed ? ` | ${c.failed} failed` : "",
  });
  for (const level of ordered) {
    const c = levels.get(level)!;
    bars.set(level, multi.create(c.total, c.ended, payload(level, c)));
  }
  return {
    onEvent(event) {
      const c = count(event);
      if (!c) return;
      bars.get(event.step.slaLevel)?.update(c.ended, payload(event.step.slaLevel, c));
    },
    stop() {
      if (stopped) return;
      stopped = true;
      multi.stop();
    },
  };
}
