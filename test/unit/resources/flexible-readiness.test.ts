// Readiness in `pulumi up` with flexible capacity: a target that holds the group's VMs only at
// their flexible starts is ready, with a note naming the VMs that would start smaller; one that
// cannot hold them even so keeps its capacity issue.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { protectionGroupOps } from "../../../provider/resources/runtime/protection-group";
import { fakeAdapters, smallWorld, type Fakes } from "./fakes";

function inputs(flexibleCapacity?: Record<string, unknown>): Record<string, unknown> {
  return {
    name: "web",
    slaLevel: 3,
    vms: [{ lpar: "app1" }, { lpar: "app2" }],
    recoveryTarget: "dr",
    storageMappings: ["apps"],
    ...(flexibleCapacity ? { flexibleCapacity } : {}),
    context: {
      // 16 PU / 256 GB per DR system, the reserve leaves 2 PU / 20 GB on each
      target: { site: "dr", systems: ["dr-a", "dr-b"], reserve: { processorUnits: 14, memoryGb: 236 }, adapter: { type: "simulator", stateDir: "sim" } },
      consistencyGroups: ["cg1"],
      claimedElsewhere: [],
    },
  };
}

describe("ProtectionGroup readiness with flexible capacity", () => {
  const sandbox = sinon.createSandbox();
  let fakes: Fakes;
  beforeEach(() => {
    fakes = fakeAdapters(sandbox, smallWorld());
    // app1 needs 48 GB (more than 20 free anywhere) and may start with 8
    const app1 = fakes.world.lpars.find((l) => l.id === "app1")!;
    app1.memoryGb = 48;
    app1.minimum = { processorUnits: 0.5, memoryGb: 8 };
  });
  afterEach(() => sandbox.restore());

  it("is ready when the VMs fit at their flexible starts, and notes which would start smaller", async () => {
    const ops = protectionGroupOps(fakes.open);
    const { outs } = await ops.create(inputs({ processorPercent: 100, memoryPercent: 40, appliesTo: "failover" }));
    assert.deepEqual(outs.readiness.issues.filter((i) => i.code === "capacity"), []);
    const note = outs.readiness.notes?.find((n) => n.code === "capacity");
    assert.deepEqual(note?.lpars, ["app1"]);
    assert.match(note?.message ?? "", /holds every VM only with flexible capacity: 1 VM \(app1\) would start smaller/);
  });

  it("keeps the capacity issue when even the flexible starts do not fit, or the share is for drills only", async () => {
    const ops = protectionGroupOps(fakes.open);
    for (const share of [{ processorPercent: 100, memoryPercent: 50 }, { processorPercent: 100, memoryPercent: 40, appliesTo: "drill" }]) {
      const { outs } = await ops.create(inputs(share));
      const issue = outs.readiness.issues.find((i) => i.code === "capacity");
      assert.deepEqual(issue?.lpars, ["app1"], JSON.stringify(share));
    }
  });
});
