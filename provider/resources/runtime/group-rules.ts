// The cross-field rules of a ProtectionGroup: one table of what JSON Schema cannot say, all
// failures reported together. Discovery rules need the live inventory; the others only the input.

import type { ComputeInventory } from "../../adapters/compute";
import type { ValidationIssue } from "../../errors";
import { duplicateIssues, show, type CrossFieldRule } from "../../validation";
import type { GroupInputs } from "./protection-group";

function vmIndex(g: GroupInputs): Map<string, number> {
  const index = new Map<string, number>();
  g.vms.forEach((v, i) => {
    if (!index.has(v.lpar)) index.set(v.lpar, i);
  });
  return index;
}

function levelOf(g: GroupInputs, i: number): number {
  return g.vms[i].slaLevel ?? g.slaLevel;
}

/** The first dependency cycle found, as LPAR ids from a VM back to itself. */
export function findCycle(g: GroupInputs): string[] | undefined {
  const index = vmIndex(g);
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (lpar: string): string[] | undefined => {
    if (state.get(lpar) === "done") return undefined;
    if (state.get(lpar) === "visiting") return [...stack.slice(stack.indexOf(lpar)), lpar];
    state.set(lpar, "visiting");
    stack.push(lpar);
    const i = index.get(lpar);
    for (const dep of i === undefined ? [] : (g.vms[i].after ?? [])) {
      if (!index.has(dep) || dep === lpar) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(lpar, "done");
    return undefined;
  };
  for (const v of g.vms) {
    const cycle = visit(v.lpar);
    if (cycle) return cycle;
  }
  return undefined;
}

export const RULES: readonly CrossFieldRule<GroupInputs>[] = [
  {
    name: "vmsUnique",
    check: (g) => duplicateIssues(g.vms, (v) => v.lpar, (i) => `vms[${i}].lpar`, "LPAR"),
  },
  {
    name: "dependenciesInGroup",
    check: (g) => {
      const index = vmIndex(g);
      return g.vms.flatMap((v, i) =>
        (v.after ?? []).flatMap((dep, j): ValidationIssue[] => {
          const p = `vms[${i}].after[${j}]`;
          if (dep === v.lpar) return [{ path: p, message: `\`${p}\` is ${show(dep)}, the VM itself: a VM cannot start after itself; remove it` }];
          if (!index.has(dep)) {
            return [{ path: p, message: `\`${p}\` is ${show(dep)}, which is not a VM of this group: list it in \`vms\`, or order groups by \`slaLevel\`` }];
          }
          const di = index.get(dep)!;
          if (levelOf(g, di) < levelOf(g, i)) {
            return [{
              path: p,
              message: `\`${p}\` is ${show(dep)}, whose SLA level ${levelOf(g, di)} is below this VM's ${levelOf(g, i)}: higher levels restart first, so it could never run first; raise its \`slaLevel\` or remove the dependency`,
            }];
          }
          return [];
        }),
      );
    },
  },
  {
    name: "noDependencyCycle",
    check: (g) => {
      const cycle = findCycle(g);
      if (!cycle) return [];
      const i = vmIndex(g).get(cycle[0])!;
      const p = `vms[${i}].after`;
      return [{ path: p, message: `\`${p}\` closes a dependency cycle ${cycle.join(" -> ")}: no VM of it could ever start; remove one of these \`after\` entries` }];
    },
  },
  {
    name: "antiAffinityMembers",
    check: (g) => {
      const index = vmIndex(g);
      return g.antiAffinity.flatMap((set, i) => [
        ...set.flatMap((lpar, j): ValidationIssue[] =>
          index.has(lpar)
            ? []
            : [{ path: `antiAffinity[${i}][${j}]`, message: `\`antiAffinity[${i}][${j}]\` is ${show(lpar)}, which is not a VM of this group: list it in \`vms\` or remove it from the set` }],
        ),
        ...duplicateIssues(set, (s) => s, (j) => `antiAffinity[${i}][${j}]`, "LPAR"),
      ]);
    },
  },
  {
    name: "oneGroupPerVm",
    check: (g) => {
      const index = vmIndex(g);
      return (g.context?.claimedElsewhere ?? []).flatMap((c) => {
        const i = index.get(c.lpar);
        if (i === undefined) return [];
        const p = `vms[${i}].lpar`;
        return [{ path: p, message: `\`${p}\` is ${show(c.lpar)}, which protection group ${show(c.group)} also protects: a VM belongs to one group; remove it from one of them` }];
      });
    },
  },
  {
    // A protected VM may be non-critical at the recovery site only towards levels above its own:
    // stopping it for a lower level would trade a more important VM for a less important one.
    name: "nonCriticalNotProtectedHigher",
    check: (g) => {
      const index = vmIndex(g);
      return (g.context?.target?.nonCritical ?? []).flatMap((n, j): ValidationIssue[] => {
        const i = index.get(n.lpar);
        if (i === undefined) return [];
        const held = n.slaLevel ?? 0;
        if (held >= levelOf(g, i)) return [];
        const p = `vms[${i}].lpar`;
        return [{
          path: p,
          message: `\`${p}\` is ${show(n.lpar)}, protected at SLA level ${levelOf(g, i)}, but recovery target ${show(g.recoveryTarget)} declares it non-critical (\`nonCritical[${j}].slaLevel\` ${held}): it would be ${n.action ?? "stop"}ped for VMs of lower levels than its own; set \`nonCritical[${j}].slaLevel\` to at least ${levelOf(g, i)} or remove it from \`nonCritical\``,
        }];
      });
    },
  },
];

/** Every LPAR named must exist in discovery. */
export function discoveryIssues(g: GroupInputs, inventory: ComputeInventory): ValidationIssue[] {
  const lpars = new Map(inventory.lpars.map((l) => [l.id, l]));
  const issues: ValidationIssue[] = [];
  g.vms.forEach((v, i) => {
    const p = `vms[${i}].lpar`;
    const lpar = lpars.get(v.lpar);
    if (!lpar) issues.push({ path: p, message: `\`${p}\` is ${show(v.lpar)}, which discovery does not know: use the id of an existing LPAR` });
    else if (lpar.drillOf) issues.push({ path: p, message: `\`${p}\` is ${show(v.lpar)}, a drill copy of ${show(lpar.drillOf)}: protect the original LPAR instead` });
  });
  return issues;
}
