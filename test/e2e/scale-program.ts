// A generated Pulumi program protecting N VMs in G groups on a generated simulator topology:
// the 1,000-VM end-to-end test and the `pulumi up` benchmark share it.
import * as fs from "fs";
import * as path from "path";
import { generateTopology } from "../../provider/adapters/simulator";
import { simInit } from "../../provider/adapters/simulator/control";
import type { Engine } from "./engine";

export interface ScaleProgram {
  readonly dir: string;
  readonly simDir: string;
  /** The protected LPAR ids, sorted. */
  readonly vms: string[];
}

const INDEX_TS = `
import * as fs from "fs";
import { ProtectionGroup, RecoveryTarget, StorageMapping } from "pulumi-vm-recovery";

interface Spec { targetSystems: string[]; groups: { name: string; vms: string[]; consistencyGroup: string; pairs: { source: string; replica: string }[] }[] }
const spec: Spec = JSON.parse(fs.readFileSync("scale.json", "utf8"));
const adapter = { type: "simulator" as const, stateDir: process.env.VMR_SIM_STATE };

const target = new RecoveryTarget("site-b", { site: "site-b", systems: spec.targetSystems, adapter });
for (const [i, g] of spec.groups.entries()) {
  const mapping = new StorageMapping(\`\${g.name}-volumes\`, { consistencyGroup: g.consistencyGroup, pairs: g.pairs, adapter });
  new ProtectionGroup(g.name, { slaLevel: 1 + (i % 3), vms: g.vms, recoveryTarget: target, storageMappings: [mapping] });
}
`;

/**
 * Site A's servers each run `vmsPerGroup` LPARs whose volumes replicate in one consistency
 * group to site B; group i protects the LPARs of server i. Initialises the simulator.
 */
export async function writeScaleProgram(engine: Engine, name: string, groups: number, vmsPerGroup: number): Promise<ScaleProgram> {
  const topology = generateTopology({
    sites: 2,
    hostsPerSite: groups,
    lparsPerHost: vmsPerGroup,
    lparsPerConsistencyGroup: vmsPerGroup,
    remoteRestartCapableFraction: 0,
  });
  const simDir = path.join(engine.dir, `${name}-sim`);
  await simInit({ topology, stateDir: simDir });
  const siteOf = new Map(topology.managedSystems.map((m) => [m.id, m.site]));
  const protectedVms = topology.lpars.filter((l) => siteOf.get(l.host) === "site-a");
  const cgOfVolume = new Map(topology.consistencyGroups.flatMap((cg) => cg.pairs.map((p) => [p.master, cg] as const)));
  const byHost = new Map<string, typeof protectedVms>();
  for (const l of protectedVms) byHost.set(l.host, [...(byHost.get(l.host) ?? []), l]);
  const spec = {
    targetSystems: topology.managedSystems.filter((m) => m.site === "site-b").map((m) => m.id),
    groups: [...byHost.entries()].map(([host, lpars]) => {
      const cg = cgOfVolume.get(lpars[0].volumes[0])!;
      return { name: `group-${host}`, vms: lpars.map((l) => l.id), consistencyGroup: cg.id, pairs: cg.pairs.map((p) => ({ source: p.master, replica: p.aux })) };
    }),
  };
  const dir = engine.writeProgram(name, {
    "Pulumi.yaml": `name: ${name}\nruntime: nodejs\n`,
    "package.json": JSON.stringify({ name, main: "index.ts" }),
    "index.ts": INDEX_TS,
    "scale.json": JSON.stringify(spec),
  });
  fs.writeFileSync(path.join(dir, ".gitignore"), "node_modules\n");
  return { dir, simDir, vms: protectedVms.map((l) => l.id).sort() };
}
