// What the three dynamic providers share at run time: preview unknowns, check failures, adapter
// sessions and the declared-versus-observed split of their properties.

import isEqual from "lodash/isEqual";
import { openAdapters, type Adapters } from "../../adapters";
import type { AdapterSettings } from "../../generated/adapter-settings";
import type { ValidationIssue } from "../../errors";

/** The value the engine passes for an input not known yet during a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The property the engine stores the serialized provider in; never part of a diff. */
export const PROVIDER_KEY = "__provider";

export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

/** Field paths (`vms[2].lpar`) whose value is unknown during a preview. */
export function unknownPaths(value: unknown, at = ""): string[] {
  if (value === UNKNOWN) return [at || "(root)"];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownPaths(v, `${at}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => unknownPaths(v, at ? `${at}.${k}` : k));
  }
  return [];
}

/** Issues about a field that is unknown (or inside one) say nothing yet: the real check runs at `up`. */
export function withoutUnknowns(issues: readonly ValidationIssue[], unknown: readonly string[]): ValidationIssue[] {
  if (unknown.length === 0) return [...issues];
  return issues.filter((i) => !unknown.some((u) => i.path === u || i.path.startsWith(`${u}.`) || i.path.startsWith(`${u}[`)));
}

export function toFailures(issues: readonly ValidationIssue[]): CheckFailure[] {
  return issues.map((i) => ({ property: i.path, reason: i.message }));
}

/** Opens adapters for `settings`; injectable so tests can hand in fakes. */
export type AdapterOpener = (settings: AdapterSettings) => Promise<Adapters>;

export const SIMULATOR_DEFAULT: AdapterSettings = { type: "simulator" };

/** Runs `work` with open adapters and closes them afterwards, whatever happens. */
export async function withAdapters<T>(
  open: AdapterOpener,
  settings: AdapterSettings | undefined,
  work: (adapters: Adapters) => Promise<T>,
): Promise<T> {
  const adapters = await open(settings ?? SIMULATOR_DEFAULT);
  try {
    return await work(adapters);
  } finally {
    await Promise.allSettled([adapters.compute.close(), adapters.storage.close()]);
  }
}

export const defaultOpener: AdapterOpener = (settings) => openAdapters(settings);

/** Declared fields whose value differs between the old outputs and the new inputs. */
export function changedFields(olds: Record<string, unknown>, news: Record<string, unknown>, fields: readonly string[]): string[] {
  return fields.filter((f) => !isEqual(normalizeAbsent(olds[f]), normalizeAbsent(news[f])));
}

function normalizeAbsent(value: unknown): unknown {
  return value === null ? undefined : value;
}

/** The declared part of a property bag: the named fields only, without `__provider`. */
export function pick<T>(props: Record<string, unknown>, fields: readonly string[]): T {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (props[f] !== undefined && props[f] !== null) out[f] = props[f];
  return out as T;
}

/** Runs `work` over `items` with at most `limit` at once; every item runs, the first error is rethrown. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (err) {
        errors.push(err);
      }
    }
  });
  await Promise.all(lanes);
  if (errors.length > 0) throw errors[0];
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
