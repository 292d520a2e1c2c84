// The CLI's named container when its image is missing: `--db-provider container` is an error that
// names the fixes and creates nothing; `auto` (which picks the container because a state file says
// this database lives there) warns in one line and keeps working on the embedded server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveDbConfig } from '../config.ts';
import { Database } from '../database.ts';
import { containerRuntime, ImageUnavailableError } from './container-runtime.ts';
import { namedContainerNames, namedContainerStateFile, namedContainerStatus, startNamedContainer } from './named-container.ts';

const MISSING = 'truthgraph-test/no-such-image:none';
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-named-'));
afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));
const client = await containerRuntime();

describe('named container names', () => {
  it('are per database name and per checkout (cache dir), so two clones never share a container', () => {
    const a = namedContainerNames({ cacheDir: '/a/.cache', name: 'default' });
    expect(a.container).toMatch(/^truthgraph-default-[0-9a-f]{8}$/);
    expect(a.volume).toBe(`${a.container}-data`);
    expect(namedContainerNames({ cacheDir: '/b/.cache', name: 'default' }).container).not.toBe(a.container);
    expect(namedContainerNames({ cacheDir: '/a/.cache', name: 'other' }).container).not.toBe(a.container);
  });
});

describe.skipIf(!client)(`a missing image${client ? '' : ' (skipped: no container runtime answers)'}`, () => {
  it('--db-provider container: an error naming the fixes, nothing created', async () => {
    const config = { name: 'missing', cacheDir, containerImage: MISSING };
    const error = (await startNamedContainer(config, () => {}).catch((e: unknown) => e)) as ImageUnavailableError;
    expect(error).toBeInstanceOf(ImageUnavailableError);
    expect(error.fix).toMatch(/npx truthgraph db image.*DATABASE_URL.*--db-provider embedded/);
    expect(fs.existsSync(namedContainerStateFile(config))).toBe(false);
    expect(await namedContainerStatus(config)).toEqual({ status: 'absent' });
  });

  it('auto: one warning line, then the embedded server', async () => {
    const config = resolveDbConfig({ cacheDir, name: 'moved' });
    const names = namedContainerNames(config);
    // The state of a container that has since been removed, whose image is gone too.
    fs.mkdirSync(path.dirname(namedContainerStateFile(config)), { recursive: true });
    const state = { ...names, image: MISSING, user: 'u', password: 'p', database: 'd', createdAt: new Date(0).toISOString() };
    fs.writeFileSync(namedContainerStateFile(config), JSON.stringify(state));
    const warnings: string[] = [];
    const db = await Database.open(config, { warn: (w) => warnings.push(w) });
    try {
      expect(db.engine).toMatchObject({ engine: 'pglite', provider: 'embedded' });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(new RegExp(`^warning: the container image ${MISSING} is not available: .*; using the embedded database instead \\(fix: build it locally`));
    } finally {
      await db.close();
    }
  });
});
