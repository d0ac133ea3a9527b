// The engine harness end to end: a tiny program with one of our dynamic resources goes through
// up, a preview with no changes, and destroy on the real Pulumi engine.
import { strict as assert } from "assert";
import * as fs from "fs";
import { startEngine, stateFile, type Engine } from "./engine";

describe("real engine smoke", function () {
  let engine: Engine;
  let dir: string;

  before(function () {
    engine = startEngine();
    dir = engine.writeProgram("smoke", {
      "Pulumi.yaml": "name: smoke\nruntime: nodejs\n",
      "package.json": JSON.stringify({ name: "smoke", main: "index.ts", dependencies: { "pulumi-vm-recovery": "file:../..", "@pulumi/pulumi": "^3.248.0" } }),
      "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "commonjs", moduleResolution: "node", esModuleInterop: true, skipLibCheck: true } }),
      "index.ts": [
        'import { RecoveryTarget } from "pulumi-vm-recovery";',
        'const dr = new RecoveryTarget("dr", { site: "dr", systems: ["dr-a"], verify: false });',
        "export const health = dr.health;",
        "",
      ].join("\n"),
    });
  });
  after(() => engine?.dispose());

  it("creates, previews without changes and destroys a resource", async () => {
    // GIVEN a new stack
    await engine.pulumiOk(["stack", "init", "dev"], dir);
    // WHEN it is brought up
    await engine.pulumiOk(["up", "--yes", "--skip-preview"], dir);
    // THEN the state holds the resource under its type token, with its output
    const state = JSON.parse(fs.readFileSync(stateFile(engine, "smoke", "dev"), "utf8"));
    const target = state.checkpoint.latest.resources.find((r: { type: string }) => r.type === "pulumi-nodejs:dynamic/vmr:RecoveryTarget");
    assert.equal(target.outputs.health, "unverified");
    // AND a second preview sees no changes
    await engine.pulumiOk(["preview", "--expect-no-changes"], dir);
    // AND destroy removes it
    await engine.pulumiOk(["destroy", "--yes", "--skip-preview"], dir);
    const after = JSON.parse(fs.readFileSync(stateFile(engine, "smoke", "dev"), "utf8"));
    assert.equal((after.checkpoint.latest?.resources ?? []).filter((r: { type: string }) => r.type.includes("vmr")).length, 0);
  });
});
