// The StorageMapping provider's logic, loaded at run time by the serialized provider. The storage
// adapter cannot create remote-copy relationships, so create validates the replication and the
// target hosts the replicas are presented to; outputs report replication state and lag.

import type { AdapterSettings } from "../../generated/adapter-settings";
import type { StorageMappingInputs } from "../../generated/storage-mapping";
import type { ComputeInventory } from "../../adapters/compute";
import type { StorageInventory } from "../../adapters/storage";
import type { ValidationIssue } from "../../errors";
import { duplicateIssues, show, validate, type CrossFieldRule } from "../../validation";
import {
  changedFields,
  defaultOpener,
  describeError,
  pick,
  SIMULATOR_DEFAULT,
  toFailures,
  unknownPaths,
  withAdapters,
  withoutUnknowns,
  type AdapterOpener,
  type CheckFailure,
} from "./common";

export interface MappingInputs extends StorageMappingInputs {
  presentation: { via: "vscsi" | "npiv" };
  mode: "sync" | "async";
  targetHosts: string[];
  adapter: AdapterSettings;
  verify: boolean;
}

export interface MappingOutputs extends MappingInputs {
  /** The consistency group's state as the storage reports it, "missing" when it is gone, "unverified" when not contacted. */
  readonly replicationState: string;
  /** Which side is the copy source now: "aux" after a failover or a switch. */
  readonly primary: "master" | "aux" | "unknown";
  readonly auxWritable: boolean;
  readonly lagSeconds: number;
  /** False when the lag exceeds `rpoSeconds` or replication is not running. */
  readonly withinRpo: boolean;
  /** Differences between the declaration and the storage, found at create or refresh. */
  readonly drift: string[];
}

export const DECLARED_FIELDS = ["name", "consistencyGroup", "pairs", "presentation", "mode", "rpoSeconds", "targetHosts", "adapter", "verify"] as const;
export const IDENTITY_FIELDS: readonly string[] = ["name", "consistencyGroup"];

/** Remote-copy states in which the replicas follow their sources. */
const REPLICATING = new Set(["consistent_synchronized", "inconsistent_copying"]);

export const RULES: readonly CrossFieldRule<MappingInputs>[] = [
  { name: "sourcesUnique", check: (m) => duplicateIssues(m.pairs, (p) => p.source, (i) => `pairs[${i}].source`, "source volume") },
  { name: "replicasUnique", check: (m) => duplicateIssues(m.pairs, (p) => p.replica, (i) => `pairs[${i}].replica`, "replica volume") },
  {
    name: "replicaIsNotSource",
    check: (m) =>
      m.pairs.flatMap((p, i) =>
        p.source === p.replica
          ? [{ path: `pairs[${i}].replica`, message: `\`pairs[${i}].replica\` is ${show(p.replica)}, the same volume as its source: name the copy at the recovery site` }]
          : [],
      ),
  },
  { name: "targetHostsUnique", check: (m) => duplicateIssues(m.targetHosts, (h) => h, (i) => `targetHosts[${i}]`, "host") },
];

/** The consistency group and every volume must exist; the target hosts must be known systems. */
export function discoveryIssues(m: MappingInputs, storage: StorageInventory, compute: ComputeInventory): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const cg = storage.consistencyGroups.find((g) => g.id === m.consistencyGroup);
  if (!cg) {
    const known = storage.consistencyGroups.map((g) => g.id);
    issues.push({
      path: "consistencyGroup",
      message: `\`consistencyGroup\` is ${show(m.consistencyGroup)}, which the storage does not know: use an existing remote-copy consistency group${known.length ? ` (${known.slice(0, 8).join(", ")}${known.length > 8 ? ", ..." : ""})` : ""}`,
    });
  }
  const volumes = new Set(storage.volumes.map((v) => v.id));
  m.pairs.forEach((p, i) => {
    for (const side of ["source", "replica"] as const) {
      if (!volumes.has(p[side])) {
        issues.push({ path: `pairs[${i}].${side}`, message: `\`pairs[${i}].${side}\` is ${show(p[side])}, which the storage does not know: use an existing volume id` });
      }
    }
  });
  const hosts = new Set(compute.managedSystems.map((s) => s.id));
  m.targetHosts.forEach((h, i) => {
    if (!hosts.has(h)) issues.push({ path: `targetHosts[${i}]`, message: `\`targetHosts[${i}]\` is ${show(h)}, which discovery does not know: use a managed system id` });
  });
  return issues;
}

