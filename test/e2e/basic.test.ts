// examples/basic on the real Pulumi engine and the simulator: the lifecycle of protection as a
// user runs it. One stack for the whole describe (each `pulumi up` costs seconds).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { simInit } from "../../provider/adapters/simulator/control";
import { openSimulator } from "../../provider/adapters/simulator";
import { loadProtectionModel } from "../../provider/stack";
import { REPO_ROOT, runVmr, startEngine, stateFile, type Engine } from "./engine";
import { capableLpars, editProgram, previewJson, simLpars, stateResource } from "./helpers";

const EXAMPLE = path.join(REPO_ROOT, "examples", "basic");
const ALL_VMS = [
  ...["db-1", "db-2", "db-3", "db-4"],
  ...Array.from({ length: 10 }, (_, i) => `app-${String(i + 1).padStart(2, "0")}`),
  ...Array.from({ length: 6 }, (_, i) => `rpt-${i + 1}`),
].sort();
const HMC_PASSWORD = "hmc-Pa55-e2e-7f3a";
const SVC_PASSWORD = "svc-Pa55-e2e-91c4";

describe("examples/basic on the real engine", function () {
  let engine: Engine;
  let dir: string;
  let simDir: string;
  let state: string;

  before(async function () {
    engine = startEngine();
    simDir = path.join(engine.dir, "sim");
    await simInit({ topology: path.join(EXAMPLE, "topology.yaml"), stateDir: simDir });
    dir = engine.program(EXAMPLE);
    state = stateFile(engine, "vmr-basic", "dev");
    await engine.pulumiOk(["stack", "init", "dev"], dir);
    await engine.pulumiOk(["config", "set", "simStateDir", simDir], dir);
    // A hardware-connected target, recorded without contacting its HMC, with secret passwords.
    await engine.pulumiOk(["config", "set", "hmcUrl", "https://hmc-c.example.com:12443"], dir);
    await engine.pulumiOk(["config", "set", "svcUrl", "https://svc-c.example.com:7443"], dir);
    await engine.pulumiOk(["config", "set", "--secret", "hmcPassword", HMC_PASSWORD], dir);
    await engine.pulumiOk(["config", "set", "--secret", "svcPassword", SVC_PASSWORD], dir);
    await engine.pulumiOk(["config", "set", "--path", "siteCVms[0]", "c-vm-1"], dir);
  });
  after(() => engine?.dispose());

  it("pulumi up protects every VM in the simulator and reports the groups ready", async () => {
    // GIVEN no LPAR is remote-restart capable
    assert.deepEqual(await capableLpars(simDir), []);
    // WHEN the program is brought up
    await engine.pulumiOk(["up", "--yes", "--skip-preview"], dir);
    // THEN all 20 are, and every group is ready
    assert.deepEqual(await capableLpars(simDir), ALL_VMS);
    const outputs = JSON.parse((await engine.pulumiOk(["stack", "output", "--json"], dir)).stdout);
    assert.deepEqual(outputs.readiness, { db: "ready", app: "ready", reporting: "ready" });
    assert.deepEqual(outputs.runningAt, { db: ["site-a"], app: ["site-a"], reporting: ["site-b"] });
    assert.equal(outputs.replication.reporting, "consistent_synchronized");
  });

  it("a second preview shows no changes", async () => {
    await engine.pulumiOk(["preview", "--expect-no-changes"], dir);
  });

  it("the state loader rebuilds the protection model from the live stack, secrets decoded", async () => {
    const loaded = await loadProtectionModel({ stack: "dev", cwd: dir }, { pulumiCommand: await engine.command(), envVars: engine.env });
    const groups = Object.fromEntries(loaded.model.groups.map((g) => [g.name, g]));
    assert.deepEqual(Object.keys(groups).sort(), ["app", "db", "reporting", "site-c-batch"]);
    assert.equal(groups.db.slaLevel, 3);
    assert.deepEqual(groups.db.antiAffinity, [["db-1", "db-2"], ["db-3", "db-4"]]);
    assert.deepEqual(groups.app.vms.find((v) => v.lpar === "app-05")!.after, ["app-01"]);
    assert.equal(groups.reporting.recoveryTarget, "site-a");
    assert.deepEqual(loaded.model.storageMappings.map((m) => m.name).sort(), ["app-volumes", "db-volumes", "reporting-volumes"]);
    const siteC = loaded.model.targets.find((t) => t.name === "site-c")!;
    assert.equal(siteC.adapter.type === "hardware" && !Array.isArray(siteC.adapter.hmc) && siteC.adapter.hmc?.password, HMC_PASSWORD);
    assert.equal(siteC.adapter.type === "hardware" && !Array.isArray(siteC.adapter.storage) && siteC.adapter.storage?.password, SVC_PASSWORD);
    assert.equal(groups["site-c-batch"].recoveryTarget, "site-c");
  });

  it("no HMC or SAN password appears in plain text in the state", async () => {
    const text = fs.readFileSync(state, "utf8");
    assert.ok(text.includes("site-c-batch"), "the hardware target and its group are in the state");
    assert.ok(!text.includes(HMC_PASSWORD), "HMC password in plain text in the state file");
    assert.ok(!text.includes(SVC_PASSWORD), "SAN password in plain text in the state file");
    const exported = (await engine.pulumiOk(["stack", "export"], dir)).stdout;
    assert.ok(!exported.includes(HMC_PASSWORD) && !exported.includes(SVC_PASSWORD));
  });

  it("a changed SLA level is an update, not a replacement", async () => {
    // GIVEN the app group's SLA level raised from 2 to 3
    editProgram(dir, /slaLevel: 2,/, "slaLevel: 3,");
    // WHEN previewed THEN the group alone is updated in place, nothing replaced
    const preview = await previewJson(engine, dir);
    assert.equal(preview.code, 0, preview.raw);
    const changed = preview.steps.filter((s) => s.op !== "same");
    assert.deepEqual(changed.map((s) => [s.op, s.urn.split("::").pop()]), [["update", "app"]], preview.raw);
    assert.equal(changed[0].replaceReasons, undefined);
    // AND after up the state has it, with the VMs still protected
    await engine.pulumiOk(["up", "--yes", "--skip-preview"], dir);
    assert.equal(stateResource(state, "app").outputs.slaLevel, 3);
    assert.deepEqual(await capableLpars(simDir), ALL_VMS);
  });

  it("a VM removed from a group unprotects only that VM", async () => {
    // GIVEN app-10 dropped from the app group
    editProgram(dir, 'const appVms = range("app-", 10, 2);', 'const appVms = range("app-", 9, 2);');
    editProgram(dir, "pairs: replicaPairs(appVms),", 'pairs: replicaPairs([...appVms, "app-10"]),');
    // WHEN brought up
    await engine.pulumiOk(["up", "--yes", "--skip-preview"], dir);
    // THEN app-10 alone lost its protection; its data and definition are untouched
    assert.deepEqual(await capableLpars(simDir), ALL_VMS.filter((v) => v !== "app-10"));
    const app10 = (await simLpars(simDir)).get("app-10")!;
    assert.deepEqual([app10.state, app10.host, app10.volumes], ["Running", "a-01", ["app-10-root", "app-10-data"]]);
  });

  it("an out-of-band change in the simulator shows in pulumi refresh, and the next up repairs it", async () => {
    // GIVEN db-2 unmarked behind Pulumi's back
    const sim = await openSimulator({ stateDir: simDir });
    await sim.compute.setRemoteRestartCapable("db-2", false);
    await sim.close();
    // WHEN refreshed
    const refresh = await engine.pulumiOk(["refresh", "--yes", "--skip-preview", "--diff"], dir);
    // THEN the refresh shows the db group changed, and its outputs name the drift
    assert.match(refresh.stdout, /db/);
    const db = stateResource(state, "db").outputs;
    assert.deepEqual(db.drift, ["LPAR db-2 is no longer remote-restart capable"]);
    assert.equal((db.readiness as { status: string }).status, "notReady");
    // AND the next up re-marks it
    await engine.pulumiOk(["up", "--yes", "--skip-preview"], dir);
    assert.ok((await capableLpars(simDir)).includes("db-2"));
    assert.deepEqual(stateResource(state, "db").outputs.drift, []);
  });

  it("readiness predicts with the stack's latency profile once a drill has calibrated it into the run store", async () => {
    // GIVEN the groups' readiness predicted with the defaults: nothing calibrated yet
    const profileOf = (group: string) => (stateResource(state, group).outputs.readiness as { rto?: { predictedRto: { profile: string } } }).rto?.predictedRto.profile;
    assert.equal(profileOf("db"), "defaults");
    // WHEN a drill runs (it refreshes the stack's profile in its run store) and the stack is refreshed
    const drill = await runVmr(engine, dir, ["drill", "--stack", "dev", "--drill-file", path.join(REPO_ROOT, "examples", "drills", "site-loss.yaml"), "--group", "db", "--group", "app"]);
    assert.ok(drill.code === 0 || drill.code === 1, `${drill.stdout}\n${drill.stderr}`);
    assert.match(drill.stdout, /latency profile/);
    await engine.pulumiOk(["refresh", "--yes", "--skip-preview"], dir);
    // THEN every group with a budget predicts with the calibrated profile, named with its basis
    for (const group of ["db", "app"]) assert.match(profileOf(group) ?? "", /^calibrated for dev on \d{4}-\d{2}-\d{2} from 1 runs/, group);
  });

  it("pulumi destroy leaves the simulator clean", async () => {
    await engine.pulumiOk(["destroy", "--yes", "--skip-preview"], dir);
    assert.deepEqual(await capableLpars(simDir), []);
    const lpars = await simLpars(simDir);
    assert.equal(lpars.size, 20);
    assert.ok([...lpars.values()].every((l) => l.state === "Running"));
  });
});
