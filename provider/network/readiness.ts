// What `pulumi up` says about a group's network before any failure: each LPAR whose switch or
// VLAN the mapping does not map, whose adapter cannot move by remote restart, or whose mapped
// VLANs no system of the recovery target bridges on the mapped switch.

import type { ResolvedLpar, ResolvedManagedSystem } from "../model";
import type { NetworkMappingSpec } from "../model/protection";
import type { ReadinessIssue } from "../generated/resource-outputs";
import { adaptersOf, mapAdapters, missingOn, modelsNetwork, useFor } from "./adapters";

export interface NetworkReadinessInput {
  /** The group's LPARs as discovered (those found). */
  readonly lpars: readonly ResolvedLpar[];
  readonly mapping: NetworkMappingSpec | undefined;
  /** Name the group gives its mapping, when it names one. */
  readonly mappingName?: string;
  /** The recovery target's site and systems as discovered. */
  readonly targetSite: string;
  readonly targetSystems: readonly ResolvedManagedSystem[];
  readonly siteOf: ReadonlyMap<string, string>;
}

export function networkReadiness(input: NetworkReadinessInput): ReadinessIssue[] {
  const { mapping } = input;
  if (input.mappingName === undefined) return [];
  if (!mapping) {
    return [{ code: "network", message: `NetworkMapping ${input.mappingName} is not known to this group: pass the NetworkMapping resource as \`networkMapping\`` }];
  }
  const issues: ReadinessIssue[] = [];
  const systems = input.targetSystems.filter((s) => s.site === input.targetSite && s.state === "Operating");
  for (const lpar of input.lpars) {
    if (adaptersOf(lpar).length === 0) continue;
    const from = input.siteOf.get(lpar.host);
    // After a failover the VM already runs at the target: its way back is the failback's business.
    if (from === undefined || from === input.targetSite) continue;
    const use = useFor(mapping, from, input.targetSite, false);
    if (use === undefined) {
      issues.push({ code: "network", lpars: [lpar.id], message: `LPAR ${lpar.id} runs at site ${from}, but NetworkMapping ${mapping.name} maps ${mapping.sourceSite} -> ${mapping.targetSite}: use a mapping from ${from}` });
      continue;
    }
    const { adapters, problems } = mapAdapters(lpar, mapping, use);
    for (const p of problems) issues.push({ code: "network", lpars: [lpar.id], message: p.message });
    if (problems.some((p) => p.code !== "sriov")) continue;
    const modelled = systems.filter(modelsNetwork);
    if (modelled.length === 0) continue;
    const reasons = modelled.map((s) => missingOn(s, adapters));
    if (reasons.every((r) => r !== undefined)) {
      issues.push({
        code: "network",
        lpars: [lpar.id],
        systems: modelled.map((s) => s.id),
        message: `LPAR ${lpar.id}: no system of the recovery target bridges its mapped VLANs (${reasons.slice(0, 3).join("; ")}${reasons.length > 3 ? "; ..." : ""}): bridge them on a VIOS shared Ethernet adapter there, or map them to VLANs the target bridges`,
      });
    }
  }
  return issues;
}
