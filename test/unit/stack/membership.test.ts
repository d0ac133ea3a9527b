// The state loader's membership rule: a stack state caught half-way through a `pulumi up` that
// moves VMs between groups still protects each VM exactly once (provider/stack/membership.ts).
import { strict as assert } from "assert";
import type { ProtectionGroupSpec } from "../../../provider/model/protection";
import { settleMembership, type GroupInState } from "../../../provider/stack/membership";
import { protectionModelFromDeployment } from "../../../provider/stack";

const urnOf = (name: string) => `urn:pulumi:dev::basic::pulumi-nodejs:dynamic/vmr:ProtectionGroup::${name}`;

function group(name: string, vms: string[], extra: Partial<ProtectionGroupSpec> = {}): ProtectionGroupSpec {
  return { name, slaLevel: 1, vms: vms.map((lpar) => ({ lpar })), antiAffinity: [], recoveryTarget: "dr", storageMappings: [], ...extra };
}

function inState(spec: ProtectionGroupSpec, modified?: string, urn = urnOf(spec.name)): GroupInState {
  return { urn, spec, ...(modified ? { modified } : {}) };
}

/** Each LPAR -> the groups protecting it. */
function protectors(groups: readonly ProtectionGroupSpec[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const g of groups) for (const v of g.vms) (out[v.lpar] ??= []).push(g.name);
  return out;
}

describe("stack membership: each VM protected exactly once at every checkpoint of a move", () => {
  // vm1 moves from group a to group b in one `pulumi up`; a keeps vm0, b has vm2.
  const before = group("a", ["vm0", "vm1"], { slaLevel: 3 });
  const aAfter = group("a", ["vm0"], { slaLevel: 3 });
  const bBefore = group("b", ["vm2"]);
  const bAfter = group("b", ["vm2", "vm1"]);
  const T0 = "2026-12-07T06:00:00Z";
  const T1 = "2026-12-07T06:00:05Z";

  it("the releasing group replaced first: its old copy keeps vm1 inside the replacement, with its old level", () => {
    const { groups, warnings } = settleMembership([inState(aAfter, T1), inState(bBefore, T0)], [inState(before, T0)]);
    assert.deepEqual(protectors(groups), { vm0: ["a"], vm1: ["a"], vm2: ["b"] });
    assert.equal(groups.length, 2);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /LPAR "vm1" of group "a" is listed only by its old copy.*protected by "a"/);
  });

  it("both done, the old copy not yet deleted: the receiving group's claim wins over the old copy", () => {
    const { groups, warnings } = settleMembership([inState(aAfter, T1), inState(bAfter, T1)], [inState(before, T0)]);
    assert.deepEqual(protectors(groups), { vm0: ["a"], vm1: ["b"], vm2: ["b"] });
    assert.deepEqual(warnings, []);
  });

  it("the receiver went first: two live groups list vm1, the one written last protects it, and a warning says so", () => {
    const { groups, warnings } = settleMembership([inState(before, T0), inState(bAfter, T1)], []);
    assert.deepEqual(protectors(groups), { vm0: ["a"], vm1: ["b"], vm2: ["b"] });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /LPAR "vm1" is listed by groups "a" and "b".*protected by "b", whose state is newest/);
  });

  it("without write times the rule is still deterministic: the first group by name, whatever the state order", () => {
    for (const order of [[before, bAfter], [bAfter, before]]) {
      const { groups } = settleMembership(order.map((g) => inState(g)), []);
      assert.deepEqual(protectors(groups).vm1, ["a"]);
    }
  });

  it("a VM dropped by a group is also dropped from its anti-affinity sets and homes", () => {
    const a = group("a", ["vm0", "vm1", "vm3"], { antiAffinity: [["vm0", "vm1"], ["vm0", "vm1", "vm3"]], homes: [{ lpar: "vm1", system: "p-1", mappings: [] }] as never });
    const { groups } = settleMembership([inState(a, T0), inState(bAfter, T1)], []);
    const settledA = groups.find((g) => g.name === "a")!;
    assert.deepEqual(settledA.antiAffinity, [["vm0", "vm3"]]);
    assert.deepEqual(settledA.homes, []);
  });

  it("a VM no live group lists stays with the old copy even without a replacement (an interrupted delete of a group)", () => {
    const { groups } = settleMembership([inState(bBefore, T0)], [inState(before, T0)]);
    assert.deepEqual(protectors(groups), { vm0: ["a"], vm1: ["a"], vm2: ["b"] });
  });

  it("a VM dropped from every group is protected until the up ends, then no more", () => {
    assert.deepEqual(protectors(settleMembership([inState(aAfter, T1)], [inState(before, T0)]).groups), { vm0: ["a"], vm1: ["a"] });
    assert.deepEqual(protectors(settleMembership([inState(aAfter, T1)], []).groups), { vm0: ["a"] });
  });

  it("the state loader applies it: an old copy marked `delete` counts, and the plan's warnings carry the note", () => {
    const resource = (spec: ProtectionGroupSpec, modified: string, del = false) => ({
      urn: urnOf(spec.name),
      type: "pulumi-nodejs:dynamic/vmr:ProtectionGroup",
      id: spec.name,
      custom: true,
      modified,
      ...(del ? { delete: true } : {}),
      outputs: { ...spec, vms: spec.vms.map((v) => ({ ...v, after: [] })) },
    });
    const loaded = protectionModelFromDeployment({ resources: [resource(before, T0, true), resource(aAfter, T1), resource(bBefore, T0)] });
    assert.deepEqual(protectors(loaded.model.groups), { vm0: ["a"], vm1: ["a"], vm2: ["b"] });
    assert.equal(loaded.model.stateWarnings?.length, 1);
    assert.deepEqual(loaded.resources.map((r) => r.name), ["a", "b"]);
  });
});
