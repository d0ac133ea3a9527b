// Switching an LPAR's SimplifiedRemoteRestartCapable: read the LogicalPartition, change that one
// element, and POST the object back with If-Match: <etag>. A 412 (someone changed the LPAR in
// between) is transient: the retry reads it again.

import { AdapterError } from "../../../errors";
import type { OperationResult } from "../../compute";
import { withRetries } from "../../http/retry";
import type { HmcContext } from "../context";
import { UOM } from "../directory";
import { parseLpar } from "../inventory";
import { feedEntries, MalformedAnswer, parseXml } from "../xml";

const LPAR_TYPE = "application/vnd.ibm.powervm.uom+xml; type=LogicalPartition";

export function setRemoteRestartCapable(ctx: HmcContext, lparId: string, capable: boolean): Promise<OperationResult> {
  const op = "setRemoteRestartCapable";
  return withRetries(ctx.retry, async () => {
    const uuid = await ctx.directory.lparUuid(lparId, op);
    const path = `${UOM}/LogicalPartition/${uuid}`;
    const res = await ctx.session.send({ method: "GET", path, operation: op, objectId: lparId });
    let content: string;
    let etag: string | undefined;
    let current: boolean;
    try {
      const entry = feedEntries(parseXml(res.body), path)[0];
      if (!entry) throw new MalformedAnswer("no LogicalPartition entry");
      current = parseLpar(entry).srrCapable;
      etag = headerValue(res.headers.etag) ?? parseLpar(entry).etag;
      content = contentElement(res.body);
    } catch (err) {
      if (!(err instanceof MalformedAnswer)) throw err;
      throw new AdapterError("fatal", op, lparId, `malformed answer from the HMC: ${err.message}`);
    }
    if (current === capable) return { alreadyDone: true };
    const element = /(<(?:\w+:)?SimplifiedRemoteRestartCapable\b[^>]*>)\s*(true|false)\s*(<\/(?:\w+:)?SimplifiedRemoteRestartCapable>)/;
    if (!element.test(content)) {
      throw new AdapterError("fatal", op, lparId, "the HMC does not report SimplifiedRemoteRestartCapable for this LPAR: the system or HMC level may not support simplified remote restart");
    }
    const changed = content.replace(element, `$1${capable}$3`);
    await ctx.session.send({ method: "POST", path, body: changed, contentType: LPAR_TYPE, ifMatch: etag, operation: op, objectId: lparId });
    return { alreadyDone: false };
  });
}

/** The <LogicalPartition> element inside the entry's <content>, as sent, with its namespaces. */
function contentElement(body: string): string {
  const match = /<((?:\w+:)?LogicalPartition)\b[\s\S]*<\/\1>/.exec(body);
  if (!match) throw new MalformedAnswer("no <LogicalPartition> element in the entry");
  return match[0];
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
