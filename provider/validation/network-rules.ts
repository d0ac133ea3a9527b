// Cross-field rules of a topology's network: virtual switches and their VIOS bridges per managed
// system, and the LPARs' client adapters. Part of the topology's rule table (topology-rules.ts).

import type { ResolvedTopology } from "../model";
import type { ValidationIssue } from "../errors";
import { duplicateIssues, show, type CrossFieldRule } from "./index";

export const NETWORK_RULES: readonly CrossFieldRule<ResolvedTopology>[] = [
  {
    name: "virtual switches and their bridges",
    check: (t) =>
      t.managedSystems.flatMap((m, i) => {
        const switches = m.virtualSwitches ?? [];
        const issues: ValidationIssue[] = duplicateIssues(switches, (s) => s.name, (j) => `managedSystems[${i}].virtualSwitches[${j}].name`, "virtual switch");
        switches.forEach((s, j) =>
          (s.bridges ?? []).forEach((b, k) => {
            if (m.vioses.includes(b.vios)) return;
            const path = `managedSystems[${i}].virtualSwitches[${j}].bridges[${k}].vios`;
            issues.push({ path, message: `\`${path}\` is ${show(b.vios)}, not a VIOS of ${m.id}: use one of ${m.vioses.join(", ")}` });
          }),
        );
        (m.failedVioses ?? []).forEach((v, k) => {
          if (m.vioses.includes(v)) return;
          const path = `managedSystems[${i}].failedVioses[${k}]`;
          issues.push({ path, message: `\`${path}\` is ${show(v)}, not a VIOS of ${m.id}: use one of ${m.vioses.join(", ")}` });
        });
        return issues;
      }),
  },
  {
    name: "adapters are on a switch of their system",
    check: (t) => {
      const switchesOf = new Map(t.managedSystems.map((m) => [m.id, (m.virtualSwitches ?? []).map((s) => s.name)]));
      return t.lpars.flatMap((l, i) =>
        (l.adapters ?? []).flatMap((a, j) => {
          const known = switchesOf.get(l.host) ?? [];
          // A system that models no switch says nothing about its LPARs' adapters.
          if (known.length === 0 || known.includes(a.switch) || (a.kind ?? "virtual") === "sriov") return [];
          const path = `lpars[${i}].adapters[${j}].switch`;
          return [{ path, message: `\`${path}\` is ${show(a.switch)}, not a virtual switch of ${l.host}: use one of ${known.join(", ")}, or declare it in its \`virtualSwitches\`` }];
        }),
      );
    },
  },
];
