// Provider decisions and the embedded server's lifecycle: state file, attach, a killed server
// mid-run (clear error), restart on the same data dir without corruption, unreachable servers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../shared/errors.ts';
import { embeddedPaths, resolveDbConfig } from '../config.ts';
import { Database } from '../database.ts';
import { ingestEvidence, getEvidenceByIds } from '../repositories/evidence.ts';
import { readEmbeddedStatus, spawnEmbeddedServer, stopEmbeddedServer } from './embedded.ts';
import { chooseProvider } from './select.ts';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-db-'));
afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

describe('provider choice', () => {
  const probe = (embedded: boolean, namedContainer: boolean) => ({
    embeddedRunning: async () => embedded,
    namedContainer: () => namedContainer,
  });
  it('auto (commands that keep data): DATABASE_URL > running embedded server > named container > file-backed embedded', async () => {
    const auto = { provider: 'auto', inMemory: false } as const;
    expect((await chooseProvider({ ...auto, databaseUrl: 'postgres://x' }, probe(true, true))).provider).toBe('url');
    expect((await chooseProvider({ ...auto, databaseUrl: undefined }, probe(true, true))).provider).toBe('embedded');
    expect((await chooseProvider({ ...auto, databaseUrl: undefined }, probe(false, true))).provider).toBe('container');
    expect(await chooseProvider({ ...auto, databaseUrl: undefined }, probe(false, false))).toEqual({
      provider: 'embedded',
      reason: 'no DATABASE_URL, no running server: the file-backed embedded server',
    });
    expect((await chooseProvider({ provider: 'container', databaseUrl: 'postgres://x', inMemory: false }, probe(false, false))).provider).toBe('container');
  });
  it('validates config once, with fixes', () => {
    expect(() => resolveDbConfig({ provider: 'mysql' })).toThrow(/unknown database provider "mysql"/);
    expect(() => resolveDbConfig({ provider: 'url' }, {})).toThrow(UserError);
    expect(resolveDbConfig({}, { DATABASE_URL: 'postgres://h/db', TRUTHGRAPH_CACHE_DIR: '/tmp/c' })).toMatchObject({
      provider: 'auto',
      databaseUrl: 'postgres://h/db',
      cacheDir: '/tmp/c',
      name: 'default',
    });
  });
});

describe('unreachable servers', () => {
  it('a DATABASE_URL nobody listens on names host:port and the fix', async () => {
    const config = resolveDbConfig({ provider: 'url', databaseUrl: 'postgres://u:p@127.0.0.1:1/db' });
    const error = (await Database.open(config).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/^the database server \(url\) at 127\.0\.0\.1:1 is not reachable: .*ECONNREFUSED/);
    expect(error.fix).toMatch(/DATABASE_URL/);
  });
});

describe('embedded server lifecycle (file-backed)', () => {
  const config = resolveDbConfig({ provider: 'embedded', cacheDir, name: 'life' });
  const paths = embeddedPaths(config);

  it('a detached server is attached to, survives a kill -9 as a clear error, and restarts on intact data', async () => {
    const server = await spawnEmbeddedServer({ dataDir: paths.dataDir, stateFile: paths.stateFile, detached: true, logFile: paths.logFile });
    try {
      const status = await readEmbeddedStatus(paths.stateFile);
      expect(status).toMatchObject({ status: 'running', state: { pid: server.state.pid, port: server.state.port } });

      const db = await Database.open(config);
      expect(db.engine).toMatchObject({ engine: 'pglite', provider: 'embedded', endpoint: `127.0.0.1:${server.state.port}`, poolSize: 1 });
      await ingestEvidence(db, [{ evidence: { id: 'kept', content: 'committed before the crash' } }]);

      process.kill(server.state.pid, 'SIGKILL');
      await server.stop();
      const error = (await db.query('SELECT 1').catch((e: unknown) => e)) as UserError;
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toContain(`(embedded) at 127.0.0.1:${server.state.port} is not reachable`);
      expect(error.fix).toContain('npx truthgraph db start --db-name life');
      await db.close();

      expect(await readEmbeddedStatus(paths.stateFile)).toMatchObject({ status: 'stale', reason: expect.stringMatching(/crashed or killed/) });

      // On-demand restart: stale state cleaned up, data dir recovered, committed row intact.
      const logs: string[] = [];
      const again = await Database.open(config, { log: (m) => logs.push(m) });
      expect(logs.some((l) => l.includes('stale embedded server state'))).toBe(true);
      expect((await getEvidenceByIds(again, ['kept']))[0]?.content).toBe('committed before the crash');
      expect((await readEmbeddedStatus(paths.stateFile)).status).toBe('running');
      await again.close();
      // The on-demand server stops with its owner and removes its state file.
      expect((await readEmbeddedStatus(paths.stateFile)).status).toBe('stopped');
    } finally {
      await stopEmbeddedServer(paths.stateFile);
      await server.stop();
    }
  });
});
