// What every Spectrum Virtualize operation works with.

import type { Clock } from "../../clock";
import { AdapterError } from "../../errors";
import type { AdapterLog } from "../http/log";
import type { RetryPolicy } from "../http/retry";
import type { HostNaming } from "./hostnames";
import type { SvcQueries } from "./queries";
import type { SvcCommand, SvcSession } from "./session";

/** SvcConnection with its defaults applied. */
export interface SvcSettings {
  readonly url: string;
  readonly site: string;
  readonly username: string;
  readonly maxConcurrentRequests: number;
  readonly hostNameTemplate: string;
  readonly presentation: "vscsi" | "npiv";
  readonly volumeFilters: readonly string[];
  readonly maxObjectsPerQuery: number;
  readonly flashCopyTargetSuffix: string;
  readonly requestTimeoutSeconds: number;
  readonly retries: number;
}

export class SvcContext {
  private systemName: string | undefined;

  constructor(
    readonly settings: SvcSettings,
    readonly session: SvcSession,
    readonly queries: SvcQueries,
    readonly naming: HostNaming,
    readonly retry: RetryPolicy,
    readonly clock: Clock,
    readonly log: AdapterLog,
  ) {}

  run(cmd: SvcCommand): Promise<unknown> {
    return this.session.run(cmd);
  }

  /** The storage system's name (lssystem), read once. */
  async storageSystemId(operation: string): Promise<string> {
    if (this.systemName === undefined) {
      const system = await this.queries.detail("lssystem", undefined, operation, "lssystem");
      if (!system?.name) throw new AdapterError("fatal", operation, "lssystem", "malformed answer to lssystem: no \"name\" in it");
      this.systemName = system.name;
    }
    return this.systemName;
  }
}

export function storageKey(id: string): string {
  return `storage:${id}`;
}
