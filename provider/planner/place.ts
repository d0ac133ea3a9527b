// Placement: a target system for each LPAR to restart, packing processor units and memory.
//
// - Higher SLA levels are placed first; inside a level the larger LPARs first (they are the
//   hardest to fit), then by id, so the result is deterministic.
// - When capacity is short the lowest priority waits (US 9,588,853): an LPAR that would fit on
//   the capacity the pool had before any recovery, but not on what is left, is `waiting`.
// - A request lists pools in order of preference (for a host failure: the failed host's own
//   site first, where the SAN is shared and no replication must fail over). The first pool with
//   room wins.
// - Inside a pool the least-loaded system wins: restarts assigned / its concurrent-restart limit.
//   Piling LPARs onto one target would serialise them on its restart limit and on its VIOSes.
// - Anti-affinity: never the system where another member of one of its sets runs or is placed.
// - A system's free capacity is its size minus the LPARs running there now minus the pool's
//   reserve, which recovery never uses.
// - A failback LPAR with a recorded home claims it before anything is placed, in the same
//   order, when it has room there: no LPAR placed by the rules above takes a home that its owner
//   comes back to. One that cannot go home says why (home.ts) and is placed by the rules above.

import { FitTree } from "./fit-tree";
import { homeRivalReason, homeShortReason } from "./home";

export interface Pool {
  /** Identifies the pool (pools with the same key are the same). */
  readonly key: string;
  /** Managed system ids, operating and allowed. */
  readonly systems: readonly string[];
  readonly reservePu: number;
  readonly reserveMem: number;
}

export interface PlacementRequest {
  readonly lpar: string;
  readonly slaLevel: number;
  readonly processorUnits: number;
  readonly memoryGb: number;
  /** In order of preference. */
  readonly pools: readonly Pool[];
  /** LPARs that must not share its system. */
  readonly antiAffinity: readonly string[];
  /** LPARs that must be up before it starts: it is not placed when one of them is not. */
  readonly waitsFor: readonly string[];
  /** Known before placement: why it cannot be placed at all. */
  readonly unplaceable?: string;
  /** Why no pool is listed, when none is. */
  readonly noPoolReason?: string;
  /** Failback: its recorded home, one of the systems of `pools`, tried before any pool. */
  readonly home?: string;
}

export interface PlacementOutcome {
  readonly system: string | null;
  readonly waiting: boolean;
  readonly reason?: string;
  /** Why it is not placed on its `home` (short of capacity, anti-affinity), when it had one. */
  readonly homeReason?: string;
}

export interface SystemCapacity {
  /** Free now: size minus the LPARs running there. */
  readonly pu: number;
  readonly mem: number;
  /** Remote restarts it runs at once: spreads load in proportion. */
  readonly restartLimit: number;
}

export interface PlacementInput {
  readonly requests: readonly PlacementRequest[];
  readonly capacity: (system: string) => SystemCapacity;
  /** Where an LPAR that is not being placed runs now (for anti-affinity). */
  readonly locationOf: (lpar: string) => string | undefined;
  /** The LPARs that hold capacity on a system now (to say who took a home). */
  readonly runningOn?: (system: string) => readonly string[];
}

interface PoolState {
  readonly pool: Pool;
  readonly tree: FitTree;
  /** Free capacity before any placement: tells waiting from too big. */
  readonly initial: FitTree;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, "");
}

