// The hardware settings as lists of connections: `hmc` and `storage` each hold one connection or
// a list of them (one per site, or more). The cross-field rules the schema cannot say live in
// one table; every failure is reported together, naming the field.

import { ValidationError, type ValidationIssue } from "../../errors";
import type { HardwareSettings, HmcConnection, SvcConnection } from "../../generated/adapter-settings";
import { duplicateIssues, type CrossFieldRule } from "../../validation";
import { hostName } from "../hmc/adapter";

/** One configured connection, with the field path that names it in messages (`hmc[1]`). */
export interface Configured<C> {
  readonly connection: C;
  readonly path: string;
  /** `name`, or the host name of `url`. */
  readonly name: string;
  readonly site: string;
}

export interface HardwareConnections {
  readonly hmcs: readonly Configured<HmcConnection>[];
  readonly storage: readonly Configured<SvcConnection>[];
  /** Whether each was written as a list (paths then carry an index). */
  readonly lists: { readonly hmc: boolean; readonly storage: boolean };
}

function listOf<C extends { name?: string; url: string; site?: string }>(value: C | readonly C[] | undefined, field: string): Configured<C>[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? (value as readonly C[]) : [value as C];
  return list.map((connection, i) => ({
    connection,
    path: Array.isArray(value) ? `${field}[${i}]` : field,
    name: connection.name ?? hostName(connection.url),
    site: connection.site ?? "default",
  }));
}

export function connectionsOf(settings: HardwareSettings): HardwareConnections {
  return {
    hmcs: listOf(settings.hmc, "hmc"),
    storage: listOf(settings.storage, "storage"),
    lists: { hmc: Array.isArray(settings.hmc), storage: Array.isArray(settings.storage) },
  };
}

export const HARDWARE_RULES: readonly CrossFieldRule<HardwareConnections>[] = [
  {
    name: "connections are present",
    check: (c) => [
      ...(c.hmcs.length === 0 ? [{ path: "hmc", message: "`hmc` is required when `type` is \"hardware\": add the HMC's url, username and password (or a list of HMCs, one per site)" }] : []),
      ...(c.storage.length === 0 ? [{ path: "storage", message: "`storage` is required when `type` is \"hardware\": add the storage system's url, username and password (or a list of them, one per site)" }] : []),
    ],
  },
  {
    name: "connection names are unique",
    check: (c) => [
      ...duplicateIssues(c.hmcs, (h) => h.name, (i) => `${c.hmcs[i].path}.name`, "HMC name"),
      ...duplicateIssues(c.storage, (s) => s.name, (i) => `${c.storage[i].path}.name`, "storage connection name"),
    ].map(withNameHint),
  },
  {
    name: "each endpoint is configured once",
    check: (c) => [
      ...duplicateIssues(c.hmcs, (h) => origin(h.connection.url), (i) => `${c.hmcs[i].path}.url`, "HMC address"),
      ...duplicateIssues(c.storage, (s) => origin(s.connection.url), (i) => `${c.storage[i].path}.url`, "storage address"),
    ],
  },
  {
    name: "several connections name their sites",
    check: (c) => [
      ...missingSites(c.hmcs, "HMC"),
      ...missingSites(c.storage, "storage system"),
    ],
  },
];

/** Validates the connections against HARDWARE_RULES; throws one ValidationError with every issue. */
export function checkConnections(settings: HardwareSettings): HardwareConnections {
  const connections = connectionsOf(settings);
  const issues: ValidationIssue[] = HARDWARE_RULES.flatMap((r) => r.check(connections));
  if (issues.length > 0) throw new ValidationError("adapter settings", issues);
  return connections;
}

function withNameHint(issue: ValidationIssue): ValidationIssue {
  return { ...issue, message: `${issue.message} (without \`name\`, the host name of \`url\` is used): set a distinct \`name\` on each` };
}

function origin(url: string): string {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return url;
  }
}

/** With several connections, each must say its site: the default site would merge two sites into one. */
function missingSites<C extends { site?: string }>(list: readonly Configured<C>[], what: string): ValidationIssue[] {
  if (list.length < 2) return [];
  return list
    .filter((c) => c.connection.site === undefined || c.connection.site === "default")
    .map((c) => ({ path: `${c.path}.site`, message: `\`${c.path}.site\` is missing: with several ${what}s, each must name its site (the site of the systems it manages)` }));
}
