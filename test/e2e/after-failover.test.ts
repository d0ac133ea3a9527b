// After a failover: refreshing the stack shows where the VMs run now, and `pulumi up` of the
// unchanged program neither moves them back nor fails.
import { strict as assert } from "assert";
import * as path from "path";
import { openAdapters } from "../../provider/adapters";
import { simFailHost } from "../../provider/adapters/simulator/control";
import { failback, plannedFailover } from "../../provider/recovery/recover";
import { runPlan } from "../../provider/executor";
import { planStack } from "../../provider/live/planning";
import { refreshStack } from "../../provider/stack";
import { deployExample, REPO_ROOT, startEngine, stateFile, type Engine } from "./engine";
import { simLpars, stateResource } from "./helpers";
import { openSimulator } from "../../provider/adapters/simulator";

/** Per LPAR: every host mapping of its volumes, as volume@host/via/vios, sorted. */
async function simMappings(stateDir: string, lpars: readonly string[]): Promise<Map<string, string[]>> {
  const sim = await openSimulator({ stateDir });
  try {
    const [{ lpars: all }, { hostMappings }] = [await sim.compute.inventory(), await sim.storage.inventory()];
    const out = new Map<string, string[]>();
    for (const l of all.filter((x) => lpars.includes(x.id))) {
      out.set(l.id, hostMappings.filter((m) => l.volumes.includes(m.volume)).map((m) => `${m.volume}@${m.host}/${m.via}/${m.vios ?? "-"}`).sort());
    }
    return out;
  } finally {
    await sim.close();
  }
}

const FAILED_HOST_VMS = ["app-01", "app-04", "app-07", "app-10", "db-1"];

describe("examples/basic after a failover", function () {
  let engine: Engine;
  let dir: string;
  let simDir: string;

  before(async function () {
    engine = startEngine();
    ({ dir, simDir } = await deployExample(engine, path.join(REPO_ROOT, "examples", "basic")));
  });
  after(() => engine?.dispose());

  it("shows the VMs at the recovery site after refresh, and a later up keeps them there", async () => {
    // GIVEN the stack records db-1's home at `up`: a-01
    const homeOf = (s: ReturnType<typeof stateFile>, lpar: string) => (stateResource(s, "db").outputs.homes as { lpar: string; system: string }[] | undefined)?.find((h) => h.lpar === lpar);
    const home = homeOf(stateFile(engine, "vmr-basic", "dev"), "db-1");
    assert.equal(home?.system, "a-01");
    // AND server a-01 fails and its VMs are restarted at site-b
    const hostsBefore = await simLpars(simDir);
    await simFailHost("a-01", { stateDir: simDir });
    const access = { pulumiCommand: await engine.command(), envVars: engine.env };
    const plan = await planStack("failover", { stack: "dev", cwd: dir, failure: { failedHosts: ["a-01"] }, access });
    const adapters = await openAdapters({ type: "simulator", stateDir: simDir });
    try {
      const run = await runPlan(plan, adapters);
      const failed = run.steps.filter((s) => s.status !== "done");
      assert.equal(run.status, "succeeded", JSON.stringify(failed, null, 1));
    } finally {
      await Promise.all([adapters.compute.close(), adapters.storage.close()]);
    }
    const hostsNow = await simLpars(simDir);
    for (const vm of FAILED_HOST_VMS) assert.match(hostsNow.get(vm)!.host, /^b-0\d$/, `${vm} did not restart at site-b`);
    // AND the other writers of cg-db and cg-app (on a-02, a-03) moved with them, so that no group is split
    const joined = plan.placements.filter((p) => p.movesWith !== undefined).map((p) => p.lpar);
    assert.deepEqual(joined.sort(), [...hostsBefore].filter(([l, at]) => /^(db|app)-/.test(l) && at.host !== "a-01").map(([l]) => l).sort());
    for (const vm of joined) assert.match(hostsNow.get(vm)!.host, /^b-0\d$/, `${vm} did not move with its consistency group`);
    assert.equal(plan.splitGroups, undefined);
    // WHEN the failover command's refresh runs
    const refreshed = await refreshStack({ stack: "dev", cwd: dir }, access);
    // THEN the groups' outputs in the state show where the VMs run now (stack outputs follow at the next up)
    const state = stateFile(engine, "vmr-basic", "dev");
    // AND the refresh's count says the groups whose VMs moved changed, though their inputs did not
    for (const g of ["db", "app"]) assert.ok(refreshed.changed.includes(g), `${g} not counted as changed: ${JSON.stringify(refreshed)}`);
    assert.equal(refreshed.changes.update, refreshed.changed.length);
    assert.deepEqual(stateResource(state, "db").outputs.currentSites, ["site-b"]);
    const db1 = (stateResource(state, "db").outputs.members as { lpar: string; site: string }[]).find((m) => m.lpar === "db-1")!;
    assert.equal(db1.site, "site-b");
    assert.deepEqual(stateResource(state, "app").outputs.currentSites, ["site-b"]);
    // AND the refresh, which the engine runs with the old state, kept db-1's home as it was: where failback returns it
    assert.deepEqual(homeOf(state, "db-1"), home);
    // AND `pulumi up` of the unchanged program succeeds without moving any VM back
    await engine.pulumiOk(["up", "--yes", "--skip-preview"], dir);
    const hostsAfterUp = await simLpars(simDir);
    for (const vm of [...FAILED_HOST_VMS, ...joined]) assert.equal(hostsAfterUp.get(vm)!.host, hostsNow.get(vm)!.host);
    assert.deepEqual(JSON.parse((await engine.pulumiOk(["stack", "output", "--json"], dir)).stdout).runningAt.db, ["site-b"]);
    assert.deepEqual(homeOf(stateFile(engine, "vmr-basic", "dev"), "db-1"), home);

  });
});