export function placeAll(input: PlacementInput): Map<string, PlacementOutcome> {
  const freePu = new Map<string, number>();
  const freeMem = new Map<string, number>();
  const assigned = new Map<string, number>();
  const limit = new Map<string, number>();
  const pools = new Map<string, PoolState>();
  const leavesOf = new Map<string, { state: PoolState; leaf: number }[]>();

  const stateOf = (pool: Pool): PoolState => {
    let state = pools.get(pool.key);
    if (state) return state;
    state = { pool, tree: new FitTree(pool.systems.length), initial: new FitTree(pool.systems.length) };
    pools.set(pool.key, state);
    pool.systems.forEach((s, leaf) => {
      if (!freePu.has(s)) {
        const c = input.capacity(s);
        freePu.set(s, c.pu);
        freeMem.set(s, c.mem);
        assigned.set(s, 0);
        limit.set(s, Math.max(1, c.restartLimit));
      }
      const pu = (freePu.get(s) as number) - pool.reservePu;
      const mem = (freeMem.get(s) as number) - pool.reserveMem;
      const load = (assigned.get(s) as number) / (limit.get(s) as number);
      (state as PoolState).tree.set(leaf, pu, mem, load);
      (state as PoolState).initial.set(leaf, pu, mem, 0);
      const list = leavesOf.get(s) ?? [];
      list.push({ state: state as PoolState, leaf });
      leavesOf.set(s, list);
    });
    return state;
  };

  const adjust = (system: string, pu: number, mem: number, restarts: number): void => {
    freePu.set(system, (freePu.get(system) as number) + pu);
    freeMem.set(system, (freeMem.get(system) as number) + mem);
    assigned.set(system, (assigned.get(system) as number) + restarts);
    const load = (assigned.get(system) as number) / (limit.get(system) as number);
    for (const { state, leaf } of leavesOf.get(system) ?? []) {
      state.tree.set(leaf, (freePu.get(system) as number) - state.pool.reservePu, (freeMem.get(system) as number) - state.pool.reserveMem, load);
    }
  };

  const { requests } = input;
  const depth = dependencyDepths(requests);
  const order = requests
    .map((_, i) => i)
    .sort((i, j) => {
      const a = requests[i];
      const b = requests[j];
      return (
        b.slaLevel - a.slaLevel ||
        depth[i] - depth[j] ||
        Math.max(b.processorUnits, b.memoryGb / 8) - Math.max(a.processorUnits, a.memoryGb / 8) ||
        b.memoryGb - a.memoryGb ||
        (a.lpar < b.lpar ? -1 : a.lpar > b.lpar ? 1 : 0)
      );
    })
    .map((i) => requests[i]);
  const placedOn = new Map<string, string>();
  const outcomes = new Map<string, PlacementOutcome>();
  const moving = new Set(input.requests.map((r) => r.lpar));
  // Homes claimed below: an LPAR that goes home is there for anti-affinity from the start.
  const claimed = new Map<string, string>();
  const locate = (lpar: string): string | undefined => placedOn.get(lpar) ?? claimed.get(lpar) ?? (moving.has(lpar) ? undefined : input.locationOf(lpar));

  // Homes first, in placement order: capacity claimed here is gone for every other LPAR.
  const claimsOn = new Map<string, string[]>();
  const homeReasons = new Map<string, string>();
  for (const req of order) {
    if (req.home === undefined || req.unplaceable !== undefined) continue;
    const home = req.home;
    const pool = req.pools.find((p) => p.systems.includes(home));
    if (pool === undefined) continue;
    stateOf(pool);
    const rival = req.antiAffinity.find((other) => locate(other) === home);
    if (rival !== undefined) {
      homeReasons.set(req.lpar, homeRivalReason(home, rival, claimed.has(rival)));
      continue;
    }
    const freePuThere = (freePu.get(home) as number) - pool.reservePu;
    const freeMemThere = (freeMem.get(home) as number) - pool.reserveMem;
    if (freePuThere < req.processorUnits - 1e-9 || freeMemThere < req.memoryGb - 1e-9) {
      const running = (input.runningOn?.(home) ?? []).filter((l) => !moving.has(l));
      homeReasons.set(req.lpar, homeShortReason(home, req, freePuThere, freeMemThere, running, claimsOn.get(home) ?? []));
      continue;
    }
    claimed.set(req.lpar, home);
    claimsOn.set(home, [...(claimsOn.get(home) ?? []), req.lpar]);
    adjust(home, -req.processorUnits, -req.memoryGb, 1);
  }

  for (const req of order) {
    const home = claimed.get(req.lpar);
    if (home !== undefined) {
      if (!req.waitsFor.some((dep) => outcomes.get(dep)?.system === null)) {
        placedOn.set(req.lpar, home);
        outcomes.set(req.lpar, { system: home, waiting: false });
        continue;
      }
      // It cannot start without an LPAR that is not placed (said below): its home goes back to the others.
      adjust(home, req.processorUnits, req.memoryGb, -1);
      claimed.delete(req.lpar);
    }
    if (req.unplaceable !== undefined) {
      outcomes.set(req.lpar, { system: null, waiting: false, reason: req.unplaceable });
      continue;
    }
    const blocker = req.waitsFor.find((dep) => outcomes.get(dep)?.system === null);
    if (blocker !== undefined) {
      // Levels are raised along dependencies and shallower ones sort first: `blocker` was decided.
      const waiting = (outcomes.get(blocker) as PlacementOutcome).waiting;
      outcomes.set(req.lpar, { system: null, waiting, reason: `it waits for LPAR ${JSON.stringify(blocker)}, which cannot be placed` });
      continue;
    }
    if (req.pools.length === 0) {
      outcomes.set(req.lpar, { system: null, waiting: false, reason: req.noPoolReason ?? "no allowed system is operating" });
      continue;
    }
    const banned = new Set<string>();
    for (const other of req.antiAffinity) {
      const at = locate(other);
      if (at !== undefined) banned.add(at);
    }
    let chosen: string | undefined;
    for (const pool of req.pools) {
      const state = stateOf(pool);
      const excluded = banned.size > 0 ? (leaf: number) => banned.has(pool.systems[leaf]) : undefined;
      const leaf = state.tree.best(req.processorUnits, req.memoryGb, excluded);
      if (leaf >= 0) {
        chosen = pool.systems[leaf];
        break;
      }
    }
    if (chosen !== undefined) {
      placedOn.set(req.lpar, chosen);
      adjust(chosen, -req.processorUnits, -req.memoryGb, 1);
      outcomes.set(req.lpar, { system: chosen, waiting: false });
    } else {
      outcomes.set(req.lpar, explain(req, req.pools.map(stateOf), banned));
    }
  }
  for (const [lpar, homeReason] of homeReasons) outcomes.set(lpar, { ...(outcomes.get(lpar) as PlacementOutcome), homeReason });

  return outcomes;
}

