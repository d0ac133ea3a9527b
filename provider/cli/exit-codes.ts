// Every exit code `vmr` returns, with its meaning: the one list that main.ts maps errors to, that
// `vmr --help` prints and that the README's table must match (test/unit/cli/exit-codes.test.ts).

export const EXIT_CODES = [
  { code: 0, name: "ok", meaning: "done as asked: every VM recovered, every drill assertion held, every checked scenario survivable" },
  { code: 1, name: "failed", meaning: "the command ran and the outcome is bad: steps failed, a drill assertion failed, `vmr check` found a scenario that breaches its budget, or the hardware refused" },
  { code: 2, name: "bad input", meaning: "a flag, the stack's configuration, or a file the command reads is invalid or damaged (the message names it and the way out); nothing was changed" },
  { code: 3, name: "locked", meaning: "another run of the stack (or another process on the simulator state) holds the lock, or this run lost it (its etcd lease expired); the message names the holder" },
  { code: 4, name: "internal error", meaning: "a bug in vmr: run again with VMR_DEBUG=1 for the stack trace and report it" },
  { code: 130, name: "interrupted", meaning: "Ctrl-C twice during a drill (the first one cleans up): run `vmr drill --cleanup`" },
] as const;

type ExitName = (typeof EXIT_CODES)[number]["name"];

export function exitCode(name: ExitName): number {
  return EXIT_CODES.find((e) => e.name === name)!.code;
}

/** The table for `vmr --help`. */
export function exitCodesHelp(): string {
  return `\nExit codes:\n${EXIT_CODES.map((e) => `  ${String(e.code).padStart(3)}  ${e.name}: ${e.meaning}`).join("\n")}\n`;
}
