// `db start|status|stop|reset` and `ingest --no-embed` through run(argv, io) against a real embedded server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../shared/io.ts';
import { run } from '../main.ts';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-cli-db-'));
const env = { TRUTHGRAPH_CACHE_DIR: cacheDir };
afterAll(async () => {
  await run(['db', 'stop', '--db-name', 'cli'], memoryIo({ env }));
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  const io = memoryIo({ env });
  const code = await run(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('db commands', () => {
  it('start, status, ingest without embeddings, stop, reset', async () => {
    expect((await cli('db', 'status', '--db-name', 'cli')).out).toMatch(/^embedded server not running/);
    const started = JSON.parse((await cli('db', 'start', '--db-name', 'cli', '--json')).out);
    expect(started).toMatchObject({ status: 'started', host: '127.0.0.1', engine: { engine: 'pglite', pgvectorVersion: '0.8.7' } });
    expect(JSON.parse((await cli('db', 'start', '--db-name', 'cli', '--json')).out)).toMatchObject({ status: 'running', pid: started.pid });

    const csv = path.join(cacheDir, 'e.csv');
    fs.writeFileSync(csv, 'id,content,category\na,"Water boils, at 100 °C",science\nb,,science\n');
    const ingest = await cli('ingest', csv, '--no-embed', '--db-name', 'cli', '--json');
    expect(ingest.code).toBe(1);
    expect(JSON.parse(ingest.out)).toMatchObject({ rows: 2, written: 1, failed: [{ index: 1, id: 'b', reason: 'missing or empty content' }] });

    const status = JSON.parse((await cli('db', 'status', '--db-name', 'cli', '--json')).out);
    expect(status).toMatchObject({ status: 'running', pid: started.pid, migrations: [1, 2], evidence: 1, indexes: [] });
    expect((await cli('db', 'stop', '--db-name', 'cli')).out).toBe(`stopped pid ${started.pid}\n`);
    expect((await cli('db', 'reset', '--db-name', 'cli')).out).toMatch(/^removed .*cli/);
    expect(fs.existsSync(path.join(cacheDir, 'db', 'cli'))).toBe(false);
  });
});
