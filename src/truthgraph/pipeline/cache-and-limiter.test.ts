import { describe, expect, it } from 'vitest';
import { EmbeddingCache } from './embedding-cache.ts';
import { BackpressureError, Limiter, mapBounded } from './limiter.ts';

const v = (x: number): Float32Array => Float32Array.of(x);

describe('EmbeddingCache', () => {
  it('evicts the least recently used entry beyond capacity', () => {
    const cache = new EmbeddingCache(2);
    cache.set('p', 'a', v(1));
    cache.set('p', 'b', v(2));
    expect(cache.get('p', 'a')).toEqual(v(1)); // a is now the most recent
    cache.set('p', 'c', v(3)); // evicts b
    expect(cache.get('p', 'b')).toBeUndefined();
    expect(cache.get('p', 'a')).toEqual(v(1));
    expect(cache.get('p', 'c')).toEqual(v(3));
    expect(cache.stats()).toEqual({ hits: 3, misses: 1, evictions: 1, size: 2, capacity: 2 });
  });

  it('keys by pack hash: another pack never gets a cached vector', () => {
    const cache = new EmbeddingCache(4);
    cache.set('pack-a', 'claim', v(1));
    expect(cache.get('pack-b', 'claim')).toBeUndefined();
    expect(cache.get('pack-a', 'claim')).toEqual(v(1));
  });

  it('capacity 0 disables caching', () => {
    const cache = new EmbeddingCache(0);
    cache.set('p', 'a', v(1));
    expect(cache.get('p', 'a')).toBeUndefined();
    expect(cache.stats().size).toBe(0);
  });
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Limiter', () => {
  it('runs at most `concurrency` tasks and rejects beyond the queue limit', async () => {
    const limiter = new Limiter({ concurrency: 2, maxQueued: 1 });
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((g, i) => limiter.run(async () => (started.push(i), await g.promise, i)));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(limiter.queued).toBe(1);
    expect(limiter.hasCapacity()).toBe(false);
    await expect(limiter.run(async () => 99)).rejects.toBeInstanceOf(BackpressureError);

    let ready = false;
    const readyWait = limiter.whenReady().then(() => (ready = true));
    gates[0]!.resolve();
    await readyWait;
    expect(ready).toBe(true);
    expect(started).toEqual([0, 1, 2]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(limiter.peakActive).toBe(2);
    expect(limiter.running).toBe(0);
  });

  it('frees the slot when a task throws', async () => {
    const limiter = new Limiter({ concurrency: 1, maxQueued: 0 });
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 'ok')).toBe('ok');
  });

  it('mapBounded keeps order and the concurrency bound', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded([5, 4, 3, 2, 1], 2, async (x) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, x));
      inFlight -= 1;
      return x * 10;
    });
    expect(out).toEqual([50, 40, 30, 20, 10]);
    expect(peak).toBe(2);
  });
});
