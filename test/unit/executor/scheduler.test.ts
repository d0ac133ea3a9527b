import { strict as assert } from "assert";
import { buildGraph } from "../../../provider/executor/graph";
import { Scheduler, type SchedulerOptions } from "../../../provider/executor/scheduler";
import type { Plan } from "../../../provider/generated/plan";
import { plan, step } from "./plans";

/** Runs the scheduler to the end, ending running steps in start order; returns the start order and peak concurrency. */
function drive(p: Plan, options: Partial<SchedulerOptions> = {}, failIds: string[] = []) {
  const graph = buildGraph(p);
  const s = new Scheduler(graph, { mode: "parallel", sla: "pipelined", limits: p.resources, isStorageStep: (x) => x.kind === "MapReplicaVolume", ...options });
  const started: string[] = [];
  const waves: string[][] = [];
  const skipped: string[] = [];
  const running: number[] = [];
  let peak = 0;
  for (;;) {
    const next = s.next();
    if (next.length > 0) waves.push(next.map((i) => p.steps[i].id));
    for (const i of next) started.push(p.steps[i].id);
    running.push(...next);
    peak = Math.max(peak, s.running);
    if (running.length === 0) break;
    const i = running.shift()!;
    if (failIds.includes(p.steps[i].id)) skipped.push(...s.fail(i).map((k) => p.steps[k.index].id));
    else s.complete(i);
  }
  return { started, waves, skipped, peak, unfinished: s.unfinished };
}

