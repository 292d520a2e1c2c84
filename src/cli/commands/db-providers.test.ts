// `truthgraph demo` then `truthgraph verify "..."` on every provider, through run(argv, io): the
// second command sees the evidence the first one stored. The file-backed embedded server (auto),
// a DATABASE_URL server (url), and the named container (`--db-provider container`, reused by later
// `auto` commands, also after `db stop`). The container case needs Docker and the pgvector image
// and is skipped, saying why, without them.
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../shared/paths.ts';
import { memoryIo } from '../../shared/io.ts';
import { DEFAULT_CONTAINER_IMAGE } from '../../truthgraph/db/config.ts';
import { containerRuntime, ensureImage } from '../../truthgraph/db/providers/container-runtime.ts';
import { namedContainerNames } from '../../truthgraph/db/providers/named-container.ts';
import { loadSampleDataset } from '../../truthgraph/pipeline/datasets.ts';
import { run } from '../main.ts';

const CLAIM = 'The Eiffel Tower was completed in 1889';
let tmp: string;
let sampleIds: Set<string>;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'tg-providers-'));
  await symlink(path.join(defaultCacheDir({}), 'models'), path.join(tmp, 'models'));
  sampleIds = new Set((await loadSampleDataset()).evidence.map((e) => e.id));
});
afterAll(async () => {
  await cli({}, 'db', 'stop', '--db-name', 'url-host');
  await rm(tmp, { recursive: true, force: true });
});

async function cli(env: Record<string, string>, ...argv: string[]) {
  const io = memoryIo({ cwd: tmp, env: { TRUTHGRAPH_CACHE_DIR: tmp, ...env } });
  const code = await run(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

/** demo, then a separate verify command: its evidence must come from the corpus demo loaded. */
async function demoThenVerify(env: Record<string, string>, demoFlags: string[], verifyFlags: string[]): Promise<{ engine: string }> {
  const demo = await cli(env, 'demo', '--json', '--variant', 'int8', ...demoFlags);
  expect(demo.err).not.toMatch(/error/);
  expect(demo.code).toBe(0);
  expect(JSON.parse(demo.out).ingest.written).toBe(sampleIds.size);
  const verify = await cli(env, 'verify', CLAIM, '--json', '--variant', 'int8', ...verifyFlags);
  expect(verify.err).not.toMatch(/evidence store is empty/);
  expect(verify.code).toBe(0);
  const result = JSON.parse(verify.out) as { engine: string; evidence: Array<{ id: string }> };
  expect(result.evidence.length).toBeGreaterThan(0);
  expect(result.evidence.every((e) => sampleIds.has(e.id))).toBe(true);
  return result;
}

describe('demo then verify: the second command sees the first one\'s data', () => {
  it('embedded (auto: the file-backed embedded server, started per command)', { timeout: 600_000 }, async () => {
    const r = await demoThenVerify({}, ['--db-name', 'auto'], ['--db-name', 'auto']);
    expect(r.engine).toMatch(/PGlite .* via embedded/);
  });

  it('url (DATABASE_URL; here the wire-protocol server of `db start`)', { timeout: 600_000 }, async () => {
    const started = JSON.parse((await cli({}, 'db', 'start', '--db-name', 'url-host', '--json')).out) as { port: number };
    const env = { DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${started.port}/postgres` };
    const r = await demoThenVerify(env, [], []);
    expect(r.engine).toMatch(new RegExp(`via url at 127\\.0\\.0\\.1:${started.port}`));
  });
});

const client = await containerRuntime();
const image = client ? await ensureImage(client, DEFAULT_CONTAINER_IMAGE, () => {}) : undefined;
const why = !client ? 'no container runtime answers' : !image?.available ? `${DEFAULT_CONTAINER_IMAGE} is not available (npx truthgraph db image)` : '';

describe.skipIf(why !== '')(`the named container keeps data between commands${why ? ` (skipped: ${why})` : ''}`, () => {
  afterAll(async () => {
    await cli({}, 'db', 'reset', '--db-provider', 'container', '--db-name', 'ctr');
  });

  it('demo --db-provider container, then verify (auto reuses it), also after db stop', { timeout: 900_000 }, async () => {
    const names = namedContainerNames({ cacheDir: tmp, name: 'ctr' });
    const first = await demoThenVerify({}, ['--db-provider', 'container', '--db-name', 'ctr'], ['--db-name', 'ctr']);
    expect(first.engine).toMatch(/^Postgres 17\.\d+.* \+ pgvector 0\.8\.\d+ via container at 127\.0\.0\.1:\d+/);

    const status = JSON.parse((await cli({}, 'db', 'status', '--db-name', 'ctr', '--json')).out) as { status: string; container: string; evidence: number };
    expect(status).toMatchObject({ status: 'running', container: names.container, evidence: sampleIds.size });

    expect((await cli({}, 'db', 'stop', '--db-name', 'ctr')).out).toContain(`stopped container ${names.container} (data kept in volume ${names.volume})`);
    const again = await cli({}, 'verify', CLAIM, '--json', '--variant', 'int8', '--db-name', 'ctr');
    expect(again.code).toBe(0);
    expect(again.err).toContain(`started container ${names.container}`);
    expect((JSON.parse(again.out) as { evidence: Array<{ id: string }> }).evidence.every((e) => sampleIds.has(e.id))).toBe(true);

    expect((await cli({}, 'db', 'reset', '--db-provider', 'container', '--db-name', 'ctr')).out).toBe(`removed container ${names.container} and its volume ${names.volume}\n`);
    expect(await client!.container.dockerode.listContainers({ all: true, filters: { name: [names.container] } })).toEqual([]);
  });
});
