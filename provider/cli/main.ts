#!/usr/bin/env node
// The `vmr` command. Each command lives in its own file under commands/ and exports
// `register(program)`; this file only finds them, runs the parser and turns errors into exit codes.

import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError } from "commander";
import { VmrError } from "../errors";
import { schemaDir } from "../validation";
import { exitCode, exitCodesHelp } from "./exit-codes";

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
    .configureOutput({ outputError: (text, write) => write(text) })
    .addHelpText("after", exitCodesHelp());
  const dir = path.join(__dirname, "commands");
  const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  for (const file of files.filter((f) => f.endsWith(".js")).sort()) {
    const mod = require(path.join(dir, file)) as Partial<CommandModule>;
    if (typeof mod.register === "function") mod.register(program);
  }
  return program;
}

/** The exit code of an error that ended a command (exit-codes.ts says what each means). */
export function exitCodeFor(err: unknown): number {
  if (err instanceof VmrError) {
    switch (err.kind) {
      case "validation":
      case "damaged":
        return exitCode("bad input");
      case "lock":
        return exitCode("locked");
      default:
        return exitCode("failed");
    }
  }
  return exitCode("internal error");
}

/**
 * When the reader of our output goes away (`vmr plan --json | head`, `less` quit early), drop
 * the rest of the output instead of dying on EPIPE. The command itself goes on to its end and
 * its exit code: a failover must not stop half-way because its log reader did, and a read-only
 * command finishes in moments anyway.
 */
export function discardOutputOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE" && err.code !== "ERR_STREAM_DESTROYED") throw err;
    stream.write = (() => true) as typeof stream.write;
  });
}

async function main(): Promise<void> {
  discardOutputOnClosedPipe(process.stdout);
  discardOutputOnClosedPipe(process.stderr);
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed the error (or the help / version it was asked for).
      process.exitCode = err.exitCode === 0 ? exitCode("ok") : exitCode("bad input");
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`vmr: ${message}\n`);
    if (!(err instanceof VmrError) && err instanceof Error && process.env.VMR_DEBUG) process.stderr.write(`${err.stack}\n`);
    process.exitCode = exitCodeFor(err);
  }
}

if (require.main === module) void main();
