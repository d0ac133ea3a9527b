// The contract between the planner's step resources and estimates and what the simulator does:
// every plan step is charged to exactly the resources the simulator's job for it holds, and its
// estimate is the median of that job's phases. Plans are run against the in-memory simulator in
// virtual time while its accepted jobs are recorded.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { VirtualClock } from "../../../provider/clock";
import { createInMemorySimulator, drillLparId, generateTopology, type Simulator } from "../../../provider/adapters/simulator";
import { simFailHost, simFailSite, simRepair } from "../../../provider/adapters/simulator/control";
import type { Entry } from "../../../provider/adapters/simulator/apply";
import type { Job } from "../../../provider/adapters/simulator/state";
import type { Decision } from "../../../provider/adapters/simulator/store";
import { flashCopyIds } from "../../../provider/adapters/simulator/storage-ops";
import { runPlan } from "../../../provider/executor/run";
import { failureOf } from "../../../provider/executor/outcome";
import type { Plan, Step, StepKind } from "../../../provider/generated/plan";
import { medianSeconds, resolveLatencies, type Operation } from "../../../provider/model/latency";
import { planDrill, planFailback, planFailover, planPlanned } from "../../../provider/planner";
import { protectTopology } from "../../fixtures/protect";

/** The adapter operation each step kind runs (the simulator's job `op`). */
const OPERATION_OF: Partial<Record<StepKind, string>> = {
  FenceSourceLpar: "fenceLpar",
  ShutdownLpar: "powerOff",
  FailoverConsistencyGroup: "failoverConsistencyGroup",
  SwitchConsistencyGroup: "switchConsistencyGroup",
  ReverseReplication: "startConsistencyGroup",
  UnmapSourceVolume: "unmapVolume",
  MapReplicaVolume: "mapVolume",
  AttachVirtualDisk: "attachVirtualDisk",
  DetachVirtualDisk: "detachVirtualDisk",
  RestartLpar: "remoteRestart",
  MoveLpar: "moveLpar",
  StartLpar: "powerOn",
  CreateFlashCopyGroup: "createFlashCopyGroup",
  DeleteFlashCopyGroup: "deleteFlashCopyGroup",
  StartDrillLpar: "createDrillLpar",
  DeleteDrillLpar: "deleteDrillLpar",
};

/** The simulator's object key of the job a step starts, or undefined when it cannot be told from the plan. */
function objectKeyOf(step: Step): string | undefined {
  const p = step.params ?? {};
  // A drill maps the FlashCopy copy of `volume`.
  const volume = (): unknown => (p.flashCopyGroup === undefined ? p.volume : flashCopyIds(p.flashCopyGroup).targetOf(p.volume as string));
  switch (step.kind) {
    case "UnmapSourceVolume":
    case "MapReplicaVolume":
      return `mapping:${volume()}@${p.host}`;
    case "AttachVirtualDisk":
    case "DetachVirtualDisk":
      return `vdisk:${volume()}@${p.host}`;
    case "FailoverConsistencyGroup":
    case "SwitchConsistencyGroup":
    case "ReverseReplication":
      return `cg:${p.consistencyGroup}`;
    case "CreateFlashCopyGroup":
    case "DeleteFlashCopyGroup":
      return `fcg:${flashCopyIds(p.flashCopyGroup as string).groupId}`;
    case "StartDrillLpar":
    case "DeleteDrillLpar":
      return `lpar:${drillLparId(step.lpar as string, p.network as string)}`;
    default:
      return step.lpar === undefined ? undefined : `lpar:${step.lpar}`;
  }
}

interface World {
  sim: Simulator;
  clock: VirtualClock;
  model: ReturnType<typeof protectTopology>;
  jobs: Job[];
}

function world(sandbox: sinon.SinonSandbox): World {
  const topology = generateTopology({ sites: 2, hostsPerSite: 3, lparsPerHost: 2, lunsPerLpar: 2 });
  const clock = new VirtualClock();
  const sim = createInMemorySimulator(topology, { clock });
  const jobs: Job[] = [];
  const store = sim.store;
  const update = store.update.bind(store);
  // Records every job the simulator accepts, with the resources of each of its phases.
  sandbox.replace(store, "update", <T>(decide: Parameters<typeof store.update<T>>[0]) =>
    update((state, now) => {
      const d: Decision<T> = decide(state, now);
      for (const e of d.entries ?? ([] as readonly Entry[])) if (e.k === "job") jobs.push(e.job);
      return d;
    }),
  );
  return { sim, clock, model: protectTopology(topology), jobs };
}

async function inventoryOf(sim: Simulator) {
  return { compute: await sim.compute.inventory(), storage: await sim.storage.inventory() };
}

