// Which protected LPARs the plan moves, and the SLA level each one is served at.
//
// A VM's level is raised to the level of any VM that waits for it (`after`): B waits for A, so
// A must be up before B starts, and with strict SLA barriers A could otherwise never start
// before B's level is done. The raised level is the one placement and ordering use.

import type { MovesWith } from "../generated/plan";
import type { ResolvedLpar } from "../model";
import type { PlanningContext, ProtectedEntry } from "./context";
import type { PlanKind } from "./types";

export interface AffectedVm {
  readonly entry: ProtectedEntry;
  readonly lpar: ResolvedLpar;
  /** Managed system the LPAR is on now. */
  readonly source: string;
  /** Effective SLA level (own level raised by the VMs that wait for it). */
  readonly slaLevel: number;
  /** Planned move: not on a moved server, but sharing a consistency group with an LPAR that is (co-move.ts). */
  readonly movesWith?: MovesWith;
}

export interface AffectedResult {
  /** In model order (group, then VM). */
  readonly vms: readonly AffectedVm[];
  readonly warnings: readonly string[];
}

export interface Scope {
  readonly kind: PlanKind;
  readonly failedHosts: ReadonlySet<string>;
  readonly groups?: readonly string[];
  /** Planned move: LPARs that move with the moved servers' LPARs, whatever their group. */
  readonly joining?: ReadonlyMap<string, MovesWith>;
}

/** Is the LPAR running away from home: on a volume that is the replica side of its group's mappings? */
function runsOnReplicas(ctx: PlanningContext, entry: ProtectedEntry, lpar: ResolvedLpar): boolean {
  const mappings = entry.group.storageMappings.map((n) => ctx.storageMappings.get(n));
  return lpar.volumes.some((v) => mappings.some((m) => m?.pairs.some((p) => p.replica === v)));
}

function inScope(ctx: PlanningContext, scope: Scope, entry: ProtectedEntry, lpar: ResolvedLpar): boolean {
  const onFailed = scope.failedHosts.has(lpar.host);
  switch (scope.kind) {
    case "failover":
    case "planned":
      return onFailed;
    case "failback":
      return (scope.failedHosts.size === 0 || onFailed) && runsOnReplicas(ctx, entry, lpar);
    case "drill":
      return (scope.failedHosts.size === 0 || onFailed) && lpar.drillOf === undefined;
  }
}

/** By context: the indexes in protectedVms of the LPARs on each host, and of those not in the inventory. */
const byHostOf = new WeakMap<PlanningContext, { readonly byHost: ReadonlyMap<string, readonly number[]>; readonly missing: readonly number[] }>();

function protectedByHost(ctx: PlanningContext): { readonly byHost: ReadonlyMap<string, readonly number[]>; readonly missing: readonly number[] } {
  let index = byHostOf.get(ctx);
  if (index === undefined) {
    const byHost = new Map<string, number[]>();
    const missing: number[] = [];
    ctx.protectedVms.forEach((entry, i) => {
      const lpar = ctx.lpars.get(entry.lpar);
      if (!lpar) return void missing.push(i);
      const list = byHost.get(lpar.host);
      if (list) list.push(i);
      else byHost.set(lpar.host, [i]);
    });
    index = { byHost, missing };
    byHostOf.set(ctx, index);
  }
  return index;
}

export function findAffected(ctx: PlanningContext, scope: Scope): AffectedResult {
  const groups = scope.groups ? new Set(scope.groups) : undefined;
  const warnings: string[] = [];
  const chosen: { entry: ProtectedEntry; lpar: ResolvedLpar; joins: MovesWith | undefined }[] = [];
  // A failover or move of whole hosts takes the LPARs on them, in model order: only those are
  // looked at (the N-1 check plans one scenario per host on one context).
  const byHost = (scope.kind === "failover" || scope.kind === "planned") && !groups && (scope.joining?.size ?? 0) === 0 ? protectedByHost(ctx) : undefined;
  const entries = byHost
    ? [...byHost.missing, ...[...scope.failedHosts].flatMap((h) => byHost.byHost.get(h) ?? [])].sort((a, b) => a - b).map((i) => ctx.protectedVms[i])
    : ctx.protectedVms;
  for (const entry of entries) {
    const joins = scope.joining?.get(entry.lpar);
    if (groups && !groups.has(entry.group.name) && joins === undefined) continue;
    const lpar = ctx.lpars.get(entry.lpar);
    if (!lpar) {
      warnings.push(`LPAR ${JSON.stringify(entry.lpar)} of group ${JSON.stringify(entry.group.name)} is not in the inventory: it is left out of the plan`);
      continue;
    }
    if (joins !== undefined || inScope(ctx, scope, entry, lpar)) chosen.push({ entry, lpar, joins });
  }
  const levels = effectiveLevels(chosen.map((c) => c.entry));
  return {
    vms: chosen.map(({ entry, lpar, joins }, i) => (joins === undefined ? { entry, lpar, source: lpar.host, slaLevel: levels[i] } : { entry, lpar, source: lpar.host, slaLevel: levels[i], movesWith: joins })),
    warnings,
  };
}

/**
 * Levels raised along `after` edges among the given VMs, by index: level(A) >= level(B) whenever
 * B waits for A. The model was checked for cycles, so Kahn's order from the VMs nobody waits for
 * visits all.
 */
function effectiveLevels(entries: readonly ProtectedEntry[]): number[] {
  const own = entries.map((e) => e.slaLevel);
  // Most datacenters declare no `after` at all.
  if (entries.every((e) => (e.vm.after ?? []).length === 0)) return own;
  const present = new Set(entries.map((e) => e.lpar));
  const level = new Map(entries.map((e) => [e.lpar, e.slaLevel]));
  const waiters = new Map<string, number>();
  for (const e of entries) {
    for (const dep of e.vm.after ?? []) if (present.has(dep)) waiters.set(dep, (waiters.get(dep) ?? 0) + 1);
  }
  const byLpar = new Map(entries.map((e) => [e.lpar, e]));
  const queue = entries.filter((e) => !waiters.has(e.lpar)).map((e) => e.lpar);
  for (let i = 0; i < queue.length; i++) {
    const b = queue[i];
    for (const a of byLpar.get(b)?.vm.after ?? []) {
      if (!present.has(a)) continue;
      level.set(a, Math.max(level.get(a) as number, level.get(b) as number));
      const left = (waiters.get(a) as number) - 1;
      waiters.set(a, left);
      if (left === 0) queue.push(a);
    }
  }
  return entries.map((e) => level.get(e.lpar) as number);
}
