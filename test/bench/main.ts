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
  const context: BenchContext = {
    outDir,
    quick: process.env.VMR_BENCH_QUICK === "1",
    print: (line = "") => process.stdout.write(`${line}\n`),
  };
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
