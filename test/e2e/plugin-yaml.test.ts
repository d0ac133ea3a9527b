// A Pulumi YAML program uses the protection resources through the vmr provider plugin, run by the
// real engine: the package schema is served, up / preview / refresh / destroy work, passwords
// stay secret, and the stack loader reads the stack like one written in TypeScript.
// The tests of each describe run in order against one stack.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { simFailHost, simInit } from "../../provider/adapters/simulator/control";
import { loadProtectionModel } from "../../provider/stack";
import { SECRET_SIG, SIG_KEY } from "../../provider/plugin/wire";
import { buildToolchain, calibrateFromDrill, consumerProject, REPO_ROOT, type ConsumerProject } from "./plugin/consumer-engine";

interface StateResource {
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

function resources(project: ConsumerProject): StateResource[] {
  const exported = JSON.parse(project.ok(["stack", "export"]));
  return exported.deployment.resources ?? [];
}

const ours = (list: StateResource[]) => list.filter((r) => r.type.startsWith("vmr:index:"));

describe("plugin: a Pulumi YAML program through the real engine", function () {
  let toolchain: ReturnType<typeof buildToolchain>;
  let project: ConsumerProject;
  let simDir: string | undefined;

  before(async () => {
    toolchain = buildToolchain();
    // The example's ids are those of the small preset; the plugin finds the simulator through
    // $VMR_SIM_STATE, inherited from the engine.
    const simState = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-plugin-sim-"));
    await simInit({ topology: "preset:small", stateDir: simState, seed: 1, force: true });
    project = consumerProject({ example: "yaml" }, toolchain, { VMR_SIM_STATE: simState });
    simDir = simState;
    project.ok(["stack", "init", "dev"]);
  });
  after(() => {
    project?.remove();
    if (simDir) fs.rmSync(simDir, { recursive: true, force: true });
  });

  it("the engine loads the plugin and gets the package schema, equal to schema.json", () => {
    // GIVEN the plugin launcher WHEN the CLI asks it for its schema THEN it is schema.json
    const served = JSON.parse(project.ok(["package", "get-schema", path.join(REPO_ROOT, "pulumi-resource-vmr")]));
    assert.deepEqual(served, JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")));
  });

  it("up creates the resources as vmr:index:*, checked and observed against the simulator", () => {
    // GIVEN a preview of the new stack, with the group's context still unknown, goes through
    project.ok(["preview"]);
    // WHEN the program is deployed
    project.ok(["up", "--yes", "--skip-preview"]);
    // THEN the stack holds the five resources, served by the vmr plugin
    const state = resources(project);
    assert.ok(state.some((r) => r.type === "pulumi:providers:vmr"));
    const byName = new Map(ours(state).map((r) => [r.id, r]));
    assert.deepEqual(ours(state).map((r) => `${r.type} ${r.id}`).sort(), [
      "vmr:index:NetworkMapping drNetwork",
      "vmr:index:ProtectionGroup app",
      "vmr:index:RecoveryTarget drTarget",
      "vmr:index:StorageMapping appVolumes",
      "vmr:index:StorageMapping dbVolumes",
    ]);
    // AND the names defaulted to the resource names, check filled in defaults, and the shared
    // resource logic observed the simulated datacenter
    const target = byName.get("drTarget")!;
    assert.equal(target.outputs?.name, "drTarget");
    assert.deepEqual(target.outputs?.adapter, { type: "simulator" });
    assert.equal(target.outputs?.health, "healthy");
    assert.equal((target.outputs?.systemStatus as unknown[]).length, 3);
    assert.equal(byName.get("appVolumes")!.outputs?.replicationState, "consistent_synchronized");
    const group = byName.get("app")!;
    assert.equal(group.outputs?.slaLevel, 5);
    assert.deepEqual(group.outputs?.storageMappings, ["dbVolumes", "appVolumes"]);
    const members = group.outputs?.members as { lpar: string; present: boolean; site: string }[];
    assert.deepEqual(members.map((m) => [m.lpar, m.present, m.site]), [["lpar-00001", true, "site-a"], ["lpar-00002", true, "site-a"]]);
    assert.equal((group.outputs?.readiness as { status: string }).status, "ready");
    // AND the group follows the NetworkMapping, whose failback maps are its VLAN map reversed
    assert.equal(group.outputs?.networkMapping, "drNetwork");
    assert.deepEqual((byName.get("drNetwork")!.outputs?.failback as { vlans: unknown[] }).vlans[0], { source: 201, target: 101 });
  });

  it("a preview after up shows no changes", () => {
    project.ok(["preview", "--expect-no-changes"]);
  });

  it("refresh keeps every resource, and a preview after it shows no changes", () => {
    project.ok(["refresh", "--yes"]);
    assert.equal(ours(resources(project)).length, 5);
    project.ok(["preview", "--expect-no-changes"]);
  });

  it("a changed SLA level updates the group in place, and a changed target name replaces the target", () => {
    const file = path.join(project.dir, "Pulumi.yaml");
    const original = fs.readFileSync(file, "utf8");
    const plannedOps = (text: string) => {
      fs.writeFileSync(file, text);
      const preview = JSON.parse(project.ok(["preview", "--json"]));
      return (preview.steps as { op: string; urn: string }[]).filter((st) => st.op !== "same").map((st) => `${st.op} ${st.urn.split("::").pop()}`);
    };
    try {
      // WHEN the SLA level changes THEN the shared diff asks for an update, not a replacement
      assert.deepEqual(plannedOps(original.replace("slaLevel: 5", "slaLevel: 6")), ["update app"]);
      project.ok(["up", "--yes", "--skip-preview"]);
      const group = ours(resources(project)).find((r) => r.id === "app")!;
      assert.equal(group.outputs?.slaLevel, 6);
      // AND a new name is a different target: replaced (and the group that refers to it updated)
      const renamed = original.replace("      site: site-b\n", "      name: dr-site-b\n      site: site-b\n");
      assert.notEqual(renamed, original);
      assert.deepEqual(plannedOps(renamed).sort(), ["replace drTarget", "update app"]);
    } finally {
      fs.writeFileSync(file, original);
    }
    project.ok(["up", "--yes", "--skip-preview"]);
    project.ok(["preview", "--expect-no-changes"]);
  });

  it("the stack loader reads the YAML stack into the same ProtectionModel as a TypeScript one", async () => {
    // GIVEN the stack exported as `vmr` commands read it
    const file = path.join(project.root, "stack.json");
    project.ok(["stack", "export", "--show-secrets", "--file", file]);
    // WHEN loaded
    const loaded = await loadProtectionModel({ stackFile: file });
    // THEN the model holds the declaration
    const { groups, targets, storageMappings } = loaded.model;
    assert.deepEqual(targets.map((t) => [t.name, t.site, [...t.systems]]), [["drTarget", "site-b", ["sys-b-01", "sys-b-02", "sys-b-03"]]]);
    assert.deepEqual(targets[0].reserve, { processorUnits: 0.5, memoryGb: 8 });
    assert.equal(targets[0].maxConcurrentRestarts, 8);
    assert.deepEqual(
      storageMappings.map((m) => [m.name, m.consistencyGroup, m.pairs.length, m.mode]).sort(),
      [["appVolumes", "cg-00002", 2, "sync"], ["dbVolumes", "cg-00001", 2, "sync"]],
    );
    assert.equal(groups.length, 1);
    assert.equal(groups[0].slaLevel, 5);
    assert.equal(groups[0].recoveryTarget, "drTarget");
    assert.deepEqual([...groups[0].storageMappings], ["dbVolumes", "appVolumes"]);
    assert.deepEqual(groups[0].vms.map((v) => [v.lpar, [...(v.after ?? [])]]), [["lpar-00001", []], ["lpar-00002", ["lpar-00001"]]]);
    assert.equal(groups[0].rtoBudgetSeconds, 900);
    assert.equal(loaded.stack, "dev");
  });

  it("`vmr plan` plans a site failover from the YAML stack, honouring its declaration", () => {
    // GIVEN the stack declared in YAML WHEN `vmr plan` reads it live and plans the loss of site A
    const run = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, "bin", "provider", "cli", "main.js"), "plan", "--stack", "dev", "--cwd", project.dir, "--failed-site", "site-a", "--json"],
      { env: project.env, encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr);
    const plan = JSON.parse(run.stdout);
    // THEN both protected VMs restart on the declared target's systems, from the declared replicas
    const placements = plan.placements as { lpar: string; group: string; target: string; volumes: { attach: string; consistencyGroup: string }[] }[];
    assert.deepEqual(placements.map((p) => [p.lpar, p.group]).sort(), [["lpar-00001", "app"], ["lpar-00002", "app"]]);
    for (const p of placements) assert.ok(["sys-b-01", "sys-b-02", "sys-b-03"].includes(p.target), p.target);
    assert.deepEqual(placements.flatMap((p) => p.volumes.map((v) => v.attach)).sort(), ["vol-00001-1-r", "vol-00001-2-r", "vol-00002-1-r", "vol-00002-2-r"]);
    // AND the group's budget, the declared restart limit and the start order are the YAML's
    assert.deepEqual(plan.groups.map((g: { name: string; rtoBudgetSeconds: number }) => [g.name, g.rtoBudgetSeconds]), [["app", 900]]);
    for (const system of new Set(placements.map((p) => p.target))) assert.equal(plan.resources[`system:${system}`], 8);
    const restartApp = (plan.steps as { id: string; dependsOn: string[] }[]).find((st) => st.id === "RestartLpar:lpar-00002");
    assert.ok(restartApp?.dependsOn.includes("VerifyLpar:lpar-00001"), "lpar-00002 starts after lpar-00001 is up");
  });

  it("`vmr drill` rehearses a site loss of the YAML stack and passes its assertions", () => {
    // GIVEN the example site-loss drill WHEN `vmr drill` runs against the live YAML stack
    const runsDir = path.join(project.root, "runs");
    const run = spawnSync(
      process.execPath,
      [
        path.join(REPO_ROOT, "bin", "provider", "cli", "main.js"),
        ...["drill", "--stack", "dev", "--cwd", project.dir, "--drill-file", path.join(REPO_ROOT, "examples", "drills", "site-loss.yaml"), "--runs-dir", runsDir],
      ],
      { env: project.env, encoding: "utf8" },
    );
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    // THEN the report shows the YAML-declared group up within its declared budget, and every assertion passed
    const [runDir] = fs.readdirSync(runsDir).filter((d) => d !== "locks");
    const report = JSON.parse(fs.readFileSync(path.join(runsDir, runDir, "report.json"), "utf8"));
    assert.deepEqual(report.groups.map((g: { name: string; vms: number; rtoBudgetSeconds: number }) => [g.name, g.vms, g.rtoBudgetSeconds]), [["app", 2, 900]]);
    assert.ok(report.assertions.length > 0);
    for (const a of report.assertions as { type: string; passed: boolean; message: string }[]) assert.ok(a.passed, `${a.type}: ${a.message}`);
    // AND production is untouched: nothing for `pulumi up` to change
    project.ok(["preview", "--expect-no-changes"]);
  });

  it("readiness predicts with the stack's latency profile once a drill calibrated it: the plugin finds the run store from the program's directory", () => {
    const profileOf = () => {
      const group = ours(resources(project)).find((r) => r.id === "app")!;
      return (group.outputs?.readiness as { rto?: { predictedRto: { profile: string } } }).rto?.predictedRto.profile;
    };
    // GIVEN nothing calibrated in the stack's own run store (the drill above kept its run elsewhere)
    assert.equal(profileOf(), "defaults");
    // WHEN a drill runs with the stack's own run store, its profile is fitted from it, and the stack is refreshed
    assert.match(calibrateFromDrill(project), /latency profile of dev from 1 runs/);
    // THEN the plugin's readiness of the YAML group names the calibrated profile, not the defaults
    assert.match(profileOf() ?? "", /^calibrated for dev on \d{4}-\d{2}-\d{2} from 1 runs/);
  });

  it("`vmr failover` recovers the YAML stack's VMs from a failed host and refreshes the stack", async () => {
    // GIVEN the server running both protected VMs crashes
    await simFailHost("sys-a-01", { stateDir: simDir });
    // WHEN `vmr failover` runs against the live YAML stack
    const run = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, "bin", "provider", "cli", "main.js"), "failover", "--stack", "dev", "--cwd", project.dir, "--failed-host", "sys-a-01", "--yes", "--json"],
      { env: project.env, encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr);
    const outcome = JSON.parse(run.stdout);
    // THEN both VMs were recovered on the declared target's systems
    assert.equal(outcome.result.status, "succeeded");
    const vms = outcome.result.vms as { lpar: string; status: string; target: string }[];
    assert.deepEqual(vms.map((v) => [v.lpar, v.status]).sort(), [["lpar-00001", "recovered"], ["lpar-00002", "recovered"]]);
    // AND the refreshed stack shows them at the recovery site, with nothing for `pulumi up` to change
    assert.equal(outcome.refreshError, undefined);
    const group = ours(resources(project)).find((r) => r.id === "app")!;
    const members = group.outputs?.members as { lpar: string; site: string; host: string }[];
    assert.deepEqual(members.map((m) => [m.lpar, m.site, m.host]), vms.map((v) => [v.lpar, "site-b", v.target]).sort());
    project.ok(["preview", "--expect-no-changes"]);
  });

  it("destroy removes the resources", () => {
    project.ok(["destroy", "--yes"]);
    assert.deepEqual(ours(resources(project)), []);
  });
});

