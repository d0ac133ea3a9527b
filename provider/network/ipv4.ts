// IPv4 arithmetic for re-addressing rules: addresses as unsigned 32-bit numbers, subnets as
// (base, prefix). Small enough to keep here rather than add a dependency for it.

export interface Subnet {
  /** The network address, host bits zero. */
  readonly base: number;
  /** Prefix length, 0-32. */
  readonly prefix: number;
}

/** 10.1.0.7 -> its number, or undefined when it is not a dotted quad of 0-255. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** 10.1.0.0/24 -> its subnet; `aligned` is false when host bits are set (10.1.0.5/24). */
export function parseCidr(text: string): (Subnet & { aligned: boolean }) | undefined {
  const [addr, len, ...rest] = text.split("/");
  const n = parseIpv4(addr ?? "");
  const prefix = Number(len);
  if (rest.length > 0 || n === undefined || !/^\d{1,2}$/.test(len ?? "") || prefix > 32) return undefined;
  const base = (n & mask(prefix)) >>> 0;
  return { base, prefix, aligned: base === n };
}

export function formatCidr(s: Subnet): string {
  return `${formatIpv4(s.base)}/${s.prefix}`;
}

export function contains(s: Subnet, address: number): boolean {
  return ((address & mask(s.prefix)) >>> 0) === s.base;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  return contains(a, b.base) || contains(b, a.base);
}

/** The address with `from`'s network part replaced by `to`'s, keeping the host part. */
export function rebase(address: number, from: Subnet, to: Subnet): number {
  const host = (address & ~mask(from.prefix)) >>> 0;
  return (to.base | host) >>> 0;
}
