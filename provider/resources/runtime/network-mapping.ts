// The NetworkMapping provider's logic, loaded at run time by the serialized provider. A mapping is
// a declaration for a pair of sites (like VM Recovery Manager DR's site-pair VLAN and switch
// maps): nothing on the hardware is created or changed by it. `check` validates it whole; groups
// that reference it check their VMs against it and against the target's systems (readiness).

import type { NetworkMappingInputs, SwitchPair, VlanPair } from "../../generated/network-mapping";
import type { ValidationIssue } from "../../errors";
import type { NetworkMappingSpec } from "../../model/protection";
import { duplicateIssues, show, validate, type CrossFieldRule } from "../../validation";
import { contains, formatCidr, overlaps, parseCidr, parseIpv4, type Subnet } from "../../network/ipv4";
import { changedFields, pick, toFailures, unknownPaths, withoutUnknowns, type CheckFailure } from "./common";

/** A mapping with every default filled in, as `check` leaves it. */
export type ResolvedNetworkMapping = NetworkMappingInputs & NetworkMappingSpec;

export interface NetworkMappingOutputs extends ResolvedNetworkMapping {
  /** The production maps reversed: what a failback applies. */
  readonly failback: { switches: SwitchPair[]; vlans: VlanPair[] };
}

export const DECLARED_FIELDS = ["name", "sourceSite", "targetSite", "switches", "vlans", "drillVlans", "ipRules"] as const;
export const IDENTITY_FIELDS: readonly string[] = ["name", "sourceSite", "targetSite"];

type Parsed = { i: number; subnet: Subnet };

/** The rules' subnets on one side that parse; the others get an issue. */
function subnetsOf(m: ResolvedNetworkMapping, side: "source" | "target", issues: ValidationIssue[]): Parsed[] {
  const out: Parsed[] = [];
  (m.ipRules?.subnets ?? []).forEach((r, i) => {
    const path = `ipRules.subnets[${i}].${side}`;
    const parsed = parseCidr(r[side]);
    if (!parsed) issues.push({ path, message: `\`${path}\` is ${show(r[side])}, not an IPv4 subnet: write it as four numbers 0-255 and a prefix 0-32, e.g. "10.1.0.0/24"` });
    else if (!parsed.aligned) issues.push({ path, message: `\`${path}\` is ${show(r[side])}, whose host bits are not zero: write the subnet's network address, ${show(formatCidr(parsed))}` });
    else out.push({ i, subnet: parsed });
  });
  return out;
}

function overlapIssues(parsed: readonly Parsed[], side: "source" | "target"): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (let a = 0; a < parsed.length; a++) {
    for (let b = 0; b < a; b++) {
      if (!overlaps(parsed[a].subnet, parsed[b].subnet)) continue;
      const path = `ipRules.subnets[${parsed[a].i}].${side}`;
      issues.push({
        path,
        message: `\`${path}\` is ${show(formatCidr(parsed[a].subnet))}, which overlaps \`ipRules.subnets[${parsed[b].i}].${side}\` (${formatCidr(parsed[b].subnet)}): an address must match one rule only; split or merge the subnets`,
      });
    }
  }
  return issues;
}

function subnetIssues(m: ResolvedNetworkMapping): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const sources = subnetsOf(m, "source", issues);
  const targets = subnetsOf(m, "target", issues);
  issues.push(...overlapIssues(sources, "source"), ...overlapIssues(targets, "target"));
  const rules = m.ipRules?.subnets ?? [];
  for (const s of sources) {
    const gateway = rules[s.i].sourceGateway;
    const g = gateway !== undefined ? parseIpv4(gateway) : undefined;
    if (g !== undefined && !contains(s.subnet, g)) {
      const path = `ipRules.subnets[${s.i}].sourceGateway`;
      issues.push({ path, message: `\`${path}\` is ${show(gateway)}, outside its source subnet ${formatCidr(s.subnet)}: use an address of that subnet` });
    }
  }
  for (const t of targets) {
    const s = sources.find((x) => x.i === t.i);
    if (s && s.subnet.prefix !== t.subnet.prefix) {
      const path = `ipRules.subnets[${t.i}].target`;
      issues.push({ path, message: `\`${path}\` is ${show(rules[t.i].target)}, a /${t.subnet.prefix}, but its source is a /${s.subnet.prefix}: the host part is kept, so both must have the same prefix length` });
    }
    const gateway = rules[t.i].gateway;
    if (gateway !== undefined) {
      const g = parseIpv4(gateway);
      if (g !== undefined && !contains(t.subnet, g)) {
        const path = `ipRules.subnets[${t.i}].gateway`;
        issues.push({ path, message: `\`${path}\` is ${show(gateway)}, outside its target subnet ${formatCidr(t.subnet)}: use an address of that subnet` });
      }
    }
  }
  (m.ipRules?.addresses ?? []).forEach((a, i) => {
    const n = parseIpv4(a.address);
    if (n === undefined || targets.some((t) => contains(t.subnet, n))) return;
    const path = `ipRules.addresses[${i}].address`;
    const allowed = targets.map((t) => formatCidr(t.subnet));
    issues.push({
      path,
      message: `\`${path}\` is ${show(a.address)}, outside every target subnet (${allowed.length > 0 ? allowed.join(", ") : "there are none"}): use an address of one of \`ipRules.subnets[].target\`, or add a rule for its subnet (its gateway and DNS come from there)`,
    });
  });
  return issues;
}

