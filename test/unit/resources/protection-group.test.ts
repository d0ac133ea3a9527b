// ProtectionGroup provider: check, diff and CRUD against fake adapters with injected faults.
import { strict as assert } from "assert";
import * as sinon from "sinon";
import { AdapterError } from "../../../provider/errors";
import { forgetCheckedMembers, protectionGroupOps, type GroupOutputs } from "../../../provider/resources/runtime/protection-group";
import { UNKNOWN } from "../../../provider/resources/runtime/common";
import { fakeAdapters, lpar, smallWorld, type Fakes } from "./fakes";

function inputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    __provider: "exports.handler = ...",
    name: "web",
    slaLevel: 3,
    vms: [{ lpar: "app1" }, { lpar: "app2", after: ["app1"] }],
    recoveryTarget: "dr",
    storageMappings: ["apps"],
    context: {
      target: { site: "dr", systems: ["dr-a", "dr-b"], reserve: { processorUnits: 0, memoryGb: 0 }, adapter: { type: "simulator", stateDir: "sim" } },
      consistencyGroups: ["cg1"],
      claimedElsewhere: [],
    },
    ...overrides,
  };
}

function paths(failures: { property: string }[]): string[] {
  return failures.map((f) => f.property);
}

describe("ProtectionGroup provider", () => {
  let sandbox: sinon.SinonSandbox;
  let fakes: Fakes;
  let ops: ReturnType<typeof protectionGroupOps>;

  beforeEach(() => {
    sandbox = sinon.createSandbox();
    fakes = fakeAdapters(sandbox, smallWorld());
    ops = protectionGroupOps(fakes.open);
    forgetCheckedMembers();
  });
  afterEach(() => {
    sandbox.restore();
    forgetCheckedMembers();
  });

  describe("check", () => {
    it("accepts a valid group and fills in defaults", async () => {
      // GIVEN a valid group WHEN checked
      const { inputs: checked, failures } = await ops.check({}, inputs());
      // THEN nothing fails, defaults are present and __provider is not part of the inputs
      assert.deepEqual(failures, []);
      assert.deepEqual(checked.vms[0], { lpar: "app1", after: [] });
      assert.deepEqual(checked.antiAffinity, []);
      assert.equal("__provider" in checked, false);
      // AND discovery was asked through the target's adapter settings
      assert.deepEqual(fakes.open.firstCall.args[0], { type: "simulator", stateDir: "sim" });
    });

    it("reports every invalid field together, each naming its path", async () => {
      // GIVEN an SLA level out of range, a dependency cycle and an anti-affinity set naming a stranger
      const bad = inputs({
        slaLevel: 12,
        vms: [{ lpar: "app1", after: ["app2"] }, { lpar: "app2", after: ["app1"] }],
        antiAffinity: [["app1", "nobody"]],
      });
      // WHEN checked
      const { failures } = await ops.check({}, bad);
      // THEN the schema failure comes first (rules need a valid shape)
      assert.deepEqual(paths(failures), ["slaLevel"]);
      assert.match(failures[0].reason, /`slaLevel` must be <= 9, got 12/);
      // AND with the shape fixed, every rule failure is reported at once
      const { failures: ruleFailures } = await ops.check({}, { ...bad, slaLevel: 3 });
      assert.deepEqual(paths(ruleFailures).sort(), ["antiAffinity[0][1]", "vms[0].after"]);
      assert.match(ruleFailures.find((f) => f.property === "vms[0].after")!.reason, /dependency cycle app1 -> app2 -> app1/);
    });

    it("rejects a VM that another group of the program protects, naming the field", async () => {
      // GIVEN the class found app2 in the earlier group "db"
      const claimed = inputs();
      (claimed.context as Record<string, unknown>).claimedElsewhere = [{ lpar: "app2", group: "db" }];
      // WHEN checked THEN the failure names `vms[1].lpar` and the other group
      const { failures } = await ops.check({}, claimed);
      assert.deepEqual(paths(failures), ["vms[1].lpar"]);
      assert.match(failures[0].reason, /`vms\[1\]\.lpar` is "app2", which protection group "db" also protects/);
    });

    it("rejects an LPAR discovery does not know", async () => {
      const { failures } = await ops.check({}, inputs({ vms: [{ lpar: "app1" }, { lpar: "ghost" }] }));
      assert.deepEqual(paths(failures), ["vms[1].lpar"]);
      assert.match(failures[0].reason, /"ghost", which discovery does not know/);
    });

    it("rejects a dependency on a VM with a lower SLA level: it could never run first", async () => {
      const { failures } = await ops.check({}, inputs({ vms: [{ lpar: "app1", slaLevel: 1 }, { lpar: "app2", slaLevel: 5, after: ["app1"] }] }));
      assert.deepEqual(paths(failures), ["vms[1].after[0]"]);
    });

    it("says nothing yet about values unknown during a preview", async () => {
      // GIVEN the second VM's id is not known yet
      const { failures } = await ops.check({}, inputs({ vms: [{ lpar: "app1" }, { lpar: UNKNOWN }] }));
      // THEN no failure is reported for it
      assert.deepEqual(failures, []);
    });

    it("names the target when its adapter cannot be reached", async () => {
      fakes.open.rejects(new Error("state directory sim not found"));
      const { failures } = await ops.check({}, inputs());
      assert.deepEqual(paths(failures), ["recoveryTarget"]);
      assert.match(failures[0].reason, /state directory sim not found/);
    });
  });

  describe("diff", () => {
    it("updates in place for SLA level and added VMs, ignoring __provider", async () => {
      const olds = (await ops.create(inputs())).outs as unknown as Record<string, unknown>;
      // WHEN only the serialized provider changed THEN there is nothing to do
      assert.deepEqual(await ops.diff("web", olds, { ...inputs(), __provider: "other code" }), { changes: false, replaces: [], deleteBeforeReplace: false });
      // WHEN the SLA level changes or a VM joins THEN it is an update, never a replacement
      const sla = await ops.diff("web", olds, (await ops.check({}, inputs({ slaLevel: 7 }))).inputs as never);
      assert.deepEqual(sla, { changes: true, replaces: [], deleteBeforeReplace: false });
      const joined = await ops.diff("web", olds, (await ops.check({}, inputs({ vms: [{ lpar: "app1" }, { lpar: "app2", after: ["app1"] }, { lpar: "app4" }] }))).inputs as never);
      assert.deepEqual(joined, { changes: true, replaces: [], deleteBeforeReplace: false });
    });

    it("replaces, creating first, a group that drops a VM: its old copy keeps the VM in the state until the end of the up", async () => {
      const olds = (await ops.create(inputs())).outs as unknown as Record<string, unknown>;
      const dropped = await ops.diff("web", olds, (await ops.check({}, inputs({ vms: [{ lpar: "app1" }] }))).inputs as never);
      assert.deepEqual(dropped, { changes: true, replaces: ["vms"], deleteBeforeReplace: false });
      // AND while the new list is unknown (a preview) it cannot say, so it says update
      assert.deepEqual((await ops.diff("web", olds, { ...inputs(), vms: UNKNOWN })).replaces, []);
    });

    it("replaces on a new name, creating first so there is no moment without the group", async () => {
      const olds = (await ops.create(inputs())).outs as unknown as Record<string, unknown>;
      const renamed = (await ops.check({}, inputs({ name: "web2" }))).inputs as never;
      assert.deepEqual(await ops.diff("web", olds, renamed), { changes: true, replaces: ["name"], deleteBeforeReplace: false });
    });
  });

  describe("create", () => {
    it("marks every LPAR remote-restart capable and reports ready", async () => {
      const { id, outs } = await ops.create(inputs());
      assert.equal(id, "web");
      assert.deepEqual(fakes.compute.setRemoteRestartCapable.args.map((a) => a.join(":")).sort(), ["app1:true", "app2:true"]);
      assert.equal(outs.readiness.status, "ready");
      assert.deepEqual(outs.readiness.issues, []);
      assert.deepEqual(outs.currentSites, ["prod"]);
      assert.deepEqual(outs.members.map((m) => [m.lpar, m.host, m.remoteRestartCapable]), [["app1", "prod-a", true], ["app2", "prod-a", true]]);
      // AND the outputs carry the declaration, so the state loader can rebuild the model
      assert.equal(outs.slaLevel, 3);
      assert.equal(outs.recoveryTarget, "dr");
    });

    it("notes, without making the group not ready, a consistency group whose writers span servers", async () => {
      // GIVEN cg1 replicates app1, app2 (on prod-a) and app3, app4 (on prod-b)
      const { outs } = await ops.create(inputs());
      // THEN readiness says before any failure that they move together
      assert.equal(outs.readiness.status, "ready");
      const notes = outs.readiness.notes ?? [];
      assert.deepEqual(notes.map((n) => [n.code, n.consistencyGroup, n.systems, n.lpars]), [["sharedConsistencyGroup", "cg1", ["prod-a", "prod-b"], ["app1", "app2", "app3", "app4"]]]);
      assert.match(notes[0].message, /consistency group cg1 has writers on 2 servers \(prod-a, prod-b\): a failover or planned move of one of them moves all 4 writers/);
      // AND a group whose writers share one server gets no note
      fakes.world.lpars.forEach((l) => ((l as { host: string }).host = "prod-a"));
      const alone = await ops.create(inputs());
      assert.equal(alone.outs.readiness.notes, undefined);
    });

    it("reports missing capacity, and how much, without failing", async () => {
      // GIVEN the target systems hold 16 PU / 256 GB each, and the reserve leaves 2 PU / 20 GB
      const g = inputs();
      (g.context as { target: { reserve: object } }).target.reserve = { processorUnits: 14, memoryGb: 236 };
      fakes.world.lpars.find((l) => l.id === "app1")!.memoryGb = 48;
      // WHEN created
      const { outs } = await ops.create(g);
      // THEN readiness names the VM that does not fit and the shortfall
      assert.equal(outs.readiness.status, "notReady");
      const issue = outs.readiness.issues.find((i) => i.code === "capacity")!;
      assert.deepEqual(issue.lpars, ["app1"]);
      assert.equal(issue.missingMemoryGb, 48 + 16 - 40);
      assert.match(issue.message, /missing 0 processor units and 24 GB of memory/);
    });

    it("reports a volume that is not replicated, or not covered by the group's mappings", async () => {
      fakes.world.lpars.find((l) => l.id === "app1")!.volumes.push("scratch");
      const { outs } = await ops.create(inputs({ storageMappings: [], context: { ...(inputs().context as object), consistencyGroups: [] } }));
      const messages = outs.readiness.issues.filter((i) => i.code === "replication").map((i) => i.message);
      assert.ok(messages.some((m) => /volume scratch of LPAR app1 is not replicated/.test(m)), messages.join("\n"));
      assert.ok(messages.some((m) => /app2-vol of LPAR app2 replicates in cg1, which none of the group's `storageMappings` covers/.test(m)));
    });

    it("fails when marking an LPAR fails for good", async () => {
      fakes.compute.setRemoteRestartCapable.rejects(new AdapterError("fatal", "setRemoteRestartCapable", "app1", "HMC refused"));
      await assert.rejects(ops.create(inputs()), /HMC refused/);
    });

    it("does not contact the adapter when the target is not verified", async () => {
      const g = inputs();
      (g.context as { target: { verify: boolean } }).target.verify = false;
      const { outs } = await ops.create(g);
      assert.equal(outs.readiness.status, "unverified");
      sinon.assert.notCalled(fakes.open);
    });
  });

  describe("update", () => {
    it("protects a VM that joined and returns full outputs", async () => {
      // GIVEN a group of app1 and app2
      const olds = (await ops.create(inputs())).outs as unknown as Record<string, unknown>;
      // WHEN app3 joins
      const { outs } = await ops.update("web", olds, inputs({ vms: [{ lpar: "app1" }, { lpar: "app2", after: ["app1"] }, { lpar: "app3" }] }));
      // THEN all three are capable, and outputs are complete
      const capable = Object.fromEntries(fakes.world.lpars.map((l) => [l.id, l.remoteRestartCapable]));
      assert.deepEqual(capable, { app1: true, app2: true, app3: true, app4: false });
      assert.deepEqual(outs.members.map((m) => m.lpar), ["app1", "app2", "app3"]);
      assert.equal(outs.readiness.status, "ready");
    });
  });

  describe("read", () => {
    it("reports an LPAR gone and one no longer capable as drift, keeping the id", async () => {
      const olds = (await ops.create(inputs())).outs as unknown as Record<string, unknown>;
      // GIVEN app1 deleted and app2 unmarked outside Pulumi
      fakes.world.lpars = fakes.world.lpars.filter((l) => l.id !== "app1");
      fakes.world.lpars.find((l) => l.id === "app2")!.remoteRestartCapable = false;
      // WHEN read
      const { id, props } = await ops.read("web", olds);
      // THEN the id stays, readiness names both, and drift asks the next up to re-mark app2
      assert.equal(id, "web");
      assert.deepEqual(props.members.map((m) => [m.lpar, m.present]), [["app1", false], ["app2", true]]);
      assert.deepEqual(props.readiness.issues.map((i) => i.code), ["lpar", "remoteRestart"]);
      assert.deepEqual(props.drift, ["LPAR app2 is no longer remote-restart capable"]);
      assert.equal((await ops.diff("web", props as unknown as Record<string, unknown>, (await ops.check({}, inputs({ vms: [{ lpar: "app2" }] }))).inputs as never)).changes, true);
    });

    it("after a failover shows the recovery site, and the unchanged program changes nothing", async () => {
      // (the engine creates from checked inputs)
      const olds = (await ops.create((await ops.check({}, inputs())).inputs as never)).outs as unknown as Record<string, unknown>;
      // GIVEN both VMs were restarted on dr-a
      for (const l of fakes.world.lpars) if (l.id === "app1" || l.id === "app2") l.host = "dr-a";
      // WHEN refreshed
      const { props } = await ops.read("web", olds);
      // THEN the outputs show where they run now, and they need no room on the target they are on
      assert.deepEqual(props.currentSites, ["dr"]);
      assert.equal(props.readiness.issues.filter((i) => i.code === "capacity").length, 0);
      // AND the same program's inputs diff to no changes (nothing moves them back)
      const again = (await ops.check({}, inputs())).inputs;
      assert.deepEqual(await ops.diff("web", props as unknown as Record<string, unknown>, again as never), { changes: false, replaces: [], deleteBeforeReplace: false });
    });
  });

  describe("delete", () => {
    it("unprotects every VM and ignores one that is already gone", async () => {
      const olds: GroupOutputs = (await ops.create(inputs())).outs;
      fakes.world.lpars = fakes.world.lpars.filter((l) => l.id !== "app1");
      await ops.delete("web", olds as unknown as Record<string, unknown>);
      assert.equal(fakes.world.lpars.find((l) => l.id === "app2")!.remoteRestartCapable, false);
      // AND VM data is untouched: only the capability calls were made
      assert.deepEqual(fakes.compute.setRemoteRestartCapable.args.slice(-2).map((a) => a[1]), [false, false]);
      sinon.assert.notCalled(fakes.compute.powerOff);
      sinon.assert.notCalled(fakes.storage.unmapVolume);
    });

    it("leaves marked the VMs the program lists elsewhere: moved to another group, or kept by its replacement", async () => {
      // GIVEN group web of app1 and app2, replaced by a web of app1 alone, app2 moved to group batch
      const olds = (await ops.create(inputs())).outs as unknown as Record<string, unknown>;
      await ops.check({}, inputs({ vms: [{ lpar: "app1" }] }));
      await ops.check({}, inputs({ name: "batch", vms: [{ lpar: "app2" }, { lpar: "app3" }] }));
      // WHEN the old copy of web is deleted at the end of the up
      await ops.delete("web", olds);
      // THEN nothing is unmarked: app1 and app2 are still protected
      sinon.assert.neverCalledWith(fakes.compute.setRemoteRestartCapable, sinon.match.string, false);
      // AND a VM no group of the program lists any more is unmarked
      await ops.check({}, inputs({ name: "batch", vms: [{ lpar: "app3" }] }));
      await ops.delete("web", olds);
      assert.deepEqual(fakes.compute.setRemoteRestartCapable.args.filter((a) => a[1] === false).map((a) => a[0]), ["app2"]);
    });

    it("propagates a transient failure so the engine can retry the delete", async () => {
      const olds = (await ops.create(inputs())).outs as unknown as Record<string, unknown>;
      fakes.compute.setRemoteRestartCapable.rejects(new AdapterError("transient", "setRemoteRestartCapable", "app1", "HMC busy"));
      await assert.rejects(ops.delete("web", olds), (err: unknown) => AdapterError.isTransient(err));
    });
  });

  it("places a group onto a target as big as its VMs exactly", async () => {
    // GIVEN one 16 PU / 256 GB LPAR and a target system of that size
    fakes.world.lpars.push(lpar("big", "prod-b", 16, 256, []));
    const g = inputs({ vms: [{ lpar: "big" }] });
    (g.context as { target: { systems: string[] } }).target.systems = ["dr-a"];
    const { outs } = await ops.create(g);
    assert.equal(outs.readiness.status, "ready");
  });
  describe("homes (where `vmr failback` returns each VM)", () => {
    /** The world after a failover: every VM on dr-a, on its replica, mapped there. */
    function failOver(world: Fakes["world"]): void {
      for (const l of world.lpars) {
        l.host = "dr-a";
        l.volumes = [`${l.id}-vol-r`];
      }
      world.hostMappings = world.lpars.map((l) => ({ volume: `${l.id}-vol-r`, host: "dr-a", via: "vscsi" as const, vios: "vios1" }));
    }

    beforeEach(() => {
      fakes.world.hostMappings = fakes.world.lpars.map((l, i) => ({ volume: `${l.id}-vol`, host: l.host, via: "vscsi" as const, vios: i % 2 ? "vios2" : "vios1" }));
    });

    it("create records each VM's system and mappings; a refresh while they run on replicas keeps them", async () => {
      // GIVEN a group created while its VMs run at home
      const { outs } = await ops.create(inputs());
      const home = [
        { lpar: "app1", system: "prod-a", site: "prod", mappings: [{ volume: "app1-vol", storageSystem: "svc-prod", via: "vscsi", vios: "vios1" }] },
        { lpar: "app2", system: "prod-a", site: "prod", mappings: [{ volume: "app2-vol", storageSystem: "svc-prod", via: "vscsi", vios: "vios2" }] },
      ];
      assert.deepEqual(outs.homes, home);
      // WHEN they fail over and the stack is refreshed
      failOver(fakes.world);
      const { props } = await ops.read("web", JSON.parse(JSON.stringify(outs)));
      // THEN members show the recovery site, and the homes are still the original ones, not dr-a
      assert.deepEqual(props.currentSites, ["dr"]);
      assert.deepEqual(props.homes, home);
      // AND an update while they are away (a new SLA level) keeps them too; a VM that leaves the group leaves its home behind
      const { outs: updated } = await ops.update("web", JSON.parse(JSON.stringify(props)), inputs({ slaLevel: 5, vms: [{ lpar: "app1" }] }));
      assert.deepEqual(updated.homes, [home[0]]);
    });

    it("a group that drops a VM while its VMs run away is updated in place, not replaced: a replacement would forget their homes", async () => {
      // GIVEN the group failed over and refreshed (app1 and app2 away on dr-a)
      const { outs } = await ops.create((await ops.check({}, inputs())).inputs as never);
      failOver(fakes.world);
      const away = JSON.parse(JSON.stringify((await ops.read("web", JSON.parse(JSON.stringify(outs)))).props)) as Record<string, unknown>;
      // WHEN the program drops app2 from it
      const news = (await ops.check({}, inputs({ vms: [{ lpar: "app1" }] }))).inputs as never;
      // THEN the diff is an update in place (a replacement is created from inputs alone)
      assert.deepEqual(await ops.diff("web", away, news), { changes: true, replaces: [], deleteBeforeReplace: false });
      // AND the update keeps app1's home and unprotects app2, which no group of the program lists
      const { outs: updated } = await ops.update("web", away, news);
      assert.deepEqual(updated.homes?.map((h) => [h.lpar, h.system]), [["app1", "prod-a"]]);
      const capable = Object.fromEntries(fakes.world.lpars.map((l) => [l.id, l.remoteRestartCapable]));
      assert.equal(capable.app1, true);
      assert.equal(capable.app2, false);
    });

    it("a VM dropped by an update in place stays protected when another group of the program lists it (a move)", async () => {
      const { outs } = await ops.create((await ops.check({}, inputs())).inputs as never);
      failOver(fakes.world);
      const away = JSON.parse(JSON.stringify((await ops.read("web", JSON.parse(JSON.stringify(outs)))).props)) as Record<string, unknown>;
      // GIVEN the group receiving app2 was checked in this deployment
      await ops.check({}, inputs({ name: "db", vms: [{ lpar: "app2" }] }));
      // WHEN web drops it
      await ops.update("web", away, (await ops.check({}, inputs({ vms: [{ lpar: "app1" }] }))).inputs as never);
      // THEN app2 was never unmarked
      sinon.assert.neverCalledWith(fakes.compute.setRemoteRestartCapable, "app2", false);
      assert.equal(fakes.world.lpars.find((l) => l.id === "app2")!.remoteRestartCapable, true);
    });

    it("a VM back at home on another system gets that system as its home at the next refresh", async () => {
      const { outs } = await ops.create(inputs());
      failOver(fakes.world);
      const away = (await ops.read("web", JSON.parse(JSON.stringify(outs)))).props;
      // WHEN app1 came back to prod-b (its home was short) on its own volume
      const app1 = fakes.world.lpars.find((l) => l.id === "app1") as (typeof fakes.world.lpars)[number];
      app1.host = "prod-b";
      app1.volumes = ["app1-vol"];
      fakes.world.hostMappings = [...(fakes.world.hostMappings ?? []), { volume: "app1-vol", host: "prod-b", via: "npiv" }];
      const { props } = await ops.read("web", JSON.parse(JSON.stringify(away)));
      // THEN prod-b is its home now; app2, still away, keeps its own
      assert.deepEqual(props.homes?.map((h) => [h.lpar, h.system, h.mappings]), [
        ["app1", "prod-b", [{ volume: "app1-vol", storageSystem: "svc-prod", via: "npiv" }]],
        ["app2", "prod-a", [{ volume: "app2-vol", storageSystem: "svc-prod", via: "vscsi", vios: "vios2" }]],
      ]);
    });

    it("state written before home records gets none for a VM that is away (failback then says so), and one for a VM at home", async () => {
      const { outs } = await ops.create(inputs());
      const legacy: Record<string, unknown> = JSON.parse(JSON.stringify(outs));
      delete legacy.homes;
      const app2 = fakes.world.lpars.find((l) => l.id === "app2") as (typeof fakes.world.lpars)[number];
      app2.host = "dr-b";
      app2.volumes = ["app2-vol-r"];
      const { props } = await ops.read("web", legacy);
      assert.deepEqual(props.homes?.map((h) => h.lpar), ["app1"]);
    });
  });
});
