// What the simulator's state directory costs at the size of a large datacenter (1,000 systems,
// 10,000 LPARs, 40,000 LUNs): writing it, summarising it, and one operation on it, sequentially
// and with many operations in flight from one process (the executor's case). Latencies are set
// to zero so the figures are the store's own cost, not simulated waiting.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { BenchContext } from "./main";
import { generateTopology, openSimulator, PRESETS } from "../../provider/adapters/simulator";
import { simInit, simStatus } from "../../provider/adapters/simulator/control";
import { FileStateStore } from "../../provider/adapters/simulator/file-store";
import { WallClock } from "../../provider/clock";
import { OPERATIONS } from "../../provider/model/latency";

export const title = "Simulator state directory: size and per-operation cost";

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function run(context: BenchContext): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-sim-bench-"));
  try {
    const options = context.quick ? { ...PRESETS.large.options, hostsPerSite: 50 } : PRESETS.large.options;
    const zero = Object.fromEntries(OPERATIONS.map((op) => [op, { medianSeconds: 0 }]));
    let t = process.hrtime.bigint();
    const topology = generateTopology({ ...options, simulation: { latencies: zero } });
    const generateMs = ms(t);
    t = process.hrtime.bigint();
    const init = await simInit({ topology, stateDir: dir });
    const initMs = ms(t);
    const snapshot = fs.readdirSync(dir).find((f) => f.startsWith("state-"))!;
    const bytes = fs.statSync(path.join(dir, snapshot)).size;
    context.print(`generate: ${generateMs.toFixed(0)} ms; validate + write (simInit): ${initMs.toFixed(0)} ms`);
    context.print(`${init.managedSystems} systems, ${init.lpars} LPARs, ${init.volumes} volumes, ${init.hostMappings} mappings, ${init.consistencyGroups} groups; snapshot ${(bytes / 1e6).toFixed(1)} MB`);

    const cold = new FileStateStore(dir, new WallClock());
    cold.forget();
    t = process.hrtime.bigint();
    const status = await simStatus({ stateDir: dir });
    context.print(`simStatus, cold (parse the snapshot): ${ms(t).toFixed(0)} ms; LPARs ${JSON.stringify(status.lparsByState)}`);
    t = process.hrtime.bigint();
    await simStatus({ stateDir: dir });
    context.print(`simStatus, warm (cached state): ${ms(t).toFixed(1)} ms`);

    const sim = await openSimulator({ stateDir: dir });
    const replica = (i: number): string => `vol-${String(i + 1).padStart(5, "0")}-1-r`;
    const sequential = context.quick ? 200 : 1000;
    t = process.hrtime.bigint();
    for (let i = 0; i < sequential; i++) await sim.storage.mapVolume({ volumeId: replica(i), hostId: "sys-b-001", via: "npiv" });
    const seqMs = ms(t);
    context.print(`${sequential} mapVolume one after another: ${(seqMs / sequential).toFixed(2)} ms per operation`);

    const concurrent = context.quick ? 500 : 4000;
    t = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrent }, (_, k) => sim.storage.mapVolume({ volumeId: replica(sequential + k), hostId: "sys-b-002", via: "npiv" })),
    );
    const conMs = ms(t);
    context.print(`${concurrent} mapVolume in flight at once (one process): ${(conMs / concurrent).toFixed(3)} ms per operation`);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "sim.json"), "utf8")) as { generation: number };
    context.print(`log folded into ${manifest.generation - 1} new snapshot(s) meanwhile`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
