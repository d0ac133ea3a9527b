// `vmr report RUN`: writes a run's report (JSON, Markdown, self-contained HTML) from its journal.

import { InvalidArgumentError, type Command } from "commander";
import { listRuns, defaultRunsDir } from "../../executor/run-store";
import { knownStacks } from "../../run-store/file-store";
import { qualifiedName } from "../../run-store/identity";
import { report } from "../../report/report";
import { REPORT_FORMATS, type ReportFormat } from "../../report/write";
import { plural } from "../../text";

function parseFormats(value: string): ReportFormat[] {
  const formats = value.split(",").map((f) => f.trim()).filter(Boolean);
  const bad = formats.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (bad.length > 0 || formats.length === 0) throw new InvalidArgumentError(`--format takes a comma-separated list of ${REPORT_FORMATS.join(", ")}; got ${JSON.stringify(value)}`);
  return formats as ReportFormat[];
}

function parseScale(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError(`--time-scale takes a number > 0 (clock ms per simulated ms, e.g. 0.001), got ${JSON.stringify(value)}`);
  return n;
}

export function register(program: Command): void {
  program
    .command("report [run]")
    .description("Write the report of a failover, planned move, failback or drill from its journal.")
    .option("--out <dir>", "directory for report.json / report.md / report.html (default: the run's directory)")
    .option("--format <list>", `formats, comma-separated: ${REPORT_FORMATS.join(",")}`, parseFormats)
    .option("--runs-dir <dir>", "where runs are recorded (default: the per-user run store, then ./.vmr/runs)")
    .option("--list", "list the recorded runs instead", false)
    .option("--time-scale <n>", "for a run on the simulator that did not record it: clock ms per simulated ms (e.g. 0.001), to report simulated seconds", parseScale)
    .addHelpText("after", "\nExamples:\n  vmr report --list\n  vmr report 20260105T100000Z-3f2a --format html --out ./reports\n  vmr report .vmr/runs/20260105T100000Z-3f2a/journal.jsonl")
    .action(async (run: string | undefined, opts: { out?: string; format?: ReportFormat[]; runsDir?: string; list: boolean; timeScale?: number }) => {
      if (opts.list || run === undefined) {
        const dirs = opts.runsDir !== undefined ? [opts.runsDir] : [...knownStacks().map((s) => s.runsDir), defaultRunsDir()];
        const runs = dirs.flatMap((d) => listRuns(d));
        if (opts.runsDir === undefined) for (const s of knownStacks()) if (listRuns(s.runsDir).length) process.stdout.write(`# ${qualifiedName(s.identity)} (${s.identity.backend}): ${s.runsDir}\n`);
        if (runs.length === 0) process.stdout.write(`no runs under ${dirs.join(", ")}\n`);
        for (const r of runs) process.stdout.write(`${r.runId}  ${r.kind.padEnd(8)} ${(r.stack ?? "-").padEnd(12)} ${r.startedAt}  ${r.finished ? r.finished.status : r.discarded ? "discarded" : "unfinished"}\n`);
        return;
      }
      const written = await report({ run, runsDir: opts.runsDir, outDir: opts.out, formats: opts.format, timeScale: opts.timeScale });
      const r = written.report;
      process.stdout.write(`${r.kind} ${r.runId}: ${r.status}, ${plural(r.vms.length, "VM")}, makespan ${r.makespanSeconds.toFixed(1)} s\n`);
      for (const [format, file] of Object.entries(written.files)) process.stdout.write(`  ${format.padEnd(4)} ${file}\n`);
    });
}
