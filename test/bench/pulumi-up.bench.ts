// What declaring protection costs on the real Pulumi engine: `pulumi up` of a generated program
// protecting 1,000 VMs in 50 groups on the simulator (20 VMs, one StorageMapping per group, one
// RecoveryTarget), then a no-change preview, a refresh and a destroy. Wall-clock seconds on this
// machine, so compare them only with runs on the same machine.

import * as fs from "fs";
import * as path from "path";
import type { BenchContext } from "./main";
import { startEngine } from "../e2e/engine";
import { capableLpars } from "../e2e/helpers";
import { writeScaleProgram } from "../e2e/scale-program";

export const title = "pulumi up on the real engine: protecting 1,000 VMs in 50 groups";

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export async function run(context: BenchContext): Promise<void> {
  const [groups, perGroup] = context.quick ? [10, 20] : [50, 20];
  const engine = startEngine();
  try {
    const program = await writeScaleProgram(engine, "bench", groups, perGroup);
    engine.env.VMR_SIM_STATE = program.simDir;
    await engine.pulumiOk(["stack", "init", "bench"], program.dir);
    const rows: [string, number][] = [];
    rows.push(["up (create)", await timed(() => engine.pulumiOk(["up", "--yes", "--skip-preview"], program.dir))]);
    const capable = await capableLpars(program.simDir);
    if (capable.length !== program.vms.length) throw new Error(`only ${capable.length} of ${program.vms.length} VMs protected`);
    rows.push(["preview (no changes)", await timed(() => engine.pulumiOk(["preview", "--expect-no-changes"], program.dir))]);
    rows.push(["refresh", await timed(() => engine.pulumiOk(["refresh", "--yes", "--skip-preview"], program.dir))]);
    rows.push(["destroy", await timed(() => engine.pulumiOk(["destroy", "--yes", "--skip-preview"], program.dir))]);
    const resources = 1 + 2 * groups;
    context.print(`${program.vms.length} VMs, ${groups} groups, ${resources} resources; Pulumi CLI ${path.basename(engine.root)}`);
    context.print("");
    context.print("| operation | seconds |");
    context.print("|---|---|");
    for (const [op, s] of rows) context.print(`| ${op} | ${s.toFixed(1)} |`);
    fs.writeFileSync(path.join(context.outDir, "pulumi-up.json"), JSON.stringify({ vms: program.vms.length, groups, resources, seconds: Object.fromEntries(rows) }, null, 2));
  } finally {
    engine.dispose();
  }
}
