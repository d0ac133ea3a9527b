// Scale on the real engine: a generated program protecting 1,000 VMs in 50 groups comes up,
// every VM is protected, and it tears down clean. No timing assertion: see test/bench.
import { strict as assert } from "assert";
import { startEngine, type Engine } from "./engine";
import { capableLpars } from "./helpers";
import { writeScaleProgram, type ScaleProgram } from "./scale-program";

describe("1,000 VMs in 50 groups on the real engine", function () {
  let engine: Engine;
  let program: ScaleProgram;

  before(async function () {
    engine = startEngine();
    program = await writeScaleProgram(engine, "scale", 50, 20);
    engine.env.VMR_SIM_STATE = program.simDir;
    await engine.pulumiOk(["stack", "init", "dev"], program.dir);
  });
  after(() => engine?.dispose());

  it("pulumi up protects all 1,000 and destroy unprotects them", async function () {
    assert.equal(program.vms.length, 1000);
    const started = Date.now();
    await engine.pulumiOk(["up", "--yes", "--skip-preview"], program.dir);
    this.test!.title += ` (up took ${((Date.now() - started) / 1000).toFixed(1)} s)`;
    const protectedNow = await capableLpars(program.simDir);
    assert.deepEqual(protectedNow, program.vms);
    await engine.pulumiOk(["destroy", "--yes", "--skip-preview"], program.dir);
    assert.deepEqual(await capableLpars(program.simDir), []);
  });
});
