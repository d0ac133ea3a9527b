// Builds a run's report, checks it against schemas/report.schema.json and writes the asked-for
// formats atomically into a directory.

import * as fs from "fs";
import * as path from "path";
import writeFileAtomic from "write-file-atomic";
import type { RunReport } from "../generated/report";
import { validate } from "../validation";
import { buildReport } from "./build";
import { renderHtml } from "./html";
import { renderMarkdown } from "./markdown";
import type { RunRecord } from "./run";

export const REPORT_FORMATS = ["json", "md", "html"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface WrittenReport {
  readonly report: RunReport;
  /** Format -> file written. */
  readonly files: Partial<Record<ReportFormat, string>>;
}

/**
 * The report as JSON: indented, except that each element of the long arrays (VMs, steps) is one
 * line, which keeps a 1,000-VM report readable with grep and diff at about half the size.
 */
export function reportJson(report: RunReport): string {
  const fields = Object.entries(report).map(([key, value]) => {
    if (Array.isArray(value) && value.length > 0 && typeof value[0] === "object")
      return `  ${JSON.stringify(key)}: [\n${value.map((item) => `    ${JSON.stringify(item)}`).join(",\n")}\n  ]`;
    return `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, "\n  ")}`;
  });
  return `{\n${fields.join(",\n")}\n}\n`;
}

/** Renders one format. */
export function renderReport(report: RunReport, format: ReportFormat): string {
  switch (format) {
    case "json":
      return reportJson(report);
    case "md":
      return renderMarkdown(report);
    case "html":
      return renderHtml(report, { generatedAt: new Date().toISOString() });
  }
}

/** Builds the report of `run` and writes report.<format> files into `outDir`. */
export async function writeReport(run: RunRecord, outDir: string, formats: readonly ReportFormat[] = REPORT_FORMATS): Promise<WrittenReport> {
  const report = buildReport(run);
  const issues = validate("report", report);
  // A report that breaks its own schema is a bug here, not bad input.
  if (issues.length > 0) throw new Error(`report of run ${run.runId} does not match schemas/report.schema.json:\n${issues.map((i) => `  - ${i.message}`).join("\n")}`);
  fs.mkdirSync(outDir, { recursive: true });
  const files: Partial<Record<ReportFormat, string>> = {};
  for (const format of formats) {
    const file = path.join(outDir, `report.${format}`);
    await writeFileAtomic(file, renderReport(report, format));
    files[format] = file;
  }
  return { report, files };
}
