// Helpers of the end-to-end tests over examples/ and the simulator.
import * as fs from "fs";
import * as path from "path";
import { openSimulator } from "../../provider/adapters/simulator";
import type { ResolvedLpar } from "../../provider/model";
import type { Engine } from "./engine";

/** The LPARs of a simulator state directory, by id. */
export async function simLpars(stateDir: string): Promise<Map<string, ResolvedLpar>> {
  const sim = await openSimulator({ stateDir });
  try {
    const inv = await sim.compute.inventory();
    return new Map(inv.lpars.map((l) => [l.id, l]));
  } finally {
    await sim.close();
  }
}

/** Ids of the remote-restart capable LPARs, sorted. */
export async function capableLpars(stateDir: string): Promise<string[]> {
  return [...(await simLpars(stateDir)).values()].filter((l) => l.remoteRestartCapable).map((l) => l.id).sort();
}

export interface PreviewStep {
  op: string;
  urn: string;
  diffReasons?: string[];
  replaceReasons?: string[];
}

/** `pulumi preview --json`: the steps, and the diagnostics (check failures). */
export async function previewJson(engine: Engine, dir: string): Promise<{ code: number; steps: PreviewStep[]; diagnostics: string[]; raw: string }> {
  const r = await engine.pulumi(["preview", "--json"], dir);
  let doc: { steps?: PreviewStep[]; diagnostics?: { message: string }[] } = {};
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    // A failed preview may print no JSON; the text is in raw.
  }
  return { code: r.code, steps: doc.steps ?? [], diagnostics: (doc.diagnostics ?? []).map((d) => d.message), raw: `${r.stdout}\n${r.stderr}` };
}

/** The last resource whose URN ends with `::name` and whose type is ours. */
export function stateResource(stateFile: string, name: string): { outputs: Record<string, unknown>; inputs: Record<string, unknown>; type: string } {
  const state = JSON.parse(fs.readFileSync(stateFile, "utf8"));
  const found = (state.checkpoint.latest.resources as { urn: string; type: string; outputs: Record<string, unknown>; inputs: Record<string, unknown> }[])
    .filter((r) => r.type.includes("dynamic/vmr:") && r.urn.endsWith(`::${name}`))
    .pop();
  if (!found) throw new Error(`no resource ${name} in ${stateFile}`);
  return found;
}

/** Replaces `from` by `to` in a program file, failing when `from` is absent (the test would prove nothing). */
export function editProgram(dir: string, from: string | RegExp, to: string, file = "index.ts"): void {
  const p = path.join(dir, file);
  const text = fs.readFileSync(p, "utf8");
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file} does not contain ${String(from)}`);
  fs.writeFileSync(p, next);
}