export function normalize(news: Record<string, unknown>): MappingInputs {
  const inputs = structuredClone(pick<Record<string, unknown>>(news, DECLARED_FIELDS));
  inputs.presentation ??= {};
  inputs.adapter ??= { ...SIMULATOR_DEFAULT };
  return inputs as unknown as MappingInputs;
}

export function observe(m: MappingInputs, storage: StorageInventory | undefined): MappingOutputs {
  if (!storage) return { ...m, replicationState: "unverified", primary: "unknown", auxWritable: false, lagSeconds: 0, withinRpo: true, drift: [] };
  const cg = storage.consistencyGroups.find((g) => g.id === m.consistencyGroup);
  if (!cg) {
    return { ...m, replicationState: "missing", primary: "unknown", auxWritable: false, lagSeconds: 0, withinRpo: false, drift: [`consistency group ${m.consistencyGroup} no longer exists`] };
  }
  const drift: string[] = [];
  const actual = new Map(cg.pairs.map((p) => [p.master, p.aux]));
  for (const p of m.pairs) {
    const aux = actual.get(p.source);
    if (aux === undefined) drift.push(`volume ${p.source} is no longer replicated by ${cg.id}`);
    else if (aux !== p.replica) drift.push(`volume ${p.source} replicates to ${aux}, not to the declared ${p.replica}`);
  }
  if (cg.mode !== m.mode) drift.push(`${cg.id} replicates ${cg.mode}, not ${m.mode} as declared`);
  const replicating = REPLICATING.has(cg.state);
  return {
    ...m,
    replicationState: cg.state,
    primary: cg.primary,
    auxWritable: cg.auxWritable,
    lagSeconds: cg.lagSeconds,
    withinRpo: replicating && (m.rpoSeconds === undefined || cg.lagSeconds <= m.rpoSeconds),
    drift,
  };
}

export function storageMappingOps(open: AdapterOpener = defaultOpener) {
  async function discover(m: MappingInputs): Promise<{ storage: StorageInventory; compute: ComputeInventory } | undefined> {
    if (!m.verify) return undefined;
    return withAdapters(open, m.adapter, async (a) => {
      const [storage, compute] = await Promise.all([a.storage.inventory(), a.compute.inventory()]);
      return { storage, compute };
    });
  }

  /** Validates what create and update establish; the storage offers no call to create replication. */
  async function establish(m: MappingInputs): Promise<MappingOutputs> {
    const found = await discover(m);
    if (found) {
      const issues = discoveryIssues(m, found.storage, found.compute);
      if (issues.length > 0) throw new Error(`storage mapping ${m.name}: ${issues.map((i) => i.message).join("; ")}`);
    }
    return observe(m, found?.storage);
  }

  return {
    async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs: MappingInputs; failures: CheckFailure[] }> {
      const inputs = normalize(news);
      const unknown = unknownPaths(inputs);
      let issues = validate<MappingInputs>("storage-mapping", inputs, RULES);
      if (issues.length === 0 && inputs.verify && !unknown.some((u) => u === "adapter" || u.startsWith("adapter."))) {
        try {
          const found = (await discover(inputs))!;
          issues = discoveryIssues(inputs, found.storage, found.compute);
        } catch (err) {
          issues = [{ path: "adapter", message: `\`adapter\` could not be reached to check the consistency group (${describeError(err)}): fix the connection settings, or set \`verify: false\`` }];
        }
      }
      return { inputs, failures: toFailures(withoutUnknowns(issues, unknown)) };
    },

    async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
      const changed = changedFields(olds, news, DECLARED_FIELDS);
      return { changes: changed.length > 0, replaces: changed.filter((f) => IDENTITY_FIELDS.includes(f)), deleteBeforeReplace: false };
    },

    async create(inputs: Record<string, unknown>): Promise<{ id: string; outs: MappingOutputs }> {
      const m = normalize(inputs);
      return { id: m.name, outs: await establish(m) };
    },

    /** Reports drift (pairs or mode changed outside Pulumi, replication stopped) and keeps the id. */
    async read(id: string, props: Record<string, unknown>): Promise<{ id: string; props: MappingOutputs }> {
      const m = normalize(props);
      return { id, props: observe(m, (await discover(m))?.storage) };
    },

    async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ outs: MappingOutputs }> {
      return { outs: await establish(normalize(news)) };
    },

    /** Replication belongs to the storage team: deleting the mapping stops nothing and unmaps nothing. */
    async delete(_id: string, _props: Record<string, unknown>): Promise<void> {},
  };
}

export const ops = storageMappingOps();
