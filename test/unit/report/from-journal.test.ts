// `vmr report RUN` rebuilds a recorded run's report from its journal (and a drill's outcome file),
// by run id, run directory or journal file; `--list` lists the runs.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as sinon from "sinon";
import { createInMemorySimulator } from "../../../provider/adapters/simulator";
import { drill, type DrillResult } from "../../../provider/drill/run";
import { report } from "../../../provider/report";
import { smallWorld } from "../drill/world";

const VMR = path.resolve(__dirname, "..", "..", "..", "provider", "cli", "main.js");

describe("report from a journal", function () {
  this.timeout(30_000);
  let sandbox: sinon.SinonSandbox;
  let dir: string;
  let runsDir: string;
  let recorded: DrillResult;

  before(async () => {
    sandbox = sinon.createSandbox();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-report-journal-"));
    runsDir = path.join(dir, "runs");
    const world = smallWorld();
    const sim = createInMemorySimulator(world.topology, { timeScale: 0.001 });
    // GIVEN a drill of the databases, recorded under runsDir
    recorded = await drill({ source: { model: world.model }, groups: ["databases"], runsDir, openAdapters: async () => ({ compute: sim.compute, storage: sim.storage }) });
  });
  after(() => {
    sandbox.restore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("rebuilds the drill's report, assertions and simulated times included, from the run id", async () => {
    const out = path.join(dir, "again");
    const written = await report({ run: recorded.runId, runsDir, outDir: out, formats: ["json", "md"] });
    assert.deepEqual(Object.keys(written.files).sort(), ["json", "md"]);
    const again = JSON.parse(fs.readFileSync(written.files.json!, "utf8")) as { timeScale?: number; makespanSeconds: number };
    assert.deepEqual(again, recorded.report);
    assert.ok((again.timeScale ?? 0) > 0 && again.makespanSeconds > 60, "times are simulated seconds, not milliseconds of wall time");
  });

  it("scales a run's times by a time scale given when the run did not record one", async () => {
    const scaled = await report({ run: recorded.runId, runsDir, outDir: path.join(dir, "scaled"), formats: ["json"], timeScale: recorded.report.timeScale! / 2 });
    assert.ok(Math.abs(scaled.report.makespanSeconds - 2 * recorded.report.makespanSeconds) <= 0.01, `${scaled.report.makespanSeconds} vs ${recorded.report.makespanSeconds}`);
  });

  it("reads the simulator's time scale from the journal itself, without a drill outcome file", async () => {
    // GIVEN only the journal of the run (a failover has no drill.json beside it)
    const alone = path.join(dir, "journal-only");
    fs.mkdirSync(alone);
    fs.copyFileSync(path.join(recorded.runDir, "journal.jsonl"), path.join(alone, "journal.jsonl"));
    // WHEN it is reported
    const fromJournal = await report({ run: alone, outDir: alone, formats: ["json"] });
    // THEN its times are simulated seconds, as in the drill's own report
    assert.equal(fromJournal.report.timeScale, recorded.report.timeScale);
    assert.equal(fromJournal.report.makespanSeconds, recorded.report.makespanSeconds);
  });

  it("accepts a run directory or a journal file, and names the run it cannot find", async () => {
    const byDir = await report({ run: recorded.runDir, outDir: path.join(dir, "d"), formats: ["json"] });
    const byFile = await report({ run: path.join(recorded.runDir, "journal.jsonl"), outDir: path.join(dir, "f"), formats: ["json"] });
    assert.equal(byDir.report.runId, recorded.runId);
    assert.equal(byFile.report.runId, recorded.runId);
    await assert.rejects(report({ run: "20990101T000000Z-none", runsDir }), /`RUN` "20990101T000000Z-none" is not a journal file, a run directory or a run id under/);
  });

  it("vmr report --list and vmr report RUN --format html", () => {
    const list = spawnSync(process.execPath, [VMR, "report", "--list", "--runs-dir", runsDir], { encoding: "utf8" });
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${recorded.runId}\\s+drill\\s+drill-test`));
    const out = path.join(dir, "cli");
    const one = spawnSync(process.execPath, [VMR, "report", recorded.runId, "--runs-dir", runsDir, "--out", out, "--format", "html"], { encoding: "utf8" });
    assert.equal(one.status, 0, one.stderr);
    assert.match(one.stdout, /^drill .*: succeeded, 3 VMs/);
    assert.ok(fs.existsSync(path.join(out, "report.html")));
    const bad = spawnSync(process.execPath, [VMR, "report", recorded.runId, "--runs-dir", runsDir, "--format", "pdf"], { encoding: "utf8" });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--format takes a comma-separated list of json, md, html/);
  });
});
