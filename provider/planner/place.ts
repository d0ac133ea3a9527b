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
// - LPARs linked by `after` (a dependency closure) are placed whole or not at all: placement
//   runs again without a closure that could not be placed whole, so it holds no capacity.
// - An LPAR not placed for capacity gets its shortfall on the best candidate system, per
//   dimension, and the LPARs given room there before it (`Shortfall`).
// - A failback LPAR with a recorded home claims it before anything is placed, in the same
//   order, when it has room there: no LPAR placed by the rules above takes a home that its owner
//   comes back to. One that cannot go home says why (home.ts) and is placed by the rules above.

import type { Shortfall, TakenBy } from "../generated/plan";
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
  /**
   * The smallest it may start with (flexible capacity, capacity-flex.ts), when smaller than its
   * size: tried once every LPAR of its level had its turn at full size.
   */
  readonly flexible?: { readonly processorUnits: number; readonly memoryGb: number };
}

export interface PlacementOutcome {
  readonly system: string | null;
  readonly waiting: boolean;
  readonly reason?: string;
  /** Not placed for want of capacity: what it lacks on its best candidate system, and who took the room. */
  readonly shortfall?: Shortfall;
  /** Why it is not placed on its `home` (short of capacity, anti-affinity), when it had one. */
  readonly homeReason?: string;
  /** Placed at its `flexible` size, not its full size. */
  readonly shrunk?: boolean;
  /** The non-critical LPARs it claimed (PlacementInput.yielding): on `system`, or where it was placed before its level grew back to full size. */
  readonly stops?: readonly YieldingRoom[];
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
  /**
   * Non-critical LPARs that would give `req` their room, by system, each list in the order to
   * stop them (non-critical.ts). Given, an LPAR with no room at its smallest start anywhere
   * claims the fewest of them on one system instead of waiting: their room is its, and no later
   * LPAR claims them again.
   */
  readonly yielding?: (req: PlacementRequest) => ReadonlyMap<string, readonly YieldingRoom[]>;
}

/** A non-critical LPAR's room, as placement may claim it. */
export interface YieldingRoom {
  readonly lpar: string;
  readonly slaLevel: number;
  readonly processorUnits: number;
  readonly memoryGb: number;
}

/** One system's capacity in a placement run, and its leaf in each pool's tree. */
interface SystemState {
  freePu: number;
  freeMem: number;
  /** Free before any placement. */
  readonly startPu: number;
  readonly startMem: number;
  /** Restarts placed on it. */
  assigned: number;
  readonly limit: number;
  readonly leaves: { state: PoolState; leaf: number }[];
  /** Yielding LPARs claimed on it so far: tells a YieldingSlot its unclaimed room is stale. */
  claimedHere: number;
}

/** A system of a pool that has yielding LPARs for some requests (one map of PlacementInput.yielding), with what of their room is not claimed yet. */
interface YieldingSlot {
  readonly system: string;
  readonly st: SystemState;
  readonly list: readonly YieldingRoom[];
  /** st.claimedHere when leftPu / leftMem were summed. */
  seen: number;
  leftPu: number;
  leftMem: number;
}

class PoolState {
  readonly tree: FitTree;
  private before: FitTree | undefined;

  constructor(
    readonly pool: Pool,
    /** Each system's state, by leaf (pool.systems' order). */
    readonly members: readonly SystemState[],
  ) {
    this.tree = new FitTree(pool.systems.length);
  }

  /** Free capacity before any placement: tells waiting from too big. Made when an LPAR fits nowhere. */
  get initial(): FitTree {
    if (this.before === undefined) {
      const n = this.members.length;
      const pu = new Float64Array(n);
      const mem = new Float64Array(n);
      for (let leaf = 0; leaf < n; leaf++) {
        pu[leaf] = this.members[leaf].startPu - this.pool.reservePu;
        mem[leaf] = this.members[leaf].startMem - this.pool.reserveMem;
      }
      this.before = new FitTree(n);
      this.before.fill(pu, mem, new Float64Array(n));
    }
    return this.before;
  }
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, "");
}

/**
 * Where each LPAR goes. LPARs linked by `after` (one waits for the other, directly or through
 * others: its dependency closure) are placed together or not at all: a closure that cannot run
 * whole would spend scarce capacity on LPARs that cannot serve. Placement runs once; when a
 * member of a closure cannot be placed while others of it were, that closure is left out and
 * placement runs again without it (each run leaves out one more closure, so this ends).
 */
