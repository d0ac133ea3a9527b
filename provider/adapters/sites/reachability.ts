// Telling a connection that cannot be reached (a lost site: refused, unroutable, no answer) from
// one that answers with an error. Only the first makes a composite adapter report the
// connection's systems as down; an answer with an error fails the inventory as before.

import { AdapterError } from "../../errors";

// The network-level codes the transport reports (provider/adapters/http/transport.ts), and its
// time-out wording. HTTP 5xx answers are transient too, but the endpoint answered.
const UNREACHABLE = /\b(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EAI_AGAIN|ECONNRESET|UND_ERR_CONNECT_TIMEOUT|UND_ERR_SOCKET|no answer within \d+ ms)\b/;

/** Whether `err` says the endpoint could not be reached, after the adapter's own retries. */
export function isUnreachable(err: unknown): err is AdapterError {
  return err instanceof AdapterError && err.failure === "transient" && UNREACHABLE.test(err.message);
}

/** The error of an operation routed to a connection that was found unreachable. */
export function unreachableError(operation: string, objectId: string, what: string, site: string): AdapterError {
  return new AdapterError(
    "transient",
    operation,
    objectId,
    `${what} (site ${JSON.stringify(site)}) could not be reached at the last inventory: the operation was not sent. If the site is lost, its systems are reported down and the plan works around them`,
  );
}
