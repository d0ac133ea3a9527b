// Drill files: the examples validate, and bad files get errors that name the field.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as sinon from "sinon";
import { ValidationError } from "../../../provider/errors";
import { checkDrillAgainstModel, loadDrillFile, parseDrill } from "../../../provider/drill/file";
import type { ProtectionModel } from "../../../provider/model/protection";
import { loadTopology } from "../../../provider/adapters/simulator/control";

const repoRoot = path.resolve(__dirname, "..", "..", "..", "..");

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.issues.map((i) => i.message);
  }
  assert.fail("expected a ValidationError");
}

describe("drill files", () => {
  let sandbox: sinon.SinonSandbox;
  let dir: string;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-drill-file-"));
  });
  afterEach(() => {
    sandbox.restore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("every example in examples/drills is valid", () => {
    const examples = fs.readdirSync(path.join(repoRoot, "examples", "drills")).filter((f) => f.endsWith(".yaml"));
    assert.ok(examples.length >= 3);
    for (const f of examples) {
      const drill = loadDrillFile(path.join(repoRoot, "examples", "drills", f));
      assert.equal(drill.name, f.replace(/\.yaml$/, ""), `${f}: name matches the file`);
    }
  });

  it("every example names groups, hosts and sites of examples/basic", () => {
    // GIVEN the datacenter and the group names of examples/basic
    const topology = loadTopology(path.join(repoRoot, "examples", "basic", "topology.yaml"));
    const program = fs.readFileSync(path.join(repoRoot, "examples", "basic", "index.ts"), "utf8");
    const groups = [...program.matchAll(/new ProtectionGroup\("([^"]+)"/g)].map((m) => m[1]);
    assert.ok(groups.includes("db") && groups.includes("app"), groups.join());
    const model: ProtectionModel = {
      groups: groups.map((name) => ({ name, slaLevel: 1, vms: [], antiAffinity: [], recoveryTarget: "t", storageMappings: [] })),
      targets: [],
      storageMappings: [],
    };
    for (const f of fs.readdirSync(path.join(repoRoot, "examples", "drills")).filter((f) => f.endsWith(".yaml"))) {
      const drill = loadDrillFile(path.join(repoRoot, "examples", "drills", f));
      // THEN each drill checks clean against them
      const issues = checkDrillAgainstModel(drill, model, new Set(topology.managedSystems.map((m) => m.id)), new Set(topology.sites.map((s) => s.name)));
      assert.deepEqual(issues, [], f);
    }
  });

  it("fills in the default network and assertions", () => {
    const drill = parseDrill({ version: 1, name: "d", scenario: { failedSite: "site-a" } });
    assert.equal(drill.network, "vmr-drill");
    assert.equal(drill.stopNonCritical, false);
    assert.deepEqual(drill.assertions.map((a) => a.type), ["rtoWithinBudget", "allVmsPlaced", "cleanupComplete"]);
  });

  it("names the field of every schema error, all at once", () => {
    // GIVEN a drill file with a bad name, an unknown field, a bad assertion and a negative limit
    const messages = issuesOf(() =>
      parseDrill({
        version: 1,
        name: "has space",
        scenaro: {},
        scenario: { failedHosts: [] },
        stopNonCritical: "yes",
        assertions: [{ type: "rtoWithinBudget" }, { type: "maxMakespan", seconds: -5 }, { type: "noSuchCheck" }],
      }),
    );
    const text = messages.join("\n");
    // THEN each message names its field in backticks and says what is allowed
    assert.match(text, /`name` must match/);
    assert.match(text, /`scenaro` is not a known field: remove it or use one of version, name, description, scenario, groups, network, stopNonCritical, assertions/);
    assert.match(text, /`scenario\.failedHosts` must have at least 1 item/);
    assert.match(text, /`stopNonCritical` must be of type boolean, got "yes"/);
    assert.match(text, /`assertions\[1\]\.seconds` must be > 0, got -5/);
    assert.match(text, /`assertions\[2\]` needs a valid `type` field/);
  });

  it("reports cross-field problems: the scenario, repeated groups, assertions on groups not rehearsed", () => {
    const both = issuesOf(() => parseDrill({ version: 1, name: "d", scenario: { failedSite: "a", failedHosts: ["h"] } }));
    assert.match(both.join(), /`scenario` gives both `failedSite` and `failedHosts`: keep one/);
    const none = issuesOf(() => parseDrill({ version: 1, name: "d", scenario: {} }));
    assert.match(none.join(), /`scenario` needs `failedSite`.*or `failedHosts`/);
    const groups = issuesOf(() =>
      parseDrill({ version: 1, name: "d", scenario: { failedSite: "a" }, groups: ["web", "web"], assertions: [{ type: "maxGroupRto", group: "db", seconds: 60 }] }),
    );
    assert.equal(groups.length, 2);
    assert.match(groups[0], /`groups\[1\]` repeats "web"/);
    assert.match(groups[1], /`assertions\[0\]\.group` is "db", which the drill does not rehearse: use one of web, web/);
  });

  it("gives the line of a YAML syntax error, and a clear error for a missing file", () => {
    const file = path.join(dir, "bad.yaml");
    fs.writeFileSync(file, "version: 1\nname: d\nscenario:\n  failedSite: [site-a\n");
    assert.throws(() => loadDrillFile(file), /bad\.yaml is damaged at line \d+, column \d+: YAML syntax: .*Fix the YAML there/);
    assert.match(issuesOf(() => loadDrillFile(path.join(dir, "missing.yaml"))).join(), /cannot read .*missing\.yaml: ENOENT; check the path given to --drill-file/);
  });

  it("checks groups, hosts and sites against the stack and the inventory", () => {
    const model: ProtectionModel = { groups: [{ name: "web", slaLevel: 1, vms: [], antiAffinity: [], recoveryTarget: "t", storageMappings: [] }], targets: [], storageMappings: [] };
    const drill = parseDrill({ version: 1, name: "d", scenario: { failedHosts: ["p9-a1", "p9-zz"] }, groups: ["web", "db"], assertions: [{ type: "maxGroupRto", group: "db", seconds: 60 }] });
    const issues = checkDrillAgainstModel(drill, model, new Set(["p9-a1", "p9-b1"]), new Set(["site-a"])).map((i) => i.message);
    assert.deepEqual(issues, [
      '`groups[1]` is "db", not a ProtectionGroup of the stack: use one of web',
      '`assertions[0].group` is "db", not a ProtectionGroup of the stack: use one of web',
      '`scenario.failedHosts[1]` is "p9-zz", not a managed system the adapters know: use one of p9-a1, p9-b1',
    ]);
  });
});
