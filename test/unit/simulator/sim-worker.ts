// A child process for the multi-process simulator tests (spawned by file-store.test.ts; not a test).
//   node sim-worker.js map STATE_DIR WORKER COUNT      maps COUNT replicas of its own slice to a host at their site
//   node sim-worker.js restart STATE_DIR LPAR TARGET VOLUME...   remote restarts one LPAR (killed mid-job by the test)
import { openSimulator } from "../../../provider/adapters/simulator";

async function main(): Promise<void> {
  const [mode, stateDir, ...rest] = process.argv.slice(2);
  const sim = await openSimulator({ stateDir });
  if (mode === "map") {
    const worker = Number(rest[0]);
    const count = Number(rest[1]);
    for (let i = 0; i < count; i++) {
      // Replica k of LPAR n lives at the other site: LPARs 1-400 at site a have theirs on svc-b1.
      const index = worker * count + i;
      const lpar = Math.floor(index / 4) + 1;
      const volumeId = `vol-${String(lpar).padStart(5, "0")}-${(index % 4) + 1}-r`;
      await sim.storage.mapVolume({ volumeId, hostId: "sys-b-01", via: "npiv" });
    }
  } else if (mode === "restart") {
    const [lparId, targetSystemId, ...volumeIds] = rest;
    process.stdout.write("calling\n");
    await sim.compute.remoteRestart({ lparId, targetSystemId, volumeIds });
    process.stdout.write("returned\n");
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
