// Which managed systems are lost: as given (a host, a site), or read from the inventory, where a
// system that is not Operating cannot run LPARs and is a remote-restart source.

import { ValidationError } from "../errors";
import type { Failure } from "../generated/plan";
import type { PlanningContext } from "./context";
import type { FailureSpec } from "./types";

export interface ResolvedFailure {
  readonly failure: Failure;
  readonly failedHosts: ReadonlySet<string>;
}

export function resolveFailure(ctx: PlanningContext, spec: FailureSpec = {}, detect: boolean): ResolvedFailure {
  const issues: { path: string; message: string }[] = [];
  const hosts = new Set<string>();
  (spec.failedHosts ?? []).forEach((h, i) => {
    if (!ctx.systems.has(h)) {
      issues.push({
        path: `failedHosts[${i}]`,
        message: `\`failedHosts[${i}]\` ${JSON.stringify(h)} is not a managed system of the inventory; known: ${ctx.systemIds.slice(0, 8).join(", ")}${ctx.systemIds.length > 8 ? ", ..." : ""}`,
      });
    }
    hosts.add(h);
  });
  if (spec.failedSite !== undefined) {
    const atSite = ctx.systemIds.filter((id) => ctx.systems.get(id)?.site === spec.failedSite);
    if (atSite.length === 0) {
      const sites = [...new Set(ctx.systemIds.map((id) => ctx.systems.get(id)?.site))].sort();
      issues.push({
        path: "failedSite",
        message: `\`failedSite\` ${JSON.stringify(spec.failedSite)} has no managed systems; sites with systems: ${sites.join(", ")}`,
      });
    }
    for (const id of atSite) hosts.add(id);
  }
  (spec.groups ?? []).forEach((g, i) => {
    if (!ctx.model.groups.some((group) => group.name === g)) {
      issues.push({ path: `groups[${i}]`, message: `\`groups[${i}]\` ${JSON.stringify(g)} is not a ProtectionGroup of the stack` });
    }
  });
  if (issues.length > 0) throw new ValidationError("failure", issues);

  const given = spec.failedHosts !== undefined || spec.failedSite !== undefined;
  const detected = !given && detect;
  if (detected) {
    for (const id of ctx.systemIds) if (ctx.systems.get(id)?.state !== "Operating") hosts.add(id);
  }
  const failure: Failure = { failedHosts: [...hosts].sort() };
  const site = spec.failedSite ?? (detected ? wholeSiteDown(ctx, hosts) : undefined);
  if (site !== undefined) failure.failedSite = site;
  if (detected) failure.detected = true;
  if (spec.groups !== undefined) failure.groups = [...spec.groups];
  return { failure, failedHosts: hosts };
}

/** The site all of whose systems are down, if exactly one is. */
function wholeSiteDown(ctx: PlanningContext, failed: ReadonlySet<string>): string | undefined {
  const bySite = new Map<string, { all: number; down: number }>();
  for (const id of ctx.systemIds) {
    const site = (ctx.systems.get(id) as { site: string }).site;
    const c = bySite.get(site) ?? { all: 0, down: 0 };
    c.all++;
    if (failed.has(id)) c.down++;
    bySite.set(site, c);
  }
  const down = [...bySite].filter(([, c]) => c.all > 0 && c.down === c.all).map(([s]) => s);
  return down.length === 1 ? down[0] : undefined;
}
