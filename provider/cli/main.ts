#!/usr/bin/env node
// The `vmr` command. Each command lives in its own file under commands/ and exports
// `register(program)`; this file only finds them, runs the parser and turns errors into exit codes.

import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { VmrError } from "../errors";

export interface CommandModule {
  register(program: Command): void;
}

export function buildProgram(): Command {
  const program = new Command("vmr")
    .description("Planned, parallel VM recovery for PowerVM and SAN storage, declared with Pulumi.")
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  const dir = path.join(__dirname, "commands");
  const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  for (const file of files.filter((f) => f.endsWith(".js")).sort()) {
    const mod = require(path.join(dir, file)) as Partial<CommandModule>;
    if (typeof mod.register === "function") mod.register(program);
  }
  return program;
}

/** Exit codes: 0 ok, 1 the run ended with failures or failed assertions, 2 bad input, 3 locked, 4 internal. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof VmrError) {
    switch (err.kind) {
      case "validation":
        return 2;
      case "lock":
        return 3;
      default:
        return 1;
    }
  }
  return 4;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`vmr: ${message}\n`);
    if (!(err instanceof VmrError) && err instanceof Error && process.env.VMR_DEBUG) process.stderr.write(`${err.stack}\n`);
    process.exitCode = exitCodeFor(err);
  }
}

if (require.main === module) void main();
