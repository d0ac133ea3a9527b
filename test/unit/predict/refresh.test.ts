// Calibration from recorded drills: the runs a drill leaves are fitted into the stack's stored
// profile, which the next prediction for that stack draws from and names.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { createInMemorySimulator } from "../../../provider/adapters/simulator";
import { drill } from "../../../provider/drill/run";
import { parseDrill } from "../../../provider/drill/file";
import { ValidationError } from "../../../provider/errors";
import { profileFor } from "../../../provider/predict/profile-file";
import { calibrateStack } from "../../../provider/predict/refresh";
import { FileRunStore } from "../../../provider/run-store/file-store";
import { validate } from "../../../provider/validation";
import { smallWorld } from "../drill/world";

const main = path.resolve(__dirname, "..", "..", "..", "provider", "cli", "main.js");

describe("predict/refresh: calibrating a stack from its drills", function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-calibrate-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("fits the stack's drills into its stored profile, which the next prediction for the stack draws from and names", async () => {
    // GIVEN two drills of the small world, recorded under one runs directory
    const world = smallWorld();
    const model = { ...world.model, stack: "calib" };
    const runsDir = path.join(dir, "runs");
    for (let i = 0; i < 2; i++) {
      const sim = createInMemorySimulator(world.topology, { timeScale: 0.001 });
      try {
        await drill({ source: { model }, drillFile: parseDrill({ version: 1, name: "site-loss", scenario: { failedSite: "site-a" } }), runsDir, openAdapters: async () => ({ compute: sim.compute, storage: sim.storage }) });
      } finally {
        await sim.close();
      }
    }
    // WHEN the stack is calibrated with a low sample threshold
    const store = new FileRunStore(runsDir, "calib");
    const { where, profile } = await calibrateStack({ stack: "calib", store, minSamples: 5 });
    // THEN the profile is kept in the stack's run store, beside its runs, valid, and says what it came from
    assert.equal(where, path.join(runsDir, "latency-profile.json"));
    assert.deepEqual(validate("latency-profile", JSON.parse((await store.getProfile())!)), []);
    assert.deepEqual((await store.listRuns()).length, 2, "the profile is not taken for a run");
    assert.equal(profile.runs.length, 2);
    assert.ok(profile.operations.bootLpar.samples >= 10);
    // AND a prediction for the stack draws from it and names it with its sample count
    const used = await profileFor("calib", { store: new FileRunStore(runsDir, "calib") });
    assert.match(used.name, /^calibrated for calib on \d{4}-\d\d-\d\d from 2 runs/);
    assert.ok(used.samples > 0);
    assert.equal(used.operations.bootLpar.medianSeconds, profile.operations.bootLpar.medianSeconds);
  });

  it("refuses to calibrate a stack without runs, and vmr calibrate exits 2 saying so", async () => {
    await assert.rejects(calibrateStack({ stack: "none", store: new FileRunStore(path.join(dir, "runs"), "none") }), (e: unknown) => e instanceof ValidationError && /no finished run of stack "none"/.test(e.message));
    const r = spawnSync(process.execPath, [main, "calibrate", "--stack", "none", "--runs-dir", path.join(dir, "runs")], { encoding: "utf8", env: { ...process.env, VMR_STATE_HOME: path.join(dir, "state") } });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /no finished run of stack "none"/);
  });
});