/**
 * By request index: 0 for an LPAR that waits for no other request, else one more than the
 * deepest it waits for.
 */
function dependencyDepths(requests: readonly PlacementRequest[]): Int32Array {
  const out = new Int32Array(requests.length);
  // Most datacenters declare no `after` at all.
  if (requests.every((r) => r.waitsFor.length === 0)) return out;
  const present = new Set(requests.map((r) => r.lpar));
  const depth = new Map<string, number>();
  const pending = new Map<string, number>();
  const waiters = new Map<string, string[]>();
  const queue: string[] = [];
  for (const r of requests) {
    const deps = r.waitsFor.filter((d) => present.has(d));
    pending.set(r.lpar, deps.length);
    for (const d of deps) {
      const list = waiters.get(d);
      if (list) list.push(r.lpar);
      else waiters.set(d, [r.lpar]);
    }
    if (deps.length === 0) {
      depth.set(r.lpar, 0);
      queue.push(r.lpar);
    }
  }
  for (let i = 0; i < queue.length; i++) {
    const d = depth.get(queue[i]) as number;
    for (const w of waiters.get(queue[i]) ?? []) {
      depth.set(w, Math.max(depth.get(w) ?? 0, d + 1));
      const left = (pending.get(w) as number) - 1;
      pending.set(w, left);
      if (left === 0) queue.push(w);
    }
  }
  // A cycle (the model check refuses them) would leave some undecided: treat them as roots.
  requests.forEach((r, i) => (out[i] = depth.get(r.lpar) ?? 0));
  return out;
}

function explain(req: PlacementRequest, states: readonly PoolState[], banned: ReadonlySet<string>): PlacementOutcome {
  const need = `${fmt(req.processorUnits)} processor units and ${fmt(req.memoryGb)} GiB`;
  if (banned.size > 0 && states.some((s) => s.tree.best(req.processorUnits, req.memoryGb) >= 0)) {
    const members = req.antiAffinity.map((l) => JSON.stringify(l)).join(", ");
    return { system: null, waiting: false, reason: `anti-affinity with ${members} rules out every allowed system with room for ${need}` };
  }
  if (states.some((s) => s.initial.best(req.processorUnits, req.memoryGb) >= 0)) {
    return {
      system: null,
      waiting: true,
      reason: `waits for capacity: LPARs of higher priority took the room for ${need} on the allowed systems`,
    };
  }
  const most = states.reduce((m, s) => {
    const f = s.initial.maxFree();
    return { pu: Math.max(m.pu, f.pu), mem: Math.max(m.mem, f.mem) };
  }, { pu: -Infinity, mem: -Infinity });
  return {
    system: null,
    waiting: false,
    reason: `it needs ${need}, more than any allowed system has free beyond the target's reserve (at most ${fmt(Math.max(0, most.pu))} processor units, ${fmt(Math.max(0, most.mem))} GiB)`,
  };
}