describe("plugin: passwords given in plain text in a YAML program", function () {
  let project: ConsumerProject;
  const password = "plain-text-hmc-password-1234";

  before(() => {
    project = consumerProject({
      program: {
        name: "vmr-secret-check",
        runtime: "yaml",
        resources: {
          target: {
            type: "vmr:index:RecoveryTarget",
            properties: {
              site: "site-b",
              systems: ["site-b-sys-1"],
              verify: false,
              adapter: { type: "hardware", hmc: { url: "https://hmc.example.com:12443", username: "hscroot", password } },
            },
          },
        },
      },
    });
    project.ok(["stack", "init", "dev"]);
  });
  after(() => project?.remove());

  it("are secrets in the state's inputs and outputs, never plain text", () => {
    // GIVEN a password the program did not mark secret WHEN deployed
    project.ok(["up", "--yes", "--skip-preview"]);
    // THEN the state file does not contain it
    const stateFile = path.join(project.root, "backend", ".pulumi", "stacks", "vmr-secret-check", "dev.json");
    assert.ok(fs.existsSync(stateFile), stateFile);
    assert.ok(!fs.readFileSync(stateFile, "utf8").includes(password), "password in plain text in the state");
    // AND both the inputs and the outputs hold it as a secret
    const target = ours(resources(project))[0];
    for (const props of [target.inputs, target.outputs]) {
      const hmc = (props?.adapter as { hmc: { password: Record<string, unknown> } }).hmc;
      assert.equal(hmc.password[SIG_KEY], SECRET_SIG);
    }
    project.ok(["destroy", "--yes"]);
  });
});

