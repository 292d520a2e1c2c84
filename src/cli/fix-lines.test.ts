// Every error whose fix line names a command is checked the way a user would use it: run the
// original command (it fails, exit 2), run the command(s) the fix line names, run the original
// again (it works). The fix line is parsed from what the CLI printed, not rebuilt by the test.
// Errors whose fix is an edit of the input (a malformed line N, an empty claim, a bad flag value)
// are covered by the bad-input sweep (bad-input.test.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../shared/io.ts';
import { defaultCacheDir } from '../shared/paths.ts';
import { run } from './main.ts';
import { SAMPLE_EVIDENCE } from './fix-command.ts';

const SLOW = 600_000; // each case loads models and starts embedded servers; the machine is shared
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-fix-lines-'));
fs.symlinkSync(path.join(defaultCacheDir({}), 'models'), path.join(tmp, 'models'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function cli(args: string[], cacheDir = tmp): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({ cwd: tmp, env: { TRUTHGRAPH_CACHE_DIR: cacheDir, TRUTHGRAPH_DB_PROVIDER: 'embedded' } });
  const code = await run(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

/** Words of a POSIX-quoted command line (we quote with single quotes only). */
function shellWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/(?:'([^']*)'|([^\s']+))+/g)) words.push(m[0].replace(/'([^']*)'/g, '$1').replace(/\\'/g, "'"));
  return words;
}

