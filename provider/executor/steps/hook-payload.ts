// What a group's hooks read on their standard input: a JSON document with each of the group's
// VMs' network at its target (adapters as mapped, new addresses), so that a post-restart hook can
// re-address the guest (through RMC, cloud-init, Ansible...). Documented in docs/networks.md.

import type { Plan } from "../../generated/plan";

export interface HookNetworkPayload {
  readonly group: string;
  readonly planKind: Plan["kind"];
  readonly vms: readonly {
    readonly lpar: string;
    readonly target: string;
    readonly mapping: string;
    readonly use: string;
    readonly adapters: NonNullable<Plan["placements"][number]["network"]>["adapters"];
    readonly addresses: NonNullable<Plan["placements"][number]["network"]>["addresses"];
  }[];
}

/** The payload for `group`'s hooks, or undefined when none of its placed VMs has a mapped network. */
export function hookNetworkPayload(plan: Plan, group: string | undefined): HookNetworkPayload | undefined {
  if (group === undefined) return undefined;
  const vms = plan.placements
    .filter((p) => p.group === group && p.target !== null && p.network !== undefined)
    .map((p) => ({ lpar: p.lpar, target: p.target as string, mapping: p.network!.mapping, use: p.network!.use, adapters: p.network!.adapters, addresses: p.network!.addresses }));
  return vms.length > 0 ? { group, planKind: plan.kind, vms } : undefined;
}
