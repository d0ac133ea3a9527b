// What every HMC operation works with: the session, the directory of objects, the job runner
// behind the HMC-wide and per-system concurrency limits, the retry policy and the settings.

import type { Clock } from "../../clock";
import type { AdapterLog } from "../http/log";
import type { KeyedLimiter, Semaphore } from "../http/limiter";
import type { RetryPolicy } from "../http/retry";
import type { HmcDirectory } from "./directory";
import type { IdentifyBy } from "./inventory";
import type { JobResponse, JobRunner, JobSpec } from "./jobs";
import type { HmcSession } from "./session";

/** HmcConnection with its defaults applied. */
export interface HmcSettings {
  readonly url: string;
  readonly name: string;
  readonly site: string;
  /** Sites of the managed systems that are not at `site`, by model id. */
  readonly systemSites: Readonly<Record<string, string>>;
  readonly username: string;
  readonly maxConcurrentJobs: number;
  readonly maxRemoteRestartsPerSystem: number;
  readonly jobTimeoutSeconds: number;
  readonly pollIntervalSeconds: number;
  readonly bootTimeoutSeconds: number;
  readonly waitForRmc: boolean;
  readonly requestTimeoutSeconds: number;
  readonly retries: number;
  readonly identifyBy: IdentifyBy;
}

export class HmcContext {
  constructor(
    readonly settings: HmcSettings,
    readonly session: HmcSession,
    readonly directory: HmcDirectory,
    private readonly jobs: JobRunner,
    private readonly hmcJobs: Semaphore,
    private readonly systemJobs: KeyedLimiter,
    readonly retry: RetryPolicy,
    readonly clock: Clock,
    readonly log: AdapterLog,
  ) {}

  /**
   * Runs a job within the limits: one slot of `system:<id>` when the job loads a target system
   * (remote restart, migration), and one of the HMC's. The system slot is taken first so that a
   * job waiting for a busy system does not hold an HMC slot meanwhile.
   */
  runJob(spec: JobSpec, targetSystemId?: string): Promise<JobResponse> {
    const onHmc = () => this.hmcJobs.run(() => this.jobs.run(spec));
    return targetSystemId === undefined ? onHmc() : this.systemJobs.run(systemKey(targetSystemId), onHmc);
  }
}

export function hmcKey(name: string): string {
  return `hmc:${name}`;
}

export function systemKey(id: string): string {
  return `system:${id}`;
}

export function viosKey(systemId: string, vios: string): string {
  return `vios:${systemId}/${vios}`;
}