/** The `npx truthgraph ...` commands named on the fix line, as argument lists, in order. */
export function fixCommands(stderr: string): string[][] {
  const fix = /\n {2}fix: (.*)/.exec(stderr)?.[1];
  if (!fix) throw new Error(`no fix line in: ${stderr}`);
  return fix
    .split('npx truthgraph ')
    .slice(1)
    .map((segment) => shellWords(segment.split(/, then |;| \(| &&/)[0]!.trim()));
}

/** Original fails with exit 2; each fix command works; the original then works. Returns the printed error. */
async function fixWorks(original: string[], options: { cacheDir?: string; rerun?: string[] } = {}): Promise<string> {
  const first = await cli(original, options.cacheDir);
  expect(first.code, first.err).toBe(2);
  const commands = fixCommands(first.err);
  expect(commands.length).toBeGreaterThan(0);
  for (const command of commands) {
    const isRerun = JSON.stringify(command) === JSON.stringify(original);
    if (isRerun) continue; // "then rerun <the original>": done below
    const r = await cli(command, options.cacheDir);
    expect(r.code, `${command.join(' ')}\n${r.err}`).toBe(0);
  }
  const again = await cli(options.rerun ?? original, options.cacheDir);
  expect(again.code, again.err).toBe(0);
  return first.err;
}

describe('fix lines are commands that work', () => {
  it('verify on an empty store: the fix ingests the sample corpus into that database with the same variant', async () => {
    const err = await fixWorks(['verify', 'Water boils at 100 degrees Celsius at sea level', '--db-name', 'fx-empty', '--variant', 'int8', '-k', '3']);
    expect(err).toMatch(/evidence store is empty/);
    expect(fixCommands(err)[0]).toEqual(['ingest', SAMPLE_EVIDENCE, '--db-name', 'fx-empty', '--variant', 'int8']);
  }, SLOW);

  it('ingest then verify with the defaults (the dead end this replaces): one default, verify works', async () => {
    expect((await cli(['ingest', SAMPLE_EVIDENCE, '--db-name', 'fx-default'])).code).toBe(0);
    const r = await cli(['verify', 'The Eiffel Tower was completed in 1889', '--db-name', 'fx-default', '-k', '3', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ packs: { embedder: { variant: 'int8' } } });
  }, SLOW);

  it('a corpus embedded with fp32: verify and search without --variant follow it; with --variant int8 the fix embeds the stored evidence', async () => {
    expect((await cli(['ingest', SAMPLE_EVIDENCE, '--db-name', 'fx-fp32', '--variant', 'fp32'])).code).toBe(0);
    const follow = await cli(['verify', 'The Eiffel Tower was completed in 1889', '--db-name', 'fx-fp32', '-k', '3', '--json']);
    expect(follow.code, follow.err).toBe(0);
    expect(JSON.parse(follow.out)).toMatchObject({ packs: { embedder: { variant: 'fp32' }, nli: { variant: 'int8' } } });
    const search = await cli(['search', 'ocean temperature', '--db-name', 'fx-fp32', '--k', '3']);
    expect(search.code, search.err).toBe(0);
    expect(search.err).toMatch(/embedded with minilm-l6-h384-\w+:fp32: embedding the query with the fp32 variant too/);
    const err = await fixWorks(['verify', 'The Eiffel Tower was completed in 1889', '--db-name', 'fx-fp32', '--variant', 'int8', '-k', '3']);
    expect(err).toMatch(/250 evidence items embedded with minilm-l6-h384-\w+:fp32, none with minilm-l6-h384-\w+:int8/);
    expect(fixCommands(err)[0]).toEqual(['ingest', '--stored', '--db-name', 'fx-fp32', '--variant', 'int8']);
  }, SLOW);

  it('search on evidence stored without embeddings: the fix embeds the stored evidence', async () => {
    expect((await cli(['ingest', SAMPLE_EVIDENCE, '--db-name', 'fx-noembed', '--no-embed'])).code).toBe(0);
    const err = await fixWorks(['search', 'ocean temperature', '--db-name', 'fx-noembed', '--pack', 'minilm-l6-h384', '--k', '3']);
    expect(err).toMatch(/250 evidence items \(none embedded\), none embedded with minilm/);
  }, SLOW);

  it('a database schema newer than the code: the fix resets that database', async () => {
    expect((await cli(['ingest', SAMPLE_EVIDENCE, '--db-name', 'fx-schema', '--no-embed'])).code).toBe(0);
    const { Database } = await import('../truthgraph/db/database.ts');
    const { resolveDbConfig } = await import('../truthgraph/db/config.ts');
    const db = await Database.open(resolveDbConfig({ provider: 'embedded', name: 'fx-schema', cacheDir: tmp }));
    await db.query("INSERT INTO schema_migrations (version, name, checksum) VALUES (99, 'from_the_future', 'x')");
    await db.close();
    const err = await fixWorks(['ingest', SAMPLE_EVIDENCE, '--db-name', 'fx-schema', '--no-embed']);
    expect(err).toMatch(/schema is at version 99 .* only knows up to 2/);
    expect(fixCommands(err)[0]).toEqual(['db', 'reset', '--db-name', 'fx-schema']);
  }, SLOW);

  it('a damaged embedded data dir: the fix resets it', async () => {
    expect((await cli(['ingest', SAMPLE_EVIDENCE, '--db-name', 'fx-damaged', '--no-embed'])).code).toBe(0);
    fs.writeFileSync(path.join(tmp, 'db', 'fx-damaged', 'global', 'pg_control'), Buffer.alloc(8192, 0x5a));
    const err = await fixWorks(['ingest', SAMPLE_EVIDENCE, '--db-name', 'fx-damaged', '--no-embed']);
    expect(err).toMatch(/embedded database server failed to start/);
    expect(fixCommands(err)[0]).toEqual(['db', 'reset', '--db-name', 'fx-damaged']);
  }, SLOW);

  it('db reset of a DATABASE_URL database without --yes: the fix adds --yes', async () => {
    const started = await cli(['db', 'start', '--db-name', 'fx-url', '--json']);
    expect(started.code, started.err).toBe(0);
    const { port } = JSON.parse(started.out) as { port: number };
    try {
      const url = ['--db-provider', 'url', '--database-url', `postgres://postgres:postgres@127.0.0.1:${port}/postgres`];
      const err = await fixWorks(['db', 'reset', ...url], { rerun: ['db', 'status', ...url] });
      expect(err).toMatch(/drops its truthgraph tables/);
    } finally {
      await cli(['db', 'stop', '--db-name', 'fx-url']);
    }
  }, SLOW);

  it('a stale server state: db status names db stop, which cleans it up', async () => {
    const started = await cli(['db', 'start', '--db-name', 'fx-stale', '--json']);
    const { pid } = JSON.parse(started.out) as { pid: number };
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const status = await cli(['db', 'status', '--db-name', 'fx-stale']);
    expect(status.code).toBe(1);
    expect(status.out).toMatch(/stale: server pid \d+ is gone[\s\S]*fix: npx truthgraph db stop --db-name fx-stale/);
    expect((await cli(['db', 'stop', '--db-name', 'fx-stale'])).code).toBe(0);
    const after = await cli(['db', 'status', '--db-name', 'fx-stale']);
    expect(after.code).toBe(0);
    expect(after.out).toMatch(/embedded server not running/);
  }, SLOW);
});

describe('a corrupted model file names the file and the rebuild command, which works', () => {
  // A private copy of the embedding pack, so the rebuild writes there and nowhere else.
  const cache = path.join(tmp, 'private-cache');
  const models = path.join(defaultCacheDir({}), 'models');
  const packDir = fs.readdirSync(models).find((d) => d.startsWith('minilm-l6-h384-'))!;
  const file = path.join(cache, 'models', packDir, 'onnx', 'model_quantized.onnx');

  it.each([
    ['one byte flipped', () => {
      const fd = fs.openSync(file, 'r+');
      const byte = Buffer.alloc(1);
      fs.readSync(fd, byte, 0, 1, 4096);
      byte[0] = byte[0]! ^ 0xff;
      fs.writeSync(fd, byte, 0, 1, 4096);
      fs.closeSync(fd);
    }],
    ['truncated', () => fs.truncateSync(file, fs.statSync(file).size >> 1)],
  ])('%s', async (_name, corrupt) => {
    fs.rmSync(cache, { recursive: true, force: true });
    fs.mkdirSync(path.join(cache, 'models'), { recursive: true });
    fs.cpSync(path.join(models, packDir), path.join(cache, 'models', packDir), { recursive: true });
    corrupt();
    const err = await fixWorks(['embed', 'a short text', '--variant', 'int8'], { cacheDir: cache });
    expect(err).toContain(`file ${file} is corrupt (sha256 does not match the manifest)`);
    expect(fixCommands(err)[0]).toEqual(['models', 'build', 'minilm-l6-h384', '--force']);
  }, SLOW);
});
