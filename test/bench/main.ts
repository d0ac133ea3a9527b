// `npm run bench`: runs every test/bench/*.bench.ts module in name order and prints its section.
// Each module exports `run(context)`; figures are ratios measured in this one run (speedup,
// ratio to the lower bound), so they compare across machines.

import * as fs from "fs";
import * as path from "path";

export interface BenchContext {
  /** Directory where benchmarks write artefacts (charts, raw JSON). */
  readonly outDir: string;
  /** Prints a line of the benchmark report. */
  print(line?: string): void;
  /** Only run quick variants (set by VMR_BENCH_QUICK=1). */
  readonly quick: boolean;
  /** Seed of the generated datacenters (VMR_BENCH_SEED); each preset's own seed when absent. */
  readonly seed?: number;
}

/** VMR_BENCH_SEED as a non-negative integer; throws naming the variable and the value otherwise. */
function seedOf(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^\d+$/.test(value)) throw new RangeError(`\`VMR_BENCH_SEED\` must be a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

export interface BenchModule {
  /** Section title. */
  readonly title: string;
  run(context: BenchContext): Promise<void>;
}

async function main(): Promise<void> {
  const outDir = path.resolve(process.env.VMR_BENCH_OUT ?? path.join(__dirname, "..", "..", "..", "bench-output"));
  fs.mkdirSync(outDir, { recursive: true });
  const only = process.argv.slice(2);
  const seed = seedOf(process.env.VMR_BENCH_SEED);
  const context: BenchContext = {
    outDir,
    quick: process.env.VMR_BENCH_QUICK === "1",
    ...(seed !== undefined ? { seed } : {}),
    print: (line = "") => process.stdout.write(`${line}\n`),
  };
  context.print(`seed of the generated datacenters: ${seed ?? "each preset's own"} (set VMR_BENCH_SEED to change it; the same seed gives the same virtual-time figures)`);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith(".bench.js"))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  for (const file of files) {
    const mod = require(path.join(__dirname, file)) as BenchModule;
    const started = Date.now();
    context.print(`\n## ${mod.title}\n`);
    await mod.run(context);
    context.print(`\n(${file}: ${((Date.now() - started) / 1000).toFixed(1)} s wall)`);
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
