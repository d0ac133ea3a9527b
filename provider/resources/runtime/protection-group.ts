// The ProtectionGroup provider's logic, loaded at run time by the serialized provider. Create
// marks the group's LPARs remote-restart capable and runs the survivability check; a readiness
// problem is reported in the `readiness` output and never fails `pulumi up`, invalid input does.

import type { ComputeInventory } from "../../adapters/compute";
import type { StorageInventory } from "../../adapters/storage";
import { AdapterError } from "../../errors";
import type { ProtectionGroupInputs, ProtectedVm } from "../../generated/protection-group";
import type { AdapterSettings } from "../../generated/adapter-settings";
import type { Readiness, ReadinessIssue, ReadinessRto } from "../../generated/resource-outputs";
import { readinessRto } from "./readiness-rto";
import { readinessProfile } from "./readiness-profile";
import type { LatencyProfile } from "../../predict/profile";
import type { Adapters } from "../../adapters";
import type { ResolvedLpar } from "../../model";
import { validate } from "../../validation";
import { placeOnto, round, systemStatuses, type Capacity, type SystemStatus } from "./capacity";
import { flexibleStart, shrinks } from "../../planner/capacity-flex";
import {
  changedFields,
  defaultOpener,
  describeError,
  forEachLimited,
  pick,
  SIMULATOR_DEFAULT,
  toFailures,
  unknownPaths,
  withAdapters,
  withoutUnknowns,
  type AdapterOpener,
  type CheckFailure,
} from "./common";
import { discoveryIssues, RULES } from "./group-rules";
import { homesOf, recordHomes, type LparHome } from "./homes";
import { plural, predictedSeconds, unrecoveredPhrase } from "../../text";
import type { ResolvedNetworkMapping } from "./network-mapping";
import { networkReadiness } from "../../network/readiness";
import { adaptersOf, needs } from "../../network/adapters";

export interface GroupTarget {
  site: string;
  systems: string[];
  reserve: Capacity;
  adapter: AdapterSettings;
  verify: boolean;
  /** The target's non-critical VMs, defaults filled in. */
  nonCritical?: { lpar: string; action: "stop" | "suspend"; slaLevel: number }[];
}

/** Inputs after check: every default present. */
export interface GroupInputs extends ProtectionGroupInputs {
  slaLevel: number;
  vms: [ProtectedVm, ...ProtectedVm[]];
  antiAffinity: [string, string, ...string[]][];
  storageMappings: string[];
  context: {
    target?: GroupTarget;
    consistencyGroups: string[];
    network?: ResolvedNetworkMapping;
    claimedElsewhere: { lpar: string; group: string }[];
    /** The stack the group is declared in: its readiness reads the stack's latency profile. */
    stack?: string;
  };
}

/** What discovery says about one protected VM now. */
export interface MemberStatus {
  readonly lpar: string;
  /** False when discovery no longer lists the LPAR. */
  readonly present: boolean;
  /** Managed system and site the LPAR is defined on now: after a failover, the recovery site. */
  readonly host?: string;
  readonly site?: string;
  readonly state?: string;
  readonly processorUnits: number;
  readonly memoryGb: number;
  readonly volumes: string[];
  readonly remoteRestartCapable: boolean;
  /** switch/VLAN pairs of its adapters now, when its network is modelled. */
  readonly vlans?: string[];
}

// One source of truth: the outputs' schema (schemas/resource-outputs.schema.json).
export type { Readiness, ReadinessIssue };
export type ReadinessCode = ReadinessIssue["code"];

export interface GroupOutputs extends GroupInputs {
  readonly members: MemberStatus[];
  readonly readiness: Readiness;
  /** Sites the group's VMs run at now, sorted. */
  readonly currentSites: string[];
  /** What differs from the declaration and the next `pulumi up` repairs (an LPAR no longer remote-restart capable). */
  readonly drift: string[];
  /** Per VM, the system and mappings it runs on at home: kept while it runs on replicas (runtime/homes.ts). Absent when not verified. */
  readonly homes?: LparHome[];
}

