// Presenting volumes to managed systems: mkvdiskhostmap / rmvdiskhostmap on the host object the
// naming convention gives, after reading the volume's current mappings (lsvdiskhostmap) so that
// repeating an operation is a no-op.

import type { OperationResult } from "../../compute";
import { withRetries } from "../../http/retry";
import type { MapRequest } from "../../storage";
import type { SvcContext } from "../context";
import { cliCode } from "../session";

/** "The VDisk-to-host mapping was not created because this VDisk is already mapped to this host." */
const ALREADY_MAPPED = "CMMVC5878E";

async function mappedHosts(ctx: SvcContext, volumeId: string, operation: string): Promise<string[]> {
  const rows = await ctx.queries.list("lsvdiskhostmap", operation, volumeId, {}, volumeId);
  return rows.map((r) => r.host_name);
}

export function mapVolume(ctx: SvcContext, req: MapRequest): Promise<OperationResult> {
  return withRetries(ctx.retry, async () => {
    const host = ctx.naming.hostFor(req.hostId, req.vios, "mapVolume", req.volumeId);
    const hosts = await mappedHosts(ctx, req.volumeId, "mapVolume");
    if (hosts.includes(host)) return { alreadyDone: true };
    // A volume already mapped elsewhere (the other VIOS of a pair, a cluster peer) needs -force.
    const params: Record<string, string | boolean> = hosts.length > 0 ? { host, force: true } : { host };
    try {
      await ctx.run({ command: "mkvdiskhostmap", object: req.volumeId, params, operation: "mapVolume", objectId: req.volumeId });
    } catch (err) {
      // Mapped by someone else (another run, an operator) since it was read: the asked-for state.
      if (cliCode(err) === ALREADY_MAPPED) return { alreadyDone: true };
      throw err;
    }
    return { alreadyDone: false };
  });
}

export function unmapVolume(ctx: SvcContext, req: MapRequest): Promise<OperationResult> {
  return withRetries(ctx.retry, async () => {
    const host = ctx.naming.hostFor(req.hostId, req.vios, "unmapVolume", req.volumeId);
    const hosts = await mappedHosts(ctx, req.volumeId, "unmapVolume");
    if (!hosts.includes(host)) return { alreadyDone: true };
    await ctx.run({ command: "rmvdiskhostmap", object: req.volumeId, params: { host }, operation: "unmapVolume", objectId: req.volumeId });
    return { alreadyDone: false };
  });
}
