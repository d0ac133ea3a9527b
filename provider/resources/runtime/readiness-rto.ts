// The readiness output's RTO: a failover of the group alone, from the systems it runs on now to
// its recovery target, planned and predicted (provider/predict) against the live inventory, its
// verdict taken at the default confidence, with the stack's latency profile (readiness-profile.ts).
// Only for a group with a budget; never fails `up`.

import type { ComputeInventory } from "../../adapters/compute";
import type { StorageInventory } from "../../adapters/storage";
import type { ReadinessRto } from "../../generated/resource-outputs";
import type { ProtectionModel, StorageMappingSpec } from "../../model/protection";
import { planFailover } from "../../planner";
import { DEFAULT_CONFIDENCE, predictPlan } from "../../predict";
import type { LatencyProfile } from "../../predict/profile";
import type { GroupInputs, GroupTarget } from "./protection-group";

/** Samples behind the readiness prediction: fewer than `vmr plan`'s, as it runs on every `up`. */
const READINESS_SAMPLES = 400;

/** `profile`: the stack's latency profile (readiness-profile.ts); the defaults when absent. */
export function readinessRto(g: GroupInputs, target: GroupTarget, compute: ComputeInventory, storage: StorageInventory, profile?: LatencyProfile): ReadinessRto | undefined {
  if (g.rtoBudgetSeconds === undefined) return undefined;
  const lpars = new Map(compute.lpars.map((l) => [l.id, l]));
  const hosts = [...new Set(g.vms.map((v) => lpars.get(v.lpar)?.host).filter((h): h is string => h !== undefined && !target.systems.includes(h)))].sort();
  if (hosts.length === 0) return undefined;
  const volumes = new Set(g.vms.flatMap((v) => lpars.get(v.lpar)?.volumes ?? []));
  const via = storage.hostMappings.find((m) => volumes.has(m.volume))?.via ?? "vscsi";
  const storageMappings: StorageMappingSpec[] = storage.consistencyGroups
    .filter((cg) => g.context.consistencyGroups.includes(cg.id))
    .map((cg) => ({ name: `cg:${cg.id}`, consistencyGroup: cg.id, pairs: cg.pairs.map((p) => ({ source: p.master, replica: p.aux })), presentation: { via }, mode: cg.mode }));
  const model: ProtectionModel = {
    groups: [
      {
        name: g.name,
        slaLevel: g.slaLevel,
        vms: g.vms,
        antiAffinity: g.antiAffinity,
        rtoBudgetSeconds: g.rtoBudgetSeconds,
        ...(g.flexibleCapacity !== undefined ? { flexibleCapacity: { appliesTo: "both", ...g.flexibleCapacity } } : {}),
        recoveryTarget: "target",
        storageMappings: storageMappings.map((m) => m.name),
      },
    ],
    targets: [{ name: "target", site: target.site, systems: target.systems, reserve: target.reserve, adapter: target.adapter }],
    storageMappings,
  };
  const plan = predictPlan(planFailover({ model, inventory: { compute, storage }, failure: { failedHosts: hosts } }), { samples: READINESS_SAMPLES, confidence: DEFAULT_CONFIDENCE, ...(profile !== undefined ? { profile } : {}) });
  const group = plan.groups.find((x) => x.name === g.name);
  if (group?.predictedRto === undefined || group.verdict === "unplaceable") return undefined;
  return {
    failedHosts: hosts,
    predictedRto: group.predictedRto,
    rtoBudgetSeconds: g.rtoBudgetSeconds,
    confidence: DEFAULT_CONFIDENCE,
    verdict: group.verdict === "over" ? "over" : "within",
  };
}