export const DECLARED_FIELDS = ["name", "slaLevel", "vms", "antiAffinity", "rtoBudgetSeconds", "flexibleCapacity", "recoveryTarget", "storageMappings", "networkMapping", "hooks", "context"] as const;
/** Only the group's name is its identity: priorities, membership and targets change in place. */
export const IDENTITY_FIELDS: readonly string[] = ["name"];

/** Remote-copy states in which a replica follows its source. */
const REPLICATING = new Set(["consistent_synchronized", "inconsistent_copying"]);
/** LPARs marked or unmarked at once. */
const MARK_CONCURRENCY = 8;

export function normalize(news: Record<string, unknown>): GroupInputs {
  const inputs = structuredClone(pick<Record<string, unknown>>(news, DECLARED_FIELDS));
  const context = (inputs.context ??= {}) as Record<string, unknown>;
  const target = context.target as Record<string, unknown> | undefined;
  if (target) {
    target.adapter ??= { ...SIMULATOR_DEFAULT };
    target.reserve ??= {};
  }
  return inputs as unknown as GroupInputs;
}

/**
 * The target's room for the VMs at their flexible starts (planner/capacity-flex.ts), when the
 * group's flexible capacity applies to a failover; the ids of those that start smaller.
 */
function flexibleFit(g: GroupInputs, vms: readonly ResolvedLpar[], statuses: SystemStatus[]): { placement: ReturnType<typeof placeOnto>; shrunk: string[] } | undefined {
  const flex = g.flexibleCapacity;
  if (flex === undefined) return undefined;
  const spec = { appliesTo: "both" as const, ...flex };
  const shrunk: string[] = [];
  const sized = vms.map((l) => {
    const start = flexibleStart(l, g.name, spec, "failover");
    if (start === undefined || !shrinks(start, l)) return l;
    shrunk.push(l.id);
    return { ...l, processorUnits: start.processorUnits, memoryGb: start.memoryGb };
  });
  if (shrunk.length === 0) return undefined;
  return { placement: placeOnto(sized, statuses), shrunk: shrunk.sort() };
}

function lpars(g: { vms: readonly ProtectedVm[] }): string[] {
  return g.vms.map((v) => v.lpar);
}

/**
 * Per group name, the VMs the program of this deployment lists, as the engine's `check` of each
 * group handed them to this provider process (one per deployment; the engine checks every
 * resource the program registers before it deletes any). Empty in a `pulumi destroy`.
 */
const checkedMembers = new Map<string, readonly string[]>();

function listedByProgram(): Set<string> {
  return new Set([...checkedMembers.values()].flat());
}

/** Forgets the groups checked so far (tests that play several deployments in one process). */
export function forgetCheckedMembers(): void {
  checkedMembers.clear();
}

/** LPARs the old state lists and the new inputs do not (none while the new list is unknown, in a preview). */
function droppedVms(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  if (!Array.isArray(news.vms)) return [];
  const listed = (v: unknown) => (Array.isArray(v) ? v.map((x: { lpar?: unknown }) => x?.lpar).filter((l): l is string => typeof l === "string") : []);
  const kept = new Set(listed(news.vms));
  return listed(olds.vms).filter((l) => !kept.has(l));
}

/**
 * Whether a VM of the stored group runs away from its recorded home (failed over, moved): a
 * replacement is created without the old state and would forget that home, so such a group
 * drops VMs by an update in place instead (see diff).
 */
function runsAway(olds: Record<string, unknown>): boolean {
  const homes = new Map((homesOf(olds) ?? []).map((h) => [h.lpar, h.system]));
  const members = Array.isArray(olds.members) ? (olds.members as { lpar?: unknown; host?: unknown }[]) : [];
  return members.some((m) => typeof m?.lpar === "string" && typeof m.host === "string" && homes.has(m.lpar) && homes.get(m.lpar) !== m.host);
}

function verifies(g: GroupInputs): boolean {
  return g.context.target?.verify !== false;
}

/**
 * The survivability and replication check of a group against the live inventory, and the VMs'
 * homes (`previousHomes`: those the state holds, kept for VMs that run away from home).
 */
