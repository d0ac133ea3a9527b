// Where a stack's calibrated latency profile lives and how it is read back: in the stack's run
// store, beside the runs it was fitted from (run-store/types.ts `getProfile`), so every operator
// who reaches the store (etcd: from any machine) predicts with the same profile; or a file named
// with `--profile` / written with `vmr calibrate --out`. A profile that is malformed, of another
// stack, stale or backed by too few samples is refused with the reason; callers that load the
// stored one implicitly fall back to the defaults and name that fallback.

import { parseJsonText } from "../parse-file";
import * as fs from "fs";
import * as path from "path";
import writeFileAtomic from "write-file-atomic";
import { ValidationError } from "../errors";
import type { FaultFit, LatencyProfileFile } from "../generated/latency-profile";
import type { Duration } from "../model";
import { OPERATIONS, resolveLatencies, type Operation } from "../model/latency";
import type { RunStore } from "../run-store/types";
import { validate } from "../validation";
import { defaultProfile, type FaultRate, type LatencyProfile } from "./profile";

/** The text a profile is stored as, in a file or a run store. */
export function profileText(profile: LatencyProfileFile): string {
  return `${JSON.stringify(profile, null, 2)}\n`;
}

export async function writeProfile(file: string, profile: LatencyProfileFile): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, profileText(profile));
}

export interface ReadProfileOptions {
  /** The stack predicted for: a profile of another stack is refused. */
  readonly stack?: string;
  /** @default now */
  readonly now?: Date;
}

const DAY_MS = 86_400_000;

/** Reads, validates and checks a profile file; throws a ValidationError naming the file and the reason. */
export function readProfile(file: string, options: ReadProfileOptions = {}): LatencyProfileFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new ValidationError(`latency profile ${file}`, [{ path: "profile", message: `\`--profile\` ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}); run \`vmr calibrate\` to write it` }]);
  }
  return checkProfileText(text, file, options);
}

/** Parses, validates and checks a profile's text read from `where`; throws a ValidationError naming it and the reason. */
export function checkProfileText(text: string, where: string, options: ReadProfileOptions = {}): LatencyProfileFile {
  const what = `latency profile ${where}`;
  const parsed = parseJsonText<unknown>(text, { file: where, wayOut: "Run `vmr calibrate` to write it again" });
  const issues = validate("latency-profile", parsed);
  if (issues.length > 0) throw new ValidationError(what, issues);
  const p = parsed as LatencyProfileFile;
  const isUnknown = (op: string) => !(OPERATIONS as readonly string[]).includes(op);
  const named = {
    operations: [...Object.keys(p.operations), ...Object.values(p.scoped ?? {}).flatMap((ops) => Object.keys(ops))],
    faults: Object.keys(p.faults ?? {}),
    scopedFaults: Object.values(p.scopedFaults ?? {}).flatMap((ops) => Object.keys(ops)),
  };
  for (const [field, ops] of Object.entries(named)) {
    const unknown = [...new Set(ops.filter(isUnknown))];
    if (unknown.length > 0) {
      throw new ValidationError(what, [{ path: field, message: `\`${field}\` names ${unknown.join(", ")}, not operations of provider/model/latency.ts (${OPERATIONS.join(", ")})` }]);
    }
  }
  const faultFits = [
    ...Object.entries(p.faults ?? {}).map(([op, f]) => ({ at: `faults.${op}`, f })),
    ...Object.entries(p.scopedFaults ?? {}).flatMap(([scope, ops]) => Object.entries(ops).map(([op, f]) => ({ at: `scopedFaults.${scope}.${op}`, f }))),
  ];
  for (const { at, f } of faultFits) {
    if (f.failed > f.attempts) {
      throw new ValidationError(what, [{ path: `${at}.failed`, message: `\`${at}.failed\` is ${f.failed}, more than its \`attempts\` ${f.attempts}: failed attempts are among those measured; run \`vmr calibrate\` to write the profile again` }]);
    }
  }
  if (options.stack !== undefined && p.stack !== options.stack) {
    throw new ValidationError(what, [{ path: "stack", message: `\`stack\` is ${JSON.stringify(p.stack)}, but the prediction is for stack ${JSON.stringify(options.stack)}: calibrate this stack with \`vmr calibrate --stack ${options.stack}\`` }]);
  }
  const ageDays = ((options.now ?? new Date()).getTime() - Date.parse(p.window.to)) / DAY_MS;
  if (ageDays > p.maxAgeDays) {
    throw new ValidationError(what, [{ path: "window.to", message: `\`window.to\` ${p.window.to} is ${Math.floor(ageDays)} days old, beyond the profile's \`maxAgeDays\` ${p.maxAgeDays}: the hardware may have changed; run a drill and \`vmr calibrate\` again` }]);
  }
  const samples = Object.values(p.operations).reduce((sum, f) => sum + f.samples, 0);
  if (samples < p.minSamples) {
    throw new ValidationError(what, [{ path: "operations", message: `the profile is backed by ${samples} measured steps, fewer than its \`minSamples\` ${p.minSamples}: run more drills before calibrating` }]);
  }
  return p;
}

