// Drill files (schemas/drill.schema.json): YAML naming a failure scenario, the groups to rehearse
// and the assertions that decide the exit code. Errors name the field and, for YAML syntax, the line.

import * as fs from "fs";
import { parseYamlText } from "../parse-file";
import { ValidationError, type ValidationIssue } from "../errors";
import type { DrillFile } from "../generated/drill";
import { validate, type CrossFieldRule } from "../validation";
import type { ProtectionModel } from "../model/protection";

export type { DrillFile, Assertion as DrillAssertion } from "../generated/drill";

/** A drill file with its defaults filled in. */
export type ResolvedDrillFile = DrillFile & Required<Pick<DrillFile, "network" | "assertions" | "stopNonCritical">>;

const RULES: readonly CrossFieldRule<DrillFile>[] = [
  {
    name: "scenario names one failure",
    check: (d) => {
      const site = d.scenario.failedSite !== undefined;
      const hosts = d.scenario.failedHosts !== undefined;
      if (site && hosts)
        return [{ path: "scenario", message: "`scenario` gives both `failedSite` and `failedHosts`: keep one (a site, or some managed systems)" }];
      if (!site && !hosts)
        return [{ path: "scenario", message: "`scenario` needs `failedSite` (a site name) or `failedHosts` (managed system ids): add one" }];
      return [];
    },
  },
  {
    name: "groups are unique",
    check: (d) => {
      const seen = new Set<string>();
      const issues: ValidationIssue[] = [];
      (d.groups ?? []).forEach((g, i) => {
        if (seen.has(g)) issues.push({ path: `groups[${i}]`, message: `\`groups[${i}]\` repeats ${JSON.stringify(g)}: list each group once` });
        seen.add(g);
      });
      return issues;
    },
  },
  {
    name: "assertions name rehearsed groups",
    check: (d) => {
      if (!d.groups) return [];
      const rehearsed = new Set(d.groups);
      const issues: ValidationIssue[] = [];
      (d.assertions ?? []).forEach((a, i) => {
        const named = a.type === "maxGroupRto" ? [{ g: a.group, p: `assertions[${i}].group` }] : a.type === "rtoWithinBudget" ? (a.groups ?? []).map((g, j) => ({ g, p: `assertions[${i}].groups[${j}]` })) : [];
        for (const { g, p } of named)
          if (!rehearsed.has(g))
            issues.push({ path: p, message: `\`${p}\` is ${JSON.stringify(g)}, which the drill does not rehearse: use one of ${d.groups!.join(", ")} or add it to \`groups\`` });
      });
      return issues;
    },
  },
];

/** Validates a parsed drill file (filling in defaults) and returns it; throws a ValidationError listing every issue. */
export function parseDrill(value: unknown, source = "drill file"): ResolvedDrillFile {
  const issues = validate<DrillFile>("drill", value, RULES);
  if (issues.length > 0) throw new ValidationError(source, issues);
  return value as ResolvedDrillFile;
}

/** The drill run without a file: every group of the stack (or those given), no scenario (the
 * planner rehearses every protected LPAR), the default network and assertions. */
export function defaultDrill(name = "drill"): ResolvedDrillFile {
  const value = { version: 1, name, scenario: {} };
  const issues = validate<DrillFile>("drill", value);
  if (issues.length > 0) throw new ValidationError("default drill", issues);
  return value as ResolvedDrillFile;
}

/** Reads and validates a YAML (or JSON) drill file. */
export function loadDrillFile(file: string): ResolvedDrillFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new ValidationError(`drill file ${file}`, [{ path: "(file)", message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}; check the path given to --drill-file` }]);
  }
  return parseDrill(parseYamlText(text, { file, wayOut: "Fix the YAML there (examples/drills/ has drill files to start from)" }), `drill file ${file}`);
}

/** The drill's groups and failure checked against what the stack declares (and, for hosts, what the adapters know). */
export function checkDrillAgainstModel(drill: DrillFile, model: ProtectionModel, knownSystems?: ReadonlySet<string>, knownSites?: ReadonlySet<string>): ValidationIssue[] {
  const groups = new Set(model.groups.map((g) => g.name));
  const issues: ValidationIssue[] = [];
  const allowed = [...groups].join(", ") || "none declared";
  (drill.groups ?? []).forEach((g, i) => {
    if (!groups.has(g)) issues.push({ path: `groups[${i}]`, message: `\`groups[${i}]\` is ${JSON.stringify(g)}, not a ProtectionGroup of the stack: use one of ${allowed}` });
  });
  (drill.assertions ?? []).forEach((a, i) => {
    if (a.type === "maxGroupRto" && !groups.has(a.group))
      issues.push({ path: `assertions[${i}].group`, message: `\`assertions[${i}].group\` is ${JSON.stringify(a.group)}, not a ProtectionGroup of the stack: use one of ${allowed}` });
  });
  if (knownSystems)
    (drill.scenario.failedHosts ?? []).forEach((h, i) => {
      if (!knownSystems.has(h))
        issues.push({ path: `scenario.failedHosts[${i}]`, message: `\`scenario.failedHosts[${i}]\` is ${JSON.stringify(h)}, not a managed system the adapters know: use one of ${[...knownSystems].join(", ")}` });
    });
  if (knownSites && drill.scenario.failedSite !== undefined && !knownSites.has(drill.scenario.failedSite))
    issues.push({ path: "scenario.failedSite", message: `\`scenario.failedSite\` is ${JSON.stringify(drill.scenario.failedSite)}, not a site the adapters know: use one of ${[...knownSites].join(", ")}` });
  return issues;
}
