// Cross-field rules of a topology: what schemas/topology.schema.json cannot say. One table; every
// failure is reported together, naming the field path, the value, what is allowed and the fix.

import type { ResolvedTopology } from "../model";
import { ValidationError, type ValidationIssue } from "../errors";
import { OPERATIONS } from "../model/latency";
import { duplicateIssues, validate, type CrossFieldRule } from "./index";
import { NETWORK_RULES } from "./network-rules";

const ACTIVE = new Set(["Running", "Starting", "Shutting Down"]);

function idSet<T>(items: readonly T[], key: (t: T) => string): Set<string> {
  return new Set(items.map(key));
}

/** Issue for a reference `value` at `path` that is not among `known` (`what` ids). */
function missingRef(path: string, value: string, known: Set<string>, what: string, where: string): ValidationIssue[] {
  if (known.has(value)) return [];
  const sample = [...known].slice(0, 5).map((k) => JSON.stringify(k)).join(", ");
  return [
    {
      path,
      message: `\`${path}\` refers to ${what} ${JSON.stringify(value)}, which is not in \`${where}\`${known.size > 0 ? ` (known: ${sample}${known.size > 5 ? ", ..." : ""})` : " (there are none)"}: declare it or fix the reference`,
    },
  ];
}

export const TOPOLOGY_RULES: readonly CrossFieldRule<ResolvedTopology>[] = [
  {
    name: "unique ids",
    check: (t) => [
      ...duplicateIssues(t.sites, (s) => s.name, (i) => `sites[${i}].name`, "site name"),
      ...duplicateIssues(t.hmcs, (h) => h.name, (i) => `hmcs[${i}].name`, "HMC name"),
      ...duplicateIssues(t.managedSystems, (m) => m.id, (i) => `managedSystems[${i}].id`, "managed system id"),
      ...duplicateIssues(t.lpars, (l) => l.id, (i) => `lpars[${i}].id`, "LPAR id"),
      ...duplicateIssues(t.storageSystems, (s) => s.id, (i) => `storageSystems[${i}].id`, "storage system id"),
      ...duplicateIssues(t.volumes, (v) => v.id, (i) => `volumes[${i}].id`, "volume id"),
      ...duplicateIssues(t.consistencyGroups, (g) => g.id, (i) => `consistencyGroups[${i}].id`, "consistency group id"),
      ...duplicateIssues(t.flashCopyGroups ?? [], (g) => g.id, (i) => `flashCopyGroups[${i}].id`, "FlashCopy group id"),
      ...duplicateIssues(t.hostMappings, (m) => `${m.volume}@${m.host}`, (i) => `hostMappings[${i}]`, "volume-to-host mapping"),
    ],
  },
  {
    name: "sites and HMCs exist",
    check: (t) => {
      const sites = idSet(t.sites, (s) => s.name);
      const hmcs = idSet(t.hmcs, (h) => h.name);
      return [
        ...t.hmcs.flatMap((h, i) => missingRef(`hmcs[${i}].site`, h.site, sites, "site", "sites")),
        ...t.managedSystems.flatMap((m, i) => [
          ...missingRef(`managedSystems[${i}].site`, m.site, sites, "site", "sites"),
          ...missingRef(`managedSystems[${i}].hmc`, m.hmc, hmcs, "HMC", "hmcs"),
        ]),
        ...t.storageSystems.flatMap((s, i) => missingRef(`storageSystems[${i}].site`, s.site, sites, "site", "sites")),
      ];
    },
  },
  {
    name: "LPARs refer to real systems and volumes",
    check: (t) => {
      const systems = idSet(t.managedSystems, (m) => m.id);
      const volumes = idSet(t.volumes, (v) => v.id);
      const lpars = idSet(t.lpars, (l) => l.id);
      return t.lpars.flatMap((l, i) => [
        ...missingRef(`lpars[${i}].host`, l.host, systems, "managed system", "managedSystems"),
        ...(l.pendingCleanupOn ? missingRef(`lpars[${i}].pendingCleanupOn`, l.pendingCleanupOn, systems, "managed system", "managedSystems") : []),
        ...(l.drillOf ? missingRef(`lpars[${i}].drillOf`, l.drillOf, lpars, "LPAR", "lpars") : []),
        ...l.volumes.flatMap((v, j) => missingRef(`lpars[${i}].volumes[${j}]`, v, volumes, "volume", "volumes")),
      ]);
    },
  },
  {
    name: "LPAR minimum and allocation within its size",
    check: (t) =>
      t.lpars.flatMap((l, i) => {
        const issues: ValidationIssue[] = [];
        const min = l.minimum ?? { processorUnits: l.processorUnits, memoryGb: l.memoryGb };
        const dims = [
          ["processorUnits", "processor units"],
          ["memoryGb", "GiB"],
        ] as const;
        for (const [key, unit] of dims) {
          if (l.minimum !== undefined && l.minimum[key] > l[key]) {
            issues.push({
              path: `lpars[${i}].minimum.${key}`,
              message: `\`lpars[${i}].minimum.${key}\` of LPAR ${JSON.stringify(l.id)} is ${l.minimum[key]} ${unit}, above its desired size \`lpars[${i}].${key}\` ${l[key]}: a minimum is at most the size; lower it or raise the size`,
            });
          }
          const held = l.allocated?.[key];
          if (held !== undefined && (held > l[key] || held < min[key])) {
            issues.push({
              path: `lpars[${i}].allocated.${key}`,
              message: `\`lpars[${i}].allocated.${key}\` of LPAR ${JSON.stringify(l.id)} is ${held} ${unit}, outside its minimum ${min[key]} and size ${l[key]}: an LPAR holds between the two; fix the value or remove \`allocated\``,
            });
          }
        }
        return issues;
      }),
  },
  {
    name: "volumes and host mappings refer to real systems",
    check: (t) => {
      const storage = idSet(t.storageSystems, (s) => s.id);
      const systems = new Map(t.managedSystems.map((m) => [m.id, m]));
      const systemIds = new Set(systems.keys());
      const volumes = idSet(t.volumes, (v) => v.id);
      const issues = t.volumes.flatMap((v, i) => missingRef(`volumes[${i}].storageSystem`, v.storageSystem, storage, "storage system", "storageSystems"));
      t.hostMappings.forEach((m, i) => {
        issues.push(...missingRef(`hostMappings[${i}].volume`, m.volume, volumes, "volume", "volumes"));
        issues.push(...missingRef(`hostMappings[${i}].host`, m.host, systemIds, "managed system", "managedSystems"));
        const host = systems.get(m.host);
        if (m.via === "vscsi" && !m.vios) {
          issues.push({ path: `hostMappings[${i}].vios`, message: `\`hostMappings[${i}].vios\` is required for a vscsi mapping: name the VIOS that serves it` });
        }
        if (m.via !== "vscsi" && m.attached !== undefined) {
          issues.push({ path: `hostMappings[${i}].attached`, message: `\`hostMappings[${i}].attached\` applies to vscsi mappings only (an NPIV disk has no VIOS step), got ${JSON.stringify(m.attached)} on a ${m.via} mapping: remove it` });
        }
        if (host && m.vios && !(host.vioses ?? []).includes(m.vios)) {
          issues.push({
            path: `hostMappings[${i}].vios`,
            message: `\`hostMappings[${i}].vios\` must be one of the VIOSes of ${m.host} (${(host.vioses ?? []).join(", ")}), got ${JSON.stringify(m.vios)}`,
          });
        }
      });
      return issues;
    },
  },
  {
    name: "consistency groups pair master volumes on the master system with aux volumes on the aux system",
    check: (t) => {
      const storage = idSet(t.storageSystems, (s) => s.id);
      const volumes = new Map(t.volumes.map((v) => [v.id, v]));
      const inGroup = new Map<string, string>();
      const issues: ValidationIssue[] = [];
      t.consistencyGroups.forEach((g, i) => {
        issues.push(...missingRef(`consistencyGroups[${i}].masterSystem`, g.masterSystem, storage, "storage system", "storageSystems"));
        issues.push(...missingRef(`consistencyGroups[${i}].auxSystem`, g.auxSystem, storage, "storage system", "storageSystems"));
        if (g.masterSystem === g.auxSystem) {
          issues.push({ path: `consistencyGroups[${i}].auxSystem`, message: `\`consistencyGroups[${i}].auxSystem\` must differ from masterSystem, got ${JSON.stringify(g.auxSystem)} for both: replicate to another storage system` });
        }
        g.pairs.forEach((p, j) => {
          for (const side of ["master", "aux"] as const) {
            const path = `consistencyGroups[${i}].pairs[${j}].${side}`;
            const v = volumes.get(p[side]);
            const system = side === "master" ? g.masterSystem : g.auxSystem;
            if (!v) issues.push(...missingRef(path, p[side], new Set(volumes.keys()), "volume", "volumes"));
            else if (v.storageSystem !== system) {
              issues.push({ path, message: `\`${path}\` must be a volume on ${side}System ${system}, got ${JSON.stringify(p[side])} on ${v.storageSystem}` });
            }
            const other = inGroup.get(p[side]);
            if (other !== undefined) {
              issues.push({ path, message: `\`${path}\` volume ${JSON.stringify(p[side])} is already in \`${other}\`: a volume is in at most one consistency group` });
            } else inGroup.set(p[side], `consistencyGroups[${i}]`);
          }
        });
      });
      return issues;
    },
  },
  {
    name: "FlashCopy groups copy volumes within their storage system",
    check: (t) => {
      const storage = idSet(t.storageSystems, (s) => s.id);
      const volumes = new Map(t.volumes.map((v) => [v.id, v]));
      return (t.flashCopyGroups ?? []).flatMap((g, i) => [
        ...missingRef(`flashCopyGroups[${i}].storageSystem`, g.storageSystem, storage, "storage system", "storageSystems"),
        ...g.maps.flatMap((m, j) =>
          (["source", "target"] as const).flatMap((side) => {
            const path = `flashCopyGroups[${i}].maps[${j}].${side}`;
            const v = volumes.get(m[side]);
            if (!v) return missingRef(path, m[side], new Set(volumes.keys()), "volume", "volumes");
            return v.storageSystem === g.storageSystem ? [] : [{ path, message: `\`${path}\` must be a volume on ${g.storageSystem}, got ${JSON.stringify(m[side])} on ${v.storageSystem}` }];
          }),
        ),
      ]);
    },
  },
  {
    name: "injected faults name real systems",
    check: (t) => {
      const systems = idSet(t.managedSystems, (m) => m.id);
      return (t.simulation?.faults?.hostCrashes ?? []).flatMap((c, i) => missingRef(`simulation.faults.hostCrashes[${i}].host`, c.host, systems, "managed system", "managedSystems"));
    },
  },
  {
    name: "running LPARs fit their system",
    check: (t) => {
      const used = new Map<string, { pu: number; mem: number }>();
      for (const l of t.lpars) {
        if (!ACTIVE.has(l.state)) continue;
        const u = used.get(l.host) ?? { pu: 0, mem: 0 };
        // Started below its size (flexible capacity): it holds what it was started with.
        u.pu += l.allocated?.processorUnits ?? l.processorUnits;
        u.mem += l.allocated?.memoryGb ?? l.memoryGb;
        used.set(l.host, u);
      }
      const issues: ValidationIssue[] = [];
      t.managedSystems.forEach((m, i) => {
        const u = used.get(m.id);
        if (!u) return;
        if (u.pu > m.processorUnits + 1e-9) {
          issues.push({ path: `managedSystems[${i}].processorUnits`, message: `\`managedSystems[${i}].processorUnits\` must be >= ${round(u.pu)} (what its running LPARs use), got ${m.processorUnits}: add capacity or stop LPARs` });
        }
        if (u.mem > m.memoryGb + 1e-9) {
          issues.push({ path: `managedSystems[${i}].memoryGb`, message: `\`managedSystems[${i}].memoryGb\` must be >= ${round(u.mem)} (what its running LPARs use), got ${m.memoryGb}: add memory or stop LPARs` });
        }
      });
      return issues;
    },
  },
  {
    name: "latency overrides name known operations",
    check: (t) => {
      const known = new Set<string>(OPERATIONS);
      return Object.keys(t.simulation?.latencies ?? {})
        .filter((op) => !known.has(op))
        .map((op) => ({ path: `simulation.latencies.${op}`, message: `\`simulation.latencies.${op}\` is not a known operation: use one of ${OPERATIONS.join(", ")}` }));
    },
  },
  {
    name: "per-system latency overrides name known systems and operations",
    check: (t) => {
      const known = new Set<string>(OPERATIONS);
      const systems = new Set(t.managedSystems.map((m) => m.id));
      const issues: ValidationIssue[] = [];
      for (const [system, ops] of Object.entries(t.simulation?.systemLatencies ?? {})) {
        const at = `simulation.systemLatencies.${system}`;
        if (!systems.has(system)) issues.push({ path: at, message: `\`${at}\` names no managed system of the topology: use one of ${[...systems].slice(0, 8).join(", ")}${systems.size > 8 ? ", ..." : ""}` });
        for (const op of Object.keys(ops)) {
          if (!known.has(op)) issues.push({ path: `${at}.${op}`, message: `\`${at}.${op}\` is not a known operation: use one of ${OPERATIONS.join(", ")}` });
        }
      }
      return issues;
    },
  },
  {
    name: "per-system fault rates name known systems",
    check: (t) => {
      const systems = new Set(t.managedSystems.map((m) => m.id));
      return Object.keys(t.simulation?.systemFaults ?? {})
        .filter((system) => !systems.has(system))
        .map((system) => {
          const at = `simulation.systemFaults.${system}`;
          return { path: at, message: `\`${at}\` names no managed system of the topology: use one of ${[...systems].slice(0, 8).join(", ")}${systems.size > 8 ? ", ..." : ""}` };
        });
    },
  },
  ...NETWORK_RULES,
];

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Every issue of a topology: schema first (defaults are filled in place), then the rules. */
export function topologyIssues(value: unknown): ValidationIssue[] {
  return validate<ResolvedTopology>("topology", value, TOPOLOGY_RULES);
}

/** Validates a topology, filling in its defaults in place; throws one ValidationError listing every issue. */
export function validateTopology(value: unknown, what = "topology"): ResolvedTopology {
  const issues = topologyIssues(value);
  if (issues.length > 0) throw new ValidationError(what, issues);
  return value as ResolvedTopology;
}
