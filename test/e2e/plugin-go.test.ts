// A Go program (examples/go) declares protection through the vmr provider plugin, run by the real
// engine with the Go language host: up against the simulator, a preview with no changes, refresh, destroy.
// The first run compiles the Pulumi Go SDK (minutes on 2 cores); later runs reuse Go's build cache.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { simInit } from "../../provider/adapters/simulator/control";
import { buildToolchain, calibrateFromDrill, consumerProject, type ConsumerProject } from "./plugin/consumer-engine";

describe("plugin: a Go program through the real engine", function () {
  let project: ConsumerProject;
  let simDir: string;

  before(async () => {
    simDir = fs.mkdtempSync(path.join(os.tmpdir(), "vmr-plugin-sim-"));
    await simInit({ topology: "preset:small", stateDir: simDir, seed: 1, force: true });
    project = consumerProject({ example: "go" }, buildToolchain(["go"]), { VMR_SIM_STATE: simDir });
    project.ok(["stack", "init", "dev"]);
  });
  after(() => {
    project?.remove();
    fs.rmSync(simDir, { recursive: true, force: true });
  });

  it("up creates the resources, observed by the same resource logic as in TypeScript", () => {
    // WHEN the Go program is deployed
    project.ok(["up", "--yes", "--skip-preview"]);
    // THEN its exports come from the plugin's outputs
    const outputs = JSON.parse(project.ok(["stack", "output", "--json"]));
    assert.deepEqual(outputs, { targetHealth: "healthy", replication: "consistent_synchronized", readiness: "ready" });
    const state = JSON.parse(project.ok(["stack", "export"])).deployment.resources as { type: string; id: string }[];
    assert.deepEqual(
      state.filter((r) => r.type.startsWith("vmr:index:")).map((r) => `${r.type} ${r.id}`).sort(),
      ["vmr:index:NetworkMapping drNetwork", "vmr:index:ProtectionGroup db", "vmr:index:RecoveryTarget drTarget", "vmr:index:StorageMapping dbVolumes"],
    );
  });

  it("readiness predicts with the stack's latency profile once a drill calibrated it: the plugin, started by the Go host, finds the run store from the program's directory", () => {
    const profileOf = () => {
      const state = JSON.parse(project.ok(["stack", "export"])).deployment.resources as { type: string; id: string; outputs?: Record<string, unknown> }[];
      const group = state.find((r) => r.type === "vmr:index:ProtectionGroup" && r.id === "db")!;
      return (group.outputs?.readiness as { rto?: { predictedRto: { profile: string } } }).rto?.predictedRto.profile;
    };
    // GIVEN nothing calibrated in the stack's run store
    assert.equal(profileOf(), "defaults");
    // WHEN a drill runs in the stack's run store, its profile is fitted from it, and the stack is refreshed
    calibrateFromDrill(project);
    // THEN the Go program's group's readiness names the calibrated profile, not the defaults
    assert.match(profileOf() ?? "", /^calibrated for dev on \d{4}-\d{2}-\d{2} from 1 runs/);
  });

  it("a preview after up shows no changes; refresh keeps every resource and its outputs; destroy removes them", () => {
    project.ok(["preview", "--expect-no-changes"]);
    // WHEN refreshed THEN the same three resources stand, observed the same, and nothing is to change
    project.ok(["refresh", "--yes", "--skip-preview"]);
    const refreshed = JSON.parse(project.ok(["stack", "export"])).deployment.resources as { type: string; id: string }[];
    assert.equal(refreshed.filter((r) => r.type.startsWith("vmr:index:")).length, 4);
    assert.deepEqual(JSON.parse(project.ok(["stack", "output", "--json"])), { targetHealth: "healthy", replication: "consistent_synchronized", readiness: "ready" });
    project.ok(["preview", "--expect-no-changes"]);
    project.ok(["destroy", "--yes"]);
    const state = JSON.parse(project.ok(["stack", "export"])).deployment.resources ?? [];
    assert.equal(state.filter((r: { type: string }) => r.type.startsWith("vmr:index:")).length, 0);
  });
});
