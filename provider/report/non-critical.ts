// The rows both renderers show for a short recovery site: each VM's start size and why (flexible
// capacity), and the non-critical VMs the run stopped, suspended or brought back.

import type { RunReport } from "../generated/report";

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, ""));

export const START_HEADER = ["LPAR", "Target", "Started with", "Why"] as const;

/** The VMs with flexible capacity, shrunk first: LPAR, target, size, reason. */
export function startSizeRows(report: RunReport): string[][] {
  return report.vms
    .filter((v) => v.start !== undefined)
    .sort((a, b) => Number(b.start?.shrunk === true) - Number(a.start?.shrunk === true) || a.lpar.localeCompare(b.lpar))
    .map((v) => {
      const s = v.start as NonNullable<typeof v.start>;
      return [v.name === v.lpar ? v.lpar : `${v.name} (${v.lpar})`, v.target ?? "–", `${fmt(s.processorUnits)} processor units, ${fmt(s.memoryGb)} GiB${s.shrunk ? " (shrunk)" : " (full size)"}`, s.reason ?? ""];
    });
}

export const NON_CRITICAL_HEADER = ["LPAR", "System", "Action", "For", "Status"] as const;

/** Per non-critical VM: what the run did to it and how that ended. */
export function nonCriticalRows(report: RunReport): string[][] {
  return (report.nonCritical ?? []).map((n) => {
    const action = n.resume ? (n.action === "suspend" ? "resumed (was suspended)" : "powered on (was stopped)") : n.action === "suspend" ? "suspended" : "stopped";
    return [n.lpar, n.system, action, (n.for ?? []).join(", ") || "–", n.error !== undefined ? `${n.status}: ${n.error}` : n.status];
  });
}
