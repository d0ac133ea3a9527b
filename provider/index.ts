// The public API of pulumi-vm-recovery: the Pulumi resources, and a typed function for every
// `vmr` command. Each part appends its exports here.
export * from "./resources";
export * from "./stack";
export { simInit, simStatus, simFailHost, simFailSite, simRepair, simSetFaults, loadTopology, formatStatus } from "./adapters/simulator/control";
export type { SimInitOptions, SimInitResult, SimStatus, SimTarget, SimChange } from "./adapters/simulator/control";
export { openSimulator, createInMemorySimulator, generateTopology, presetTopology, PRESETS, PAPER_FAILED_HOST, resolveStateDir } from "./adapters/simulator";
export type { Simulator, GeneratorOptions, OpenSimulatorOptions, InMemorySimulatorOptions } from "./adapters/simulator";
export { validateTopology, topologyIssues, TOPOLOGY_RULES } from "./validation/topology-rules";
export { planFailover, planPlanned, planFailback, planDrill, makePlan, checkSurvivability, lowerBound, listSchedule, serialSeconds } from "./planner";
export type { PlanKind, PlanOptions, PlanRequest, FailureSpec, Inventory, SlaMode, SurvivabilityReport, ScenarioResult, ScopeSummary, BoundOptions, ConcurrencyMode, LowerBound } from "./planner";
export { formatPlan, formatSurvivability } from "./planner/format";
export { planStack, checkStack, gatherPlanningInputs, type StackPlanningOptions } from "./live/planning";
export { failover, plannedFailover, failback, resumeRecovery, type RecoveryOptions, type ResumeRecoveryOptions, type RecoveryOutcome, type StackTarget, type ExecutionChoices } from "./recovery/recover";
export { rehearsePlan, topologyFromInventory } from "./recovery/rehearse";
export {
  runPlan, continueRun, startRun, resumeRun, discardRun, readJournal, replayJournal, resultFromJournal, resultFromJournalFile, failureOf, assertRunSucceeded,
  RunStoppedError, listRuns, latestUnfinishedRun, interruptedRecoveryRun, defaultRunsDir, acquireStackLock, lockHolder, registerStep, defineStep, builtInSteps, StepRegistry, FileJournal, MemoryJournal,
  EXECUTION_MODES, SLA_POLICIES, DEFAULT_RETRY,
} from "./executor";
export type {
  RunOptions, RunPlanOptions, RunResult, RunEvent, VmOutcome, VmStatus, StepOutcome, StepStatus, ExecutionMode, SlaPolicy, RetryPolicy, JournalRecord, JournalSink,
  RecordedRunOptions, RecordedRunResult, ResumeOptions, DiscardOptions, RunSummary, StepContext, StepImplementation, StepResult, LockHolder, JournalState,
} from "./executor";
export { measureMakespan, measureModes, type MeasureOptions, type MakespanMeasurement } from "./recovery/measure";
export { drill, type DrillOptions, type DrillResult, type DrillSource } from "./drill/run";
export { drillCleanup, type DrillCleanupOptions, type DrillCleanupResult } from "./drill/cleanup-command";
export { loadDrillFile, parseDrill, defaultDrill, checkDrillAgainstModel, type DrillFile, type ResolvedDrillFile, type DrillAssertion } from "./drill/file";
export { evaluateAssertions } from "./drill/assertions";
export { sweepDrillLeftovers, type LeftoverScope } from "./drill/cleanup";
export { report, buildReport, renderMarkdown, renderHtml, writeReport, readRun, type ReportOptions, type RunRecord, type ReportFormat, type WrittenReport } from "./report";
export type { RunReport } from "./generated/report";
export { demo, type DemoOptions, type DemoResult } from "./demo/demo";
