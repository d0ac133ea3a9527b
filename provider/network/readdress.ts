// IP re-addressing of a recovered VM: which address each of its adapters gets at the target site,
// from the mapping's rules (an explicit address wins over a subnet rule). The guest applies it: the
// group's post-restart hook receives these as JSON (docs/networks.md), the report lists them.

import type { ResolvedLpar } from "../model";
import type { NetworkMappingSpec, SubnetRuleSpec } from "../model/protection";
import { adaptersOf, type MappingUse } from "./adapters";
import { contains, formatIpv4, parseCidr, parseIpv4, rebase, type Subnet } from "./ipv4";
import type { AddressChange } from "../generated/plan";

export type { AddressChange };

interface ParsedRule {
  readonly rule: SubnetRuleSpec;
  readonly from: Subnet;
  readonly to: Subnet;
}

function parsedRules(m: NetworkMappingSpec, use: MappingUse): ParsedRule[] {
  const out: ParsedRule[] = [];
  for (const rule of m.ipRules?.subnets ?? []) {
    const s = parseCidr(rule.source);
    const t = parseCidr(rule.target);
    if (!s || !t) continue;
    // A failback goes the other way: target subnet back to source subnet.
    out.push(use === "failback" ? { rule, from: t, to: s } : { rule, from: s, to: t });
  }
  return out;
}

/**
 * The LPAR's new addresses under `m` for a move that uses `use`; empty when nothing changes. A
 * drill keeps the production addresses on its isolated VLANs (that is what makes it a rehearsal)
 * unless explicit rules say otherwise: subnet rules apply to a drill as to a failover.
 */
export function readdress(lpar: Pick<ResolvedLpar, "id" | "adapters">, m: NetworkMappingSpec, use: MappingUse): AddressChange[] {
  if (use === "same") return [];
  const rules = parsedRules(m, use);
  const explicit = use === "failback" ? [] : (m.ipRules?.addresses ?? []).filter((a) => a.lpar === lpar.id);
  const out: AddressChange[] = [];
  adaptersOf(lpar).forEach((a, i) => {
    const given = explicit.find((e) => e.adapter === i);
    const before = a.ipAddress !== undefined ? parseIpv4(a.ipAddress) : undefined;
    let address: number | undefined;
    let rule: ParsedRule | undefined;
    let from = a.ipAddress;
    if (given) {
      address = parseIpv4(given.address);
      rule = rules.find((r) => address !== undefined && contains(r.to, address));
    } else if (before !== undefined) {
      rule = rules.find((r) => contains(r.from, before));
      if (rule) address = rebase(before, rule.from, rule.to);
      else if (use === "failback" && (rule = rules.find((r) => contains(r.to, before)))) {
        // The record still holds the home address (the guest was re-addressed at the target, the
        // inventory was not): the VM runs on its rebased target address and gets its home one back.
        address = before;
        from = formatIpv4(rebase(before, rule.to, rule.from));
      }
    }
    if (address === undefined || rule === undefined) return;
    // A failback hands back the source subnet's gateway and DNS, when the rule declares them.
    const gateway = use === "failback" ? rule.rule.sourceGateway : rule.rule.gateway;
    out.push({
      adapter: i,
      ...(a.mac !== undefined ? { mac: a.mac } : {}),
      ...(from !== undefined ? { from } : {}),
      address: formatIpv4(address),
      prefixLength: rule.to.prefix,
      ...(gateway !== undefined ? { gateway } : {}),
      dns: use === "failback" ? [...(rule.rule.sourceDns ?? [])] : [...rule.rule.dns],
    });
  });
  return out;
}
