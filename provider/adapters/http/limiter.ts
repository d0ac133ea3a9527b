// Concurrency limits the adapters honour themselves, so the hardware never sees more parallel
// work than it is configured for, whoever calls the adapter.

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a semaphore limit must be an integer >= 1, got ${limit}`);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    // Hand the slot straight to the next waiter: `active` stays the same.
    if (next) next();
    else this.active--;
  }
}

/** One semaphore per key (`system:<id>`), created on first use with the limit `limitOf(key)`. */
export class KeyedLimiter {
  private readonly semaphores = new Map<string, Semaphore>();

  constructor(private readonly limitOf: (key: string) => number) {}

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    let semaphore = this.semaphores.get(key);
    if (!semaphore) {
      semaphore = new Semaphore(this.limitOf(key));
      this.semaphores.set(key, semaphore);
    }
    return semaphore.run(work);
  }
}