describe("plugin: bad input in a YAML program", function () {
  let project: ConsumerProject;
  let simDir: string;

  before(async () => {
    simDir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-plugin-sim-"));
    await simInit({ topology: "preset:small", stateDir: simDir, seed: 1, force: true });
    project = consumerProject(
      {
        program: {
          name: "vmr-bad-input",
          runtime: "yaml",
          resources: {
            target: { type: "vmr:index:RecoveryTarget", properties: { site: "site-b", systems: ["sys-a-01", "sys-b-01"], reserve: { memoryGb: -1 } } },
          },
        },
      },
      undefined,
      { VMR_SIM_STATE: simDir },
    );
    project.ok(["stack", "init", "dev"]);
  });
  after(() => {
    project?.remove();
    fs.rmSync(simDir, { recursive: true, force: true });
  });

  it("fails the preview with the resource logic's field errors, and creates nothing", () => {
    // GIVEN a reserve below 0 WHEN previewed THEN the check failure names the field and the fix
    const run = project.pulumi(["preview"]);
    assert.notEqual(run.status, 0);
    const text = run.stdout + run.stderr;
    assert.match(text, /`reserve\.memoryGb` must be >= 0, got -1/);
    // AND with the shape fixed, the discovery rule names the system at the wrong site
    const fixed = project.dir + "/Pulumi.yaml";
    fs.writeFileSync(fixed, fs.readFileSync(fixed, "utf8").replace("memoryGb: -1", "memoryGb: 1"));
    const again = project.pulumi(["up", "--yes", "--skip-preview"]);
    assert.notEqual(again.status, 0);
    assert.match(again.stdout + again.stderr, /`systems\[0\]` is "sys-a-01", which is at site "site-a", not at `site` "site-b"/);
    assert.deepEqual(ours(resources(project)), []);
  });
});

