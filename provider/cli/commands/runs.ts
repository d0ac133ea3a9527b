// `vmr runs list / show`: the runs of a stack in its run store, whoever started them and on
// whatever machine (the per-user file store, or etcd shared by every operator).

import type { Command } from "commander";
import { ValidationError } from "../../errors";
import { replayJournal } from "../../executor/journal/read-journal";
import { openRunStore, parseRunStoreFlag, type RunStoreChoice } from "../../run-store/open";
import type { RunStore } from "../../run-store/types";
import type { StackSource } from "../../stack";

interface RunsFlags {
  stack?: string;
  cwd?: string;
  stackFile?: string;
  runsDir?: string;
  runStore?: RunStoreChoice;
  json: boolean;
}

function sourceOf(f: RunsFlags): StackSource {
  if (f.stackFile) return { stackFile: f.stackFile };
  if (f.stack) return { stack: f.stack, cwd: f.cwd ?? process.cwd() };
  throw new ValidationError("flags", [{ path: "--stack", message: "`--stack` (or `--stack-file F`) is required: name the stack whose runs to list" }]);
}

async function withStore<T>(f: RunsFlags, use: (store: RunStore) => Promise<T>): Promise<T> {
  const store = await openRunStore(sourceOf(f), f.stack ?? "default", { runsDir: f.runsDir, runStore: f.runStore });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

function storeFlags(c: Command): Command {
  return c
    .option("--stack <name>", "the stack")
    .option("--cwd <dir>", "directory of the Pulumi program (default: the current directory)")
    .option("--stack-file <file>", "a `pulumi stack export --show-secrets` file instead")
    .option("--runs-dir <dir>", "a runs directory of its own, as given to `vmr failover --runs-dir`")
    .option("--run-store <store>", "file, etcd or etcd:https://HOST:2379,... (as for `vmr failover`)", parseRunStoreFlag)
    .option("--json", "print JSON", false);
}

export function register(program: Command): void {
  const runs = program.command("runs").description("The runs of a stack in its run store, across operators and machines.");
  storeFlags(runs.command("list").description("List the stack's runs and who holds its lock."))
    .addHelpText("after", "\nExamples:\n  vmr runs list --stack dev\n  vmr runs list --stack dev --run-store etcd")
    .action(async (f: RunsFlags) => {
      await withStore(f, async (store) => {
        const [list, holder] = await Promise.all([store.listRuns(), store.lockHolder()]);
        if (f.json) {
          process.stdout.write(`${JSON.stringify({ store: store.where, holder: holder ?? null, runs: list }, null, 2)}\n`);
          return;
        }
        process.stdout.write(`runs in ${store.where}\n`);
        if (holder) process.stdout.write(`locked by pid ${holder.pid} on ${holder.host} (${holder.purpose} run ${holder.runId}, since ${holder.since})\n`);
        if (list.length === 0) process.stdout.write("no runs\n");
        for (const r of list)
          process.stdout.write(`${r.runId}  ${r.kind.padEnd(8)} ${(r.stack ?? "-").padEnd(12)} ${r.startedAt}  ${r.finished ? r.finished.status : r.discarded ? "discarded" : "unfinished"}\n`);
      });
    });
  storeFlags(runs.command("show <run>").description("One run: how it started, where it is, which steps began without a journaled end."))
    .addHelpText("after", "\nExamples:\n  vmr runs show 20260105T100000Z-3f2a --stack dev")
    .action(async (runId: string, f: RunsFlags) => {
      await withStore(f, async (store) => {
        const state = replayJournal(await store.readRecords(runId));
        const count = (status: string) => [...state.steps.values()].filter((s) => s.status === status).length;
        const inFlight = [...state.steps].filter(([, s]) => s.status === "started").map(([id]) => id);
        const status = state.finished ? state.finished.status : state.discarded ? "discarded" : "unfinished";
        const summary = {
          runId,
          kind: state.started.plan.kind,
          stack: state.started.stack ?? null,
          startedAt: state.started.wallTime,
          startedBy: state.started.process ?? null,
          resumes: state.resumes.map((r) => ({ at: r.wallTime, by: r.process })),
          status,
          steps: { total: state.started.plan.steps.length, done: count("done"), failed: count("failed"), skipped: count("skipped"), inFlight },
        };
        if (f.json) {
          process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
          return;
        }
        const by = (p: { pid: number; host: string } | null | undefined) => (p ? ` by pid ${p.pid} on ${p.host}` : "");
        process.stdout.write(`${runId}: ${summary.kind} of stack ${summary.stack ?? "-"}, started ${summary.startedAt}${by(state.started.process)}, ${status}\n`);
        for (const r of state.resumes) process.stdout.write(`  resumed ${r.wallTime}${by(r.process)}\n`);
        process.stdout.write(`  steps: ${summary.steps.total} planned, ${summary.steps.done} done, ${summary.steps.failed} failed, ${summary.steps.skipped} skipped, ${inFlight.length} begun without a journaled end\n`);
        if (inFlight.length) process.stdout.write(`  in flight: ${inFlight.slice(0, 20).join(", ")}${inFlight.length > 20 ? ", ..." : ""}\n`);
        if (status === "unfinished") process.stdout.write(`  finish it with \`vmr failover --resume ${runId}\` (same --stack and --run-store), from any machine that reaches the store\n`);
      });
    });
}
