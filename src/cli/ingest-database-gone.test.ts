// The database server killed (SIGKILL) in the middle of `truthgraph ingest`, with the real CLI
// process and the real embedded server: the command stops with a clear error naming how many rows
// were stored (whole chunks only) and the rerun; the rerun completes with nothing duplicated.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultCacheDir, PROJECT_ROOT } from '../shared/paths.ts';
import { embeddedPaths, resolveDbConfig } from '../truthgraph/db/config.ts';
import { Database } from '../truthgraph/db/database.ts';
import { readEmbeddedStatus } from '../truthgraph/db/providers/embedded.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-ingest-gone-'));
fs.symlinkSync(path.join(defaultCacheDir({}), 'models'), path.join(tmp, 'models'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const ROWS = 6000;
const CHUNK = 500;
const env = { ...process.env, TRUTHGRAPH_CACHE_DIR: tmp, TRUTHGRAPH_DB_PROVIDER: 'embedded' };
const config = resolveDbConfig({ provider: 'embedded', cacheDir: tmp, name: 'gone' });

function ingest(file: string): { exited: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'truthgraph.js'), 'ingest', file, '--db-name', 'gone', '--chunk-size', String(CHUNK)], { cwd: tmp, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return { exited: new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr }))) };
}

/** Evidence rows committed so far, read over our own connection to the command's server. */
async function committedRows(): Promise<{ pid: number; rows: number } | undefined> {
  const status = await readEmbeddedStatus(embeddedPaths(config).stateFile).catch(() => undefined);
  if (status?.status !== 'running') return undefined;
  const client = new pg.Client({ host: status.state.host, port: status.state.port, user: 'postgres', database: 'postgres' });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM evidence');
    return { pid: status.state.pid, rows: Number(rows[0]!.n) };
  } catch {
    return undefined; // not started or the table not created yet
  } finally {
    await client.end().catch(() => {});
  }
}

describe('database server killed in the middle of ingest', () => {
  it('clear error, whole chunks only; the rerun completes without duplicates', { timeout: 600_000 }, async () => {
    const file = path.join(tmp, 'evidence.jsonl');
    fs.writeFileSync(file, Array.from({ length: ROWS }, (_, i) => JSON.stringify({ id: `g${i}`, content: `evidence row ${i} about a tower finished in ${1800 + (i % 200)}` })).join('\n') + '\n');

    const first = ingest(file);
    let killed = false;
    const watcher = (async () => {
      // Kill the server once the first chunk is committed (the command has 11 more to go).
      for (let tries = 0; tries < 3000 && !killed; tries++) {
        const seen = await committedRows();
        if (seen && seen.rows >= CHUNK) {
          process.kill(seen.pid, 'SIGKILL');
          killed = true;
        } else await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const r = await first.exited;
    await watcher;
    expect(killed, 'the server was killed while the command ran').toBe(true);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/error: .*is not reachable/);
    const stored = Number(/(\d+) of 6000 rows were stored before it stopped \(one transaction per chunk: no chunk is half-written\)/.exec(r.stderr)?.[1]);
    expect(stored % CHUNK).toBe(0);
    expect(stored).toBeGreaterThanOrEqual(CHUNK);
    expect(stored).toBeLessThan(ROWS);
    expect(r.stderr).toMatch(/fix: rerun npx truthgraph ingest \S+evidence\.jsonl --db-name gone --chunk-size 500 \(stored rows are updated, never duplicated\)/);
    expect(r.stderr).not.toMatch(/^\s+at /m);

    const again = await ingest(file).exited;
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/ingested 6000\/6000 rows \(6000 embeddings/);

    const db = await Database.open(config);
    try {
      const { rows } = await db.query<{ evidence: string; embeddings: string }>(
        'SELECT (SELECT count(*) FROM evidence) AS evidence, (SELECT count(*) FROM embeddings) AS embeddings',
      );
      expect(rows[0]).toEqual({ evidence: String(ROWS), embeddings: String(ROWS) });
    } finally {
      await db.close();
    }
  });
});
