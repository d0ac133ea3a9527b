// A drill process that is killed mid-run leaves drill LPARs and FlashCopy groups behind;
// `vmr drill --cleanup` finds them (journal + inventory) and removes them. A drill interrupted with
// Ctrl-C (SIGINT) cleans up after itself. Production is untouched either way. Real processes over
// a simulator state directory, as an operator would run them.
import { strict as assert } from "assert";
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as sinon from "sinon";
import { openSimulator } from "../../provider/adapters/simulator";
import { simInit } from "../../provider/adapters/simulator/control";
import { smallWorld, stackExportOf } from "../unit/drill/world";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const VMR = path.join(REPO_ROOT, "bin", "provider", "cli", "main.js");

async function inventory(stateDir: string): Promise<{ drill: string[]; production: unknown }> {
  const sim = await openSimulator({ stateDir });
  try {
    const [c, s] = await Promise.all([sim.compute.inventory(), sim.storage.inventory()]);
    const fcTargets = new Set(s.flashCopyGroups.flatMap((g) => g.maps.map((m) => m.target)));
    return {
      drill: [...c.lpars.filter((l) => l.drillOf !== undefined).map((l) => `lpar ${l.id}`), ...s.flashCopyGroups.map((g) => `fcg ${g.name}`)],
      production: {
        lpars: c.lpars.filter((l) => l.drillOf === undefined).map((l) => [l.id, l.host, l.state, l.network]),
        mappings: s.hostMappings.filter((m) => !fcTargets.has(m.volume)),
        consistencyGroups: s.consistencyGroups,
      },
    };
  } finally {
    await sim.close();
  }
}

/** Resolves once the drill's journal records that a copy has started. */
async function copyStarted(runsDir: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the drill ended (exit ${child.exitCode}) before a copy started`);
    const runs = fs.existsSync(runsDir) ? fs.readdirSync(runsDir).filter((d) => /^\d/.test(d)) : [];
    for (const run of runs) {
      const journal = path.join(runsDir, run, "journal.jsonl");
      if (fs.existsSync(journal) && /"type":"step-completed","stepId":"StartDrillLpar/.test(fs.readFileSync(journal, "utf8"))) return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("no copy started within 30 s");
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on("exit", (code) => resolve(code))));
}

describe("drill interruption (processes over a simulator state directory)", function () {
  this.timeout(120_000);
  let sandbox: sinon.SinonSandbox;
  let dir: string;
  let stateDir: string;
  let stackFile: string;
  let runsDir: string;

  beforeEach(async () => {
    sandbox = sinon.createSandbox();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-drill-kill-"));
    stateDir = path.join(dir, "sim");
    runsDir = path.join(dir, "runs");
    const world = smallWorld();
    // Slow enough (10 ms per simulated second) that the drill is still running when it is killed.
    await simInit({ topology: { ...world.topology, simulation: { ...world.topology.simulation, timeScale: 0.01 } }, stateDir, force: true });
    const model = { ...world.model, targets: world.model.targets.map((t) => ({ ...t, adapter: { type: "simulator" as const, stateDir } })) };
    stackFile = path.join(dir, "stack.json");
    fs.writeFileSync(stackFile, JSON.stringify(stackExportOf(model)));
  });
  afterEach(() => {
    sandbox.restore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("after the drill process is killed, `vmr drill --cleanup` leaves nothing behind", async () => {
    // GIVEN production as it is, and a drill process that is killed once a copy runs
    const before = await inventory(stateDir);
    assert.deepEqual(before.drill, []);
    const child = spawn(process.execPath, [VMR, "drill", "--stack-file", stackFile, "--runs-dir", runsDir], { cwd: dir, stdio: "ignore" });
    await copyStarted(runsDir, child);
    // (a cleanup while the drill still runs is refused: its copies are not leftovers)
    const early = spawnSync(process.execPath, [VMR, "drill", "--cleanup", "--stack-file", stackFile, "--runs-dir", runsDir], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    assert.equal(early.status, 3, early.stdout + early.stderr);
    assert.match(early.stderr, /locked/);
    child.kill("SIGKILL");
    await exited(child);
    const left = await inventory(stateDir);
    assert.ok(left.drill.some((d) => d.startsWith("lpar ")), `the killed drill left copies: ${left.drill.join(", ")}`);
    assert.ok(left.drill.some((d) => d.startsWith("fcg ")));
    // WHEN the operator runs the cleanup
    const cleanup = spawnSync(process.execPath, [VMR, "drill", "--cleanup", "--stack-file", stackFile, "--runs-dir", runsDir], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    // THEN it says what it removed, and nothing of the drill is left while production is as before
    assert.equal(cleanup.status, 0, cleanup.stdout + cleanup.stderr);
    assert.match(cleanup.stdout, /looked at unfinished drill runs?: \d{8}T/);
    assert.match(cleanup.stdout, /removed drill LPAR /);
    assert.match(cleanup.stdout, /cleanup complete: \d+ objects? removed/);
    const after = await inventory(stateDir);
    assert.deepEqual(after.drill, []);
    assert.deepEqual(after.production, before.production);
    // AND a second cleanup finds nothing to do
    const again = spawnSync(process.execPath, [VMR, "drill", "--cleanup", "--stack-file", stackFile, "--runs-dir", runsDir], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /nothing left to clean up/);
  });

  it("on Ctrl-C (SIGINT) the drill cleans up after itself and exits 1", async () => {
    const before = await inventory(stateDir);
    let stdout = "";
    const child = spawn(process.execPath, [VMR, "drill", "--stack-file", stackFile, "--runs-dir", runsDir], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (d) => (stdout += d));
    await copyStarted(runsDir, child);
    child.kill("SIGINT");
    const code = await exited(child);
    assert.equal(code, 1, stdout);
    assert.match(stdout, /INTERRUPTED/);
    assert.match(stdout, /FAIL {2}notInterrupted/);
    const after = await inventory(stateDir);
    assert.deepEqual(after.drill, []);
    assert.deepEqual(after.production, before.production);
  });
});
