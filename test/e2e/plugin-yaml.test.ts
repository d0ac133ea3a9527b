// A Pulumi YAML program uses the protection resources through the vmr provider plugin, run by the
// real engine: the package schema is served, up / preview / refresh / destroy work, passwords
// stay secret, and the stack loader reads the stack like one written in TypeScript.
// The tests of each describe run in order against one stack.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { loadProtectionModel } from "../../provider/stack";
import { SECRET_SIG, SIG_KEY } from "../../provider/plugin/wire";
import { buildToolchain, REPO_ROOT, yamlProject, type YamlProject } from "./plugin/yaml-engine";

interface StateResource {
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

function resources(project: YamlProject): StateResource[] {
  const exported = JSON.parse(project.ok(["stack", "export"]));
  return exported.deployment.resources ?? [];
}

const ours = (list: StateResource[]) => list.filter((r) => r.type.startsWith("vmr:index:"));

describe("plugin: a Pulumi YAML program through the real engine", function () {
  let toolchain: ReturnType<typeof buildToolchain>;
  let project: YamlProject;

  before(() => {
    toolchain = buildToolchain();
    project = yamlProject({ example: "yaml" }, toolchain);
    project.ok(["stack", "init", "dev"]);
    // No simulator state here: the resources record their declaration without contacting it.
    project.ok(["config", "set", "verify", "false"]);
  });
  after(() => project?.remove());

  it("the engine loads the plugin and gets the package schema, equal to schema.json", () => {
    // GIVEN the plugin launcher WHEN the CLI asks it for its schema THEN it is schema.json
    const served = JSON.parse(project.ok(["package", "get-schema", path.join(REPO_ROOT, "pulumi-resource-vmr")]));
    assert.deepEqual(served, JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")));
  });

  it("up creates the three resources as vmr:index:* with the checked declaration as outputs", () => {
    // WHEN the program is deployed
    project.ok(["up", "--yes", "--skip-preview"]);
    // THEN the stack holds the three resources, served by the vmr plugin
    const state = resources(project);
    assert.ok(state.some((r) => r.type === "pulumi:providers:vmr"));
    const byType = new Map(ours(state).map((r) => [r.type, r]));
    assert.deepEqual([...byType.keys()].sort(), ["vmr:index:ProtectionGroup", "vmr:index:RecoveryTarget", "vmr:index:StorageMapping"]);
    const target = byType.get("vmr:index:RecoveryTarget")!;
    // AND the name defaulted to the resource name, the check filled in defaults, the logic observed
    assert.equal(target.id, "drTarget");
    assert.equal(target.outputs?.name, "drTarget");
    assert.deepEqual(target.outputs?.adapter, { type: "simulator" });
    assert.equal(target.outputs?.health, "unverified");
    const group = byType.get("vmr:index:ProtectionGroup")!;
    assert.equal(group.outputs?.slaLevel, 5);
    assert.equal(group.outputs?.recoveryTarget, "drTarget");
    assert.deepEqual(group.outputs?.storageMappings, ["appVolumes"]);
    assert.equal((group.outputs?.readiness as { status: string }).status, "unverified");
  });

  it("a preview after up shows no changes", () => {
    project.ok(["preview", "--expect-no-changes"]);
  });

  it("refresh keeps every resource, and a preview after it shows no changes", () => {
    project.ok(["refresh", "--yes"]);
    assert.equal(ours(resources(project)).length, 3);
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
    assert.deepEqual(targets.map((t) => [t.name, t.site, [...t.systems]]), [["drTarget", "site-b", ["site-b-sys-1", "site-b-sys-2"]]]);
    assert.deepEqual(targets[0].reserve, { processorUnits: 0.5, memoryGb: 8 });
    assert.deepEqual(storageMappings.map((m) => [m.name, m.consistencyGroup, m.pairs.length, m.mode]), [["appVolumes", "cg-app", 2, "sync"]]);
    assert.equal(groups.length, 1);
    assert.equal(groups[0].slaLevel, 5);
    assert.equal(groups[0].recoveryTarget, "drTarget");
    assert.deepEqual(groups[0].vms.map((v) => [v.lpar, [...(v.after ?? [])]]), [["db-1", []], ["app-1", ["db-1"]], ["app-2", ["db-1"]]]);
    assert.deepEqual(groups[0].antiAffinity.map((s) => [...s]), [["app-1", "app-2"]]);
    assert.equal(loaded.stack, "dev");
  });

  it("destroy removes the resources", () => {
    project.ok(["destroy", "--yes"]);
    assert.deepEqual(ours(resources(project)), []);
  });
});

describe("plugin: passwords given in plain text in a YAML program", function () {
  let project: YamlProject;
  const password = "plain-text-hmc-password-1234";

  before(() => {
    project = yamlProject({
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
