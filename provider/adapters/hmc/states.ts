// The HMC's state words and the model's. The HMC reports managed-system State and LPAR
// PartitionState in lower case (pypowervm's ManagedSystemState / LPARState lists them); the model
// knows fewer states, so several HMC states fold into one. Unknown words map conservatively.

import type { LparState, ManagedSystemState } from "../../model";

const SYSTEM_STATES: Readonly<Record<string, ManagedSystemState>> = {
  operating: "Operating",
  standby: "Operating",
  "power off": "Power Off",
  "powering off": "Power Off",
  "no connection": "No Connection",
  "failed authentication": "No Connection",
  "pending authentication": "No Connection",
  "pending authentication - password updates required": "No Connection",
  "version mismatch": "No Connection",
  incomplete: "No Connection",
  error: "Error",
  "error - dump in progress": "Error",
  "error - terminated": "Error",
  "on demand recovery": "Error",
  recovery: "Error",
  initializing: "Error",
};

/**
 * Source states from which the HMC accepts a remote restart, as the HMC words them. Only these
 * count as proof that an LPAR cannot run at its source (fencing); the folded model state is not
 * used for that, because it also holds words such as "initializing".
 */
export const DOWN_SYSTEM_STATES: ReadonlySet<string> = new Set([
  "power off",
  "powering off",
  "no connection",
  "error",
  "error - dump in progress",
  "error - terminated",
]);

const LPAR_STATES: Readonly<Record<string, LparState>> = {
  running: "Running",
  "migrating running": "Running",
  "open firmware": "Starting",
  starting: "Starting",
  resuming: "Starting",
  "hardware discovery": "Starting",
  "not activated": "Not Activated",
  "migrating not active": "Not Activated",
  "shutting down": "Shutting Down",
  suspending: "Shutting Down",
  suspended: "Suspended",
  error: "Error",
  "not available": "Error",
  unknown: "Error",
};

export function systemState(hmcState: string): ManagedSystemState {
  // An unknown word: the system is not known to be usable, so not "Operating".
  return SYSTEM_STATES[hmcState.trim().toLowerCase()] ?? "Error";
}

export function lparState(hmcState: string): LparState {
  return LPAR_STATES[hmcState.trim().toLowerCase()] ?? "Error";
}

/** Is the system state (HMC word) one that proves its LPARs are not running? */
export function isSystemDown(hmcState: string): boolean {
  return DOWN_SYSTEM_STATES.has(hmcState.trim().toLowerCase());
}
