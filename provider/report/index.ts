// report/: turns a run's journal into JSON (schemas/report.schema.json), Markdown and HTML.

export { buildReport, AFTER_RECOVERY_KINDS } from "./build";
export { renderMarkdown } from "./markdown";
export { renderHtml, type HtmlOptions } from "./html";
export { renderGantt, renderRtoChart, type GanttOptions } from "./gantt";
export { writeReport, renderReport, REPORT_FORMATS, type ReportFormat, type WrittenReport } from "./write";
export type { RunRecord, StepEvent, RunKind } from "./run";
export { report, type ReportOptions } from "./report";
export { readRun, locateJournal, runRecordFromJournal, DRILL_OUTCOME_FILE, type DrillOutcomeFile } from "./journal";
