// `vmr report RUN`: the report of a recorded run, from its journal.

import * as path from "path";
import { defaultRunsDir } from "../executor/run-store";
import { isRunId } from "../executor/run-id";
import { findRunsDirOfRun } from "../run-store/file-store";
import { locateJournal, readRun } from "./journal";
import { REPORT_FORMATS, writeReport, type ReportFormat, type WrittenReport } from "./write";

export interface ReportOptions {
  /** A run id (under `runsDir`), a run directory or a journal file. */
  readonly run: string;
  /** @default the per-user run store (whichever stack holds the run), else ./.vmr/runs */
  readonly runsDir?: string;
  /** @default the run's directory */
  readonly outDir?: string;
  /** @default json, md, html */
  readonly formats?: readonly ReportFormat[];
  /**
   * Clock ms per simulated ms of a run on the simulator, when the run did not record it (a drill
   * records it; a failover's journal does not yet): times in the report are divided by it.
   */
  readonly timeScale?: number;
}

/** Builds a run's report from its journal and writes it. */
export async function report(options: ReportOptions): Promise<WrittenReport> {
  const journal = locateJournal(options.run, options.runsDir ?? (isRunId(options.run) ? findRunsDirOfRun(options.run) : undefined) ?? defaultRunsDir());
  const run = readRun(journal);
  return writeReport(options.timeScale !== undefined ? { ...run, timeScale: options.timeScale } : run, options.outDir ?? path.dirname(journal), options.formats ?? REPORT_FORMATS);
}
