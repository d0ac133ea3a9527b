// A simulated datacenter and a stack export declaring its protection, for tests of the recovery
// commands without the Pulumi engine: every LPAR of the small preset, one group per consistency
// group, recovering anywhere.

import * as fs from "fs";
import * as path from "path";
import { presetTopology } from "../../../provider/adapters/simulator";
import { simInit } from "../../../provider/adapters/simulator/control";
import type { ResolvedTopology } from "../../../provider/model";
import { protectionGroupOps } from "../../../provider/resources/runtime/protection-group";

const urn = (type: string, name: string): string => `urn:pulumi:dev::dc::pulumi-nodejs:dynamic/vmr:${type}::${name}`;

export function stackExport(topology: ResolvedTopology, stateDir: string): object {
  const resources: object[] = [
    {
      urn: urn("RecoveryTarget", "everywhere"),
      type: "pulumi-nodejs:dynamic/vmr:RecoveryTarget",
      custom: true,
      outputs: { name: "everywhere", site: topology.sites[1].name, systems: topology.managedSystems.map((s) => s.id), reserve: { processorUnits: 0, memoryGb: 0 }, adapter: { type: "simulator", stateDir } },
    },
  ];
  for (const cg of topology.consistencyGroups) {
    const masters = new Set(cg.pairs.map((p) => p.master));
    const lpars = topology.lpars.filter((l) => l.volumes.some((v) => masters.has(v)));
    resources.push(
      {
        urn: urn("StorageMapping", `sm-${cg.id}`),
        type: "pulumi-nodejs:dynamic/vmr:StorageMapping",
        custom: true,
        outputs: { name: `sm-${cg.id}`, consistencyGroup: cg.id, pairs: cg.pairs.map((p) => ({ source: p.master, replica: p.aux })), presentation: { via: "vscsi" }, mode: "sync" },
      },
      {
        urn: urn("ProtectionGroup", `pg-${cg.id}`),
        type: "pulumi-nodejs:dynamic/vmr:ProtectionGroup",
        custom: true,
        outputs: { name: `pg-${cg.id}`, slaLevel: Math.max(...lpars.map((l) => l.slaLevel)), vms: lpars.map((l) => ({ lpar: l.id })), antiAffinity: [], recoveryTarget: "everywhere", storageMappings: [`sm-${cg.id}`] },
      },
    );
  }
  return { version: 3, deployment: { resources } };
}

type Exported = { urn: string; type: string; outputs: Record<string, unknown> };

/**
 * `stackExport` as `pulumi up` would leave it: each ProtectionGroup's outputs written by its
 * provider's create against the simulator (members, readiness, the VMs' homes...).
 */
export async function stackExportAfterUp(topology: ResolvedTopology, stateDir: string): Promise<object> {
  const exported = stackExport(topology, stateDir) as { version: number; deployment: { resources: Exported[] } };
  const target = exported.deployment.resources.find((r) => r.type.endsWith(":RecoveryTarget"))?.outputs as Record<string, unknown>;
  const ops = protectionGroupOps();
  for (const r of exported.deployment.resources) {
    if (!r.type.endsWith(":ProtectionGroup")) continue;
    const mapping = exported.deployment.resources.find((m) => m.type.endsWith(":StorageMapping") && (r.outputs.storageMappings as string[]).includes(m.outputs.name as string));
    const context = {
      target: { site: target.site, systems: target.systems, reserve: target.reserve, adapter: target.adapter, verify: true },
      consistencyGroups: [mapping?.outputs.consistencyGroup],
      claimedElsewhere: [],
    };
    r.outputs = { ...(await ops.create({ ...r.outputs, context })).outs };
  }
  return exported;
}

export interface Datacenter {
  readonly dir: string;
  readonly stateDir: string;
  readonly stackFile: string;
  readonly topology: ResolvedTopology;
}

/**
 * Creates the small preset's simulator state (at `timeScale` wall ms per simulated ms) and its
 * stack file under `dir`; `afterUp`: the groups' outputs written by their provider (stackExportAfterUp).
 */
export async function smallDatacenter(dir: string, timeScale = 0.001, afterUp = false): Promise<Datacenter> {
  const topology = presetTopology("small");
  const scaled = { ...topology, simulation: { ...topology.simulation, timeScale } };
  const stateDir = path.join(dir, "sim");
  await simInit({ topology: scaled, stateDir });
  const stackFile = path.join(dir, "stack.json");
  fs.writeFileSync(stackFile, JSON.stringify(afterUp ? await stackExportAfterUp(topology, stateDir) : stackExport(topology, stateDir)));
  return { dir, stateDir, stackFile, topology };
}
