// Failback brings each VM home: to the managed system it left, with its volumes mapped there as
// they were. The homes come from where `vmr failback` reads them, the stack's state: the
// ProtectionGroup provider's own create and refresh (read) run against the simulator, and the
// protection model is loaded from those outputs as from a `pulumi stack export`. The verdict is
// the simulator's: where each LPAR is defined, its power state, and its volumes' host mappings.
import { strict as assert } from "assert";
import { VirtualClock } from "../../../provider/clock";
import { createInMemorySimulator, generateTopology, type Simulator } from "../../../provider/adapters/simulator";
import { simFailHost, simFailSite, simRepair } from "../../../provider/adapters/simulator/control";
import { runPlan } from "../../../provider/executor/run";
import { failureOf } from "../../../provider/executor/outcome";
import type { Plan } from "../../../provider/generated/plan";
import type { ResolvedLpar, ResolvedTopology } from "../../../provider/model";
import type { ProtectionModel } from "../../../provider/model/protection";
import { planFailback, planFailover, planPlanned } from "../../../provider/planner";
import { protectionGroupOps, type GroupOutputs } from "../../../provider/resources/runtime/protection-group";
import { protectionModelFromDeployment } from "../../../provider/stack/model";
import { protectTopology } from "../../fixtures/protect";
import { formatPlan } from "../../../provider/planner/format";
import { recordHomes } from "../../../provider/resources/runtime/homes";
import { buildWorld, hostId, lparId } from "./world";

const TYPE = "pulumi-nodejs:dynamic/vmr";
const urn = (kind: string, name: string): string => `urn:pulumi:dev::dc::${TYPE}:${kind}::${name}`;

/**
 * Two sites of three servers, four LPARs each; site A's servers of three sizes (sys-a-01 three
 * times the others), so that the general placement, least-loaded first, spreads the returning
 * LPARs differently from where they lived.
 */
function heterogeneous(extra: ResolvedLpar[] = []): ResolvedTopology {
  const t = generateTopology({ sites: 2, hostsPerSite: 3, lparsPerHost: 4, lunsPerLpar: 2 });
  const scale: Record<string, number> = { "sys-a-01": 3, "sys-a-02": 1, "sys-a-03": 1.5 };
  return {
    ...t,
    managedSystems: t.managedSystems.map((s) => (scale[s.id] ? { ...s, processorUnits: s.processorUnits * scale[s.id], memoryGb: s.memoryGb * scale[s.id] } : s)),
    lpars: [...t.lpars, ...extra],
  };
}

/** The stack of a datacenter: the declaration, and each ProtectionGroup's outputs as its provider wrote them. */
class Stack {
  private readonly ops;
  private outputs = new Map<string, GroupOutputs>();
  constructor(
    sim: Simulator,
    private readonly declared: ProtectionModel,
  ) {
    this.ops = protectionGroupOps(async () => sim);
  }

  /** `pulumi up` of a fresh stack: every group created. */
  async up(): Promise<void> {
    for (const g of this.declared.groups) {
      const t = this.declared.targets[0];
      const inputs = {
        name: g.name,
        slaLevel: g.slaLevel,
        vms: g.vms.map((v) => ({ lpar: v.lpar, ...(v.slaLevel !== undefined ? { slaLevel: v.slaLevel } : {}), after: [] })),
        antiAffinity: [],
        recoveryTarget: g.recoveryTarget,
        storageMappings: g.storageMappings,
        context: {
          target: { site: t.site, systems: t.systems, reserve: t.reserve, adapter: t.adapter, verify: true },
          consistencyGroups: g.storageMappings.map((m) => this.declared.storageMappings.find((s) => s.name === m)?.consistencyGroup as string),
          claimedElsewhere: [],
        },
      };
      this.outputs.set(g.name, (await this.ops.create(inputs)).outs);
    }
  }

  /** `pulumi refresh`, as the end of every `vmr failover` / `vmr failback` runs it. */
  async refresh(): Promise<void> {
    for (const [name, outs] of this.outputs) this.outputs.set(name, (await this.ops.read(name, JSON.parse(JSON.stringify(outs)))).props);
  }

