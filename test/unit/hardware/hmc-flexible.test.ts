// The HMC adapter and flexible capacity: discovery reports each partition's minimum values, and a
// restart or drill copy asked to start below the LPAR's size is refused before any request.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { HmcComputeAdapter } from "../../../provider/adapters/hmc/adapter";
import { AdapterError } from "../../../provider/errors";
import { FakeHmc } from "../../fakes/hmc";
import { hmcSettings, MemoryLog, rejection } from "./helpers";

describe("HMC compute adapter: flexible capacity", function () {
  this.timeout(10_000);
  const sandbox = sinon.createSandbox();
  let hmc: FakeHmc;
  let adapter: HmcComputeAdapter;

  beforeEach(async () => {
    hmc = new FakeHmc();
    hmc.addSystem("sys-a");
    hmc.addSystem("sys-b");
    hmc.addLpar("lpar1", "sys-a");
    await hmc.start();
    adapter = new HmcComputeAdapter(hmcSettings(hmc), { log: new MemoryLog(), retryBaseDelayMs: 5 });
  });

  afterEach(async () => {
    await adapter.close();
    await hmc.stop();
    sandbox.restore();
  });

  it("reports the partition's minimum processing units and memory as the LPAR's minimum", async () => {
    const lpar = (await adapter.inventory()).lpars.find((l) => l.id === "lpar1");
    assert.ok(lpar?.minimum, "a minimum");
    assert.ok(lpar.minimum.processorUnits > 0 && lpar.minimum.processorUnits <= lpar.processorUnits);
    assert.ok(lpar.minimum.memoryGb > 0 && lpar.minimum.memoryGb <= lpar.memoryGb);
  });

  it("refuses a reduced start of a remote restart and of a drill copy, sending nothing", async () => {
    const before = hmc.requests.length;
    for (const attempt of [
      adapter.remoteRestart({ lparId: "lpar1", targetSystemId: "sys-b", volumeIds: [], size: { processorUnits: 0.5, memoryGb: 4 } }),
      adapter.createDrillLpar({ sourceLparId: "lpar1", targetSystemId: "sys-b", volumeIds: [], network: "drill", size: { processorUnits: 0.5, memoryGb: 4 } }),
    ]) {
      const err = await rejection(attempt);
      assert.ok(err instanceof AdapterError && err.failure === "fatal", String(err));
      assert.match(err.message, /\(flexible capacity\) is not supported by the HMC adapter/);
    }
    assert.equal(hmc.requests.length, before);
  });
});