/** Runs the plan and checks each step that started a job against it; returns how many were checked. */
async function runAndCompare(w: World, plan: Plan): Promise<Map<StepKind, number>> {
  const from = w.jobs.length;
  const result = await runPlan(plan, w.sim, { clock: w.clock });
  assert.equal(result.status, "succeeded", JSON.stringify(failureOf(result)?.message));
  const jobs = w.jobs.slice(from);
  const checked = new Map<StepKind, number>();
  for (const step of plan.steps) {
    const op = OPERATION_OF[step.kind];
    const key = objectKeyOf(step);
    if (op === undefined || key === undefined) continue;
    const job = jobs.find((j) => j.op === op && j.objectKey === key);
    if (!job) continue; // already done: nothing ran
    const held = [...new Set(job.phases.flatMap((ph) => ph.resources))].sort();
    assert.deepEqual(step.resources, held, `${step.id} is charged to what ${op} holds`);
    // A move counts as a remote restart (documented); every other step is its job's phases.
    if (step.kind !== "MoveLpar") {
      const seconds = job.phases.reduce((sum, ph) => sum + medianSeconds(resolveLatencies(), ph.op as Operation), 0);
      assert.ok(Math.abs(step.estimateSeconds - seconds) < 1e-9, `${step.id} estimates ${step.estimateSeconds} s, ${op} takes ${seconds} s (${job.phases.map((ph) => ph.op).join(" + ")})`);
    }
    checked.set(step.kind, (checked.get(step.kind) ?? 0) + 1);
  }
  return checked;
}

describe("planner step resources and estimates match the simulator", () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  it("failover of a failed host: the unmap from the dead host holds its storage only and takes the SAN side's time", async () => {
    // GIVEN sys-a-01 crashed (its VIOS cannot answer)
    const w = world(sandbox);
    await simFailHost("sys-a-01", { store: w.sim.store });
    // WHEN the failover is planned and run
    const plan = planFailover({ model: w.model, inventory: await inventoryOf(w.sim) });
    const unmaps = plan.steps.filter((s) => s.kind === "UnmapSourceVolume" && s.params?.via === "vscsi");
    assert.ok(unmaps.length > 0);
    for (const u of unmaps) {
      assert.ok(u.resources.every((r) => r.startsWith("storage:")), `${u.id} holds no VIOS of the dead host: ${u.resources.join(", ")}`);
      assert.equal(u.estimateSeconds, medianSeconds(resolveLatencies(), "unmapVolume"));
    }
    const checked = await runAndCompare(w, plan);
    // THEN every step matches its job, unmaps, VIOS attaches and restarts included
    assert.ok((checked.get("UnmapSourceVolume") ?? 0) > 0);
    assert.ok((checked.get("AttachVirtualDisk") ?? 0) > 0);
    assert.equal(plan.steps.filter((s) => s.kind === "DetachVirtualDisk").length, 0, "the dead host's VIOS is not asked");
    assert.ok((checked.get("RestartLpar") ?? 0) > 0);
  });

  it("planned move and failback: MoveLpar holds only the target's HMC, unmaps from live hosts their VIOS", async () => {
    const w = world(sandbox);
    const moved = planPlanned({ model: w.model, inventory: await inventoryOf(w.sim), failure: { failedSite: "site-a" } });
    const hmcOf = new Map((await w.sim.compute.inventory()).managedSystems.map((m) => [m.id, m.hmc]));
    for (const s of moved.steps.filter((x) => x.kind === "MoveLpar")) assert.deepEqual(s.resources, [`hmc:${hmcOf.get(s.params?.target as string)}`]);
    const first = await runAndCompare(w, moved);
    assert.ok((first.get("MoveLpar") ?? 0) > 0);
    assert.ok((first.get("UnmapSourceVolume") ?? 0) > 0);
    assert.ok((first.get("DetachVirtualDisk") ?? 0) > 0, "live sources' VIOSes let go first");
    assert.ok((first.get("AttachVirtualDisk") ?? 0) > 0);
    const back = planFailback({ model: w.model, inventory: await inventoryOf(w.sim) });
    const second = await runAndCompare(w, back);
    assert.ok((second.get("MoveLpar") ?? 0) > 0);
    assert.ok((second.get("SwitchConsistencyGroup") ?? 0) > 0);
  });

  it("failback after a lost site: unmaps of surviving mappings match the simulator", async () => {
    const w = world(sandbox);
    await simFailSite("site-a", { store: w.sim.store });
    const over = planFailover({ model: w.model, inventory: await inventoryOf(w.sim), failure: { failedSite: "site-a" } });
    await runAndCompare(w, over);
    await simRepair("site-a", { store: w.sim.store });
    const back = planFailback({ model: w.model, inventory: await inventoryOf(w.sim) });
    const checked = await runAndCompare(w, back);
    assert.ok((checked.get("UnmapSourceVolume") ?? 0) > 0);
  });

  it("drill: StartDrillLpar holds only the target's HMC; deleting a running copy stops it first", async () => {
    const w = world(sandbox);
    const plan = planDrill({ model: w.model, inventory: await inventoryOf(w.sim), failure: { failedSite: "site-a" } });
    const checked = await runAndCompare(w, plan);
    assert.ok((checked.get("StartDrillLpar") ?? 0) > 0);
    assert.ok((checked.get("DeleteDrillLpar") ?? 0) > 0);
    assert.ok((checked.get("CreateFlashCopyGroup") ?? 0) > 0);
    assert.ok((checked.get("MapReplicaVolume") ?? 0) > 0);
    assert.ok((checked.get("AttachVirtualDisk") ?? 0) > 0);
  });
});