/** The profile a prediction draws from: fitted operations over the defaults, the fits per scope, and a name saying both. */
export function toLatencyProfile(p: LatencyProfileFile): LatencyProfile {
  const fitted = Object.keys(p.operations) as Operation[];
  const overrides: Record<string, Duration> = {};
  for (const op of fitted) overrides[op] = { medianSeconds: p.operations[op].medianSeconds, p95Seconds: p.operations[op].p95Seconds };
  const scoped: Record<string, Partial<Record<Operation, Duration>>> = {};
  for (const [scope, ops] of Object.entries(p.scoped ?? {})) {
    scoped[scope] = {};
    for (const [op, f] of Object.entries(ops)) scoped[scope][op as Operation] = { medianSeconds: f.medianSeconds, p95Seconds: f.p95Seconds };
  }
  const rates = (fits: Readonly<Record<string, FaultFit>>): Partial<Record<Operation, FaultRate>> =>
    Object.fromEntries(Object.entries(fits).map(([op, f]) => [op, { failureRate: f.failed / f.attempts, failedShare: f.failedShare }]));
  const faults = rates(p.faults ?? {});
  const scopedFaults = Object.fromEntries(Object.entries(p.scopedFaults ?? {}).map(([scope, ops]) => [scope, rates(ops)]));
  const failingOps = new Set<string>();
  for (const ops of [faults, ...Object.values(scopedFaults)]) for (const [op, f] of Object.entries(ops)) if ((f as FaultRate).failureRate > 0) failingOps.add(op);
  const failing = failingOps.size;
  const scopesFaulty = Object.keys(scopedFaults).length;
  const samples = Object.values(p.operations).reduce((sum, f) => sum + f.samples, 0);
  const defaults = OPERATIONS.length - fitted.length;
  const name = `calibrated for ${p.stack} on ${p.createdAt.slice(0, 10)} from ${p.runs.length} runs, ${fitted.length} operations fitted${Object.keys(scoped).length > 0 ? ` (${Object.keys(scoped).length} scopes apart)` : ""}${defaults > 0 ? `, ${defaults} on the defaults` : ""}${failing > 0 ? `, retries drawn for ${failing}${scopesFaulty > 0 ? ` (${scopesFaulty} scopes' fault rates apart)` : ""}` : ""}`;
  return { name, operations: resolveLatencies(overrides), scoped, faults, ...(scopesFaulty > 0 ? { scopedFaults } : {}), samples };
}

/**
 * The profile to predict `stack` with: `file` when given (refused with an error if bad), else the
 * profile kept in the stack's run store when there is a good one, else the defaults, named with why.
 */
export async function profileFor(stack: string | undefined, o: { readonly file?: string; readonly store?: RunStore } = {}): Promise<LatencyProfile> {
  if (o.file !== undefined) return toLatencyProfile(readProfile(o.file, { stack }));
  if (stack === undefined || o.store === undefined) return defaultProfile();
  let text: string | undefined;
  try {
    text = await o.store.getProfile();
  } catch (err) {
    return { ...defaultProfile(), name: `defaults (the stored profile in ${o.store.profileWhere} could not be read: ${(err as Error).message})` };
  }
  if (text === undefined) return defaultProfile();
  try {
    return toLatencyProfile(checkProfileText(text, o.store.profileWhere, { stack }));
  } catch (err) {
    const reason = err instanceof ValidationError ? err.issues.map((i) => i.message).join("; ") : (err as Error).message;
    return { ...defaultProfile(), name: `defaults (the stored profile ${o.store.profileWhere} was not used: ${reason})` };
  }
}