/** The readiness RTO; when the group cannot be planned alone, a note says why instead. */
function predictedRtoOrNote(g: GroupInputs, target: GroupTarget, compute: ComputeInventory, storage: StorageInventory, notes: ReadinessIssue[], profile: LatencyProfile | undefined): ReadinessRto | undefined {
  try {
    return readinessRto(g, target, compute, storage, profile);
  } catch (err) {
    notes.push({ code: "rto", message: `the group's RTO was not predicted: planning its failover alone failed (${(err as Error).message.split("\n").join(" ")})` });
    return undefined;
  }
}

/** `profile`: the latency profile of the readiness RTO (readiness-profile.ts); the defaults when absent. */
export function assess(g: GroupInputs, compute: ComputeInventory, storage: StorageInventory, previousHomes?: readonly LparHome[], profile?: LatencyProfile): Omit<GroupOutputs, keyof GroupInputs> {
  const byId = new Map(compute.lpars.map((l) => [l.id, l]));
  const siteOf = new Map(compute.managedSystems.map((s) => [s.id, s.site]));
  const issues: ReadinessIssue[] = [];
  const flexNotes: ReadinessIssue[] = [];
  const drift: string[] = [];
  const members: MemberStatus[] = g.vms.map((v) => {
    const l = byId.get(v.lpar);
    if (!l) return { lpar: v.lpar, present: false, processorUnits: 0, memoryGb: 0, volumes: [], remoteRestartCapable: false };
    return {
      lpar: l.id,
      present: true,
      host: l.host,
      site: siteOf.get(l.host),
      state: l.state,
      processorUnits: l.processorUnits,
      memoryGb: l.memoryGb,
      volumes: [...l.volumes],
      remoteRestartCapable: l.remoteRestartCapable,
      ...(adaptersOf(l).length > 0 ? { vlans: needs(adaptersOf(l)) } : {}),
    };
  });

  const missing = members.filter((m) => !m.present).map((m) => m.lpar);
  if (missing.length > 0) {
    issues.push({ code: "lpar", lpars: missing, message: `LPAR(s) ${missing.join(", ")} no longer exist: remove them from \`vms\` or restore them` });
  }
  const notCapable = members.filter((m) => m.present && !m.remoteRestartCapable).map((m) => m.lpar);
  if (notCapable.length > 0) {
    issues.push({ code: "remoteRestart", lpars: notCapable, message: `LPAR(s) ${notCapable.join(", ")} are not remote-restart capable: the next \`pulumi up\` marks them again` });
    drift.push(...notCapable.map((l) => `LPAR ${l} is no longer remote-restart capable`));
  }

  const target = g.context.target;
  if (!target) {
    issues.push({ code: "target", message: `recovery target ${g.recoveryTarget} is not known to this group: pass the RecoveryTarget resource` });
  } else {
    // VMs already on a target system (after a failover) need no room there.
    const onTarget = new Set(target.systems);
    const toPlace = g.vms
      .map((v) => byId.get(v.lpar))
      .filter((l): l is ResolvedLpar => l !== undefined && !onTarget.has(l.host));
    const statuses = systemStatuses(target.systems, compute.managedSystems, compute.lpars, target.reserve);
    let placement = placeOnto(toPlace, statuses);
    // Short at full size: with flexible capacity for a failover, the VMs may start smaller.
    const flexible = placement.unplaced.length > 0 ? flexibleFit(g, toPlace, statuses) : undefined;
    if (flexible !== undefined) {
      placement = flexible.placement;
      if (placement.unplaced.length === 0) {
        flexNotes.push({
          code: "capacity",
          lpars: flexible.shrunk,
          message: `recovery target ${g.recoveryTarget} holds every VM only with flexible capacity: ${plural(flexible.shrunk.length, "VM")} (${flexible.shrunk.join(", ")}) would start smaller than their size; add systems or free capacity for full size`,
        });
      }
    }
    if (placement.unplaced.length > 0) {
      const ids = placement.unplaced.map((l) => l.id);
      const { processorUnits, memoryGb } = placement.missing;
      const how =
        processorUnits > 0 || memoryGb > 0
          ? `missing ${round(processorUnits)} processor units and ${round(memoryGb)} GB of memory after the reserve`
          : "enough capacity in total, but no single system has room for each of them";
      issues.push({
        code: "capacity",
        lpars: ids,
        missingProcessorUnits: processorUnits,
        missingMemoryGb: memoryGb,
        message: `recovery target ${g.recoveryTarget} (${target.systems.join(", ")}) cannot hold ${plural(ids.length, "VM")} (${ids.join(", ")}): ${how}; add systems, lower the reserve or free capacity`,
      });
    }
  }

  const cgOf = new Map<string, (typeof storage.consistencyGroups)[number]>();
  for (const cg of storage.consistencyGroups) for (const p of cg.pairs) {
    cgOf.set(p.master, cg);
    cgOf.set(p.aux, cg);
  }
  const declared = new Set(g.context.consistencyGroups);
  const reported = new Set<string>();
  for (const m of members) {
    for (const vol of m.volumes) {
      const cg = cgOf.get(vol);
      if (!cg) {
        issues.push({ code: "replication", lpars: [m.lpar], volume: vol, message: `volume ${vol} of LPAR ${m.lpar} is not replicated: add it to a consistency group and a StorageMapping` });
      } else if (!declared.has(cg.id)) {
        issues.push({ code: "replication", lpars: [m.lpar], volume: vol, message: `volume ${vol} of LPAR ${m.lpar} replicates in ${cg.id}, which none of the group's \`storageMappings\` covers: add its StorageMapping` });
      } else if (!REPLICATING.has(cg.state) && !reported.has(cg.id)) {
        reported.add(cg.id);
        issues.push({ code: "replication", volume: vol, message: `consistency group ${cg.id} is ${cg.state}: its replicas do not follow their sources; restart replication` });
      }
    }
  }
  if (target) {
    issues.push(
      ...networkReadiness({
        lpars: g.vms.map((v) => byId.get(v.lpar)).filter((l): l is ResolvedLpar => l !== undefined),
        mapping: g.context.network,
        ...(g.networkMapping !== undefined ? { mappingName: g.networkMapping } : {}),
        targetSite: target.site,
        targetSystems: compute.managedSystems.filter((s) => target.systems.includes(s.id)),
        siteOf,
      }),
    );
  }
  const currentSites = [...new Set(members.map((m) => m.site).filter((s): s is string => s !== undefined))].sort();
  const homes = recordHomes(lpars(g), g.context.consistencyGroups, compute, storage, previousHomes);
  const notes = [...flexNotes, ...sharedGroupNotes(g.context.consistencyGroups, compute, storage)];
  // Only a group that could be placed is worth predicting: the capacity issue says the rest.
  const rto = target && !issues.some((i) => i.code === "capacity" || i.code === "lpar") ? predictedRtoOrNote(g, target, compute, storage, notes, profile) : undefined;
  // A budget at risk is a note, not an issue: the group recovers (every VM has a place and its
  // storage follows), later than its budget in more than 1 - confidence of the predicted runs.
  // `notReady` stays for what would stop a recovery; `vmr check` exits 1 on the breach.
  if (rto?.verdict === "over") {
    const p = rto.predictedRto;
    const upAt = p.atConfidenceSeconds !== undefined ? p.atConfidenceSeconds : p.p95Seconds;
    const band = `predicted p50 ${predictedSeconds(p.p50Seconds)}, p95 ${predictedSeconds(p.p95Seconds)}; ${p.samples} Monte Carlo runs, latency profile ${p.profile}${unrecoveredPhrase(p.unrecoveredShare)}`;
    notes.push({
      code: "rto",
      message:
        upAt === null
          ? `a failover of ${rto.failedHosts.join(", ")} would not bring the group up without an operator in more than ${+((1 - rto.confidence) * 100).toFixed(2)}% of runs (${band}). A step it needs fails every attempt the executor makes: fix what the latency profile measured failing (\`vmr calibrate\` lists the operations), or plan for an operator`
          : `a failover of ${rto.failedHosts.join(", ")} would bring the group up in ${Math.round(upAt)} s at ${rto.confidence * 100}% confidence (${band}), over its budget of ${rto.rtoBudgetSeconds} s: raise the budget, add target systems or raise the restart limits`,
    });
  }
  const readiness: Readiness = { status: issues.length === 0 ? "ready" : "notReady", issues };
  if (notes.length > 0) readiness.notes = notes;
  if (rto !== undefined) readiness.rto = rto;
  return { members, readiness, currentSites, drift, homes };
}