describe("plugin: found on PATH through a symlink to its launcher", function () {
  let project: ConsumerProject;
  let linkDir: string;

  before(() => {
    // GIVEN no plugin path in Pulumi.yaml, and pulumi-resource-vmr linked into a directory on PATH
    linkDir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-plugin-path-"));
    fs.symlinkSync(path.join(REPO_ROOT, "pulumi-resource-vmr"), path.join(linkDir, "pulumi-resource-vmr"));
    project = consumerProject(
      {
        program: {
          name: "vmr-on-path",
          runtime: "yaml",
          plugins: { providers: [] },
          resources: { target: { type: "vmr:index:RecoveryTarget", properties: { site: "site-b", systems: ["sys-b-01"], verify: false } } },
        },
      },
      undefined,
      { PATH: linkDir },
    );
    project.ok(["stack", "init", "dev"]);
  });
  after(() => {
    if (linkDir) fs.rmSync(linkDir, { recursive: true, force: true });
    project?.remove();
  });

  it("up and destroy work", () => {
    // WHEN deployed THEN the engine found the launcher on PATH and the resource exists
    project.ok(["up", "--yes", "--skip-preview"]);
    assert.deepEqual(ours(resources(project)).map((r) => `${r.type} ${r.id}`), ["vmr:index:RecoveryTarget target"]);
    project.ok(["destroy", "--yes"]);
  });
});
