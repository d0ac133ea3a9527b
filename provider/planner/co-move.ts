// A planned move switches a consistency group as a whole, and a failover fails it over whole:
// every volume of it becomes read-only (switch) or stops replicating (failover) on the side it
// leaves, so every LPAR writing to it must stop first and start on the other side, or the group
// is split and cannot be failed back without losing the writes of one side.
// Known before anything is shut down: the other writers of each group a moved LPAR switches move
// with it (`movesWith` in the plan), or, when one of them cannot (unprotected, no room), none of
// the group's writers moves, and the plan says why. A switch that fails mid-move is then never
// the planner's doing.

import type { MovesWith, Placement } from "../generated/plan";
import type { AffectedVm } from "./affected";
import type { PlanningContext } from "./context";
import type { PlacedVm } from "./placed";
import { bystandersOf } from "./storage";

/** LPAR states in which it writes to its volumes (the switch refuses while one does). */
const WRITING: ReadonlySet<string> = new Set(["Running", "Starting", "Shutting Down"]);

/** Consistency groups the placed LPARs switch, each with the first LPAR that switches it. */
function switchedGroups(placed: readonly PlacedVm[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of placed) for (const c of p.choices) if (c.consistencyGroup !== undefined && !out.has(c.consistencyGroup)) out.set(c.consistencyGroup, p.vm.lpar.id);
  return out;
}

const NOBODY: ReadonlySet<string> = new Set();

/** LPARs writing to a volume of `cg` now, on a system that is up, sorted. */
function writersOf(ctx: PlanningContext, cg: string): string[] {
  return bystandersOf(ctx, cg, NOBODY).filter((id) => {
    const l = ctx.lpars.get(id);
    return l !== undefined && WRITING.has(l.state) && ctx.systems.get(l.host)?.state === "Operating";
  });
}

/** The protected LPARs of a context, made once: the N-1 check plans a thousand scenarios on one context. */
const protectedOf = new WeakMap<PlanningContext, ReadonlySet<string>>();

function protectedIdsOf(ctx: PlanningContext): ReadonlySet<string> {
  let ids = protectedOf.get(ctx);
  if (ids === undefined) {
    ids = new Set(ctx.protectedVms.map((e) => e.lpar));
    protectedOf.set(ctx, ids);
  }
  return ids;
}

/** Protected writers of the switched groups that the plan does not move yet: they join the move. */
export function coMovers(ctx: PlanningContext, affected: readonly AffectedVm[], placed: readonly PlacedVm[]): Map<string, MovesWith> {
  const moving = new Set(affected.map((v) => v.lpar.id));
  const protectedIds = protectedIdsOf(ctx);
  const out = new Map<string, MovesWith>();
  for (const [cg, by] of switchedGroups(placed)) {
    for (const l of writersOf(ctx, cg)) if (!moving.has(l) && protectedIds.has(l) && !out.has(l)) out.set(l, { consistencyGroup: cg, lpar: by });
  }
  return out;
}

/**
 * Every placed joiner still called: its group is switched by an LPAR the plan moves for itself,
 * or by a joiner that is called in turn.
 */
export function joinersCalled(placed: readonly PlacedVm[]): boolean {
  const called = new Set<string>();
  let pending = placed.filter((p) => p.vm.movesWith !== undefined);
  const addSwitched = (p: PlacedVm) => {
    for (const c of p.choices) if (c.consistencyGroup !== undefined) called.add(c.consistencyGroup);
  };
  for (const p of placed) if (p.vm.movesWith === undefined) addSwitched(p);
  for (let progress = true; progress && pending.length > 0; ) {
    const still = pending.filter((p) => !called.has((p.vm.movesWith as MovesWith).consistencyGroup));
    progress = still.length < pending.length;
    for (const p of pending) if (!still.includes(p)) addSwitched(p);
    pending = still;
  }
  return pending.length === 0;
}

/**
 * Unplaces every LPAR that switches a group one of whose writers stays behind (unprotected, or
 * not placed): the switch would fail with the other LPARs already shut down. Repeated until no
 * such group is left, since an LPAR unplaced for one group no longer switches its others.
 */
export function refuseSplitGroups(ctx: PlanningContext, affected: readonly AffectedVm[], placements: readonly Placement[], placed: readonly PlacedVm[]): { placements: Placement[]; placed: PlacedVm[] } {
  const byLpar = new Map(placements.map((p) => [p.lpar, { ...p }]));
  let kept = [...placed];
  for (;;) {
    const moving = new Set(kept.map((p) => p.vm.lpar.id));
    const refusals = new Map<string, string>();
    for (const cg of switchedGroups(kept).keys()) {
      const behind = writersOf(ctx, cg).filter((l) => !moving.has(l));
      if (behind.length === 0) continue;
      const l = behind[0];
      const at = ctx.lpars.get(l)?.host ?? "unknown";
      const why = byLpar.get(l)?.reason;
      refusals.set(
        cg,
        `consistency group ${cg} is switched as a whole, and its writer ${l} (on ${at}) cannot move${why !== undefined ? ` (${why})` : affected.some((v) => v.lpar.id === l) ? "" : ": no ProtectionGroup protects it; protect it or stop it before the move"}`,
      );
    }
    if (refusals.size === 0) break;
    kept = kept.filter((p) => {
      const cg = p.choices.map((c) => c.consistencyGroup).find((g) => g !== undefined && refusals.has(g));
      if (cg === undefined) return true;
      const placement = byLpar.get(p.vm.lpar.id) as Placement;
      placement.target = null;
      placement.volumes = [];
      placement.reason = `${refusals.get(cg)}: nothing of the group moves, so no VM is left down`;
      return false;
    });
  }
  return { placements: placements.map((p) => byLpar.get(p.lpar) as Placement), placed: kept };
}

/** One line per group whose writers move with a moved server's LPARs. */
export function coMoveWarnings(vms: readonly AffectedVm[]): string[] {
  const byGroup = new Map<string, string[]>();
  for (const v of vms) {
    if (v.movesWith === undefined) continue;
    const list = byGroup.get(v.movesWith.consistencyGroup) ?? [];
    list.push(`${v.lpar.id} (${v.source})`);
    byGroup.set(v.movesWith.consistencyGroup, list);
  }
  return [...byGroup].map(
    ([cg, list]) => `consistency group ${JSON.stringify(cg)} changes sites as a whole, so its other writers move too, shut down cleanly first: ${list.slice(0, 8).join(", ")}${list.length > 8 ? `, ... (${list.length} in all)` : ""}`,
  );
}