  /** The protection model as `vmr` loads it from the stack's state. */
  model(): ProtectionModel {
    const resources = [
      ...this.declared.targets.map((t) => ({ urn: urn("RecoveryTarget", t.name), type: `${TYPE}:RecoveryTarget`, custom: true, outputs: { ...t } })),
      ...this.declared.storageMappings.map((m) => ({ urn: urn("StorageMapping", m.name), type: `${TYPE}:StorageMapping`, custom: true, outputs: { ...m } })),
      ...[...this.outputs].map(([name, outs]) => ({ urn: urn("ProtectionGroup", name), type: `${TYPE}:ProtectionGroup`, custom: true, outputs: JSON.parse(JSON.stringify(outs)) })),
    ];
    return protectionModelFromDeployment({ resources }).model;
  }
}

interface Where {
  host: string;
  state: string;
  volumes: string[];
  /** Every host mapping of the LPAR's volumes: volume, host, protocol, VIOS. */
  mappings: string[];
}

async function whereIs(sim: Simulator, lpars: readonly string[]): Promise<Map<string, Where>> {
  const [compute, storage] = [await sim.compute.inventory(), await sim.storage.inventory()];
  const out = new Map<string, Where>();
  for (const id of lpars) {
    const l = compute.lpars.find((x) => x.id === id) as ResolvedLpar;
    const mappings = storage.hostMappings
      .filter((m) => l.volumes.includes(m.volume))
      .map((m) => `${m.volume}@${m.host}/${m.via}${m.vios !== undefined ? `/${m.vios}` : ""}`)
      .sort();
    out.set(id, { host: l.host, state: l.state, volumes: [...l.volumes], mappings });
  }
  return out;
}

async function run(sim: Simulator, clock: VirtualClock, plan: Plan): Promise<void> {
  const result = await runPlan(plan, sim, { clock });
  assert.equal(result.status, "succeeded", JSON.stringify(failureOf(result)?.message));
}

const inventoryOf = async (sim: Simulator) => ({ compute: await sim.compute.inventory(), storage: await sim.storage.inventory() });

