// Which group protects each VM, read from a stack state that may be caught half-way through a
// `pulumi up` (or left so by an interrupted one). Each VM comes out protected exactly once.
//
// Why the state can hold a VM twice but never lose it (docs/failover.md, "Moving a VM between
// groups"): a group that drops a VM is replaced, not updated (runtime/protection-group.ts diff),
// with the replacement created first. Its old copy stays in the state, marked `delete`, until the
// engine deletes it after every create and update of the `up` has finished, so after the group
// that receives the VM has recorded it. So at any checkpoint a moved VM is listed by
// - the old copy only (the releasing group was replaced, the receiver not yet updated),
// - the old copy and the receiver (both done, the old copy not yet deleted),
// - the releasing group, not yet replaced, and the receiver (the receiver went first),
// - the receiver only (the `up` finished).
// The rule: a live group's claim wins over an old copy's; between live groups, the group whose
// state was written last (it holds the newer program), ties broken by name; an old copy keeps a VM
// no live group lists, inside its replacement when there is one.

import type { ProtectionGroupSpec, ProtectedVm } from "../model/protection";

/** A group as the state holds it: its URN (shared by a replacement and its old copy) and when it was written. */
export interface GroupInState {
  readonly urn: string;
  readonly spec: ProtectionGroupSpec;
  /** The checkpoint's `modified` time of the resource (ISO 8601), when the backend records it. */
  readonly modified?: string;
}

export interface SettledMembership {
  /** The live groups, each VM in exactly one of them; VMs kept by old copies added to their replacements. */
  readonly groups: ProtectionGroupSpec[];
  /** One line per VM the rule had to settle: which groups list it and which one protects it. */
  readonly warnings: string[];
}

/** Newest written first; the same time (or none): by group name. */
function newerFirst(a: GroupInState, b: GroupInState): number {
  const ta = a.modified ? Date.parse(a.modified) : Number.NEGATIVE_INFINITY;
  const tb = b.modified ? Date.parse(b.modified) : Number.NEGATIVE_INFINITY;
  if (ta !== tb) return tb > ta ? 1 : -1;
  return a.spec.name < b.spec.name ? -1 : a.spec.name > b.spec.name ? 1 : 0;
}

/** The group without the given VMs: neither listed nor named in its anti-affinity sets. */
function without(spec: ProtectionGroupSpec, dropped: ReadonlySet<string>): ProtectionGroupSpec {
  if (dropped.size === 0) return spec;
  return {
    ...spec,
    vms: spec.vms.filter((v) => !dropped.has(v.lpar)),
    antiAffinity: spec.antiAffinity.map((set) => set.filter((l) => !dropped.has(l))).filter((set) => set.length > 1),
    ...(spec.homes ? { homes: spec.homes.filter((h) => !dropped.has(h.lpar)) } : {}),
  };
}

/** The group with VMs taken from its old copy: their declaration there, and their recorded homes. */
function withKept(spec: ProtectionGroupSpec, kept: readonly ProtectedVm[], from: ProtectionGroupSpec): ProtectionGroupSpec {
  const ids = new Set(kept.map((v) => v.lpar));
  const homes = (from.homes ?? []).filter((h) => ids.has(h.lpar));
  return {
    ...spec,
    vms: [...spec.vms, ...kept.map((v) => (v.slaLevel === undefined && from.slaLevel !== spec.slaLevel ? { ...v, slaLevel: from.slaLevel } : v))],
    ...(homes.length > 0 ? { homes: [...(spec.homes ?? []), ...homes] } : {}),
  };
}

/**
 * Settles membership: `live` are the groups in state, `oldCopies` those marked `delete` (the old
 * copies of replaced groups, awaiting deletion at the end of the `up`), both in state order.
 */
export function settleMembership(live: readonly GroupInState[], oldCopies: readonly GroupInState[]): SettledMembership {
  const warnings: string[] = [];
  const holders = new Map<string, GroupInState[]>();
  for (const g of live) for (const v of g.spec.vms) holders.set(v.lpar, [...(holders.get(v.lpar) ?? []), g]);
  const dropped = new Map<GroupInState, Set<string>>(live.map((g) => [g, new Set<string>()]));
  for (const [lpar, list] of holders) {
    if (list.length < 2) continue;
    const [winner, ...others] = [...list].sort(newerFirst);
    for (const o of others) dropped.get(o)!.add(lpar);
    warnings.push(
      `LPAR ${JSON.stringify(lpar)} is listed by groups ${list.map((g) => JSON.stringify(g.spec.name)).join(" and ")} in the stack state (a move between groups that a \`pulumi up\` is making, or left half-done): it is protected by ${JSON.stringify(winner.spec.name)}, whose state is newest; run \`pulumi up\` to finish the move`,
    );
  }
  const settled = new Map<GroupInState, ProtectionGroupSpec>(live.map((g) => [g, without(g.spec, dropped.get(g)!)]));
  const added: ProtectionGroupSpec[] = [];
  for (const old of oldCopies) {
    const kept = old.spec.vms.filter((v) => !holders.has(v.lpar));
    if (kept.length === 0) continue;
    for (const v of kept) holders.set(v.lpar, [old]);
    const replacement = live.find((g) => g.urn === old.urn);
    if (replacement) settled.set(replacement, withKept(settled.get(replacement)!, kept, old.spec));
    else added.push(without(old.spec, new Set(old.spec.vms.filter((v) => !kept.includes(v)).map((v) => v.lpar))));
    warnings.push(
      `${kept.length === 1 ? "LPAR" : "LPARs"} ${kept.map((v) => JSON.stringify(v.lpar)).join(", ")} of group ${JSON.stringify(old.spec.name)} ${kept.length === 1 ? "is" : "are"} listed only by its old copy, which a \`pulumi up\` replaces and deletes once every group has been updated (in progress, or interrupted): ${kept.length === 1 ? "it stays" : "they stay"} protected by ${JSON.stringify((replacement ?? old).spec.name)} until then; run \`pulumi up\` to finish`,
    );
  }
  return { groups: [...live.map((g) => settled.get(g)!), ...added], warnings };
}