export function placeAll(input: PlacementInput): Map<string, PlacementOutcome> {
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
  const closures = dependencyClosures(requests);
  const excluded = new Map<string, PlacementOutcome>();
  for (;;) {
    const outcomes = placePass(input, order, excluded);
    if (closures.size === 0) return outcomes;
    // Waiters sort after what they wait for: the first unplaced member is the one really short.
    const failed = order.find(
      (r) => !excluded.has(r.lpar) && outcomes.get(r.lpar)?.system === null && (closures.get(r.lpar) ?? []).some((l) => outcomes.get(l)?.system != null),
    );
    if (failed === undefined) return outcomes;
    leaveOut(failed.lpar, outcomes.get(failed.lpar) as PlacementOutcome, closures.get(failed.lpar) as readonly string[], requests, excluded);
  }
}

/** One placement run; the LPARs in `excluded` are decided already (left out with their closure). */
function placePass(input: PlacementInput, order: readonly PlacementRequest[], excluded: ReadonlyMap<string, PlacementOutcome>): Map<string, PlacementOutcome> {
  const systems = new Map<string, SystemState>();
  const pools = new Map<string, PoolState>();
  // The LPARs of this run given room on each system, in the order they got it.
  const holders = new Map<string, string[]>();
  const levelOf = new Map(input.requests.map((r) => [r.lpar, r.slaLevel]));

  const systemOf = (s: string): SystemState => {
    let st = systems.get(s);
    if (st === undefined) {
      const c = input.capacity(s);
      st = { freePu: c.pu, freeMem: c.mem, startPu: c.pu, startMem: c.mem, assigned: 0, limit: Math.max(1, c.restartLimit), leaves: [], claimedHere: 0 };
      systems.set(s, st);
    }
    return st;
  };
  const stateOf = (pool: Pool): PoolState => {
    let state = pools.get(pool.key);
    if (state) return state;
    const n = pool.systems.length;
    const members = pool.systems.map(systemOf);
    state = new PoolState(pool, members);
    pools.set(pool.key, state);
    // Filled in one pass from the leaves up: a pool has every system of a target's site.
    const pu = new Float64Array(n);
    const mem = new Float64Array(n);
    const load = new Float64Array(n);
    for (let leaf = 0; leaf < n; leaf++) {
      const st = members[leaf];
      pu[leaf] = st.freePu - pool.reservePu;
      mem[leaf] = st.freeMem - pool.reserveMem;
      load[leaf] = st.assigned / st.limit;
      st.leaves.push({ state, leaf });
    }
    state.tree.fill(pu, mem, load);
    return state;
  };

  const adjust = (system: string, lpar: string, pu: number, mem: number, restarts: number): void => {
    const st = systems.get(system) as SystemState;
    st.freePu += pu;
    st.freeMem += mem;
    st.assigned += restarts;
    const load = st.assigned / st.limit;
    for (const { state, leaf } of st.leaves) state.tree.set(leaf, st.freePu - state.pool.reservePu, st.freeMem - state.pool.reserveMem, load);
    const list = holders.get(system) ?? [];
    if (restarts > 0) list.push(lpar);
    else list.splice(list.indexOf(lpar), 1);
    holders.set(system, list);
  };

  const view: CapacityView = {
    holders: (s) => holders.get(s) ?? [],
    levelOf: (l) => levelOf.get(l) as number,
  };

  const placedOn = new Map<string, string>();
  const outcomes = new Map<string, PlacementOutcome>();
  // For an LPAR not placed because one it waits for is not: the first of that chain.
  const rootOf = new Map<string, string>();
  const moving = new Set(input.requests.map((r) => r.lpar));
  // Homes claimed below: an LPAR that goes home is there for anti-affinity from the start.
  const claimed = new Map<string, string>();
  const locate = (lpar: string): string | undefined => placedOn.get(lpar) ?? claimed.get(lpar) ?? (moving.has(lpar) ? undefined : input.locationOf(lpar));

  // Homes first, in placement order: capacity claimed here is gone for every other LPAR.
  const claimsOn = new Map<string, string[]>();
  const homeReasons = new Map<string, string>();
  for (const req of order) {
    if (req.home === undefined || req.unplaceable !== undefined || excluded.has(req.lpar)) continue;
    const home = req.home;
    const pool = req.pools.find((p) => p.systems.includes(home));
    if (pool === undefined) continue;
    stateOf(pool);
    const rival = req.antiAffinity.find((other) => locate(other) === home);
    if (rival !== undefined) {
      homeReasons.set(req.lpar, homeRivalReason(home, rival, claimed.has(rival)));
      continue;
    }
    const there = systems.get(home) as SystemState;
    const freePuThere = there.freePu - pool.reservePu;
    const freeMemThere = there.freeMem - pool.reserveMem;
    if (freePuThere < req.processorUnits - 1e-9 || freeMemThere < req.memoryGb - 1e-9) {
      const running = (input.runningOn?.(home) ?? []).filter((l) => !moving.has(l));
      homeReasons.set(req.lpar, homeShortReason(home, req, freePuThere, freeMemThere, running, claimsOn.get(home) ?? []));
      continue;
    }
    claimed.set(req.lpar, home);
    claimsOn.set(home, [...(claimsOn.get(home) ?? []), req.lpar]);
    adjust(home, req.lpar, -req.processorUnits, -req.memoryGb, 1);
  }

  /** The first of `req`'s pools' least-loaded system with room for `size` (its own by default), not `banned`. */
  const pick = (req: PlacementRequest, banned: ReadonlySet<string>, size: { readonly processorUnits: number; readonly memoryGb: number } = req): string | undefined => {
    for (const pool of req.pools) {
      const state = stateOf(pool);
      const excludedLeaf = banned.size > 0 ? (leaf: number) => banned.has(pool.systems[leaf]) : undefined;
      const leaf = state.tree.best(size.processorUnits, size.memoryGb, excludedLeaf);
      if (leaf >= 0) return pool.systems[leaf];
    }
    return undefined;
  };
  /** The systems anti-affinity rules out for `req` now. */
  const bannedFor = (req: PlacementRequest): Set<string> => {
    const banned = new Set<string>();
    for (const other of req.antiAffinity) {
      const at = locate(other);
      if (at !== undefined) banned.add(at);
    }
    return banned;
  };
  const place = (req: PlacementRequest, system: string, size: { processorUnits: number; memoryGb: number }, shrunk: boolean): void => {
    placedOn.set(req.lpar, system);
    adjust(system, req.lpar, -size.processorUnits, -size.memoryGb, 1);
    outcomes.set(req.lpar, shrunk ? { system, waiting: false, shrunk } : { system, waiting: false });
  };
  const stopped = new Set<string>();
  /** By claimer: the system and the LPARs it claimed (kept apart: growing a level back to full size writes its outcome again). */
  const claims = new Map<string, { system: string; stops: YieldingRoom[] }>();
  /**
   * For `req` at `size`, which fits nowhere: the system of its first pool where the fewest
   * unclaimed yielding LPARs cover what it lacks (then the lowest levels, the least room taken,
   * the least-loaded system), and those LPARs; undefined when none.
   */
  const yieldingFor = (req: PlacementRequest, size: { processorUnits: number; memoryGb: number }, banned: ReadonlySet<string>): { system: string; stops: YieldingRoom[] } | undefined => {
    if (input.yielding === undefined) return undefined;
    const bySystem = input.yielding(req);
    if (bySystem.size === 0 || allClaimed(bySystem)) return undefined;
    for (const pool of req.pools) {
      let best: { slot: YieldingSlot; count: number; level: number; room: number; load: number } | undefined;
      for (const slot of slotsOf(bySystem, pool)) {
        if (banned.size > 0 && banned.has(slot.system)) continue;
        const st = slot.st;
        const shortPu = size.processorUnits - (st.freePu - pool.reservePu);
        const shortMem = size.memoryGb - (st.freeMem - pool.reserveMem);
        // Most systems cannot cover the need even with all their unclaimed room: skipped without a walk.
        if (slot.seen !== st.claimedHere) refreshSlot(slot);
        if (slot.leftPu < shortPu - 1e-6 || slot.leftMem < shortMem - 1e-6) continue;
        if (!cover(slot, size, pool)) continue;
        const { count, level, room } = covered;
        const load = st.assigned / st.limit;
        const better =
          best === undefined ||
          count < best.count ||
          (count === best.count && (level < best.level || (level === best.level && (room < best.room - 1e-9 || (Math.abs(room - best.room) <= 1e-9 && load < best.load)))));
        if (better) best = { slot, count, level, room, load };
      }
      if (best !== undefined) {
        const stops: YieldingRoom[] = [];
        cover(best.slot, size, pool, stops);
        return { system: best.slot.system, stops };
      }
    }
    return undefined;
  };
  /** What cover() found last: how many yielding LPARs, their highest level, the room they give over `size`. */
  const covered = { count: 0, level: -Infinity, room: 0 };
  /**
   * Whether the unclaimed yielding LPARs of `slot`'s system, taken in order until the need is
   * met, give `size` room there (at least one taken); their figures in `covered`, and each one
   * pushed onto `stops` when given. No object per call: it runs for every candidate system.
   */
  const cover = (slot: YieldingSlot, size: { processorUnits: number; memoryGb: number }, pool: Pool, stops?: YieldingRoom[]): boolean => {
    let shortPu = size.processorUnits - (slot.st.freePu - pool.reservePu);
    let shortMem = size.memoryGb - (slot.st.freeMem - pool.reserveMem);
    covered.count = 0;
    covered.level = -Infinity;
    covered.room = 0;
    for (const y of slot.list) {
      if (shortPu <= 1e-9 && shortMem <= 1e-9) break;
      if (stopped.has(y.lpar)) continue;
      covered.count++;
      if (y.slaLevel > covered.level) covered.level = y.slaLevel;
      shortPu -= y.processorUnits;
      shortMem -= y.memoryGb;
      covered.room += y.processorUnits / Math.max(size.processorUnits, 1e-9) + y.memoryGb / Math.max(size.memoryGb, 1e-9);
      stops?.push(y);
    }
    return shortPu <= 1e-9 && shortMem <= 1e-9 && covered.count > 0;
  };
  /** Per yielding map, per pool: its systems that have yielding LPARs, in the pool's order. */
  const slotCache = new Map<ReadonlyMap<string, readonly YieldingRoom[]>, Map<string, YieldingSlot[]>>();
  const slotsOf = (bySystem: ReadonlyMap<string, readonly YieldingRoom[]>, pool: Pool): readonly YieldingSlot[] => {
    let byPool = slotCache.get(bySystem);
    if (byPool === undefined) slotCache.set(bySystem, (byPool = new Map()));
    let slots = byPool.get(pool.key);
    if (slots === undefined) {
      slots = [];
      for (const system of pool.systems) {
        const list = bySystem.get(system);
        if (list !== undefined) slots.push({ system, st: systemOf(system), list, seen: -1, leftPu: 0, leftMem: 0 });
      }
      byPool.set(pool.key, slots);
    }
    return slots;
  };
  const refreshSlot = (slot: YieldingSlot): void => {
    slot.leftPu = 0;
    slot.leftMem = 0;
    for (const y of slot.list) {
      if (stopped.has(y.lpar)) continue;
      slot.leftPu += y.processorUnits;
      slot.leftMem += y.memoryGb;
    }
    slot.seen = slot.st.claimedHere;
  };
  /**
   * Whether every LPAR of a yielding map is claimed: then no later request of its target and level
   * can claim from it (claims are never given back during placement). Each map's entries are walked
   * once in all, from the first not claimed: a site failure's waiting LPARs outnumber its test VMs.
   */
  const openFrom = new Map<ReadonlyMap<string, readonly YieldingRoom[]>, { entries: YieldingRoom[]; next: number }>();
  const allClaimed = (bySystem: ReadonlyMap<string, readonly YieldingRoom[]>): boolean => {
    let cursor = openFrom.get(bySystem);
    if (cursor === undefined) openFrom.set(bySystem, (cursor = { entries: [...bySystem.values()].flat(), next: 0 }));
    while (cursor.next < cursor.entries.length && stopped.has(cursor.entries[cursor.next].lpar)) cursor.next++;
    return cursor.next >= cursor.entries.length;
  };
  /** Places `req` at `size` on room claimed from yielding LPARs, when some system has enough; false when none. */
  const claimYielding = (req: PlacementRequest, size: { processorUnits: number; memoryGb: number }, banned: ReadonlySet<string>, shrunk: boolean): boolean => {
    const found = yieldingFor(req, size, banned);
    if (found === undefined) return false;
    const st = systemOf(found.system);
    for (const y of found.stops) {
      stopped.add(y.lpar);
      st.freePu += y.processorUnits;
      st.freeMem += y.memoryGb;
    }
    st.claimedHere++;
    place(req, found.system, size, shrunk);
    claims.set(req.lpar, found);
    return true;
  };
  // Flexible capacity, level by level: the level's flexible LPARs are placed at their smallest
  // start first (as many of the level as can come up do), then grown back to full size in
  // placement order, moving when another system has room for the full size; when that freed room,
  // the level's LPARs still unplaced try again. Only then does the next level get what is left:
  // an LPAR shrinks or waits for its own level or higher, never for a lower one.
  const shrunkInLevel: PlacementRequest[] = [];
  let movedInLevel = false;
  const levelReqs: PlacementRequest[] = [];
  /**
   * The level's LPARs with no room at their smallest start, in order: they claim yielding room
   * once every LPAR of the level had its turn, so that a claim never takes free room from an LPAR
   * of its own level that fitted without one.
   */
  const claimLater: { req: PlacementRequest; size: { processorUnits: number; memoryGb: number } }[] = [];
  /** With yielding LPARs, those another LPAR waits for: a waiter's reason quotes theirs as soon as it is decided. */
  const awaited = input.yielding !== undefined ? new Set(input.requests.flatMap((r) => r.waitsFor)) : undefined;
  const waitOrClaimLater = (req: PlacementRequest, size: { processorUnits: number; memoryGb: number }, banned: ReadonlySet<string>): void => {
    if (awaited === undefined || awaited.has(req.lpar)) outcomes.set(req.lpar, explain({ ...req, ...size }, req.pools.map(stateOf), banned, view));
    // Explained at the level's end unless it claims room then: no LPAR reads the reason before.
    else outcomes.set(req.lpar, UNDECIDED);
    if (input.yielding !== undefined) claimLater.push({ req, size });
  };
  /** `retry`: a second chance once growth freed room: full size first, then the flexible start. */
  const decide = (req: PlacementRequest, retry: boolean): void => {
    const decided = excluded.get(req.lpar);
    if (decided !== undefined) {
      outcomes.set(req.lpar, decided);
      return;
    }
    const home = claimed.get(req.lpar);
    if (home !== undefined) {
      if (!req.waitsFor.some((dep) => outcomes.get(dep)?.system === null)) {
        placedOn.set(req.lpar, home);
        outcomes.set(req.lpar, { system: home, waiting: false });
        return;
      }
      // It cannot start without an LPAR that is not placed (said below): its home goes back to the others.
      adjust(home, req.lpar, req.processorUnits, req.memoryGb, -1);
      claimed.delete(req.lpar);
    }
    if (req.unplaceable !== undefined) {
      outcomes.set(req.lpar, { system: null, waiting: false, reason: req.unplaceable });
      return;
    }
    const blocker = req.waitsFor.find((dep) => outcomes.get(dep)?.system === null);
    if (blocker !== undefined) {
      // Levels are raised along dependencies and shallower ones sort first: `blocker` was decided.
      // Named after the LPAR really short, at the start of the chain.
      const root = rootOf.get(blocker) ?? blocker;
      rootOf.set(req.lpar, root);
      const r = outcomes.get(root) as PlacementOutcome;
      const through = root === blocker ? "" : ` which waits for ${JSON.stringify(root)},`;
      outcomes.set(req.lpar, { system: null, waiting: r.waiting, reason: `it waits for LPAR ${JSON.stringify(blocker)},${through} which cannot be placed: ${r.reason ?? "it is not placed"}` });
      return;
    }
    if (req.pools.length === 0) {
      outcomes.set(req.lpar, { system: null, waiting: false, reason: req.noPoolReason ?? "no allowed system is operating" });
      return;
    }
    const banned = bannedFor(req);
    const flex = req.flexible;
    if (flex !== undefined && !retry) {
      const at = pick(req, banned, flex);
      if (at !== undefined) {
        place(req, at, flex, true);
        shrunkInLevel.push(req);
      } else waitOrClaimLater(req, flex, banned);
      return;
    }
    const chosen = pick(req, banned);
    if (chosen !== undefined) {
      place(req, chosen, req, false);
      return;
    }
    if (flex === undefined) {
      waitOrClaimLater(req, req, banned);
      return;
    }
    const at = pick(req, banned, flex);
    if (at !== undefined) place(req, at, flex, true);
    else waitOrClaimLater(req, flex, banned);
  };
  /** Grows the level's shrunk LPARs back to full size where some system has room, then retries the level's unplaced ones if that freed room. */
  const finishLevel = (): void => {
    // Again while a pass moved someone to another system: the room it left may let an earlier one grow.
    for (let pending = shrunkInLevel.splice(0); pending.length > 0; ) {
      const still: PlacementRequest[] = [];
      let moved = false;
      for (const req of pending) {
        const flex = req.flexible as { processorUnits: number; memoryGb: number };
        const at = placedOn.get(req.lpar) as string;
        adjust(at, req.lpar, flex.processorUnits, flex.memoryGb, -1);
        placedOn.delete(req.lpar);
        const full = pick(req, bannedFor(req));
        if (full !== undefined && full !== at) moved = true;
        if (full !== undefined) place(req, full, req, false);
        else {
          place(req, at, flex, true);
          still.push(req);
        }
      }
      if (moved) movedInLevel = true;
      pending = moved ? still : [];
    }
    if (movedInLevel) for (const req of levelReqs) if (outcomes.get(req.lpar)?.system === null && !excluded.has(req.lpar)) decide(req, true);
    movedInLevel = false;
    levelReqs.length = 0;
    for (const { req, size } of claimLater.splice(0)) {
      if (outcomes.get(req.lpar)?.system !== null) continue;
      const banned = bannedFor(req);
      const shrunk = size !== req;
      const at = pick(req, banned, size);
      if (at !== undefined) place(req, at, size, shrunk);
      else if (claimYielding(req, size, banned, shrunk)) continue;
      else outcomes.set(req.lpar, explain({ ...req, ...size }, req.pools.map(stateOf), banned, view));
    }
  };
  // Without flexible capacity a level is placed in one pass, as it always was.
  const anyFlexible = order.some((r) => r.flexible !== undefined);
  let level: number | undefined;
  for (const req of order) {
    if (level !== undefined && req.slaLevel < level) finishLevel();
    level = req.slaLevel;
    if (anyFlexible) levelReqs.push(req);
    decide(req, false);
  }
  finishLevel();
  for (const [lpar, homeReason] of homeReasons) outcomes.set(lpar, { ...(outcomes.get(lpar) as PlacementOutcome), homeReason });
  keepNeedless(claims, systems);
  for (const [lpar, { stops }] of claims) if (stops.length > 0) outcomes.set(lpar, { ...(outcomes.get(lpar) as PlacementOutcome), stops });

  return outcomes;
}

