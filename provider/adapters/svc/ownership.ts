// Which volumes each LPAR uses. The storage system does not know LPARs (its host objects stand
// for managed systems), so the relation comes from a naming convention on volume names,
// `storage.lparVolumePattern`: "{lpar}_*" gives lpar1 the volumes lpar1_rootvg, lpar1_data...

export class VolumeOwnership {
  private readonly lazy: RegExp;
  private readonly greedy: RegExp;

  constructor(readonly template: string) {
    if (!template.includes("{lpar}")) throw new RangeError(`\`storage.lparVolumePattern\` must contain {lpar}, got ${JSON.stringify(template)}`);
    const source = (lpar: string) =>
      template
        .split(/(\{lpar\}|\*)/)
        .map((part) => (part === "{lpar}" ? lpar : part === "*" ? ".*" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
        .join("");
    // An LPAR id may itself contain the separator ("app_1" in "app_1_rootvg"): try the longest
    // and the shortest reading, and keep the first that names a known LPAR (the longest wins).
    this.lazy = new RegExp(`^${source("(?<lpar>.+?)")}$`);
    this.greedy = new RegExp(`^${source("(?<lpar>.+)")}$`);
  }

  /** The volumes of each of `lparIds` among `volumeNames`, in name order. */
  assign(lparIds: readonly string[], volumeNames: readonly string[]): Map<string, string[]> {
    const wanted = new Set(lparIds);
    const out = new Map<string, string[]>(lparIds.map((id) => [id, []]));
    for (const name of [...volumeNames].sort()) {
      const readings = [this.greedy.exec(name)?.groups?.lpar, this.lazy.exec(name)?.groups?.lpar];
      const lpar = readings.find((r): r is string => r !== undefined && wanted.has(r));
      if (lpar !== undefined) out.get(lpar)!.push(name);
    }
    return out;
  }
}
