// A synthetic failover run for report tests: a plan shaped as the planner makes them (fence,
// replication failover, volume mappings, restart, verify, cleanup) and step events from a small
// list scheduler that honours the dependencies and resource limits, with seeded durations.

import type { Plan, Step } from "../../../provider/generated/plan";
import type { RunRecord, StepEvent } from "../../../provider/report/run";

export interface RunShape {
  vms: number;
  targets: number;
  groups?: number;
  /** LPAR ids whose RestartLpar fails for good. */
  failRestartOf?: string[];
  /** LPAR ids the planner could not place. */
  unplaced?: string[];
  /** Stop recording events after this many seconds (an interrupted run). */
  cutAtSeconds?: number;
  kind?: RunRecord["kind"];
  seed?: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const lparId = (i: number): string => `lpar-${String(i).padStart(4, "0")}`;

export function makeRun(shape: RunShape): RunRecord {
  const random = rng(shape.seed ?? 7);
  const groupCount = shape.groups ?? Math.min(4, shape.vms);
  const unplaced = new Set(shape.unplaced ?? []);
  const steps: Step[] = [];
  const cgs = Math.max(1, groupCount);
  for (let c = 0; c < cgs; c++)
    steps.push({ id: `failover-cg-${c}`, kind: "FailoverConsistencyGroup", slaLevel: 9, dependsOn: [], resources: ["storage:svc-b"], estimateSeconds: 2, params: { consistencyGroup: `cg-${c}` } });
  const placements: Plan["placements"] = [];
  for (let i = 0; i < shape.vms; i++) {
    const lpar = lparId(i);
    const group = `group-${i % groupCount}`;
    const slaLevel = 3 - (i % groupCount) % 3;
    const target = unplaced.has(lpar) ? null : `sys-b${(i % shape.targets) + 1}`;
    placements.push({
      lpar,
      name: `app${i}`,
      group,
      slaLevel,
      source: `sys-a${(i % 4) + 1}`,
      target,
      volumes: [],
      ...(target === null ? { reason: "no target system has 4 free processor units" } : {}),
    });
    if (target === null) continue;
    const cg = `failover-cg-${i % cgs}`;
    steps.push({ id: `fence-${lpar}`, kind: "FenceSourceLpar", lpar, group, slaLevel, dependsOn: [], resources: ["hmc:hmc-a"], estimateSeconds: 2 });
    for (const v of [0, 1])
      steps.push({
        id: `map-${lpar}-${v}`,
        kind: "MapReplicaVolume",
        lpar,
        group,
        slaLevel,
        dependsOn: [cg, `fence-${lpar}`],
        resources: [`vios:${target}/vios${v + 1}`],
        estimateSeconds: 5,
        params: { target },
      });
    steps.push({ id: `restart-${lpar}`, kind: "RestartLpar", lpar, group, slaLevel, dependsOn: [`map-${lpar}-0`, `map-${lpar}-1`], resources: [`system:${target}`], estimateSeconds: 120 });
    steps.push({ id: `verify-${lpar}`, kind: "VerifyLpar", lpar, group, slaLevel, dependsOn: [`restart-${lpar}`], resources: [], estimateSeconds: 180 });
    steps.push({ id: `cleanup-${lpar}`, kind: "CleanupSourceLpar", lpar, group, slaLevel, dependsOn: [`verify-${lpar}`], resources: ["hmc:hmc-a"], estimateSeconds: 30 });
  }
  const resources: Record<string, number> = { "storage:svc-b": 1, "hmc:hmc-a": 64 };
  for (let t = 1; t <= shape.targets; t++) {
    resources[`system:sys-b${t}`] = 32;
    resources[`vios:sys-b${t}/vios1`] = 1;
    resources[`vios:sys-b${t}/vios2`] = 1;
  }
  const groups = Array.from({ length: groupCount }, (_, g) => ({
    name: `group-${g}`,
    lpars: placements.filter((p) => p.group === `group-${g}`).map((p) => p.lpar),
    rtoBudgetSeconds: g === groupCount - 1 ? undefined : 900 + 300 * g,
    estimatedRtoSeconds: 600 + 100 * g,
    verdict: (g === groupCount - 1 ? "no-budget" : "within") as "no-budget" | "within",
  })).map((g) => (g.rtoBudgetSeconds === undefined ? { name: g.name, lpars: g.lpars, estimatedRtoSeconds: g.estimatedRtoSeconds, verdict: g.verdict } : g));
  const plan: Plan = {
    version: 1,
    kind: shape.kind ?? "failover",
    stack: "dev",
    failure: { failedHosts: ["sys-a1", "sys-a2", "sys-a3", "sys-a4"], failedSite: "site-a" },
    placements,
    steps,
    resources,
    groups,
    estimate: { makespanSeconds: 700, lowerBoundSeconds: 420, criticalPathSeconds: 330, bottleneck: "storage:svc-b" },
  };
  return { runId: "run-test-1", kind: plan.kind, stack: "dev", plan, options: { mode: "unplanned", slaOrder: "strict" }, startedAt: "2026-01-05T10:00:00.000Z", endedAt: "2026-01-05T10:15:00.000Z", startedAtMs: 1_000_000, events: schedule(plan, shape, random) };
}

/** List scheduling in event order: a step starts once its dependencies ended and its resources have a free slot. */
function schedule(plan: Plan, shape: RunShape, random: () => number): StepEvent[] {
  const origin = 1_000_000;
  const fail = new Set(shape.failRestartOf ?? []);
  const cut = shape.cutAtSeconds === undefined ? Infinity : origin + shape.cutAtSeconds * 1000;
  const events: StepEvent[] = [];
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const dependents = new Map<string, string[]>();
  const waitingOn = new Map<string, number>();
  for (const s of plan.steps) {
    waitingOn.set(s.id, s.dependsOn.length);
    for (const d of s.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), s.id]);
  }
  const running = new Map<string, number>();
  let ready = plan.steps.filter((s) => s.dependsOn.length === 0);
  const ends: { at: number; step: Step; ok: boolean }[] = [];
  const skip = (id: string, at: number): void => {
    events.push({ at, step: id, type: "skipped", error: "a step it depends on failed" });
    for (const d of dependents.get(id) ?? []) {
      if (waitingOn.get(d)! < 0) continue;
      waitingOn.set(d, -1);
      skip(d, at);
    }
  };
  let now = origin;
  for (;;) {
    ready.sort((a, b) => b.slaLevel - a.slaLevel);
    ready = ready.filter((s) => {
      if (s.resources.some((r) => (running.get(r) ?? 0) >= (plan.resources[r] ?? 1))) return true;
      for (const r of s.resources) running.set(r, (running.get(r) ?? 0) + 1);
      const end = now + Math.round(s.estimateSeconds * (0.6 + random() * 0.9) * 1000);
      events.push({ at: now, step: s.id, type: "started", attempt: 1 });
      if (s.kind === "MapReplicaVolume" && random() < 0.05) {
        events.push({ at: now + 500, step: s.id, type: "failed", attempt: 1, error: "VIOS busy", final: false });
        events.push({ at: now + 600, step: s.id, type: "started", attempt: 2 });
      }
      ends.push({ at: end, step: s, ok: !(s.kind === "RestartLpar" && s.lpar !== undefined && fail.has(s.lpar)) });
      return false;
    });
    if (ends.length === 0) break;
    now = Math.min(...ends.map((e) => e.at));
    for (const e of ends.filter((e) => e.at === now)) {
      for (const r of e.step.resources) running.set(r, running.get(r)! - 1);
      events.push(e.ok ? { at: now, step: e.step.id, type: "succeeded" } : { at: now, step: e.step.id, type: "failed", error: "HSCLA27C the target system refused the remote restart", final: true });
      for (const d of dependents.get(e.step.id) ?? []) {
        if (waitingOn.get(d)! < 0) continue;
        if (!e.ok) {
          waitingOn.set(d, -1);
          skip(d, now);
          continue;
        }
        waitingOn.set(d, waitingOn.get(d)! - 1);
        if (waitingOn.get(d) === 0) ready.push(byId.get(d)!);
      }
    }
    for (let i = ends.length - 1; i >= 0; i--) if (ends[i].at === now) ends.splice(i, 1);
  }
  return events.filter((e) => e.at <= cut).sort((a, b) => a.at - b.at);
}