describe("examples/basic: a planned site move, then failback", function () {
  let engine: Engine;
  let dir: string;
  let simDir: string;

  before(async function () {
    engine = startEngine();
    ({ dir, simDir } = await deployExample(engine, path.join(REPO_ROOT, "examples", "basic")));
  });
  after(() => engine?.dispose());

  it("returns every VM to the server it left, its volumes mapped as before, the homes read from the refreshed stack", async () => {
    // GIVEN where each VM of site-a runs, and how its volumes are mapped
    const access = { pulumiCommand: await engine.command(), envVars: engine.env };
    const runsDir = path.join(engine.dir, "runs");
    const before = await simLpars(simDir);
    const siteA = [...before.values()].filter((l) => /^a-/.test(l.host) && l.state === "Running").map((l) => l.id);
    const mappingsBefore = await simMappings(simDir, siteA);
    // WHEN site-a is moved away (planned; the stack refreshed after the run) and then failed back (refreshed again)
    const away = await plannedFailover({ stack: "dev", cwd: dir, access, failedSite: "site-a", runsDir });
    assert.equal(away.run?.status, "succeeded", JSON.stringify(away.run?.vms.filter((v) => v.status !== "recovered")));
    assert.equal(away.refreshError, undefined);
    const moved = away.plan.placements.map((p) => p.lpar);
    assert.ok(moved.length > 0);
    const back = await failback({ stack: "dev", cwd: dir, access, runsDir });
    assert.equal(back.run?.status, "succeeded", JSON.stringify(back.run?.vms.filter((v) => v.status !== "recovered")));
    // THEN on the simulator each moved VM runs on its original server, with its original mappings
    const now = await simLpars(simDir);
    for (const lpar of moved) assert.deepEqual([lpar, now.get(lpar)!.host, now.get(lpar)!.state], [lpar, before.get(lpar)!.host, "Running"]);
    assert.deepEqual(await simMappings(simDir, moved), new Map([...mappingsBefore].filter(([l]) => moved.includes(l))));
    // AND the failback plan said, per VM, that it goes home
    assert.deepEqual(back.plan.placements.filter((p) => p.home?.system !== before.get(p.lpar)!.host || p.home?.reason !== undefined), []);
  });
});
