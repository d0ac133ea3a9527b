// ProtectionGroup readiness for its NetworkMapping (pulumi up): each LPAR whose switch or VLAN has
// no mapping, whose adapter cannot move by remote restart, or whose mapped VLANs no target
// system bridges, is named; a group whose network is sound stays ready.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { protectionGroupOps } from "../../../provider/resources/runtime/protection-group";
import { fakeAdapters, smallWorld, type Fakes } from "./fakes";

const mapping = {
  name: "prod-to-dr",
  sourceSite: "prod",
  targetSite: "dr",
  switches: [{ source: "ETHERNET0", target: "VSW-DR" }],
  vlans: [{ source: 10, target: 110 }, { source: 20, target: 120 }],
  drillVlans: [{ source: 10, target: 3010 }, { source: 20, target: 3020 }],
};

function inputs(): Record<string, unknown> {
  return {
    name: "web",
    vms: [{ lpar: "app1" }, { lpar: "app2" }],
    recoveryTarget: "dr",
    storageMappings: ["apps"],
    networkMapping: "prod-to-dr",
    context: {
      target: { site: "dr", systems: ["dr-a", "dr-b"], reserve: { processorUnits: 0, memoryGb: 0 }, adapter: { type: "simulator", stateDir: "sim" } },
      consistencyGroups: ["cg1"],
      claimedElsewhere: [],
      network: mapping,
    },
  };
}

describe("ProtectionGroup network readiness", () => {
  let sandbox: sinon.SinonSandbox;
  let fakes: Fakes;

  beforeEach(() => {
    sandbox = sinon.createSandbox();
    fakes = fakeAdapters(sandbox, smallWorld());
    for (const s of fakes.world.managedSystems) {
      s.virtualSwitches = [{ name: s.site === "dr" ? "VSW-DR" : "ETHERNET0", bridges: [{ vios: "vios1", vlans: s.site === "dr" ? [110, 120] : [10, 20] }] }];
    }
    for (const l of fakes.world.lpars) l.adapters = [{ switch: "ETHERNET0", pvid: 10, taggedVlans: [20] }];
  });
  afterEach(() => sandbox.restore());

  const networkIssues = async () => {
    const { outs } = await protectionGroupOps(fakes.open).create(inputs());
    return outs.readiness.issues.filter((i) => i.code === "network");
  };

  it("GIVEN mapped VLANs bridged at the target THEN no network issue", async () => {
    assert.deepEqual(await networkIssues(), []);
  });

  it("GIVEN an unmapped VLAN, an SR-IOV port and a VLAN no target system bridges THEN each LPAR is named with the fix", async () => {
    const [app1, app2] = fakes.world.lpars;
    app1.adapters = [{ switch: "ETHERNET0", pvid: 10, taggedVlans: [30] }, { switch: "ETHERNET0", pvid: 20, kind: "sriov" }];
    app2.adapters = [{ switch: "ETHERNET0", pvid: 20 }];
    for (const s of fakes.world.managedSystems.filter((m) => m.site === "dr")) s.virtualSwitches![0].bridges![0].vlans = [110];
    const issues = await networkIssues();
    const text = issues.map((i) => i.message).join("\n");
    assert.match(text, /LPAR app1 adapter 0 carries VLAN 30, which NetworkMapping prod-to-dr does not map in `vlans`: add it there/);
    assert.match(text, /LPAR app1 adapter 1 is an SR-IOV logical port, which a remote restart cannot move/);
    assert.match(text, /LPAR app2: no system of the recovery target bridges its mapped VLANs \(dr-a lacks VLAN 120 on VSW-DR; dr-b lacks VLAN 120 on VSW-DR\)/);
    assert.deepEqual([...new Set(issues.flatMap((i) => i.lpars ?? []))].sort(), ["app1", "app2"]);
  });

  it("GIVEN the only VIOS bridging VLAN 120 at the target is down THEN each LPAR on it is named, with the failed VIOS", async () => {
    for (const s of fakes.world.managedSystems.filter((m) => m.site === "dr")) {
      s.virtualSwitches = [{ name: "VSW-DR", bridges: [{ vios: "vios1", vlans: [110] }, { vios: "vios2", vlans: [120] }] }];
      s.failedVioses = ["vios2"];
    }
    const issues = await networkIssues();
    assert.deepEqual(issues.map((i) => i.lpars), [["app1"], ["app2"]]);
    assert.match(issues[0].message, /dr-a lacks VLAN 120 on VSW-DR \(bridged only by failed VIOS vios2\)/);
    // WHEN vios2 is back THEN the group's network is sound again
    for (const s of fakes.world.managedSystems) s.failedVioses = [];
    assert.deepEqual(await networkIssues(), []);
  });

  it("GIVEN a switch the mapping does not map THEN the LPAR is named", async () => {
    fakes.world.lpars[0].adapters = [{ switch: "ETHERNET9", pvid: 10 }];
    const [issue] = await networkIssues();
    assert.match(issue.message, /LPAR app1 adapter 0 is on virtual switch ETHERNET9, which NetworkMapping prod-to-dr does not map: add it to `switches`/);
  });
});
