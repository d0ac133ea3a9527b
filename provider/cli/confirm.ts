// Asking before acting on infrastructure. Without a terminal there is nobody to ask: the caller
// must say --yes, and is told so.

import * as readline from "readline";
import { ValidationError } from "../errors";

export async function confirmOnTerminal(question: string, flag = "--yes"): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new ValidationError("confirmation", [
      { path: flag, message: `no terminal to confirm on: pass \`${flag}\` to proceed without asking (after checking the plan, e.g. with --dry-run)` },
    ]);
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
