// The executor: runs a Plan's steps against the adapters under concurrency limits, with retries,
// fencing, an fsync'd journal and resume. Knows nothing about Pulumi.

export * from "./types";
export { runPlan, continueRun, toStepError, RunStoppedError, type RunPlanOptions } from "./run";
export { startRun, resumeRun, discardRun, stopper, type RecordedRunOptions, type RecordedRunResult, type ResumeOptions, type DiscardOptions } from "./session";
export { buildRunResult, resultFromJournal, resultFromJournalFile, failureOf, assertRunSucceeded, type StepState } from "./outcome";
export { readJournal, replayJournal, type JournalState, type JournaledStep, type ReadJournalResult } from "./journal/read-journal";
export { FileJournal, MemoryJournal, type FileJournalOptions } from "./journal/file-journal";
export { listRuns, latestUnfinishedRun, interruptedRecoveryRun, defaultRunsDir, runDirOf, journalFileOf, readRunHeader, JOURNAL_FILE, type RunSummary } from "./run-store";
export { acquireStackLock, lockHolder, type LockHolder, type StackLock } from "./lock";
export { StepRegistry, defineStep, placementOf, type StepContext, type StepImplementation, type StepResult } from "./registry";
export { builtInSteps, registerStep } from "./steps";
export { Scheduler, SERIAL_RESOURCE, STORAGE_RESOURCE } from "./scheduler";
export { buildGraph, type PlanGraph } from "./graph";
export { newRunId } from "./run-id";
export { redact } from "./redact";
