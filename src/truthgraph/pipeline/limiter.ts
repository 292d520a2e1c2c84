// Bounded concurrency with back-pressure: at most `concurrency` tasks run, at most `maxQueued` wait;
// beyond that `run` rejects at once (BackpressureError) and producers can `await whenReady()` instead.

export class BackpressureError extends Error {
  override readonly name = 'BackpressureError';
}

export interface LimiterOptions {
  concurrency: number;
  maxQueued: number;
}

export class Limiter {
  readonly concurrency: number;
  readonly maxQueued: number;
  private active = 0;
  private readonly queue: Array<() => void> = [];
  private readonly capacityWaiters: Array<() => void> = [];
  /** Highest number of simultaneously running tasks seen (for tests and reports). */
  peakActive = 0;

  constructor(options: LimiterOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be an integer >= 1, got ${options.concurrency}`);
    }
    if (!Number.isInteger(options.maxQueued) || options.maxQueued < 0) {
      throw new RangeError(`maxQueued must be an integer >= 0, got ${options.maxQueued}`);
    }
    this.concurrency = options.concurrency;
    this.maxQueued = options.maxQueued;
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** True when `run` would accept another task without rejecting. */
  hasCapacity(): boolean {
    return this.active < this.concurrency || this.queue.length < this.maxQueued;
  }

  /** Resolves when `run` would accept another task: the back-pressure signal for producers. */
  whenReady(): Promise<void> {
    if (this.hasCapacity()) return Promise.resolve();
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) {
      if (this.queue.length >= this.maxQueued) {
        throw new BackpressureError(
          `too many pending tasks: ${this.active} running and ${this.queue.length} queued (limit ${this.concurrency} + ${this.maxQueued})`,
        );
      }
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.active += 1;
    }
    this.peakActive = Math.max(this.peakActive, this.active);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.queue.shift();
    // Hand the slot straight to the next queued task (active stays the same), else free it.
    if (next) next();
    else this.active -= 1;
    while (this.capacityWaiters.length > 0 && this.hasCapacity()) this.capacityWaiters.shift()!();
  }
}

/** Maps `items` through `fn` with at most `concurrency` calls in flight, preserving order. */
export async function mapBounded<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker));
  return results;
}