/**
 * A consistency group whose writers run on several servers changes sites as a whole: a failover
 * or planned move of one of those servers moves the others' writers too (planner/co-move.ts).
 * Said at `pulumi up`, before any failure.
 */
function sharedGroupNotes(groups: readonly string[], compute: ComputeInventory, storage: StorageInventory): ReadinessIssue[] {
  const notes: ReadinessIssue[] = [];
  for (const id of groups) {
    const cg = storage.consistencyGroups.find((c) => c.id === id);
    if (!cg) continue;
    const volumes = new Set(cg.pairs.flatMap((p) => [p.master, p.aux]));
    const writers = compute.lpars.filter((l) => l.drillOf === undefined && l.volumes.some((v) => volumes.has(v))).sort((a, b) => (a.id < b.id ? -1 : 1));
    const systems = [...new Set(writers.map((l) => l.host))].sort();
    if (systems.length < 2) continue;
    const ids = writers.map((l) => l.id);
    notes.push({
      code: "sharedConsistencyGroup",
      consistencyGroup: id,
      systems,
      lpars: ids,
      message: `consistency group ${id} has writers on ${plural(systems.length, "server")} (${systems.join(", ")}): a failover or planned move of one of them moves all ${plural(ids.length, "writer")} (${ids.slice(0, 6).join(", ")}${ids.length > 6 ? ", ..." : ""}) to the other site together; give each server's LPARs a consistency group of their own to move them alone`,
    });
  }
  return notes;
}

