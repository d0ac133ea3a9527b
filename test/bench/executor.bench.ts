// Executor: (1) overhead: 10,000 VMs fail over on a zero-latency in-memory simulator in virtual
// time, so the wall time is the executor's (and simulator's) own cost; (2) measured makespan of
// the paper preset's host failure per concurrency mode and SLA policy, in virtual time with the
// default latencies, as speedups over serial and ratios to the planner's estimate.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { VirtualClock } from "../../provider/clock";
import { createInMemorySimulator, PAPER_FAILED_HOST, presetTopology } from "../../provider/adapters/simulator";
import { simFailHost } from "../../provider/adapters/simulator/control";
import { FileJournal, MemoryJournal } from "../../provider/executor/journal/file-journal";
import { runPlan } from "../../provider/executor/run";
import type { JournalSink } from "../../provider/executor/types";
import { OPERATIONS } from "../../provider/model/latency";
import { planFailover } from "../../provider/planner";
import { measureModes } from "../../provider/recovery/measure";
import { topologyFromInventory } from "../../provider/recovery/rehearse";
import { protectionModelFromDeployment, type ExportedDeployment } from "../../provider/stack";
import { generateDatacenter } from "../fixtures/datacenter";
import { stackExport } from "../unit/recovery/stack-fixture";
import { EtcdRunStore } from "../../provider/run-store/etcd-store";
import type { StackLock } from "../../provider/executor/lock";
import { EtcdCluster } from "../etcd/cluster";
import type { BenchContext } from "./main";

export const title = "Executor: overhead at 10,000 VMs, and measured makespan per mode and SLA policy";

const ZERO_LATENCY = Object.fromEntries(OPERATIONS.map((op) => [op, { medianSeconds: 0 }]));

async function overhead(context: BenchContext, vms: number): Promise<void> {
  // Every host of site A fails (its storage lives on): each VM is fenced, unmapped, mapped to its
  // replica at site B, restarted and verified.
  const dc = generateDatacenter({ hosts: vms / 5, vms, volumesPerVm: 2 });
  const failed = dc.inventory.compute.managedSystems.filter((m) => m.site === "A").map((m) => m.id);
  const plan = planFailover({ ...dc, failure: { failedHosts: failed } });
  const topology = { ...topologyFromInventory(dc.inventory), simulation: { latencies: ZERO_LATENCY } };
  context.print(`${vms} VMs, ${plan.steps.length} steps, ${failed.length} failed hosts, zero-latency simulator, virtual time`);
  context.print("");
  context.print("| journal | wall s | CPU s | steps / s | recovered |");
  context.print("|---|---|---|---|---|");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-bench-exec-"));
  // The etcd run store: a real 3-member cluster on loopback ports, the journal written under the
  // run's lease in group-committed transactions, the adapters not fenced (as runPlan is called here).
  const cluster = await EtcdCluster.start(3);
  const store = await EtcdRunStore.connect({ endpoints: cluster.endpoints }, { backend: "bench", organization: "bench", project: "bench", stack: "executor" });
  const walls: Record<string, number> = {};
  try {
    for (const kind of ["memory", "file (fsync)", "etcd (3 members, loopback)"] as const) {
      const clock = new VirtualClock();
      const sim = createInMemorySimulator(topology, { clock });
      for (const host of failed) await simFailHost(host, { store: sim.store });
      let lock: StackLock | undefined;
      const started = performance.now();
      const cpu = process.cpuUsage();
      let journal: JournalSink;
      if (kind === "memory") journal = new MemoryJournal();
      else if (kind === "file (fsync)") journal = new FileJournal(path.join(dir, "journal.jsonl"));
      else {
        // Taking the lease and opening the journal are part of the store's cost.
        lock = await store.acquireLock({ runId: "bench", purpose: "bench" });
        journal = await store.openJournal(`bench-${Date.now()}`, lock, { create: true });
      }
      const result = await runPlan(plan, sim, { clock, journal });
      await journal.close();
      const wall = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      await lock?.release();
      walls[kind] = wall;
      const recovered = result.vms.filter((v) => v.status === "recovered").length;
      context.print(`| ${kind} | ${wall.toFixed(2)} | ${((used.user + used.system) / 1e6).toFixed(2)} | ${Math.round(plan.steps.length / wall)} | ${recovered} / ${result.vms.length} |`);
    }
  } finally {
    await store.close();
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  context.print("");
  context.print(`run store: etcd / file wall ${(walls["etcd (3 members, loopback)"] / walls["file (fsync)"]).toFixed(2)}x`);
}

async function makespans(context: BenchContext): Promise<void> {
  // The paper preset (assumed sizes: 2 sites x 8 servers x 16 LPARs x 4 LUNs); one server fails.
  const topology = presetTopology("paper", context.seed);
  const clock = new VirtualClock();
  const sim = createInMemorySimulator(topology, { clock });
  await simFailHost(PAPER_FAILED_HOST, { store: sim.store });
  const inventory = { compute: await sim.compute.inventory(), storage: await sim.storage.inventory() };
  const { model } = protectionModelFromDeployment((stackExport(topology, "unused") as { deployment: ExportedDeployment }).deployment);
  const plan = planFailover({ model, inventory, failure: { failedHosts: [PAPER_FAILED_HOST] } });
  const estimate = planFailover({ model, inventory, failure: { failedHosts: [PAPER_FAILED_HOST] }, options: { slaMode: "pipelined" } }).estimate;
  const measured = await measureModes(plan, topology);
  context.print(`paper preset, ${PAPER_FAILED_HOST} fails: ${plan.placements.length} LPARs, ${plan.steps.length} steps; default latencies (lognormal, seeded)`);
  context.print("");
  context.print("| mode | SLA | makespan s | speedup over serial | planner estimate s | measured / estimate | recovered |");
  context.print("|---|---|---|---|---|---|---|");
  for (const m of measured) {
    const serial = measured.find((x) => x.mode === "serial" && x.sla === m.sla)!;
    const est = m.mode === "parallel" ? (m.sla === "strict" ? plan.estimate.makespanSeconds : estimate.makespanSeconds) : undefined;
    context.print(
      `| ${m.mode} | ${m.sla} | ${m.makespanSeconds.toFixed(0)} | ${(serial.makespanSeconds / m.makespanSeconds).toFixed(1)}x | ${est !== undefined ? est.toFixed(0) : "-"} | ${est ? (m.makespanSeconds / est).toFixed(2) : "-"} | ${m.recovered} / ${m.recovered + m.failed} |`,
    );
  }
  await sim.close();
}

export async function run(context: BenchContext): Promise<void> {
  await overhead(context, context.quick ? 1_000 : 10_000);
  context.print("");
  await makespans(context);
}
