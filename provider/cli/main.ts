#!/usr/bin/env node
// The `vmr` command. Each command lives in its own file under commands/ and exports
// `register(program)`; this file only finds them, runs the parser and turns errors into exit codes.

import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError } from "commander";
import { VmrError } from "../errors";
import { schemaDir } from "../validation";

export interface CommandModule {
  register(program: Command): void;
}

function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(schemaDir(), "..", "package.json"), "utf8")) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command("vmr")
    .description("Planned, parallel VM recovery for PowerVM and SAN storage, declared with Pulumi.")
    .version(packageVersion())
    .showHelpAfterError()
    // Commander reports its own usage errors (unknown option, bad choice) by exiting 1; throw
    // instead so they get the bad-input exit code like every other validation error.
    .exitOverride()
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
    if (err instanceof CommanderError) {
      // Commander has already printed the error (or the help / version it was asked for).
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`vmr: ${message}\n`);
    if (!(err instanceof VmrError) && err instanceof Error && process.env.VMR_DEBUG) process.stderr.write(`${err.stack}\n`);
    process.exitCode = exitCodeFor(err);
  }
}

if (require.main === module) void main();