/** A drill VLAN that is a production VLAN of the target site would put the copies on the live network. */
function drillIsolationIssues(m: ResolvedNetworkMapping): ValidationIssue[] {
  const production = new Map(m.vlans.map((v, i) => [v.target, i] as const));
  return m.drillVlans.flatMap((d, i) => {
    const j = production.get(d.target);
    if (j === undefined) return [];
    return [
      {
        path: `drillVlans[${i}].target`,
        message: `\`drillVlans[${i}].target\` is ${d.target}, a production VLAN of site ${m.targetSite} (\`vlans[${j}].target\`): drill copies must be isolated; use a VLAN ID that no \`vlans[].target\` uses`,
      },
    ];
  });
}

export const RULES: readonly CrossFieldRule<ResolvedNetworkMapping>[] = [
  {
    name: "sitesDiffer",
    check: (m) => (m.sourceSite === m.targetSite ? [{ path: "targetSite", message: `\`targetSite\` is ${show(m.targetSite)}, the same as \`sourceSite\`: a mapping goes from one site to another` }] : []),
  },
  { name: "switchesMappedOnce", check: (m) => duplicateIssues(m.switches, (s) => s.source, (i) => `switches[${i}].source`, "switch") },
  { name: "vlansMappedOnce", check: (m) => duplicateIssues(m.vlans, (v) => String(v.source), (i) => `vlans[${i}].source`, "VLAN") },
  // Two source VLANs onto one target could not be told apart again by a failback.
  { name: "vlanTargetsUnique", check: (m) => duplicateIssues(m.vlans, (v) => String(v.target), (i) => `vlans[${i}].target`, "target VLAN") },
  { name: "drillVlansMappedOnce", check: (m) => duplicateIssues(m.drillVlans, (v) => String(v.source), (i) => `drillVlans[${i}].source`, "VLAN") },
  { name: "drillVlansIsolated", check: drillIsolationIssues },
  { name: "subnets", check: subnetIssues },
  {
    name: "addressesOnce",
    check: (m) => duplicateIssues(m.ipRules?.addresses ?? [], (a) => `${a.lpar}#${a.adapter}`, (i) => `ipRules.addresses[${i}]`, "LPAR adapter"),
  },
];

export function normalize(news: Record<string, unknown>): ResolvedNetworkMapping {
  return structuredClone(pick<Record<string, unknown>>(news, DECLARED_FIELDS)) as unknown as ResolvedNetworkMapping;
}

/** Validates a mapping (defaults filled in place); the issues, or none. */
export function mappingIssues(m: ResolvedNetworkMapping): ValidationIssue[] {
  return validate<ResolvedNetworkMapping>("network-mapping", m, RULES);
}

export function observe(m: ResolvedNetworkMapping): NetworkMappingOutputs {
  return {
    ...m,
    failback: {
      switches: m.switches.map((s) => ({ source: s.target, target: s.source })),
      vlans: m.vlans.map((v) => ({ source: v.target, target: v.source })),
    },
  };
}

function established(inputs: Record<string, unknown>): NetworkMappingOutputs {
  const m = normalize(inputs);
  const issues = mappingIssues(m);
  if (issues.length > 0) throw new Error(`network mapping ${m.name}: ${issues.map((i) => i.message).join("; ")}`);
  return observe(m);
}

export const ops = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs: ResolvedNetworkMapping; failures: CheckFailure[] }> {
    const inputs = normalize(news);
    const unknown = unknownPaths(inputs);
    return { inputs, failures: toFailures(withoutUnknowns(mappingIssues(inputs), unknown)) };
  },

  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    const changed = changedFields(olds, news, DECLARED_FIELDS);
    return { changes: changed.length > 0, replaces: changed.filter((f) => IDENTITY_FIELDS.includes(f)), deleteBeforeReplace: false };
  },

  /** A declaration: nothing on the hardware changes. */
  async create(inputs: Record<string, unknown>): Promise<{ id: string; outs: NetworkMappingOutputs }> {
    const outs = established(inputs);
    return { id: outs.name, outs };
  },

  async read(id: string, props: Record<string, unknown>): Promise<{ id: string; props: NetworkMappingOutputs }> {
    return { id, props: observe(normalize(props)) };
  },

  async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ outs: NetworkMappingOutputs }> {
    return { outs: established(news) };
  },

  /** Deleting the declaration moves nothing. */
  async delete(_id: string, _props: Record<string, unknown>): Promise<void> {},
};
