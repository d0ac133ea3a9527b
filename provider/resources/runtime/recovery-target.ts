// The RecoveryTarget provider's logic, loaded at run time by the serialized provider
// (require("pulumi-vm-recovery/runtime/recovery-target")). A target is a declaration: creating
// it changes nothing on the hardware; it discovers the systems' capacity and health.

import type { AdapterSettings } from "../../generated/adapter-settings";
import type { RecoveryTargetInputs } from "../../generated/recovery-target";
import type { ComputeInventory } from "../../adapters/compute";
import type { ValidationIssue } from "../../errors";
import { duplicateIssues, show, validate, type CrossFieldRule } from "../../validation";
import { connectionsOf, HARDWARE_RULES } from "../../adapters/sites/settings";
import { round, systemStatuses, type Capacity, type SystemStatus } from "./capacity";
import {
  changedFields,
  defaultOpener,
  describeError,
  pick,
  SIMULATOR_DEFAULT,
  toFailures,
  unknownPaths,
  withAdapters,
  withoutUnknowns,
  type AdapterOpener,
  type CheckFailure,
} from "./common";

/** Inputs after check: every default present. */
export interface TargetInputs extends RecoveryTargetInputs {
  reserve: Capacity;
  adapter: AdapterSettings;
  verify: boolean;
}

export type TargetHealth = "healthy" | "degraded" | "down" | "unverified";

export interface TargetOutputs extends TargetInputs {
  /** Processor units and memory of the target's operating systems. */
  readonly capacity: Capacity;
  /** What recovered VMs may still use: capacity minus active LPARs minus the reserve. */
  readonly free: Capacity;
  /** healthy: every system operating; degraded: some; down: none; unverified: not contacted. */
  readonly health: TargetHealth;
  readonly systemStatus: SystemStatus[];
}

export const DECLARED_FIELDS = ["name", "site", "systems", "reserve", "maxConcurrentRestarts", "nonCritical", "adapter", "verify"] as const;
/** Fields that name a different target: changing one replaces it. */
export const IDENTITY_FIELDS: readonly string[] = ["name", "site"];

export const RULES: readonly CrossFieldRule<TargetInputs>[] = [
  {
    name: "systemsUnique",
    check: (t) => duplicateIssues(t.systems, (s) => s, (i) => `systems[${i}]`, "managed system"),
  },
  {
    // The rules of several HMC / storage connections (unique names and addresses, sites); their
    // presence is checked when the adapters open.
    name: "hardwareConnections",
    check: (t) => {
      if (t.adapter.type !== "hardware") return [];
      const connections = connectionsOf(t.adapter);
      return HARDWARE_RULES.filter((r) => r.name !== "connections are present")
        .flatMap((r) => r.check(connections))
        .map((i) => ({ path: `adapter.${i.path}`, message: i.message.replace(/`(hmc|storage)(\[|\.|`)/g, "`adapter.$1$2") }));
    },
  },
];

/** Rules that need discovery: the systems exist and are at the target's site. */
export function discoveryIssues(t: TargetInputs, inventory: ComputeInventory): ValidationIssue[] {
  const byId = new Map(inventory.managedSystems.map((s) => [s.id, s]));
  const issues: ValidationIssue[] = [];
  t.systems.forEach((id, i) => {
    const p = `systems[${i}]`;
    const s = byId.get(id);
    if (!s) {
      const known = inventory.managedSystems.filter((m) => m.site === t.site).map((m) => m.id);
      issues.push({
        path: p,
        message: `\`${p}\` is ${show(id)}, which discovery does not know: use a managed system at site ${show(t.site)}${known.length ? ` (${known.slice(0, 8).join(", ")}${known.length > 8 ? ", ..." : ""})` : ""}`,
      });
    } else if (s.site !== t.site) {
      issues.push({
        path: p,
        message: `\`${p}\` is ${show(id)}, which is at site ${show(s.site)}, not at \`site\` ${show(t.site)}: list only systems of the target's site`,
      });
    }
  });
  return issues;
}

export function normalize(news: Record<string, unknown>): TargetInputs {
  const inputs = structuredClone(pick<Record<string, unknown>>(news, DECLARED_FIELDS));
  inputs.reserve ??= {};
  inputs.adapter ??= { ...SIMULATOR_DEFAULT };
  return inputs as unknown as TargetInputs;
}

export function observe(t: TargetInputs, inventory: ComputeInventory | undefined): TargetOutputs {
  if (!inventory) {
    return { ...t, capacity: { processorUnits: 0, memoryGb: 0 }, free: { processorUnits: 0, memoryGb: 0 }, health: "unverified", systemStatus: [] };
  }
  const statuses = systemStatuses(t.systems, inventory.managedSystems, inventory.lpars, t.reserve);
  const operating = statuses.filter((s) => s.state === "Operating");
  const sum = (f: (s: SystemStatus) => number, list: SystemStatus[]) => round(list.reduce((n, s) => n + f(s), 0));
  return {
    ...t,
    capacity: { processorUnits: sum((s) => s.processorUnits, operating), memoryGb: sum((s) => s.memoryGb, operating) },
    free: { processorUnits: sum((s) => s.freeProcessorUnits, operating), memoryGb: sum((s) => s.freeMemoryGb, operating) },
    health: operating.length === statuses.length ? "healthy" : operating.length === 0 ? "down" : "degraded",
    systemStatus: statuses,
  };
}

export function recoveryTargetOps(open: AdapterOpener = defaultOpener) {
  async function discover(t: TargetInputs): Promise<ComputeInventory | undefined> {
    if (!t.verify) return undefined;
    return withAdapters(open, t.adapter, (a) => a.compute.inventory());
  }

  return {
    async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs: TargetInputs; failures: CheckFailure[] }> {
      const inputs = normalize(news);
      const unknown = unknownPaths(inputs);
      let issues = validate<TargetInputs>("recovery-target", inputs, RULES);
      if (issues.length === 0 && inputs.verify && !unknown.some((u) => u === "adapter" || u.startsWith("adapter."))) {
        try {
          issues = discoveryIssues(inputs, (await discover(inputs))!);
        } catch (err) {
          issues = [{ path: "adapter", message: `\`adapter\` could not be reached to check \`systems\` (${describeError(err)}): fix the connection settings, or set \`verify: false\` to record the target without checking` }];
        }
      }
      return { inputs, failures: toFailures(withoutUnknowns(issues, unknown)) };
    },

    async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
      const changed = changedFields(olds, news, DECLARED_FIELDS);
      return { changes: changed.length > 0, replaces: changed.filter((f) => IDENTITY_FIELDS.includes(f)), deleteBeforeReplace: false };
    },

    async create(inputs: Record<string, unknown>): Promise<{ id: string; outs: TargetOutputs }> {
      const t = normalize(inputs);
      return { id: t.name, outs: observe(t, await discover(t)) };
    },

    async read(id: string, props: Record<string, unknown>): Promise<{ id: string; props: TargetOutputs }> {
      const t = normalize(props);
      return { id, props: observe(t, await discover(t)) };
    },

    async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ outs: TargetOutputs }> {
      const t = normalize(news);
      return { outs: observe(t, await discover(t)) };
    },

    /** A target is a declaration: nothing on the hardware to undo. */
    async delete(_id: string, _props: Record<string, unknown>): Promise<void> {},
  };
}

export const ops = recoveryTargetOps();