/**
 * Claimed LPARs whose room the placement left unused once every LPAR had its turn (claimed larger
 * first, a smaller one claimed after may have covered the need alone; a claimer grown back to full
 * size may have moved away) run on: the highest level first, then the larger, while what is left
 * free on their system holds them.
 */
function keepNeedless(claims: Map<string, { system: string; stops: YieldingRoom[] }>, systems: ReadonlyMap<string, SystemState>): void {
  const bySystem = new Map<string, { claimer: string; y: YieldingRoom }[]>();
  for (const [claimer, { system, stops }] of claims) {
    const list = bySystem.get(system) ?? [];
    for (const y of stops) list.push({ claimer, y });
    bySystem.set(system, list);
  }
  for (const [system, list] of bySystem) {
    const st = systems.get(system) as SystemState;
    // The strictest reserve of the pools it is in: what recovery may not use there.
    const reservePu = Math.max(0, ...st.leaves.map((l) => l.state.pool.reservePu));
    const reserveMem = Math.max(0, ...st.leaves.map((l) => l.state.pool.reserveMem));
    list.sort((a, b) => b.y.slaLevel - a.y.slaLevel || b.y.processorUnits - a.y.processorUnits || b.y.memoryGb - a.y.memoryGb || (a.y.lpar < b.y.lpar ? -1 : a.y.lpar > b.y.lpar ? 1 : 0));
    for (const { claimer, y } of list) {
      if (st.freePu - reservePu < y.processorUnits - EPS || st.freeMem - reserveMem < y.memoryGb - EPS) continue;
      st.freePu -= y.processorUnits;
      st.freeMem -= y.memoryGb;
      const claim = claims.get(claimer) as { system: string; stops: YieldingRoom[] };
      claim.stops = claim.stops.filter((x) => x !== y);
    }
  }
}

