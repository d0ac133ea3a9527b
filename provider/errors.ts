// The typed errors of the project. Each carries a discriminator (`kind`) so callers can branch
// without string matching, and names the object it concerns.

/** One failed rule: the field path (`managedSystems[3].memoryGb`) and a message that says what is
 * allowed, what was given and how to fix it. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

export abstract class VmrError extends Error {
  abstract readonly kind: "validation" | "adapter" | "execution" | "lock" | "damaged";
}

/** Input that breaks a schema or a cross-field rule. Lists every failure, not just the first. */
export class ValidationError extends VmrError {
  readonly kind = "validation" as const;
  constructor(
    readonly what: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(`invalid ${what}:\n${issues.map((i) => `  - ${i.message}`).join("\n")}`);
    this.name = "ValidationError";
  }
}

/**
 * How an adapter operation failed, which decides what the executor does next:
 * - transient: try again later (busy, timeout, HTTP 5xx, expired session);
 * - conflict: the object is not in a state that allows the operation;
 * - notFound: the object does not exist;
 * - fatal: anything else; do not retry.
 */
export type AdapterFailure = "transient" | "conflict" | "notFound" | "fatal";

export class AdapterError extends VmrError {
  readonly kind = "adapter" as const;
  constructor(
    readonly failure: AdapterFailure,
    readonly operation: string,
    readonly objectId: string,
    message: string,
  ) {
    super(`${operation} ${objectId}: ${message}`);
    this.name = "AdapterError";
  }

  static isTransient(err: unknown): boolean {
    return err instanceof AdapterError && err.failure === "transient";
  }
}

/** A failure of a failover, drill or failback run, with the LPARs it concerns. */
export class ExecutionError extends VmrError {
  readonly kind = "execution" as const;
  constructor(
    message: string,
    readonly lpars: readonly string[] = [],
  ) {
    super(message);
    this.name = "ExecutionError";
  }
}

/** Someone else holds a lock (a failover of the same stack, the simulator state). */
export class LockHeldError extends VmrError {
  readonly kind = "lock" as const;
  constructor(
    readonly resource: string,
    readonly holder: string,
  ) {
    super(`${resource} is locked by ${holder}`);
    this.name = "LockHeldError";
  }
}

/**
 * A run lost the stack's lock it held (a lease not renewed within its TTL, a lock taken over):
 * another process may be running the same steps, so this one must touch nothing more.
 */
export class LockLostError extends VmrError {
  readonly kind = "lock" as const;
  constructor(
    readonly resource: string,
    readonly why: string,
  ) {
    super(`the lock of ${resource} was lost (${why}): this run stops and issues no further operation; another process may hold the run now`);
    this.name = "LockLostError";
  }
}

/**
 * A fresh failover, planned move or failback refused because the stack's previous run was
 * interrupted: bad input (nothing ran). Finish that run with `--resume`, or discard it.
 */
export class UnfinishedRunError extends ValidationError {
  constructor(
    /** The Pulumi stack whose run it is. */
    readonly stackName: string,
    readonly runId: string,
    /** When the interrupted run started (ISO 8601). */
    readonly startedAt: string,
    message: string,
  ) {
    super(`stack ${stackName}`, [{ path: "runId", message }]);
    this.name = "UnfinishedRunError";
    this.message = message;
  }
}

/**
 * A file the tool reads that cannot be read back: truncated, torn or overwritten by something
 * other than our writer. Names the file, where in it, what is wrong and the way out (the
 * command that rebuilds or replaces it), so the user never has to guess from a parser message.
 */
export class DamagedFileError extends VmrError {
  readonly kind = "damaged" as const;
  constructor(
    readonly file: string,
    /** "line 3, column 17", or "" when the damage has no position (an empty file). */
    readonly where: string,
    readonly problem: string,
    readonly wayOut: string,
  ) {
    super(`${file} is damaged${where ? ` at ${where}` : ""}: ${problem}. ${wayOut}`);
    this.name = "DamagedFileError";
  }
}
