// Progress lines: text with rate and ETA, quiet short steps, periodic lines for long ones, and the
// socket channel from a worker to the run's renderer.
import { describe, expect, it } from 'vitest';
import { doneLine, formatDuration, progressLine } from './format.ts';
import { createProgressRenderer } from './renderer.ts';
import { openProgressServer, progressClient } from './channel.ts';
import type { ProgressEvent } from './renderer.ts';

describe('progress text', () => {
  it('formats durations for people', () => {
    expect(formatDuration(3_250)).toBe('3.3 s');
    expect(formatDuration(42_400)).toBe('42 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(119_700)).toBe('2 min 0 s');
  });

  it('gives counted tasks a share, a rate and an ETA', () => {
    const line = progressLine({ label: 'corpus 50000: embedding', done: 12_000, total: 50_000, unit: 'passages', elapsedMs: 16_000 });
    expect(line).toBe('corpus 50000: embedding: 12,000/50,000 passages (24%), 750 passages/s, ETA 51 s, 16 s so far');
    expect(progressLine({ label: 'hnsw build', elapsedMs: 31_000 })).toBe('hnsw build: 31 s so far');
    expect(doneLine({ label: 'corpus', done: 50_000, unit: 'passages', elapsedMs: 66_000 }, 'cached')).toBe('corpus: done in 1 min 6 s, 50,000 passages at 758/s (cached)');
  });
});

describe('plain-line renderer', () => {
  it('keeps steps under the quiet time silent and shows long ones periodically, then closes them', () => {
    let t = 0;
    const out: string[] = [];
    const r = createProgressRenderer({ tty: false, write: (x) => void out.push(x), now: () => t, quietMs: 5_000, everyMs: 10_000, tickMs: 0 });
    r.handle({ kind: 'start', id: 'a', label: 'quick step' });
    t = 2_000;
    r.tick();
    r.handle({ kind: 'end', id: 'a' });
    expect(out).toEqual([]);

    r.handle({ kind: 'start', id: 'b', label: 'embedding', total: 100, unit: 'texts' });
    r.handle({ kind: 'update', id: 'b', done: 10 });
    t = 7_000;
    r.tick();
    expect(out).toEqual(['embedding: 10/100 texts (10%), 2.00 texts/s, ETA 45 s, 5.0 s so far\n']);
    t = 12_000;
    r.tick(); // less than everyMs since the last line
    expect(out).toHaveLength(1);
    t = 17_000;
    r.handle({ kind: 'update', id: 'b', done: 60 });
    r.tick();
    expect(out[1]).toBe('embedding: 60/100 texts (60%), 4.00 texts/s, ETA 10 s, 15 s so far\n');
    r.handle({ kind: 'end', id: 'b' });
    expect(out[2]).toBe('embedding: done in 15 s, 60 texts at 4.00/s\n');
    r.handle({ kind: 'line', text: 'suite x: started' });
    expect(out[3]).toBe('suite x: started\n');
    r.close();
  });
});

describe('progress channel', () => {
  it('carries a worker task to the renderer of the main process', async () => {
    const events: ProgressEvent[] = [];
    const server = await openProgressServer((e) => events.push(e));
    try {
      const p = progressClient(server.path, () => {
        throw new Error('must not fall back while the channel is up');
      });
      const task = p.task('ingest', { total: 3, unit: 'rows' });
      task.update(2);
      task.end('ok');
      await p.step('index build', async () => 42);
      const deadline = Date.now() + 5_000;
      while (events.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(events.map((e) => e.kind)).toEqual(['start', 'update', 'end', 'start', 'end']);
      expect(events[0]).toMatchObject({ kind: 'start', label: 'ingest', total: 3, unit: 'rows' });
      expect(events[2]).toMatchObject({ kind: 'end', note: 'ok' });
    } finally {
      await server.close();
    }
  });

  it('renders its own plain lines when there is no channel', () => {
    const out: string[] = [];
    const p = progressClient(undefined, (x) => void out.push(x));
    p.line('no channel here');
    expect(out).toEqual(['no channel here\n']);
  });
});
