// The state directory shared by processes: no lost update under 8 concurrent writers, jobs that
// complete after their client is killed, the log folded into snapshots, torn lines, bad input.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as sinon from "sinon";
import Ajv from "ajv";
import { ValidationError } from "../../../provider/errors";
import { loadSchema } from "../../../provider/validation";
import { topologyIssues } from "../../../provider/validation/topology-rules";
import { openSimulator } from "../../../provider/adapters/simulator";
import { simFailHost, simFailSite, simInit, simRepair, simStatus } from "../../../provider/adapters/simulator/control";
import { FileStateStore } from "../../../provider/adapters/simulator/file-store";
import { WallClock } from "../../../provider/clock";
import { smallTopology, volumesOf } from "./fixture";
import { generateTopology, SimulatorComputeAdapter, SimulatorStorageAdapter } from "../../../provider/adapters/simulator";

const WORKER = path.join(__dirname, "sim-worker.js");

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [WORKER, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe("simulator state directory", function () {
  this.timeout(60_000);
  let sandbox: sinon.SinonSandbox;
  let dir: string;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-sim-"));
  });
  afterEach(() => {
    sandbox.restore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("loses no update when 8 processes do 200 operations each", async () => {
    // GIVEN 1,600 replica volumes at site b and a fast clock
    const topology = generateTopology({ sites: 2, hostsPerSite: 2, lparsPerHost: 200, lunsPerLpar: 4, simulation: { timeScale: 1e-6 } });
    await simInit({ topology, stateDir: dir });
    const before = await simStatus({ stateDir: dir });
    // WHEN 8 processes map 200 of them each to sys-b-01, all at once
    const results = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((w) => run(["map", dir, String(w), "200"])));
    // THEN every process succeeded and all 1,600 mappings are there, from a cold read too
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const store = new FileStateStore(dir, new WallClock());
    store.forget();
    const mapped = await store.read((s) => {
      let n = 0;
      for (const [volume, list] of s.mappings) if (volume.endsWith("-r") && list.some((m) => m.host === "sys-b-01")) n++;
      return n;
    });
    assert.equal(mapped, 1600);
    const after = await simStatus({ stateDir: dir });
    assert.equal(after.hostMappings - before.hostMappings, 1600);
    assert.equal(after.jobsInFlight.total, 0);
  });

  it("completes an accepted job after its client is killed", async () => {
    // GIVEN a 300 s remote restart at 1 ms per simulated second, onto a prepared target
    await simInit({ topology: smallTopology({ simulation: { latencies: { remoteRestart: { medianSeconds: 300, p95Seconds: 300 }, bootLpar: { medianSeconds: 1 } } } }), stateDir: dir });
    await simFailHost("sys-a-01", { stateDir: dir });
    const sim = await openSimulator({ stateDir: dir });
    for (const volumeId of volumesOf(1)) await sim.storage.mapVolume({ volumeId, hostId: "sys-a-02", via: "npiv" });
    // WHEN a client starts it and is killed -9 once the job is recorded
    const child = spawn(process.execPath, [WORKER, "restart", dir, "lpar-00001", "sys-a-02", ...volumesOf(1)], { stdio: "ignore" });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    let inFlight = 0;
    for (let i = 0; i < 400 && inFlight === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      inFlight = (await simStatus({ stateDir: dir })).jobsInFlight.byOperation.remoteRestart ?? 0;
    }
    assert.equal(inFlight, 1, "the child's job never showed up");
    child.kill("SIGKILL");
    await exited;
    assert.equal((await sim.compute.getLpar("lpar-00001")).host, "sys-a-01", "still in progress when the client died");
    // THEN the job completes anyway: waiting on the LPAR sees it start and run on the target
    await sim.compute.waitUntilRunning("lpar-00001");
    const lpar = await sim.compute.getLpar("lpar-00001");
    assert.deepEqual([lpar.host, lpar.state], ["sys-a-02", "Running"]);
    // AND a retry by a resumed executor is a no-op
    assert.equal((await sim.compute.remoteRestart({ lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: volumesOf(1) })).alreadyDone, true);
  });

  it("folds its log into a new snapshot and reads the same state after", async () => {
    await simInit({ topology: smallTopology({ simulation: { timeScale: 1e-6 } }), stateDir: dir });
    const store = new FileStateStore(dir, new WallClock(), { minCompactBytes: 4096 });
    const compute = new SimulatorComputeAdapter(store, 1e-6);
    const storage = new SimulatorStorageAdapter(store, 1e-6);
    // WHEN more operations are logged than the snapshot is large (about 26 kB)
    for (let round = 0; round < 100; round++) {
      await compute.setRemoteRestartCapable("lpar-00001", round % 2 === 0);
      await storage.mapVolume({ volumeId: "vol-00001-1", hostId: "sys-a-02", via: "npiv" });
      await storage.unmapVolume({ volumeId: "vol-00001-1", hostId: "sys-a-02", via: "npiv" });
    }
    // THEN a later generation holds it, and a cold reader agrees with the warm one
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "sim.json"), "utf8"));
    assert.ok(manifest.generation > 1, `generation ${manifest.generation}`);
    // (the generation before it is kept: a damaged snapshot is rebuilt from it)
    assert.deepEqual(new Set(fs.readdirSync(dir).filter((f) => f.startsWith("state-"))), new Set([`state-${manifest.generation - 1}.json`, `state-${manifest.generation}.json`]));
    const warm = await simStatus({ stateDir: dir });
    const coldStore = new FileStateStore(dir, new WallClock());
    coldStore.forget();
    const cold = await coldStore.read((s) => [s.lpars.get("lpar-00001")!.remoteRestartCapable, s.attempts.get("mapVolume:vol-00001-1")]);
    assert.deepEqual(cold, [false, 100]);
    assert.equal((await simStatus({ stateDir: dir })).hostMappings, warm.hostMappings);
  });

  it("writes files that follow schemas/sim-state.schema.json", async () => {
    // GIVEN a restart in flight (a job, its slots, an attempt) and a few log lines
    await simInit({ topology: smallTopology({ simulation: { latencies: { remoteRestart: { medianSeconds: 200 } } } }), stateDir: dir });
    await simFailHost("sys-a-01", { stateDir: dir });
    const sim = await openSimulator({ stateDir: dir });
    for (const volumeId of volumesOf(1)) {
      await sim.storage.mapVolume({ volumeId, hostId: "sys-a-02", via: "vscsi", vios: "vios1" });
      await sim.compute.attachVirtualDisk({ volumeId, hostId: "sys-a-02", vios: "vios1" });
    }
    const restart = sim.compute.remoteRestart({ lparId: "lpar-00001", targetSystemId: "sys-a-02", volumeIds: volumesOf(1) });
    while ((await simStatus({ stateDir: dir })).jobsInFlight.total === 0) await new Promise((r) => setTimeout(r, 5));
    const logLines = fs.readFileSync(path.join(dir, "log-1.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    // WHEN the log is folded into a snapshot while the job runs
    await new FileStateStore(dir, new WallClock()).compact();
    // THEN manifest, snapshot (with its topology) and log lines all validate
    const ajv = new Ajv({ strict: false, allErrors: true });
    const schema = loadSchema("sim-state");
    ajv.addSchema(schema);
    const id = schema.$id as string;
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "sim.json"), "utf8"));
    assert.ok(ajv.validate(`${id}#/definitions/SimulatorManifest`, manifest), ajv.errorsText());
    assert.equal(manifest.generation, 2);
    const snapshot = JSON.parse(fs.readFileSync(path.join(dir, "state-2.json"), "utf8"));
    assert.ok(ajv.validate(id, snapshot), ajv.errorsText());
    assert.equal(snapshot.runtime.jobs.length, 1);
    assert.deepEqual(topologyIssues(snapshot.topology), []);
    for (const line of logLines) assert.ok(ajv.validate(`${id}#/definitions/SimulatorLogEntry`, line), ajv.errorsText());
    assert.deepEqual([...new Set(logLines.map((l) => l.k))].sort(), ["crash", "job"]);
    await restart;
  });

  it("ignores a torn last log line and cuts it off before the next write", async () => {
    await simInit({ topology: smallTopology({ simulation: { timeScale: 1e-6 } }), stateDir: dir });
    const sim = await openSimulator({ stateDir: dir });
    await sim.compute.setRemoteRestartCapable("lpar-00001", false);
    const log = path.join(dir, "log-1.jsonl");
    fs.appendFileSync(log, '{"k":"capable","at":1,"lparId":"lpar-00002","capa');
    const store = new FileStateStore(dir, new WallClock());
    store.forget();
    assert.equal((await sim.compute.getLpar("lpar-00002")).remoteRestartCapable, true);
    await sim.compute.setRemoteRestartCapable("lpar-00003", false);
    const lines = fs.readFileSync(log, "utf8").trim().split("\n");
    assert.deepEqual(lines.map((l) => JSON.parse(l).lparId), ["lpar-00001", "lpar-00003"]);
  });

  it("writes nothing for an invalid topology and names each bad field", async () => {
    // GIVEN a topology with a negative memory and a dangling reference
    const topology = smallTopology();
    topology.managedSystems[3].memoryGb = -4;
    topology.lpars[0].host = "sys-zz";
    const target = path.join(dir, "state");
    // WHEN it is loaded THEN the schema error names the field, value and bound
    await assert.rejects(simInit({ topology, stateDir: target }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, /`managedSystems\[3\]\.memoryGb` must be > 0, got -4/);
      return true;
    });
    topology.managedSystems[3].memoryGb = 4;
    // AND with the shape fixed, the cross-field rules report every failure together
    await assert.rejects(simInit({ topology, stateDir: target }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      const paths = err.issues.map((i) => i.path);
      assert.ok(paths.includes("lpars[0].host"), paths.join(", "));
      assert.ok(paths.includes("managedSystems[3].memoryGb"), paths.join(", "));
      assert.match(err.message, /`lpars\[0\]\.host` refers to managed system "sys-zz", which is not in `managedSystems`/);
      return true;
    });
    assert.equal(fs.existsSync(target), false);
  });

  it("fails a site and repairs it: systems, LPARs, storage and replication", async () => {
    await simInit({ topology: smallTopology(), stateDir: dir });
    await simFailHost("sys-a-01", { stateDir: dir });
    const lost = await simFailSite("site-b", { stateDir: dir });
    assert.deepEqual(lost, { managedSystems: ["sys-b-01", "sys-b-02"], storageSystems: ["svc-b1"] });
    let st = await simStatus({ stateDir: dir });
    assert.deepEqual([st.managedSystemsByState, st.storageSystemsOffline, st.consistencyGroupsByState], [{ Error: 3, Operating: 1 }, ["svc-b1"], { consistent_disconnected: 8 }]);
    await simRepair("site-b", { stateDir: dir });
    await simRepair("sys-a-01", { stateDir: dir });
    st = await simStatus({ stateDir: dir });
    assert.deepEqual([st.managedSystemsByState, st.lparsByState, st.consistencyGroupsByState], [{ Operating: 4 }, { "Not Activated": 6, Running: 2 }, { consistent_synchronized: 8 }]);
    await assert.rejects(simFailHost("sys-nope", { stateDir: dir }), /"sys-nope" is not a managed system: use one of sys-a-01/);
    await assert.rejects(simRepair("nowhere", { stateDir: dir }), /is not a managed system or site/);
  });

  it("refuses to replace existing state without force, and reports an uninitialised directory", async () => {
    await simInit({ topology: "preset:small", stateDir: dir });
    await assert.rejects(simInit({ topology: "preset:small", stateDir: dir }), /already holds simulator state: pass --force/);
    await simInit({ topology: "preset:small", stateDir: dir, force: true, seed: 9 });
    await assert.rejects(simStatus({ stateDir: path.join(dir, "nothing") }), /holds no simulator state: create it with `vmr sim init/);
  });
});