function unverified(g: GroupInputs, previousHomes?: readonly LparHome[]): Omit<GroupOutputs, keyof GroupInputs> {
  return {
    members: g.vms.map((v) => ({ lpar: v.lpar, present: true, processorUnits: 0, memoryGb: 0, volumes: [], remoteRestartCapable: false })),
    readiness: { status: "unverified", issues: [] },
    currentSites: [],
    drift: [],
    // Nothing observed: the homes recorded before stay as they were.
    ...(previousHomes !== undefined ? { homes: [...previousHomes] } : {}),
  };
}

async function setCapable(a: Adapters, ids: readonly string[], capable: boolean): Promise<void> {
  await forEachLimited(ids, MARK_CONCURRENCY, async (id) => {
    try {
      await a.compute.setRemoteRestartCapable(id, capable);
    } catch (err) {
      // An LPAR that is gone cannot be marked; readiness reports it. Anything else fails the step.
      if (!(err instanceof AdapterError && err.failure === "notFound")) throw err;
    }
  });
}

export function protectionGroupOps(open: AdapterOpener = defaultOpener) {
  async function observe(g: GroupInputs, a: Adapters, previousHomes: readonly LparHome[] | undefined): Promise<GroupOutputs> {
    // The stack's calibrated profile only for a group with a budget: the others predict nothing.
    const [compute, storage, profile] = await Promise.all([a.compute.inventory(), a.storage.inventory(), g.rtoBudgetSeconds === undefined ? undefined : readinessProfile(g.context.stack)]);
    return { ...g, ...assess(g, compute, storage, previousHomes, profile) };
  }

  async function apply(g: GroupInputs, previousHomes: readonly LparHome[] | undefined): Promise<GroupOutputs> {
    if (!verifies(g)) return { ...g, ...unverified(g, previousHomes) };
    return withAdapters(open, g.context.target?.adapter, async (a) => {
      await setCapable(a, lpars(g), true);
      return observe(g, a, previousHomes);
    });
  }

  return {
    async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs: GroupInputs; failures: CheckFailure[] }> {
      const inputs = normalize(news);
      if (typeof inputs.name === "string" && Array.isArray(inputs.vms)) checkedMembers.set(inputs.name, inputs.vms.map((v) => v?.lpar).filter((l): l is string => typeof l === "string"));
      const unknown = unknownPaths(inputs);
      let issues = validate<GroupInputs>("protection-group", inputs, RULES);
      const adapterKnown = !unknown.some((u) => u.startsWith("context"));
      if (issues.length === 0 && verifies(inputs) && adapterKnown && inputs.context.target) {
        try {
          issues = discoveryIssues(inputs, await withAdapters(open, inputs.context.target.adapter, (a) => a.compute.inventory()));
        } catch (err) {
          issues = [{ path: "recoveryTarget", message: `the adapter of \`recoveryTarget\` could not be reached to check \`vms\` (${describeError(err)}): fix the target's connection settings, or set its \`verify: false\`` }];
        }
      }
      return { inputs, failures: toFailures(withoutUnknowns(issues, unknown)) };
    },

    /**
     * A group that drops a VM is replaced, the replacement created first: its old copy, still
     * listing the VM, stays in the state until the engine deletes it after every create and
     * update of the `up`, so after the group receiving the VM has recorded it (the state loader's
     * rule: provider/stack/membership.ts). A new name replaces the same way: no moment without it.
     * Except while a VM of the group runs away from home: the replacement would forget its home
     * (the failback's record), so the group is updated in place, and a VM it drops is in no group
     * until the receiving group's update lands (docs/failover.md says so).
     */
    async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
      const changed = changedFields(olds, news, DECLARED_FIELDS);
      const drift = Array.isArray(olds.drift) && olds.drift.length > 0;
      const replaces = changed.filter((f) => IDENTITY_FIELDS.includes(f));
      if (droppedVms(olds, news).length > 0 && !runsAway(olds)) replaces.push("vms");
      return { changes: changed.length > 0 || drift, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: Record<string, unknown>): Promise<{ id: string; outs: GroupOutputs }> {
      const g = normalize(inputs);
      return { id: g.name, outs: await apply(g, undefined) };
    },

    /**
     * Reports drift (an LPAR gone, no longer capable, replication broken) and where VMs run now;
     * keeps the id, and the homes of VMs that run away from home (the refresh after a failover).
     */
    async read(id: string, props: Record<string, unknown>): Promise<{ id: string; props: GroupOutputs }> {
      const g = normalize(props);
      const previousHomes = homesOf(props);
      if (!verifies(g)) return { id, props: { ...g, ...unverified(g, previousHomes) } };
      return { id, props: await withAdapters(open, g.context.target?.adapter, (a) => observe(g, a, previousHomes)) };
    },

    /**
     * (Re)protects the VMs, returns full outputs. A VM leaves a group here only while the group
     * runs away from home (otherwise that is a replacement, diff); it is unprotected unless a
     * group of the program checked so far lists it (one checked later marks it in its own step).
     */
    async update(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ outs: GroupOutputs }> {
      const g = normalize(news);
      const listed = listedByProgram();
      const released = droppedVms(olds, news).filter((l) => !listed.has(l));
      if (released.length > 0 && verifies(g)) await withAdapters(open, g.context.target?.adapter, (a) => setCapable(a, released, false));
      return { outs: await apply(g, homesOf(olds)) };
    },

    /**
     * Unprotects the VMs that no group of the program lists (clears remote-restart capability);
     * their data and definitions stay as they are. A VM another group lists (a move), or the
     * replacement of this group (the old copy of a replaced group is deleted last), stays marked:
     * the engine checks every resource of the program before any delete, in this process.
     */
    async delete(_id: string, props: Record<string, unknown>): Promise<void> {
      const g = normalize(props);
      if (!verifies(g)) return;
      const listed = listedByProgram();
      const released = lpars(g).filter((l) => !listed.has(l));
      if (released.length > 0) await withAdapters(open, g.context.target?.adapter, (a) => setCapable(a, released, false));
    },
  };
}

export const ops = protectionGroupOps();
