// Where a stack's calibrated latency profile lives and how it is read back. Per user, outside any
// working directory, keyed by the stack: $VMR_STATE_HOME, else $XDG_STATE_HOME/vmr, else
// ~/.local/state/vmr, then profiles/<stack>.json. A profile that is malformed, of another stack,
// stale or backed by too few samples is refused with the reason; callers that load it
// implicitly fall back to the defaults and name that fallback.

import { parseJsonText } from "../parse-file";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import writeFileAtomic from "write-file-atomic";
import { ValidationError } from "../errors";
import type { LatencyProfileFile } from "../generated/latency-profile";
import type { Duration } from "../model";
import { OPERATIONS, resolveLatencies, type Operation } from "../model/latency";
import { validate } from "../validation";
import { defaultProfile, type LatencyProfile } from "./profile";

export function stateHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VMR_STATE_HOME) return env.VMR_STATE_HOME;
  if (env.XDG_STATE_HOME) return path.join(env.XDG_STATE_HOME, "vmr");
  return path.join(os.homedir(), ".local", "state", "vmr");
}

/** The profile file of `stack`; the name is kept to safe characters. */
export function profilePathOf(stack: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateHome(env), "profiles", `${stack.replace(/[^A-Za-z0-9._-]/g, "_")}.json`);
}

export async function writeProfile(file: string, profile: LatencyProfileFile): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(profile, null, 2)}\n`);
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
  const what = `latency profile ${file}`;
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new ValidationError(what, [{ path: "profile", message: `\`--profile\` ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}); run \`vmr calibrate\` to write it` }]);
  }
  const parsed = parseJsonText<unknown>(text, { file, wayOut: "Run `vmr calibrate` to write it again" });
  const issues = validate("latency-profile", parsed);
  if (issues.length > 0) throw new ValidationError(what, issues);
  const p = parsed as LatencyProfileFile;
  const unknown = [...Object.keys(p.operations), ...Object.values(p.scoped ?? {}).flatMap((ops) => Object.keys(ops))].filter((op) => !(OPERATIONS as readonly string[]).includes(op));
  if (unknown.length > 0) {
    throw new ValidationError(what, [{ path: "operations", message: `\`operations\` names ${[...new Set(unknown)].join(", ")}, not operations of provider/model/latency.ts (${OPERATIONS.join(", ")})` }]);
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
  const samples = Object.values(p.operations).reduce((sum, f) => sum + f.samples, 0);
  const defaults = OPERATIONS.length - fitted.length;
  const name = `calibrated for ${p.stack} on ${p.createdAt.slice(0, 10)} from ${p.runs.length} runs, ${fitted.length} operations fitted${Object.keys(scoped).length > 0 ? ` (${Object.keys(scoped).length} scopes apart)` : ""}${defaults > 0 ? `, ${defaults} on the defaults` : ""}`;
  return { name, operations: resolveLatencies(overrides), scoped, samples };
}

/**
 * The profile to predict `stack` with: `file` when given (refused with an error if bad), else
 * the stack's stored profile when there is a good one, else the defaults, named with why.
 */
export function profileFor(stack: string | undefined, file?: string, env: NodeJS.ProcessEnv = process.env): LatencyProfile {
  if (file !== undefined) return toLatencyProfile(readProfile(file, { stack }));
  if (stack === undefined) return defaultProfile();
  const stored = profilePathOf(stack, env);
  if (!fs.existsSync(stored)) return defaultProfile();
  try {
    return toLatencyProfile(readProfile(stored, { stack }));
  } catch (err) {
    const reason = err instanceof ValidationError ? err.issues.map((i) => i.message).join("; ") : (err as Error).message;
    return { ...defaultProfile(), name: `defaults (the stored profile ${stored} was not used: ${reason})` };
  }
}
