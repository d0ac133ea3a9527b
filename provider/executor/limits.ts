// The limit of every resource a run's steps hold: the user's override (exact key, else the
// longest matching `prefix*`), else the plan's, else what the adapters report, else 1 with a
// warning, since running unbounded against hardware that has a limit is the worse mistake.

import { ValidationError, type ValidationIssue } from "../errors";
import type { Plan } from "../generated/plan";
import { show } from "../validation";

export interface ResolvedLimits {
  readonly limits: Record<string, number>;
  readonly warnings: string[];
}

export function resolveLimits(
  plan: Plan,
  adapterLimits: Readonly<Record<string, number>>,
  overrides: Readonly<Record<string, number>> = {},
): ResolvedLimits {
  checkOverrides(overrides);
  const prefixes = Object.keys(overrides)
    .filter((k) => k.endsWith("*"))
    .map((k) => [k.slice(0, -1), overrides[k]] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const keys = new Set(Object.keys(plan.resources));
  for (const step of plan.steps) for (const r of step.resources) keys.add(r);
  const limits: Record<string, number> = {};
  const warnings: string[] = [];
  for (const key of [...keys].sort()) {
    const prefix = prefixes.find(([p]) => key.startsWith(p));
    const limit = overrides[key] ?? prefix?.[1] ?? plan.resources[key] ?? adapterLimits[key];
    if (limit === undefined) warnings.push(`resource ${key} has no limit in the plan, the adapters or the overrides: running its steps one at a time`);
    limits[key] = limit ?? 1;
  }
  return { limits, warnings };
}

function checkOverrides(overrides: Readonly<Record<string, number>>): void {
  const issues: ValidationIssue[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    if (!Number.isInteger(value) || value < 1) {
      issues.push({
        path: `limits[${JSON.stringify(key)}]`,
        message: `\`limits[${JSON.stringify(key)}]\` is ${show(value)}; a limit is a whole number >= 1 (steps using the resource at once)`,
      });
    }
  }
  if (issues.length > 0) throw new ValidationError("limit overrides", issues);
}
