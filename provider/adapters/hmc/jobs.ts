// HMC jobs: long operations (PowerOn, PowerOff, RemoteRestart, Migrate) are started by a PUT of
// a JobRequest to <object>/do/<Operation>. The answer is a JobResponse with a JobID; the job is
// read at /rest/api/uom/jobs/{id} until its status is final, then deleted. Polling starts at the
// poll interval and backs off (x1.5 per poll, up to 8 intervals): a restart job of minutes is read
// a few dozen times instead of once a second, and its end is seen at most 8 intervals late.
// A job still running at the time-out is cancelled (PUT jobs/{id}/cancel) and fails as transient.

import type { Clock } from "../../clock";
import { AdapterError } from "../../errors";
import type { AdapterLog } from "../http/log";
import type { HttpResponse } from "../http/transport";
import { WEB_NS, type HmcSession } from "./session";
import { asList, child, escapeXml, isNode, MalformedAnswer, parseXml, textAt } from "./xml";

export const JOB_REQUEST_TYPE = "application/vnd.ibm.powervm.web+xml; type=JobRequest";

export type JobStatus = "NOT_STARTED" | "RUNNING" | "COMPLETED_OK" | "COMPLETED_WITH_WARNINGS" | "COMPLETED_WITH_ERROR" | "FAILED_BEFORE_COMPLETION";

const FINAL: ReadonlySet<string> = new Set(["COMPLETED_OK", "COMPLETED_WITH_WARNINGS", "COMPLETED_WITH_ERROR", "FAILED_BEFORE_COMPLETION"]);

export interface JobResponse {
  readonly id: string;
  readonly status: string;
  /** The ResponseException message of a failed job. */
  readonly message: string;
  /** Results as name -> value. */
  readonly results: Readonly<Record<string, string>>;
}

export interface JobSpec {
  /** Path of the object, e.g. /rest/api/uom/LogicalPartition/{uuid}. */
  readonly objectPath: string;
  /** OperationName: PowerOn, PowerOff, RemoteRestart, Migrate... */
  readonly operation: string;
  /** GroupName: the object's type (LogicalPartition, ManagedSystem). */
  readonly group: string;
  readonly parameters: Readonly<Record<string, string>>;
  /** For messages: what the job is for, and its object. */
  readonly label: string;
  readonly objectId: string;
}

export interface JobTiming {
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
}

/** Back-off of job polling: factor per poll, and the longest wait in poll intervals. */
export const POLL_BACKOFF = { factor: 1.5, maxIntervals: 8 } as const;

export function jobRequestXml(operation: string, group: string, parameters: Readonly<Record<string, string>>): string {
  const params = Object.entries(parameters)
    .map(
      ([name, value]) =>
        `<JobParameter schemaVersion="V1_0"><Metadata><Atom/></Metadata>` +
        `<ParameterName kb="ROR" kxe="false">${escapeXml(name)}</ParameterName>` +
        `<ParameterValue kb="CUR" kxe="false">${escapeXml(value)}</ParameterValue></JobParameter>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<JobRequest:JobRequest xmlns:JobRequest="${WEB_NS}" xmlns="${WEB_NS}" schemaVersion="V1_0">` +
    `<Metadata><Atom/></Metadata>` +
    `<RequestedOperation kb="CUR" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata>` +
    `<OperationName kb="ROR" kxe="false">${escapeXml(operation)}</OperationName>` +
    `<GroupName kb="ROR" kxe="false">${escapeXml(group)}</GroupName></RequestedOperation>` +
    `<JobParameters kb="CUR" kxe="false" schemaVersion="V1_0"><Metadata><Atom/></Metadata>${params}</JobParameters>` +
    `</JobRequest:JobRequest>`
  );
}

