// `vmr failover` end to end, as an operator runs it: examples/basic brought up on the real Pulumi
// engine against the simulator, a server crashes (`vmr sim fail-host`), `vmr failover` plans,
// runs and journals the recovery, then refreshes the stack.
import { strict as assert } from "assert";
import * as path from "path";
import { openSimulator } from "../../provider/adapters/simulator";
import { listRuns } from "../../provider/executor/run-store";
import { knownStacks } from "../../provider/run-store/file-store";
import { readJournal } from "../../provider/executor/journal/read-journal";
import { deployExample, REPO_ROOT, runVmr, startEngine, stateFile, type Engine } from "./engine";
import { stateResource } from "./helpers";


describe("vmr failover on examples/basic (real engine)", function () {
  let engine: Engine;
  let dir: string;
  let simDir: string;

  const vmr = (args: string[]) => runVmr(engine, dir, args);

  before(async function () {
    engine = startEngine();
    ({ dir, simDir } = await deployExample(engine, path.join(REPO_ROOT, "examples", "basic")));
  });
  after(() => engine?.dispose());

  it("recovers every VM of a failed server at its target, maps each volume once, and refreshes the stack", async () => {
    // GIVEN server a-01 crashes
    const crashed = await vmr(["sim", "fail-host", "a-01", "--state", simDir]);
    assert.equal(crashed.code, 0, crashed.stderr);
    // WHEN the operator fails it over
    const r = await vmr(["failover", "--stack", "dev", "--failed-host", "a-01", "--yes", "--json"]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const out = JSON.parse(r.stdout);
    // THEN every affected VM recovered, at its planned target, running
    assert.equal(out.result.status, "succeeded");
    assert.ok(out.plan.placements.length >= 1);
    const sim = await openSimulator({ stateDir: simDir });
    const [{ lpars }, { hostMappings }] = await Promise.all([sim.compute.inventory(), sim.storage.inventory()]);
    await sim.close();
    for (const p of out.plan.placements as { lpar: string; target: string; volumes: { attach: string }[] }[]) {
      const vm = out.result.vms.find((v: { lpar: string }) => v.lpar === p.lpar);
      assert.deepEqual([vm.status, vm.target], ["recovered", p.target]);
      const lpar = lpars.find((l) => l.id === p.lpar)!;
      assert.deepEqual([lpar.host, lpar.state], [p.target, "Running"], p.lpar);
      // AND each volume it uses is mapped exactly once, to that target
      for (const v of p.volumes) assert.deepEqual(hostMappings.filter((m) => m.volume === v.attach).map((m) => m.host), [p.target], v.attach);
    }
    // AND the run is journaled, each step started once
    // (in the per-user run store, keyed by the stack's identity, not in the program's directory)
    const stores = knownStacks(engine.env);
    assert.deepEqual(stores.map((s) => [s.identity.project, s.identity.stack, s.identity.backend.startsWith("file://")]), [["vmr-basic", "dev", true]]);
    const [run] = listRuns(stores[0].runsDir);
    assert.equal(run.finished?.status, "succeeded");
    const starts = readJournal(run.journalFile).records.filter((x) => x.type === "step-started").map((x) => (x as { stepId: string }).stepId);
    assert.equal(new Set(starts).size, starts.length);
    // AND the stack was refreshed: the state shows where the VMs run now
    assert.ok(out.refresh, `no refresh: ${out.refreshError}`);
    const state = stateFile(engine, "vmr-basic", "dev");
    const members = stateResource(state, "db").outputs.members as { lpar: string; site: string }[];
    const dbMoved = (out.plan.placements as { lpar: string }[]).filter((p) => p.lpar.startsWith("db-"));
    assert.ok(dbMoved.length > 0, "the failed server held a database VM");
    for (const p of dbMoved) assert.equal(members.find((x) => x.lpar === p.lpar)?.site, "site-b", `${p.lpar} in the refreshed state`);
    // AND there is nothing left to resume
    const resume = await vmr(["failover", "--stack", "dev", "--resume", "--yes"]);
    assert.equal(resume.code, 2);
    assert.match(resume.stderr, /no unfinished run of stack dev/);
  });
});
