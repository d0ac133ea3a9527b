// Time in the simulator: concurrency limits (queue and refuse), deterministic latencies, and
// injected faults, all under virtual time.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { AdapterError } from "../../../provider/errors";
import { parseFaultFlags, simFailHost, simRepair, simSetFaults, simStatus } from "../../../provider/adapters/simulator/control";
import type { SimulationSettings } from "../../../provider/model";
import { smallTopology, virtualSimulator, volumesOf } from "./fixture";

const fixed = (seconds: number) => ({ medianSeconds: seconds, p95Seconds: seconds });

/** Resolves with the virtual time at which each promise settled (ms). */
async function finishTimes(clock: { now(): number }, promises: Promise<unknown>[]): Promise<number[]> {
  return Promise.all(promises.map((p) => p.then(() => clock.now())));
}

describe("simulator timing", () => {
  let sandbox: sinon.SinonSandbox;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
  });
  afterEach(() => sandbox.restore());

  describe("concurrency limits", () => {
    const simulation: SimulationSettings = { latencies: { mapVolume: fixed(1), viosMapping: fixed(5), remoteRestart: fixed(100), fenceLpar: fixed(2) } };

    it("queues configuration commands on one storage system", async () => {
      const { sim, clock } = virtualSimulator(smallTopology({ simulation }));
      const map = (volumeId: string) => sim.storage.mapVolume({ volumeId, hostId: "sys-a-02", via: "npiv" });
      assert.deepEqual(await finishTimes(clock, [map("vol-00001-1"), map("vol-00001-2"), map("vol-00002-1")]), [1000, 2000, 3000]);
    });

    it("frees the storage system's slot before the VIOS update, and serialises the updates of each VIOS", async () => {
      // GIVEN one storage system (one command at a time, 1 s) and sys-a-02's two VIOSes (5 s per update)
      const { sim, clock } = virtualSimulator(smallTopology({ simulation }));
      const present = async (volumeId: string, vios: string): Promise<void> => {
        await sim.storage.mapVolume({ volumeId, hostId: "sys-a-02", via: "vscsi", vios });
        await sim.compute.attachVirtualDisk({ volumeId, hostId: "sys-a-02", vios });
      };
      // WHEN four vSCSI volumes are presented at once, two through each VIOS
      const done = await finishTimes(clock, [present("vol-00001-1", "vios1"), present("vol-00001-2", "vios2"), present("vol-00002-1", "vios1"), present("vol-00002-2", "vios2")]);
      // THEN the SAN commands run back to back (ending at 1, 2, 3, 4 s) while the VIOSes work: each
      // VIOS update starts once its SAN command ended and its VIOS is free. Holding the storage slot
      // through the VIOS update would have ended them at 6, 12, 18 and 24 s.
      assert.deepEqual(done, [6000, 7000, 11000, 12000]);
      // AND a storage command does not wait for a VIOS update under way
      const t0 = clock.now();
      const [detach, map] = await finishTimes(clock, [
        (async () => {
          await sim.compute.detachVirtualDisk({ volumeId: "vol-00001-1", hostId: "sys-a-02", vios: "vios1" });
        })(),
        sim.storage.mapVolume({ volumeId: "vol-00003-1", hostId: "sys-a-01", via: "npiv" }),
      ]);
      assert.deepEqual([detach - t0, map - t0], [5000, 1000]);
    });

    it("limits remote restarts per target system", async () => {
      // GIVEN one restart at a time per target system, sys-a-01 failed
      const { sim, clock } = virtualSimulator(smallTopology({ simulation, maxRemoteRestarts: 1 }));
      await simFailHost("sys-a-01", { store: sim.store });
      for (const volumeId of [...volumesOf(1), ...volumesOf(2)]) await sim.storage.mapVolume({ volumeId, hostId: "sys-a-02", via: "npiv" });
      // WHEN both of its LPARs restart on sys-a-02 at once THEN the second waits for the first
      const t0 = clock.now();
      const restart = (n: number) => sim.compute.remoteRestart({ lparId: `lpar-0000${n}`, targetSystemId: "sys-a-02", volumeIds: volumesOf(n) });
      const times = (await finishTimes(clock, [restart(1), restart(2)])).map((t) => t - t0);
      assert.deepEqual(times, [100_000, 200_000]);
    });

    it("limits jobs per HMC", async () => {
      const { sim, clock } = virtualSimulator(smallTopology({ simulation, hmcMaxConcurrentJobs: 1 }));
      const off = (n: number) => sim.compute.powerOff(`lpar-0000${n}`, true);
      // lpar 1-4 are on site a's HMC, lpar 5 on site b's: only the first four queue
      assert.deepEqual(await finishTimes(clock, [off(1), off(3), off(5), off(2)]), [2000, 4000, 2000, 6000]);
    });

    it("refuses with a transient busy error when whenBusy is refuse", async () => {
      const { sim } = virtualSimulator(smallTopology({ simulation: { ...simulation, whenBusy: "refuse" } }));
      const map = (volumeId: string) => sim.storage.mapVolume({ volumeId, hostId: "sys-a-02", via: "npiv" });
      const [first, second] = await Promise.allSettled([map("vol-00001-1"), map("vol-00001-2")]);
      assert.equal(first.status, "fulfilled");
      assert.equal(second.status, "rejected");
      const err = (second as PromiseRejectedResult).reason as AdapterError;
      assert.equal(err.failure, "transient");
      assert.match(err.message, /busy: storage:svc-a1/);
      // AND once the first is done the retry goes through
      await map("vol-00001-2");
    });
  });

  describe("latencies", () => {
    async function durations(seed: number, order: string[]): Promise<Record<string, number>> {
      const { sim, clock } = virtualSimulator(smallTopology({ seed }));
      const out: Record<string, number> = {};
      for (const volumeId of order) {
        const t0 = clock.now();
        await sim.storage.mapVolume({ volumeId, hostId: "sys-a-02", via: "vscsi", vios: "vios1" });
        out[volumeId] = Math.round((clock.now() - t0) * 1000);
      }
      return out;
    }

    it("draws the same duration for the same (seed, operation, object, attempt) whatever the order", async () => {
      const vols = ["vol-00001-1", "vol-00001-2", "vol-00002-1", "vol-00002-2"];
      const forward = await durations(7, vols);
      const backward = await durations(7, [...vols].reverse());
      assert.deepEqual(forward, backward);
      // AND durations vary between objects and seeds
      assert.ok(new Set(Object.values(forward)).size > 1);
      assert.notDeepEqual(await durations(8, vols), forward);
    });

    it("keeps the OS 'Starting' for the boot latency after a power on", async () => {
      const { sim, clock } = virtualSimulator(smallTopology({ simulation: { latencies: { fenceLpar: fixed(1), powerOnLpar: fixed(30), bootLpar: fixed(180) } } }));
      await sim.compute.powerOff("lpar-00001", true);
      const t0 = clock.now();
      await sim.compute.powerOn("lpar-00001");
      assert.equal(clock.now() - t0, 30_000);
      assert.equal((await sim.compute.getLpar("lpar-00001")).state, "Starting");
      await sim.compute.waitUntilRunning("lpar-00001");
      assert.equal(clock.now() - t0, 210_000);
      assert.equal((await sim.compute.getLpar("lpar-00001")).state, "Running");
    });
  });

  describe("per-system latencies", () => {
    it("draws the operations run on a system from its own latencies, the others from the topology's", async () => {
      // GIVEN sys-a-02 with its own fence and restart latencies, and the topology's for the others
      const { sim, clock } = virtualSimulator(
        smallTopology({
          simulation: {
            latencies: { fenceLpar: fixed(2), remoteRestart: fixed(100), bootLpar: fixed(60), mapVolume: fixed(0) },
            systemLatencies: { "sys-a-02": { fenceLpar: fixed(7), remoteRestart: fixed(250) } },
          },
        }),
      );
      // WHEN an LPAR of each system on site a is fenced THEN sys-a-02's takes its own 7 s
      const t0 = clock.now();
      assert.deepEqual((await finishTimes(clock, [sim.compute.powerOff("lpar-00001", true), sim.compute.powerOff("lpar-00003", true)])).map((t) => t - t0), [2000, 7000]);
      // AND a restart onto sys-a-02 takes its 250 s, the boot there the topology's 60 s
      await simFailHost("sys-a-01", { store: sim.store });
      for (const volumeId of volumesOf(1)) await sim.storage.mapVolume({ volumeId, hostId: "sys-a-02", via: "npiv" });
      const t1 = clock.now();
      await sim.compute.remoteRestart({ lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: volumesOf(1) });
      assert.equal(clock.now() - t1, 250_000);
      await sim.compute.waitUntilRunning("lpar-00001");
      assert.equal(clock.now() - t1, 310_000);
    });
  });

  describe("faults", () => {
    it("fails named operations permanently", async () => {
      const { sim } = virtualSimulator(smallTopology({ simulation: { faults: { permanent: ["powerOff:lpar-00001"] } } }));
      await assert.rejects(sim.compute.powerOff("lpar-00001", true), (e: unknown) => e instanceof AdapterError && e.failure === "fatal");
      assert.equal((await sim.compute.powerOff("lpar-00002", true)).alreadyDone, false);
      // AND a fence that cannot power the LPAR off is a conflict, never a success
      const fenced = virtualSimulator(smallTopology({ simulation: { faults: { permanent: ["fenceLpar:lpar-00001"] } } }));
      await assert.rejects(fenced.sim.compute.fenceLpar("lpar-00001", "sys-a-01"), (e: unknown) => e instanceof AdapterError && e.failure === "conflict" && /not fenced/.test(e.message));
    });

    it("injects transient errors with a seeded probability, per attempt", async () => {
      async function outcomes(seed: number): Promise<string> {
        const { sim } = virtualSimulator(smallTopology({ seed, simulation: { faults: { transientProbability: 0.5 } } }));
        let out = "";
        for (let i = 0; i < 16; i++) {
          try {
            await sim.storage.mapVolume({ volumeId: "vol-00001-1", hostId: "sys-a-02", via: "npiv" });
            await sim.storage.unmapVolume({ volumeId: "vol-00001-1", hostId: "sys-a-02", via: "npiv" });
            out += "o";
          } catch (err) {
            assert.ok(AdapterError.isTransient(err));
            out += "x";
          }
        }
        return out;
      }
      const a = await outcomes(3);
      assert.equal(await outcomes(3), a);
      assert.match(a, /o/);
      assert.match(a, /x/);
    });

    it("fails jobs part way through with a seeded probability: the attempt costs part of its time, changes nothing, and a retry can succeed", async () => {
      // GIVEN 100 s restarts whose attempts fail part way through half the time (from after the maps)
      const latencies = { remoteRestart: fixed(100), mapVolume: fixed(0), bootLpar: fixed(0) };
      async function ready() {
        const w = virtualSimulator(smallTopology({ seed: 5, simulation: { latencies } }));
        await simFailHost("sys-a-01", { store: w.sim.store });
        for (const volumeId of volumesOf(1)) await w.sim.storage.mapVolume({ volumeId, hostId: "sys-a-02", via: "npiv" });
        await simSetFaults({ midJobProbability: 0.5 }, { store: w.sim.store });
        return w;
      }
      const { sim, clock } = await ready();
      const restart = (s: typeof sim) => s.compute.remoteRestart({ lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: volumesOf(1) });
      // WHEN the restart is attempted until it succeeds
      const attempts: { ok: boolean; seconds: number }[] = [];
      for (let i = 0; i < 20 && !attempts.some((a) => a.ok); i++) {
        const started = clock.now();
        try {
          await restart(sim);
          attempts.push({ ok: true, seconds: (clock.now() - started) / 1000 });
        } catch (err) {
          assert.ok(AdapterError.isTransient(err) && /part way through the job/.test((err as Error).message), String(err));
          // THEN a failed attempt took less than the whole job and left the LPAR where it was
          assert.equal((await sim.compute.getLpar("lpar-00001")).host, "sys-a-01");
          attempts.push({ ok: false, seconds: (clock.now() - started) / 1000 });
        }
      }
      assert.ok(attempts.some((a) => !a.ok), JSON.stringify(attempts));
      for (const a of attempts.filter((x) => !x.ok)) assert.ok(a.seconds >= 0 && a.seconds < 100, JSON.stringify(a));
      // AND the attempt that succeeded took the whole job and moved the LPAR
      assert.deepEqual(attempts[attempts.length - 1], { ok: true, seconds: 100 });
      assert.equal((await sim.compute.getLpar("lpar-00001")).host, "sys-a-02");
      // AND the same seed gives the same first attempt
      const again = await ready();
      const first = again.clock.now();
      const firstOk = await restart(again.sim).then(() => true, () => false);
      assert.deepEqual([firstOk, (again.clock.now() - first) / 1000], [attempts[0].ok, attempts[0].seconds]);
    });

    it("crashes a host at its simulated time, failing a restart that targets it", async () => {
      // GIVEN sys-a-02 crashes 50 s after init, and a 100 s restart onto it starts at once
      const { sim, clock } = virtualSimulator(smallTopology({ simulation: { latencies: { remoteRestart: fixed(100), mapVolume: fixed(0) }, faults: { hostCrashes: [{ host: "sys-a-02", atSeconds: 50 }] } } }));
      await simFailHost("sys-a-01", { store: sim.store });
      for (const volumeId of volumesOf(1)) await sim.storage.mapVolume({ volumeId, hostId: "sys-a-02", via: "npiv" });
      const restart = sim.compute.remoteRestart({ lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: volumesOf(1) });
      // THEN the job fails when it ends, with the crash as its reason
      await assert.rejects(restart, (e: unknown) => e instanceof AdapterError && e.failure === "transient" && /went down during the remote restart/.test(e.message));
      assert.equal(clock.now(), 100_000);
      const st = await simStatus({ store: sim.store });
      assert.deepEqual(st.managedSystemsByState, { Error: 2, Operating: 2 });
      assert.equal((await sim.compute.getLpar("lpar-00003")).state, "Error");
      assert.equal((await sim.compute.getLpar("lpar-00001")).host, "sys-a-01");
    });

    it("changes faults on a live simulator", async () => {
      const { sim, clock } = virtualSimulator();
      await simSetFaults({ permanent: ["mapVolume:vol-00001-1"], hostCrashes: [{ host: "sys-b-02", atSeconds: 10 }, { host: "sys-b-01", atSeconds: 20 }] }, { store: sim.store });
      await assert.rejects(sim.storage.mapVolume({ volumeId: "vol-00001-1", hostId: "sys-a-02", via: "npiv" }), /injected permanent failure/);
      await clock.sleep(10_000);
      assert.deepEqual((await simStatus({ store: sim.store })).managedSystemsByState, { Operating: 3, Error: 1 });
      // WHEN the later crash is withdrawn before its time THEN it never happens, and the past one is not repeated
      await simSetFaults({ hostCrashes: [{ host: "sys-b-02", atSeconds: 10 }] }, { store: sim.store });
      await simRepair("sys-b-02", { store: sim.store });
      await clock.sleep(20_000);
      assert.deepEqual((await simStatus({ store: sim.store })).managedSystemsByState, { Operating: 4 });
      assert.equal((await sim.storage.mapVolume({ volumeId: "vol-00001-1", hostId: "sys-a-02", via: "npiv" })).alreadyDone, false);
      await assert.rejects(simSetFaults({ hostCrashes: [{ host: "nope", atSeconds: 1 }] }, { store: sim.store }), /`simulation.faults.hostCrashes\[0\].host` "nope" is not a managed system/);
      await assert.rejects(simSetFaults({ transientProbability: 2 }, { store: sim.store }), /`simulation.faults.transientProbability` must be <= 1, got 2/);
      // AND `vmr sim faults` flags translate to the same faults, or name the bad flag
      assert.deepEqual(parseFaultFlags({ transient: "0.5", midJob: "0.1", permanent: ["powerOn:lpar-00002"], crash: ["sys-a-01@60"] }), {
        transientProbability: 0.5,
        midJobProbability: 0.1,
        permanent: ["powerOn:lpar-00002"],
        hostCrashes: [{ host: "sys-a-01", atSeconds: 60 }],
      });
      assert.throws(() => parseFaultFlags({ crash: ["sys-a-01"] }), /`--crash` must be HOST@SECONDS/);
      assert.throws(() => parseFaultFlags({ midJob: "often" }), /`--mid-job` must be a probability between 0 and 1, got "often"/);
      await assert.rejects(simSetFaults({ midJobProbability: -0.1 }, { store: sim.store }), /`simulation.faults.midJobProbability` must be >= 0, got -0.1/);
    });
  });
});
