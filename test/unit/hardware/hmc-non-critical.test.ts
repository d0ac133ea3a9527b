// The HMC adapter and non-critical VMs, through the executor's step implementations against the
// fake HMC: a stop is the PowerOff job and its way back the PowerOn job, both refused (sending no
// job) when the partition is not on the system the plan expects; a suspend or resume is refused
// before any request (the REST API lists no such job).
import { strict as assert } from "assert";
import * as sinon from "sinon";
import type { Adapters } from "../../../provider/adapters";
import { HmcComputeAdapter } from "../../../provider/adapters/hmc/adapter";
import { AdapterError } from "../../../provider/errors";
import { ResumeNonCriticalLpar, StopNonCriticalLpar } from "../../../provider/executor/steps/non-critical";
import type { StepContext } from "../../../provider/executor/registry";
import { FakeHmc } from "../../fakes/hmc";
import { hmcSettings, MemoryLog, rejection } from "./helpers";

describe("HMC compute adapter: non-critical VMs", function () {
  this.timeout(10_000);
  const sandbox = sinon.createSandbox();
  let hmc: FakeHmc;
  let adapter: HmcComputeAdapter;

  beforeEach(async () => {
    hmc = new FakeHmc();
    hmc.addSystem("sys-a");
    hmc.addSystem("sys-b");
    hmc.addLpar("test1", "sys-b", { state: "running" });
    await hmc.start();
    adapter = new HmcComputeAdapter(hmcSettings(hmc), { log: new MemoryLog(), retryBaseDelayMs: 5 });
  });

  afterEach(async () => {
    await adapter.close();
    await hmc.stop();
    sandbox.restore();
  });

  const context = (): StepContext => ({ adapters: { compute: adapter } as unknown as Adapters } as StepContext);
  const jobs = (op: string) => hmc.requests.filter((r) => r.path.endsWith(`/do/${op}`)).length;

  it("stops a running partition with the PowerOff job and brings it back with PowerOn", async () => {
    await StopNonCriticalLpar.run({ lpar: "test1", host: "sys-b", action: "stop" }, context());
    assert.deepEqual([hmc.lpar("test1").state, jobs("PowerOff")], ["not activated", 1]);
    // again (a resumed run): nothing to do, no second job
    assert.equal((await StopNonCriticalLpar.run({ lpar: "test1", host: "sys-b", action: "stop" }, context())).alreadyDone, true);
    assert.equal(jobs("PowerOff"), 1);
    await ResumeNonCriticalLpar.run({ lpar: "test1", host: "sys-b", action: "stop" }, context());
    assert.equal(jobs("PowerOn"), 1);
    assert.notEqual(hmc.lpar("test1").state, "not activated");
  });

  it("refuses to stop or bring back a partition that is not on the expected system, sending no job", async () => {
    const stop = await rejection(StopNonCriticalLpar.run({ lpar: "test1", host: "sys-a", action: "stop" }, context()));
    assert.ok(stop instanceof AdapterError && stop.failure === "conflict", String(stop));
    const back = await rejection(ResumeNonCriticalLpar.run({ lpar: "test1", host: "sys-a", action: "stop" }, context()));
    assert.ok(back instanceof AdapterError && back.failure === "conflict", String(back));
    assert.deepEqual([jobs("PowerOff"), jobs("PowerOn"), hmc.lpar("test1").state], [0, 0, "running"]);
  });

  it("refuses a suspend and a resume before any request, saying to declare action stop", async () => {
    const before = hmc.requests.length;
    for (const attempt of [
      StopNonCriticalLpar.run({ lpar: "test1", host: "sys-b", action: "suspend" }, context()),
      ResumeNonCriticalLpar.run({ lpar: "test1", host: "sys-b", action: "suspend" }, context()),
    ]) {
      const err = await rejection(attempt);
      assert.ok(err instanceof AdapterError && err.failure === "fatal", String(err));
      assert.match(err.message, /not supported by the HMC adapter: the HMC REST API lists no such LogicalPartition job; declare the non-critical VM with `action: "stop"`/);
    }
    assert.equal(hmc.requests.length, before);
  });
});
