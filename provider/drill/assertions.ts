// Drill assertions: each type in schemas/drill.schema.json has one evaluator here. Adding an
// assertion is a schema entry plus a row in this table.

import type { AssertionResult, RunReport } from "../generated/report";
import type { DrillAssertion } from "./file";
import { duration } from "../report/format";
import { cleanupSummary } from "../report/stats";
import { plural } from "../text";

type Evaluator<T extends DrillAssertion> = (assertion: T, report: RunReport) => AssertionResult;
type Table = { [K in DrillAssertion["type"]]: Evaluator<Extract<DrillAssertion, { type: K }>> };

const EVALUATORS: Table = {
  rtoWithinBudget: (a, report) => {
    const groups = report.groups.filter((g) => !a.groups || a.groups.includes(g.name));
    const budgeted = groups.filter((g) => g.rtoBudgetSeconds !== undefined);
    const bad = budgeted.filter((g) => g.verdict !== "within");
    const unbudgeted = groups.filter((g) => g.rtoBudgetSeconds === undefined).map((g) => g.name);
    const missing = (a.groups ?? []).filter((name) => !groups.some((g) => g.name === name));
    const note = unbudgeted.length > 0 ? ` (no budget declared: ${unbudgeted.join(", ")})` : "";
    if (missing.length > 0) return { type: a.type, passed: false, message: `groups not in the drill: ${missing.join(", ")}` };
    if (bad.length === 0) return { type: a.type, passed: true, message: `${plural(budgeted.length, "group")} within ${budgeted.length === 1 ? "its" : "their"} RTO budget${note}` };
    return {
      type: a.type,
      passed: false,
      message: bad.map((g) => (g.rtoSeconds === undefined ? `${g.name}: ${g.verdict === "failed" ? "a VM did not come up" : "did not finish"}` : `${g.name}: ${duration(g.rtoSeconds)} > budget ${duration(g.rtoBudgetSeconds)}`)).join("; ") + note,
    };
  },
  allVmsPlaced: (a, report) => {
    const bad = report.vms.filter((v) => v.outcome !== "restarted");
    if (bad.length === 0) return { type: a.type, passed: true, message: `all ${plural(report.vms.length, "VM copy", "VM copies")} placed and up` };
    const shown = bad.slice(0, 10).map((v) => `${v.lpar} (${v.outcome}${v.reason ? `: ${v.reason}` : ""})`);
    return { type: a.type, passed: false, message: `${bad.length} of ${plural(report.vms.length, "VM")} not up: ${shown.join("; ")}${bad.length > 10 ? "; ..." : ""}` };
  },
  cleanupComplete: (a, report) => {
    if (!report.cleanup) return { type: a.type, passed: false, message: "cleanup did not run" };
    if (report.cleanup.complete) {
      return { type: a.type, passed: true, message: `nothing left: ${cleanupSummary(report)}` };
    }
    return { type: a.type, passed: false, message: `left behind: ${report.cleanup.leftovers.join("; ")}` };
  },
  maxMakespan: (a, report) => {
    const up = report.groups.map((g) => g.rtoSeconds);
    if (up.some((s) => s === undefined) || up.length === 0) return { type: a.type, passed: false, message: "not every group came up" };
    const last = Math.max(...(up as number[]));
    return { type: a.type, passed: last <= a.seconds, message: `every group up at ${duration(last)}, limit ${duration(a.seconds)}` };
  },
  networkIsolated: (a, report) => {
    const mapped = report.vms.filter((v) => v.network !== undefined && v.target !== null);
    if (mapped.length === 0) return { type: a.type, passed: true, message: "no rehearsed group has a NetworkMapping: copies get no network adapter" };
    // Planned on production VLANs, or found there by StartDrillLpar's read-back (the step failed).
    const leaks = mapped.filter((v) => {
      const production = new Set(v.network!.productionVlans ?? []);
      const planned = v.network!.adapters.some((ad) => [ad.pvid, ...(ad.taggedVlans ?? [])].some((x) => production.has(x)));
      return planned || /is attached to production VLAN/.test(v.reason ?? "");
    });
    const unverified = mapped.filter((v) => v.outcome !== "restarted" && !leaks.includes(v));
    if (leaks.length > 0) return { type: a.type, passed: false, message: `on a production VLAN: ${leaks.slice(0, 10).map((v) => v.lpar).join(", ")}${leaks.length > 10 ? ", ..." : ""}` };
    if (unverified.length > 0) return { type: a.type, passed: false, message: `not verified (the copy did not start): ${unverified.slice(0, 10).map((v) => v.lpar).join(", ")}` };
    return { type: a.type, passed: true, message: `${plural(mapped.length, "drill copy", "drill copies")} on drill VLANs only, each read back from the adapter` };
  },
  maxGroupRto: (a, report) => {
    const g = report.groups.find((x) => x.name === a.group);
    if (!g) return { type: a.type, passed: false, message: `group ${a.group} was not rehearsed` };
    if (g.rtoSeconds === undefined) return { type: a.type, passed: false, message: `group ${a.group} did not come up (${g.verdict})` };
    return { type: a.type, passed: g.rtoSeconds <= a.seconds, message: `group ${a.group} up at ${duration(g.rtoSeconds)}, limit ${duration(a.seconds)}` };
  },
};

export function evaluateAssertions(assertions: readonly DrillAssertion[], report: RunReport): AssertionResult[] {
  return assertions.map((a) => (EVALUATORS[a.type] as Evaluator<DrillAssertion>)(a, report));
}