describe("executor scheduler", () => {
  it("never runs more steps on a resource than its limit", () => {
    // GIVEN 10 independent steps sharing system:A (limit 3)
    const p = plan(
      Array.from({ length: 10 }, (_, i) => step(`s${i}`, { resources: ["system:A"] })),
      { resources: { "system:A": 3 } },
    );
    // WHEN it runs
    const { peak, started, unfinished } = drive(p);
    // THEN at most 3 run at once and all run
    assert.equal(peak, 3);
    assert.equal(started.length, 10);
    assert.equal(unfinished, 0);
  });

  it("starts higher SLA levels first, then the longer critical path", () => {
    // GIVEN a one-slot resource and steps of levels 1 and 3, one of level 1 heading a long chain
    const p = plan(
      [
        step("low-short", { slaLevel: 1, resources: ["r"] }),
        step("low-long", { slaLevel: 1, resources: ["r"] }),
        step("tail", { slaLevel: 1, dependsOn: ["low-long"], estimateSeconds: 100 }),
        step("high", { slaLevel: 3, resources: ["r"] }),
      ],
      { resources: { r: 1 } },
    );
    // WHEN it runs
    const { started } = drive(p);
    // THEN the level-3 step starts first and the long chain beats the short step
    assert.deepEqual(started.filter((id) => id !== "tail"), ["high", "low-long", "low-short"]);
  });

  it("under strict SLA starts a level only when every higher level has ended; pipelined does not wait", () => {
    // GIVEN two independent steps of levels 2 and 1
    const p = plan([step("a2", { slaLevel: 2 }), step("b1", { slaLevel: 1 })]);
    // WHEN run strict THEN they start in two waves; WHEN pipelined THEN together
    assert.deepEqual(drive(p, { sla: "strict" }).waves, [["a2"], ["b1"]]);
    assert.deepEqual(drive(p, { sla: "pipelined" }).waves, [["a2", "b1"]]);
  });

  it("does not deadlock under strict SLA when a higher level depends on a lower one", () => {
    // GIVEN a level-3 step that depends on a level-1 step
    const p = plan([step("dep1", { slaLevel: 1 }), step("vm3", { slaLevel: 3, dependsOn: ["dep1"] }), step("other2", { slaLevel: 2 })]);
    // WHEN it runs strict
    const { started, unfinished } = drive(p, { sla: "strict" });
    // THEN the dependency is promoted to level 3 and runs before level 2
    assert.deepEqual(started, ["dep1", "vm3", "other2"]);
    assert.equal(unfinished, 0);
  });

  it("serial mode runs one step at a time; parallel-restart serialises only storage steps", () => {
    const p = plan([
      step("m1", { kind: "MapReplicaVolume" }),
      step("m2", { kind: "MapReplicaVolume" }),
      step("r1", { kind: "RestartLpar" }),
      step("r2", { kind: "RestartLpar" }),
    ]);
    assert.equal(drive(p, { mode: "serial" }).peak, 1);
    const pr = drive(p, { mode: "parallel-restart" });
    // THEN the first wave has one map and both restarts
    assert.deepEqual([...pr.waves[0]].sort(), ["m1", "r1", "r2"]);
    assert.equal(drive(p, { mode: "parallel" }).peak, 4);
  });

  it("skips the dependents of a failed step, transitively, and runs everything else and cleanup steps", () => {
    // GIVEN a chain a -> b -> c, an independent d, and a cleanup step after b
    const p = plan([
      step("a"),
      step("b", { dependsOn: ["a"] }),
      step("c", { dependsOn: ["b"] }),
      step("d"),
      step("teardown", { dependsOn: ["b"], phase: "cleanup" }),
    ]);
    // WHEN a fails
    const { started, skipped, unfinished } = drive(p, {}, ["a"]);
    // THEN b and c are skipped; d and the teardown run
    assert.deepEqual([...skipped].sort(), ["b", "c"]);
    assert.deepEqual([...started].sort(), ["a", "d", "teardown"]);
    assert.equal(unfinished, 0);
  });

  it("resumes without returning steps that ended before", () => {
    // GIVEN a chain a -> b -> c where a is done and x failed earlier
    const p = plan([step("a"), step("b", { dependsOn: ["a"] }), step("c", { dependsOn: ["b"] }), step("x"), step("y", { dependsOn: ["x"] })]);
    const graph = buildGraph(p);
    const s = new Scheduler(graph, { mode: "parallel", sla: "strict", limits: {}, isStorageStep: () => false, done: [0], failed: [3] });
    // THEN y is skipped as blocked by x, and only b is ready
    assert.deepEqual(s.restoredSkips.map((k) => [p.steps[k.index].id, p.steps[k.blockedBy].id]), [["y", "x"]]);
    assert.deepEqual(s.next().map((i) => p.steps[i].id), ["b"]);
    assert.equal(s.unfinished, 2);
  });

  it("lets a step waiting on a full resource go, without blocking lower-priority steps on free ones", () => {
    // GIVEN r (limit 1) held by a long step; a high-priority step needs r and q; a low one needs q only
    const p = plan(
      [step("hold", { slaLevel: 5, resources: ["r"] }), step("high", { slaLevel: 4, resources: ["r", "q"] }), step("low", { slaLevel: 1, resources: ["q"] })],
      { resources: { r: 1, q: 1 } },
    );
    const graph = buildGraph(p);
    const s = new Scheduler(graph, { mode: "parallel", sla: "pipelined", limits: p.resources, isStorageStep: () => false });
    // WHEN the scheduler first picks
    const first = s.next().map((i) => p.steps[i].id);
    // THEN hold and low run, high waits for r
    assert.deepEqual(first, ["hold", "low"]);
    s.complete(0);
    assert.deepEqual(s.next(), []);
    s.complete(2);
    assert.deepEqual(s.next().map((i) => p.steps[i].id), ["high"]);
  });

  it("finishes one LPAR's storage steps before the next LPAR's on a one-slot storage system, so its restart starts early", () => {
    // GIVEN two LPARs, each: fence, two unmaps then maps on one storage system taking one step at a
    // time, a restart and its boot. An unmap heads a path one second longer than a map's.
    const lpar = (l: string) => {
      const base = { lpar: l, group: "g" };
      const fence = step(`fence:${l}`, { ...base, kind: "FenceSourceLpar", estimateSeconds: 2 });
      const storage = [1, 2].flatMap((v) => [
        step(`unmap:${l}:${v}`, { ...base, kind: "UnmapSourceVolume", resources: ["storage:s"], dependsOn: [fence.id] }),
        step(`map:${l}:${v}`, { ...base, kind: "MapReplicaVolume", resources: ["storage:s"], dependsOn: [`unmap:${l}:${v}`] }),
      ]);
      const restart = step(`restart:${l}`, { ...base, kind: "RestartLpar", estimateSeconds: 120, dependsOn: [`map:${l}:1`, `map:${l}:2`] });
      return [fence, ...storage, restart, step(`verify:${l}`, { ...base, kind: "VerifyLpar", estimateSeconds: 180, dependsOn: [restart.id] })];
    };
    const p = plan([...lpar("a"), ...lpar("b")], { resources: { "storage:s": 1 } });
    // WHEN it runs
    const { started } = drive(p);
    // THEN a's four storage steps run before any of b's (ordering by the exact critical path ran
    // every unmap first, so neither restart could start before all eight steps had run)
    const storage = started.filter((id) => id.startsWith("unmap") || id.startsWith("map"));
    assert.deepEqual(storage.slice(0, 4).map((id) => id.split(":")[1]), ["a", "a", "a", "a"], storage.join(" "));
    assert.ok(started.indexOf("restart:a") < started.indexOf("map:b:1"), started.join(" "));
  });

  it("reset() starts the same run over: the same steps in the same order, strict barrier included", () => {
    // GIVEN a plan with levels, a one-slot resource and a dependency chain
    const p = plan(
      [
        step("hi-a", { slaLevel: 3, resources: ["r"] }),
        step("hi-b", { slaLevel: 3, resources: ["r"] }),
        step("lo-a", { slaLevel: 1, resources: ["r"] }),
        step("lo-b", { slaLevel: 1, dependsOn: ["lo-a"] }),
      ],
      { resources: { r: 1 } },
    );
    const s = new Scheduler(buildGraph(p), { mode: "parallel", sla: "strict", limits: p.resources, isStorageStep: () => false });
    const runOnce = (): string[] => {
      const order: string[] = [];
      const running: number[] = [];
      for (;;) {
        const next = s.next();
        running.push(...next);
        order.push(...next.map((i) => p.steps[i].id));
        if (running.length === 0) break;
        s.complete(running.shift()!);
      }
      return order;
    };
    // WHEN it runs to the end, is reset, and runs again (after a half-finished third run, reset again)
    const first = runOnce();
    assert.equal(s.unfinished, 0);
    s.reset();
    const second = runOnce();
    s.reset();
    s.complete(s.next()[0]);
    s.reset();
    const third = runOnce();
    // THEN every run starts the same steps in the same order
    assert.deepEqual(first, ["hi-a", "hi-b", "lo-a", "lo-b"]);
    assert.deepEqual(second, first);
    assert.deepEqual(third, first);
  });

  it("refuses unknown dependencies and cycles with every issue named", () => {
    assert.throws(() => buildGraph(plan([step("a", { dependsOn: ["nope"] })])), /`steps\[0\]\.dependsOn` of "a" names "nope"/);
    assert.throws(() => buildGraph(plan([step("a", { dependsOn: ["b"] }), step("b", { dependsOn: ["a"] })])), /dependency cycle/);
  });
});
