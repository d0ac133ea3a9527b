// Invalid input fails `pulumi preview` on the real engine, with a message naming the field.
import { strict as assert } from "assert";
import * as path from "path";
import { simInit } from "../../provider/adapters/simulator/control";
import { REPO_ROOT, startEngine, type Engine } from "./engine";

const PREAMBLE = `
import { ProtectionGroup, RecoveryTarget } from "pulumi-vm-recovery";
const adapter = { type: "simulator" as const, stateDir: process.env.VMR_SIM_STATE };
`;

/** A program whose target and groups are given as source text. */
function program(target: string, groups: string): string {
  return `${PREAMBLE}\nconst dr = new RecoveryTarget("dr", { site: "site-b", adapter, ${target} });\n${groups}\n`;
}

const VALID_TARGET = 'systems: ["b-01", "b-02"]';

const CASES: { name: string; source: string; field: RegExp; reason: RegExp }[] = [
  {
    name: "negative memory",
    source: program(`${VALID_TARGET}, reserve: { memoryGb: -4 }`, 'new ProtectionGroup("db", { vms: ["db-1"], recoveryTarget: dr });'),
    field: /`reserve\.memoryGb`/,
    reason: /must be >= 0, got -4/,
  },
  {
    name: "an unknown host",
    source: program('systems: ["b-01", "b-09"]', 'new ProtectionGroup("db", { vms: ["db-1"], recoveryTarget: dr });'),
    field: /`systems\[1\]`/,
    reason: /"b-09", which discovery does not know/,
  },
  {
    name: "one VM in two groups",
    source: program(VALID_TARGET, 'new ProtectionGroup("db", { vms: ["db-1", "db-2"], recoveryTarget: dr });\nnew ProtectionGroup("more-db", { vms: ["db-3", "db-2"], recoveryTarget: dr });'),
    field: /`vms\[1\]\.lpar`/,
    reason: /protection group "db" also protects/,
  },
  {
    name: "a dependency cycle",
    source: program(VALID_TARGET, 'new ProtectionGroup("app", { vms: [{ lpar: "app-01", after: ["app-03"] }, { lpar: "app-02", after: ["app-01"] }, { lpar: "app-03", after: ["app-02"] }], recoveryTarget: dr });'),
    field: /`vms\[0\]\.after`/,
    reason: /dependency cycle app-01 -> app-03 -> app-02 -> app-01/,
  },
];

describe("invalid input on the real engine", function () {
  let engine: Engine;
  let simDir: string;

  before(async function () {
    engine = startEngine();
    simDir = path.join(engine.dir, "sim");
    await simInit({ topology: path.join(REPO_ROOT, "examples", "basic", "topology.yaml"), stateDir: simDir });
    engine.env.VMR_SIM_STATE = simDir;
  });
  after(() => engine?.dispose());

  it("a valid program of the same shape previews cleanly (the cases below fail for their input alone)", async () => {
    const dir = engine.writeProgram("valid", {
      "Pulumi.yaml": "name: invalid\nruntime: nodejs\n",
      "package.json": JSON.stringify({ name: "invalid", main: "index.ts" }),
      "index.ts": program(VALID_TARGET, 'new ProtectionGroup("db", { vms: ["db-1", "db-2"], recoveryTarget: dr });'),
    });
    await engine.pulumiOk(["stack", "init", "valid"], dir);
    await engine.pulumiOk(["preview"], dir);
  });

  for (const c of CASES) {
    it(`${c.name} fails the preview, naming the field`, async () => {
      // GIVEN a program with the invalid input
      const dir = engine.writeProgram(c.name.replace(/\W+/g, "-"), {
        "Pulumi.yaml": "name: invalid\nruntime: nodejs\n",
        "package.json": JSON.stringify({ name: "invalid", main: "index.ts" }),
        "index.ts": c.source,
      });
      await engine.pulumiOk(["stack", "init", c.name.replace(/\W+/g, "-")], dir);
      // WHEN previewed
      const r = await engine.pulumi(["preview"], dir);
      // THEN it fails, and the message names the field and says what is wrong
      const text = `${r.stdout}\n${r.stderr}`;
      assert.notEqual(r.code, 0, text);
      assert.match(text, c.field, text);
      assert.match(text, c.reason, text);
    });
  }
});