describe("failback brings VMs home", () => {
  it("after a planned site move, every LPAR runs again on the server it left, with its original mappings; and again after a second cycle (an unplanned site loss)", async () => {
    // GIVEN a protected datacenter with heterogeneous servers, its stack up
    const topology = heterogeneous();
    const clock = new VirtualClock();
    const sim = createInMemorySimulator(topology, { clock });
    const stack = new Stack(sim, protectTopology(topology));
    await stack.up();
    const siteA = topology.lpars.filter((l) => l.host.startsWith("sys-a-")).map((l) => l.id);
    const original = await whereIs(sim, siteA);

    // WHEN site A is moved to site B (planned), the stack refreshed, and everything fails back
    await run(sim, clock, planPlanned({ model: stack.model(), inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } }));
    for (const [id, w] of await whereIs(sim, siteA)) assert.match(w.host, /^sys-b-/, `${id} moved to site B`);
    await stack.refresh();
    const back = planFailback({ model: stack.model(), inventory: await inventoryOf(sim) });
    await run(sim, clock, back);
    // THEN on the simulator every LPAR runs on its original server, on its original volumes, mapped as before
    assert.deepEqual(Object.fromEntries(await whereIs(sim, siteA)), Object.fromEntries(original));
    // AND the plan sent each LPAR home, and said so
    assert.equal(back.placements.length, siteA.length);
    for (const p of back.placements) assert.deepEqual([p.target, p.home], [original.get(p.lpar)?.host, { system: original.get(p.lpar)?.host }], p.lpar);

    // WHEN the cycle repeats with an unplanned loss of site A: failover, refresh (the VMs run at
    // site B now), repair, failback
    await stack.refresh();
    await simFailSite("site-a", { store: sim.store });
    await run(sim, clock, planFailover({ model: stack.model(), inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } }));
    await stack.refresh();
    await simRepair("site-a", { store: sim.store });
    const again = planFailback({ model: stack.model(), inventory: await inventoryOf(sim) });
    await run(sim, clock, again);
    // THEN the home recorded before the first move still holds: every LPAR is back where it began
    assert.deepEqual(Object.fromEntries(await whereIs(sim, siteA)), Object.fromEntries(original));
    assert.ok(again.placements.every((p) => p.home?.reason === undefined), JSON.stringify(again.placements.map((p) => [p.lpar, p.target, p.home])));
  });

  it("an LPAR whose home is down or taken goes elsewhere at home, and the plan says why", async () => {
    // GIVEN an unprotected LPAR on sys-a-02, powered off, sized to leave room there for about half of its LPARs
    const base = heterogeneous();
    const a2 = base.managedSystems.find((s) => s.id === "sys-a-02") as ResolvedTopology["managedSystems"][number];
    const load = base.lpars.filter((l) => l.host === "sys-a-02").reduce((s, l) => ({ pu: s.pu + l.processorUnits, mem: s.mem + l.memoryGb }), { pu: 0, mem: 0 });
    const intruder: ResolvedLpar = {
      id: "intruder",
      name: "intruder",
      host: "sys-a-02",
      processorUnits: a2.processorUnits - load.pu / 2,
      memoryGb: a2.memoryGb - load.mem / 2,
      slaLevel: 1,
      remoteRestartCapable: false,
      volumes: [],
      state: "Not Activated",
      network: "production",
    };
    const topology = heterogeneous([intruder]);
    const clock = new VirtualClock();
    const sim = createInMemorySimulator(topology, { clock });
    const stack = new Stack(sim, protectTopology(topology));
    await stack.up();
    const siteA = topology.lpars.filter((l) => l.host.startsWith("sys-a-") && l.id !== "intruder").map((l) => l.id);
    const original = await whereIs(sim, siteA);
    await run(sim, clock, planPlanned({ model: stack.model(), inventory: await inventoryOf(sim), failure: { failedSite: "site-a" } }));
    await stack.refresh();
    // WHEN, while they are away, the intruder starts on sys-a-02 and sys-a-03 fails
    await sim.compute.powerOn("intruder");
    await sim.compute.waitUntilRunning("intruder");
    await simFailHost("sys-a-03", { store: sim.store });
    const back = planFailback({ model: stack.model(), inventory: await inventoryOf(sim) });

    // THEN sys-a-03's LPARs are placed elsewhere, because their home is down
    const homeOf = (id: string) => original.get(id)?.host as string;
    const ofA3 = back.placements.filter((p) => homeOf(p.lpar) === "sys-a-03");
    assert.equal(ofA3.length, 4);
    for (const p of ofA3) {
      assert.equal(p.home?.system, "sys-a-03");
      assert.match(p.home?.reason ?? "", /^its home system "sys-a-03" is Error, not Operating$/);
      assert.ok(p.target !== null && p.target !== "sys-a-03" && p.target.startsWith("sys-a-"), `${p.lpar} -> ${p.target}`);
    }
    // AND of sys-a-02's, those that fit beside the intruder go home; the others are short, naming it
    const ofA2 = back.placements.filter((p) => homeOf(p.lpar) === "sys-a-02");
    const short = ofA2.filter((p) => p.home?.reason !== undefined);
    assert.ok(short.length > 0 && short.length < ofA2.length, JSON.stringify(ofA2.map((p) => [p.lpar, p.target, p.home])));
    for (const p of short) {
      assert.match(p.home?.reason ?? "", /^its home system "sys-a-02" is short of .*(processor units|GiB of memory).*: the room is taken by "intruder"/);
      assert.ok(p.target !== null && p.target !== "sys-a-02");
    }
    // AND everyone else goes home
    for (const p of back.placements.filter((x) => x.home?.reason === undefined)) assert.equal(p.target, homeOf(p.lpar));

    // WHEN the plan runs THEN on the simulator each LPAR runs where the plan said: home, or where its reason sent it
    await run(sim, clock, back);
    const now = await whereIs(sim, siteA);
    for (const p of back.placements) {
      const w = now.get(p.lpar) as Where;
      assert.deepEqual([w.host, w.state], [p.target, "Running"], p.lpar);
      if (p.home?.reason === undefined) assert.deepEqual(w, original.get(p.lpar), `${p.lpar} is home as it was`);
    }
    // AND the intruder kept running
    assert.equal((await sim.compute.getLpar("intruder")).state, "Running");
  });
  it("restores each volume's recorded protocol and VIOS, and says (JSON and text) when a VM has no recorded home", () => {
    // GIVEN four VMs on sys0 and sys1 at site A (vSCSI through vios1 / vios2, one NPIV), their homes recorded as the stack does
    const world = buildWorld({
      hosts: [{ site: "A", pu: 64, mem: 1024 }, { site: "A", pu: 64, mem: 1024 }, { site: "B", pu: 64, mem: 1024 }],
      vms: [
        { host: 1, pu: 1, mem: 8, level: 1, volumes: 2 },
        { host: 1, pu: 1, mem: 8, level: 1, volumes: 2 },
        { host: 1, pu: 1, mem: 8, level: 1, volumes: 1, via: "npiv" },
        { host: 0, pu: 1, mem: 8, level: 1, volumes: 1 },
      ],
    });
    const lparIds = world.model.groups[0].vms.map((v) => v.lpar);
    const homes = recordHomes(lparIds, ["cg0"], world.inventory.compute, world.inventory.storage, undefined);
    // (lpar1's record is lost, as in state written before home records)
    const model = { ...world.model, groups: [{ ...world.model.groups[0], homes: homes.filter((h) => h.lpar !== lparId(1)) }] };
    // WHEN they run on their replicas at site B (through vios1 only) and failback is planned
    const lpars = world.inventory.compute.lpars.map((l) => ({ ...l, host: hostId(2), volumes: l.volumes.map((v) => v.replace(/^v/, "r")) }));
    const hostMappings = lpars.flatMap((l) => l.volumes.map((v) => ({ volume: v, host: hostId(2), via: "vscsi" as const, vios: "vios1" })));
    const consistencyGroups = world.inventory.storage.consistencyGroups.map((c) => ({ ...c, primary: "aux" as const }));
    const plan = planFailback({ model, inventory: { compute: { ...world.inventory.compute, lpars }, storage: { ...world.inventory.storage, hostMappings, consistencyGroups } } });
    const byLpar = new Map(plan.placements.map((p) => [p.lpar, p]));
    // THEN the VMs with a record go home, each volume through the protocol and VIOS it had there
    for (const i of [0, 2, 3]) {
      const p = byLpar.get(lparId(i)) as Plan["placements"][number];
      const home = homes.find((h) => h.lpar === lparId(i)) as (typeof homes)[number];
      assert.deepEqual([p.target, p.home], [home.system, { system: home.system }]);
      assert.deepEqual(
        p.volumes.map((v) => ({ volume: v.attach, via: v.via, vios: v.vios })),
        home.mappings.map((m) => ({ volume: m.volume, via: m.via, vios: m.vios })),
      );
    }
    assert.deepEqual(byLpar.get(lparId(0))?.volumes.map((v) => v.vios), ["vios1", "vios2"]);
    assert.deepEqual(byLpar.get(lparId(2))?.volumes.map((v) => [v.via, v.vios]), [["npiv", undefined]]);
    // AND the one without a record is placed by the general rules, the plan saying why, in JSON and as text
    const lost = byLpar.get(lparId(1)) as Plan["placements"][number];
    assert.ok(lost.target?.startsWith("sys"));
    assert.deepEqual(lost.home?.system, null);
    assert.match(lost.home?.reason ?? "", /^the stack records no home for it .*`pulumi refresh` while it runs at home records it$/);
    const text = formatPlan(plan);
    assert.match(text, /^3 of 4 LPARs go back to their home system \(the others say why not\)$/m);
    assert.match(text, new RegExp(`^${lparId(1)} .* not home: the stack records no home for it`, "m"));
  });
});
