// Bad flexible-capacity input fails preview naming the field: a share outside (0, 100%] in a
// ProtectionGroup, and an LPAR minimum above its size (or an allocation outside the two) in a
// simulator topology.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { generateTopology } from "../../../provider/adapters/simulator";
import { protectionGroupOps } from "../../../provider/resources/runtime/protection-group";
import { topologyIssues, validateTopology } from "../../../provider/validation/topology-rules";
import { fakeAdapters, smallWorld } from "./fakes";

function inputs(flexibleCapacity: unknown): Record<string, unknown> {
  return {
    name: "web",
    slaLevel: 3,
    vms: [{ lpar: "app1" }, { lpar: "app2" }],
    recoveryTarget: "dr",
    storageMappings: ["apps"],
    ...(flexibleCapacity !== undefined ? { flexibleCapacity } : {}),
    context: {
      target: { site: "dr", systems: ["dr-a", "dr-b"], reserve: { processorUnits: 0, memoryGb: 0 }, adapter: { type: "simulator", stateDir: "sim" } },
      consistencyGroups: ["cg1"],
      claimedElsewhere: [],
    },
  };
}

describe("flexible capacity: bad input", () => {
  const sandbox = sinon.createSandbox();
  afterEach(() => sandbox.restore());

  it("accepts a share in (0, 100] and defaults appliesTo to both", async () => {
    const ops = protectionGroupOps(fakeAdapters(sandbox, smallWorld()).open);
    const { inputs: checked, failures } = await ops.check({}, inputs({ processorPercent: 60, memoryPercent: 100 }));
    assert.deepEqual(failures, []);
    assert.deepEqual(checked.flexibleCapacity, { processorPercent: 60, memoryPercent: 100, appliesTo: "both" });
  });

  for (const [field, value, allowed] of [
    ["processorPercent", 0, /must be > 0, got 0/],
    ["memoryPercent", 150, /must be <= 100, got 150/],
  ] as const) {
    it(`refuses ${field} ${value}, naming the field`, async () => {
      const ops = protectionGroupOps(fakeAdapters(sandbox, smallWorld()).open);
      const share = { processorPercent: 60, memoryPercent: 60, [field]: value };
      const { failures } = await ops.check({}, inputs(share));
      assert.deepEqual(failures.map((f) => f.property), [`flexibleCapacity.${field}`]);
      assert.match(failures[0].reason, allowed);
      assert.ok(failures[0].reason.includes(`\`flexibleCapacity.${field}\``), failures[0].reason);
    });
  }

  it("refuses an appliesTo that is not a plan kind it knows", async () => {
    const ops = protectionGroupOps(fakeAdapters(sandbox, smallWorld()).open);
    const { failures } = await ops.check({}, inputs({ processorPercent: 60, memoryPercent: 60, appliesTo: "planned" }));
    assert.deepEqual(failures.map((f) => f.property), ["flexibleCapacity.appliesTo"]);
  });

  it("refuses a protected VM that its recovery target declares non-critical below its protected level, naming both fields", async () => {
    const ops = protectionGroupOps(fakeAdapters(sandbox, smallWorld()).open);
    const group = inputs(undefined);
    const context = group.context as { target: Record<string, unknown> };
    context.target.nonCritical = [{ lpar: "app2", action: "suspend", slaLevel: 1 }];
    const { failures } = await ops.check({}, group);
    assert.deepEqual(failures.map((f) => f.property), ["vms[1].lpar"]);
    assert.match(failures[0].reason, /`vms\[1\]\.lpar` is "app2", protected at SLA level 3, but recovery target "dr" declares it non-critical \(`nonCritical\[0\]\.slaLevel` 1\)/);
    // AND at its own level or above it is accepted
    context.target.nonCritical = [{ lpar: "app2", action: "suspend", slaLevel: 3 }];
    assert.deepEqual((await ops.check({}, group)).failures, []);
  });

  it("refuses a topology LPAR minimum above its size, and an allocation outside minimum and size, naming each field", () => {
    const t = generateTopology({ sites: 2, hostsPerSite: 1, lparsPerHost: 2, lunsPerLpar: 1 });
    t.lpars[0].minimum = { processorUnits: t.lpars[0].processorUnits + 1, memoryGb: t.lpars[0].memoryGb };
    t.lpars[1].minimum = { processorUnits: t.lpars[1].processorUnits / 2, memoryGb: t.lpars[1].memoryGb / 2 };
    t.lpars[1].allocated = { processorUnits: t.lpars[1].processorUnits / 4, memoryGb: t.lpars[1].memoryGb };
    const issues = topologyIssues(t);
    assert.deepEqual(issues.map((i) => i.path), ["lpars[0].minimum.processorUnits", "lpars[1].allocated.processorUnits"]);
    assert.match(issues[0].message, /^`lpars\[0\]\.minimum\.processorUnits` of LPAR "[^"]+" is [\d.]+ processor units, above its desired size `lpars\[0\]\.processorUnits` [\d.]+: a minimum is at most the size/);
    assert.throws(() => validateTopology(t), /lpars\[0\]\.minimum\.processorUnits/);
  });

  it("keeps today's topologies valid: no minimum means no shrinking, and none is required", () => {
    const t = generateTopology({ sites: 2, hostsPerSite: 1, lparsPerHost: 2, lunsPerLpar: 1 });
    assert.ok(t.lpars.every((l) => l.minimum === undefined && l.allocated === undefined));
    assert.deepEqual(topologyIssues(t), []);
  });
});