/**
 * By LPAR, for each LPAR linked to others by `after` (either way, through any number of
 * links): every LPAR of its dependency closure, itself included. LPARs linked to none are absent.
 */
function dependencyClosures(requests: readonly PlacementRequest[]): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  if (requests.every((r) => r.waitsFor.length === 0)) return out;
  const parent = new Map(requests.map((r) => [r.lpar, r.lpar]));
  const root = (l: string): string => {
    let r = l;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    for (let x = l; x !== r; ) {
      const next = parent.get(x) as string;
      parent.set(x, r);
      x = next;
    }
    return r;
  };
  for (const r of requests) for (const d of r.waitsFor) if (parent.has(d)) parent.set(root(r.lpar), root(d));
  const members = new Map<string, string[]>();
  for (const r of requests) {
    const key = root(r.lpar);
    const list = members.get(key);
    if (list) list.push(r.lpar);
    else members.set(key, [r.lpar]);
  }
  for (const list of members.values()) if (list.length > 1) for (const l of list) out.set(l, list);
  return out;
}

/** Leaves `failed`'s whole dependency closure out, each member saying why. */
function leaveOut(failed: string, outcome: PlacementOutcome, closure: readonly string[], requests: readonly PlacementRequest[], excluded: Map<string, PlacementOutcome>): void {
  const waitsFor = new Map(requests.map((r) => [r.lpar, r.waitsFor]));
  const needs = (from: string, target: string): boolean => {
    const seen = new Set<string>();
    const stack = [...(waitsFor.get(from) ?? [])];
    while (stack.length > 0) {
      const l = stack.pop() as string;
      if (l === target) return true;
      if (seen.has(l)) continue;
      seen.add(l);
      stack.push(...(waitsFor.get(l) ?? []));
    }
    return false;
  };
  const members = new Set(closure);
  if (outcome.waiting && outcome.shortfall !== undefined) {
    // It waits as part of its closure, which is left out whole: alone it might have fitted. The
    // room the closure held is free once it is left out: say so. The figures are those of the
    // run that tried the closure; it is not tried again when later runs free room.
    const takenBy = outcome.shortfall.takenBy.map((t) => (members.has(t.lpar) ? { ...t, leftOut: true } : t));
    const shortfall = { ...outcome.shortfall, takenBy };
    outcome = { ...outcome, shortfall, reason: `its \`after\` closure ${waitingReason(shortfall)}` };
  }
  const why = outcome.reason ?? "it is not placed";
  const name = JSON.stringify(failed);
  excluded.set(failed, outcome);
  for (const l of closure) {
    if (l === failed) continue;
    let reason: string;
    const direct = (waitsFor.get(l) ?? []).find((d) => d === failed || needs(d, failed));
    if (direct === failed) reason = `it waits for LPAR ${name}, which cannot be placed: ${why}`;
    else if (direct !== undefined) reason = `it waits for LPAR ${JSON.stringify(direct)}, which waits for ${name}, which cannot be placed: ${why}`;
    else {
      const link = needs(failed, l) ? `LPAR ${name}, which waits for it,` : `LPAR ${name} of its dependency closure (LPARs linked by \`after\`)`;
      reason = `left out so that its room goes to LPARs that can run: ${link} cannot be placed: ${why}`;
    }
    excluded.set(l, { system: null, waiting: outcome.waiting, reason });
  }
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

/** Who holds capacity as one placement run sees it (the capacity itself is in each pool's members). */
interface CapacityView {
  /** The LPARs of this run given room there so far, in order. */
  readonly holders: (system: string) => readonly string[];
  readonly levelOf: (lpar: string) => number;
}

/** Not placed yet, to be explained once its level has claimed what room it could. */
const UNDECIDED: PlacementOutcome = { system: null, waiting: false };

/** Shortfalls below this are float noise (capacities are sums of decimals). */
const EPS = 1e-9;
/** Taken LPARs named in a reason; the others are counted. */
const NAMED = 3;

const round = (n: number): number => Math.round(n * 1e6) / 1e6;

/**
 * The best candidate for an LPAR that fits nowhere: among the systems of its pools (by their
 * capacity free now, or at the `start` before any placement; those in `banned` are skipped), the one with the smallest
 * shortfall, compared by the larger of the relative shortfalls of the two dimensions (short /
 * needed), then by their sum, then in order of preference (pool, then system).
 */
function bestCandidate(
  req: PlacementRequest,
  states: readonly PoolState[],
  banned: ReadonlySet<string>,
  room: "free" | "start",
): { system: string; pu: number; mem: number } | undefined {
  let best: { system: string; pu: number; mem: number; worst: number; sum: number } | undefined;
  const now = room === "free";
  for (const { pool, members } of states) {
    for (let leaf = 0; leaf < members.length; leaf++) {
      const system = pool.systems[leaf];
      if (banned.size > 0 && banned.has(system)) continue;
      const st = members[leaf];
      const pu = Math.max(0, req.processorUnits - Math.max(0, (now ? st.freePu : st.startPu) - pool.reservePu));
      const mem = Math.max(0, req.memoryGb - Math.max(0, (now ? st.freeMem : st.startMem) - pool.reserveMem));
      const rp = req.processorUnits > 0 ? pu / req.processorUnits : 0;
      const rm = req.memoryGb > 0 ? mem / req.memoryGb : 0;
      const worst = Math.max(rp, rm);
      const sum = rp + rm;
      if (best === undefined || worst < best.worst - EPS || (Math.abs(worst - best.worst) <= EPS && sum < best.sum - EPS)) best = { system, pu, mem, worst, sum };
    }
  }
  return best && { system: best.system, pu: best.pu, mem: best.mem };
}

/** "short of 15.2 processor units on "sys1" (memory is enough)" */
function shortText(s: Shortfall): string {
  const on = `on ${JSON.stringify(s.system)}`;
  if (s.processorUnits !== undefined && s.memoryGb !== undefined) return `short of ${fmt(s.processorUnits)} processor units and ${fmt(s.memoryGb)} GiB of memory ${on}`;
  if (s.processorUnits !== undefined) return `short of ${fmt(s.processorUnits)} processor units ${on} (memory is enough)`;
  return `short of ${fmt(s.memoryGb ?? 0)} GiB of memory ${on} (processor units are enough)`;
}

/** ": taken by "a" (higher priority), "b" (equal priority) and 2 more", or "" when none. */
function takenText(takenBy: readonly TakenBy[]): string {
  if (takenBy.length === 0) return "";
  const named = takenBy.slice(0, NAMED).map((t) => `${JSON.stringify(t.lpar)} (${t.relation} priority${t.leftOut ? ", left out with it" : ""})`);
  const rest = takenBy.length - named.length;
  const list = rest > 0 ? `${named.join(", ")} and ${rest} more` : named.length > 1 ? `${named.slice(0, -1).join(", ")} and ${named[named.length - 1]}` : named[0];
  return `: taken by ${list}`;
}

function waitingReason(shortfall: Shortfall): string {
  return `waits for capacity: ${shortText(shortfall)}${takenText(shortfall.takenBy)}`;
}

function explain(req: PlacementRequest, states: readonly PoolState[], banned: ReadonlySet<string>, view: CapacityView): PlacementOutcome {
  const need = `${fmt(req.processorUnits)} processor units and ${fmt(req.memoryGb)} GiB`;
  const members = req.antiAffinity.map((l) => JSON.stringify(l)).join(", ");
  if (banned.size > 0 && states.some((s) => s.tree.best(req.processorUnits, req.memoryGb) >= 0)) {
    return { system: null, waiting: false, reason: `anti-affinity with ${members} rules out every allowed system with room for ${need}` };
  }
  const shortfallOf = (c: { system: string; pu: number; mem: number }, takenBy: TakenBy[]): Shortfall => ({
    system: c.system,
    ...(c.pu > EPS ? { processorUnits: round(c.pu) } : {}),
    ...(c.mem > EPS ? { memoryGb: round(c.mem) } : {}),
    takenBy,
  });
  if (states.some((s) => s.initial.best(req.processorUnits, req.memoryGb) >= 0)) {
    const best = bestCandidate(req, states, banned, "free");
    if (best === undefined) return { system: null, waiting: false, reason: `anti-affinity with ${members} rules out every allowed system` };
    const takenBy = view.holders(best.system).map((lpar): TakenBy => {
      const slaLevel = view.levelOf(lpar);
      return { lpar, slaLevel, relation: slaLevel > req.slaLevel ? "higher" : slaLevel < req.slaLevel ? "lower" : "equal" };
    });
    const shortfall = shortfallOf(best, takenBy);
    return { system: null, waiting: true, reason: waitingReason(shortfall), shortfall };
  }
  const most = states.reduce((m, s) => {
    const f = s.initial.maxFree();
    return { pu: Math.max(m.pu, f.pu), mem: Math.max(m.mem, f.mem) };
  }, { pu: -Infinity, mem: -Infinity });
  // Too big even before any recovery: no placement of this plan is to blame.
  const shortfall = shortfallOf(bestCandidate(req, states, new Set(), "start") as { system: string; pu: number; mem: number }, []);
  return {
    system: null,
    waiting: false,
    reason: `it needs ${need}, more than any allowed system has free beyond the target's reserve (at most ${fmt(Math.max(0, most.pu))} processor units, ${fmt(Math.max(0, most.mem))} GiB): ${shortText(shortfall)} before any recovery`,
    shortfall,
  };
}
