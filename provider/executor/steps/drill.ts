// Drill steps: FlashCopy point-in-time copies of the replicas, started as drill LPARs in an
// isolated network while replication goes on, then torn down. Later steps find what earlier ones
// created through their journaled outputs, and through the adapters' inventory when a crash came
// between creating and journaling (so a teardown after a crash still finds everything).

import type { Plan, Step } from "../../generated/plan";
import { lparOf, stringArrayParam, stringParam } from "../params";
import { defineStep, placementOf, type StepContext } from "../registry";
import { ExecutionError } from "../../errors";
import { productionVlansOf } from "../../network/isolation";
import { startSizeOf } from "./start-size";

/** Per plan: the CreateFlashCopyGroup step of each group name, the StartDrillLpar step of each LPAR. */
interface DrillIndex {
  readonly createGroupStep: Map<string, string>;
  readonly startDrillStep: Map<string, string>;
}

const indexes = new WeakMap<Plan, DrillIndex>();

function drillIndex(plan: Plan): DrillIndex {
  let index = indexes.get(plan);
  if (!index) {
    index = { createGroupStep: new Map(), startDrillStep: new Map() };
    for (const s of plan.steps) {
      if (s.kind === "CreateFlashCopyGroup" && s.params?.flashCopyGroup) index.createGroupStep.set(s.params.flashCopyGroup, s.id);
      if (s.kind === "StartDrillLpar" && s.lpar) index.startDrillStep.set(s.lpar, s.id);
    }
    indexes.set(plan, index);
  }
  return index;
}

interface FlashCopyGroupOutput {
  readonly groupId: string;
  /** FlashCopy source volume -> target volume. */
  readonly targets: Record<string, string>;
}

/** The FlashCopy group named `name`: from the step that created it, else from the inventory. */
export async function flashCopyGroupOf(name: string, context: StepContext): Promise<FlashCopyGroupOutput | undefined> {
  const stepId = drillIndex(context.plan).createGroupStep.get(name);
  const output = stepId ? (context.outputOf(stepId) as FlashCopyGroupOutput | undefined) : undefined;
  if (output?.groupId) return output;
  const group = (await context.adapters.storage.inventory()).flashCopyGroups.find((g) => g.name === name);
  return group ? { groupId: group.id, targets: Object.fromEntries(group.maps.map((m) => [m.source, m.target])) } : undefined;
}

/** The drill copy of `lpar`: from the step that started it, else from the inventory. */
export async function drillLparOf(lpar: string, context: StepContext): Promise<string | undefined> {
  const stepId = drillIndex(context.plan).startDrillStep.get(lpar);
  const output = stepId ? context.outputOf(stepId) : undefined;
  if (typeof output?.lparId === "string") return output.lparId;
  const network = stepId ? context.plan.steps.find((s) => s.id === stepId)?.params?.network : undefined;
  const copy = (await context.adapters.compute.inventory()).lpars.find((l) => l.drillOf === lpar && (network === undefined || l.network === network));
  return copy?.id;
}

/** The FlashCopy sources of a drill step: params.volumes, else the volumes the placement attaches. */
function drillSources(step: Step, plan: Plan): string[] {
  return stringArrayParam(step, "volumes", placementOf(plan, step.lpar)?.volumes.map((v) => v.attach), true);
}

export const CreateFlashCopyGroup = defineStep({
  kind: "CreateFlashCopyGroup",
  touches: "storage",
  defaultTimeoutSeconds: 900,
  resolve: (step, plan) => ({
    name: stringParam(step, "flashCopyGroup"),
    storageSystemId: stringParam(step, "storageSystem"),
    sourceVolumeIds: stringArrayParam(step, "volumes", step.lpar ? drillSources(step, plan) : undefined, true),
  }),
  async run(request, { adapters }) {
    const { group, alreadyDone } = await adapters.storage.createFlashCopyGroup(request);
    const targets = Object.fromEntries(group.maps.map((m) => [m.source, m.target]));
    return { alreadyDone, output: { groupId: group.id, targets } };
  },
});

export const DeleteFlashCopyGroup = defineStep({
  kind: "DeleteFlashCopyGroup",
  touches: "storage",
  defaultTimeoutSeconds: 900,
  resolve: (step) => ({ name: stringParam(step, "flashCopyGroup") }),
  async run({ name }, context) {
    const group = await flashCopyGroupOf(name, context);
    if (!group) return { alreadyDone: true };
    return { alreadyDone: (await context.adapters.storage.deleteFlashCopyGroup(group.groupId)).alreadyDone };
  },
});

export const StartDrillLpar = defineStep({
  kind: "StartDrillLpar",
  touches: "compute",
  defaultTimeoutSeconds: 1800,
  resolve: (step, plan) => ({
    lpar: lparOf(step),
    target: stringParam(step, "target", placementOf(plan, step.lpar)?.target),
    sources: drillSources(step, plan),
    flashCopyGroup: stringParam(step, "flashCopyGroup"),
    network: stringParam(step, "network", "drill"),
    adapters: placementOf(plan, step.lpar)?.network?.adapters,
    productionVlans: placementOf(plan, step.lpar)?.network?.productionVlans ?? [],
    size: startSizeOf(placementOf(plan, step.lpar)),
  }),
  async run({ lpar, target, sources, flashCopyGroup, network, adapters, productionVlans, size }, context) {
    const group = await flashCopyGroupOf(flashCopyGroup, context);
    if (!group) throw new Error(`FlashCopy group ${flashCopyGroup} does not exist: its CreateFlashCopyGroup step must come first`);
    const volumeIds = sources.map((s) => {
      const copy = group.targets[s];
      if (!copy) throw new Error(`FlashCopy group ${flashCopyGroup} has no copy of volume ${s}`);
      return copy;
    });
    const created = await context.adapters.compute.createDrillLpar({
      sourceLparId: lpar,
      targetSystemId: target,
      volumeIds,
      network,
      ...(adapters !== undefined ? { adapters } : {}),
      ...(size !== undefined ? { size } : {}),
    });
    // Isolation is checked on what the adapter reports, not on what was asked for; only when the
    // group has a NetworkMapping (getLpar costs an inventory on an HMC).
    const leaked = productionVlans.length > 0 ? productionVlansOf(await context.adapters.compute.getLpar(created.lparId), productionVlans) : [];
    if (leaked.length > 0) {
      throw new ExecutionError(`drill copy ${created.lparId} is attached to production VLAN ${leaked.join(", ")} of the target site: the drill is not isolated; its cleanup removes the copy`, [lpar]);
    }
    return { alreadyDone: created.alreadyDone, output: { lparId: created.lparId } };
  },
});

export const DeleteDrillLpar = defineStep({
  kind: "DeleteDrillLpar",
  touches: "compute",
  defaultTimeoutSeconds: 900,
  resolve: (step) => ({ lpar: lparOf(step) }),
  async run({ lpar }, context) {
    const copy = await drillLparOf(lpar, context);
    if (copy === undefined) return { alreadyDone: true };
    return { alreadyDone: (await context.adapters.compute.deleteDrillLpar(copy)).alreadyDone };
  },
});