/** Reads a JobResponse, bare or inside an Atom entry's <content>. */
export function parseJobResponse(body: string): JobResponse {
  const doc = parseXml(body);
  const entry = asList(doc.entry)[0];
  const node = [child(doc, "JobResponse"), child(entry, "content", "JobResponse")].find(isNode);
  if (!node) throw new MalformedAnswer(`expected a <JobResponse>, got <${Object.keys(doc).filter((k) => !k.startsWith("?"))[0] ?? "nothing"}>`);
  const id = textAt(node, "JobID");
  const status = textAt(node, "Status");
  if (!id) throw new MalformedAnswer("JobResponse has no <JobID>");
  if (!status) throw new MalformedAnswer(`JobResponse ${id} has no <Status>`);
  const results: Record<string, string> = {};
  for (const p of asList(child(node, "Results", "JobParameter"))) {
    const name = textAt(p, "ParameterName");
    if (name) results[name] = textAt(p, "ParameterValue") ?? "";
  }
  const message = textAt(node, "ResponseException", "Message") ?? results.result ?? "";
  return { id, status, message, results };
}

export class JobRunner {
  constructor(
    private readonly session: HmcSession,
    private readonly clock: Clock,
    private readonly timing: JobTiming,
    private readonly log: AdapterLog,
  ) {}

  /** Runs the job to its end; returns its final response, or throws when it did not complete OK. */
  async run(spec: JobSpec): Promise<JobResponse> {
    const started = this.clock.now();
    let job = this.parse(
      spec,
      await this.session.send({
        method: "PUT",
        path: `${spec.objectPath}/do/${spec.operation}`,
        body: jobRequestXml(spec.operation, spec.group, spec.parameters),
        contentType: JOB_REQUEST_TYPE,
        operation: spec.label,
        objectId: spec.objectId,
      }),
    );
    let wait = this.timing.pollIntervalMs;
    while (!FINAL.has(job.status)) {
      if (this.clock.now() - started >= this.timing.timeoutMs) {
        await this.cancel(spec, job);
        throw new AdapterError("transient", spec.label, spec.objectId, `job ${job.id} (${spec.operation}) still ${job.status} after ${Math.round(this.timing.timeoutMs / 1000)} s: cancelled`);
      }
      await this.clock.sleep(Math.max(0, Math.min(wait, started + this.timing.timeoutMs - this.clock.now())));
      wait = Math.min(wait * POLL_BACKOFF.factor, this.timing.pollIntervalMs * POLL_BACKOFF.maxIntervals);
      job = this.parse(spec, await this.session.send({ method: "GET", path: `/rest/api/uom/jobs/${job.id}`, operation: spec.label, objectId: spec.objectId }));
    }
    await this.remove(spec, job.id);
    if (job.status === "COMPLETED_OK") return job;
    if (job.status === "COMPLETED_WITH_WARNINGS") {
      this.log.warn(`${spec.label} ${spec.objectId}: job ${job.id} (${spec.operation}) completed with warnings: ${job.message || "(no message)"}`);
      return job;
    }
    // The HMC refused or could not do it in the object's current state: retrying as is won't help.
    throw new AdapterError("conflict", spec.label, spec.objectId, `job ${job.id} (${spec.operation}) ended ${job.status}: ${job.message || "(no message)"}`);
  }

  private parse(spec: JobSpec, res: HttpResponse): JobResponse {
    try {
      return parseJobResponse(res.body);
    } catch (err) {
      if (!(err instanceof MalformedAnswer)) throw err;
      throw new AdapterError("fatal", spec.label, spec.objectId, `malformed answer to the ${spec.operation} job: ${err.message}`);
    }
  }

  private async remove(spec: JobSpec, id: string): Promise<void> {
    try {
      await this.session.send({ method: "DELETE", path: `/rest/api/uom/jobs/${id}`, operation: spec.label, objectId: spec.objectId });
    } catch (err) {
      // A job left behind only clutters the HMC's job list; the operation's outcome stands.
      this.log.debug(`${spec.label} ${spec.objectId}: deleting job ${id} failed: ${(err as Error).message}`);
    }
  }

  private async cancel(spec: JobSpec, job: JobResponse): Promise<void> {
    try {
      await this.session.send({ method: "PUT", path: `/rest/api/uom/jobs/${job.id}/cancel`, operation: spec.label, objectId: spec.objectId });
    } catch (err) {
      this.log.warn(`${spec.label} ${spec.objectId}: cancelling job ${job.id} failed: ${(err as Error).message}`);
    }
  }
}

