// How test and perf runs choose their database server, and what a user reads when the pgvector image
// is missing: an error naming the three fixes, or, for `auto`, one warning line and embedded PGlite.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.ts';
import { containerRuntime, describePullFailure, ImageUnavailableError } from './providers/container-runtime.ts';
import { resolveTestServerChoice, startTestServer } from './test-server.ts';

/** An image no registry serves: unreachable registry here, "not found" where one is reachable. */
const MISSING = 'truthgraph-test/no-such-image:none';

describe('choosing the run\'s database server', () => {
  it('--db-provider > TRUTHGRAPH_DB_PROVIDER > auto; url needs DATABASE_URL; unknown kinds are named', () => {
    expect(resolveTestServerChoice({})).toEqual({ provider: 'auto', databaseUrl: undefined, image: 'pgvector/pgvector:pg17' });
    expect(resolveTestServerChoice({ TRUTHGRAPH_DB_PROVIDER: 'container' }).provider).toBe('container');
    expect(resolveTestServerChoice({ TRUTHGRAPH_DB_PROVIDER: 'container' }, 'embedded').provider).toBe('embedded');
    expect(resolveTestServerChoice({ DATABASE_URL: 'postgres://u@h/db' })).toMatchObject({ provider: 'auto', databaseUrl: 'postgres://u@h/db' });
    expect(() => resolveTestServerChoice({}, 'url')).toThrow(/needs DATABASE_URL/);
    expect(() => resolveTestServerChoice({ TRUTHGRAPH_DB_PROVIDER: 'docker' })).toThrow(/unknown database provider "docker"/);
  });

  it('embedded is chosen without touching any runtime', async () => {
    const server = await startTestServer(resolveTestServerChoice({}, 'embedded'));
    expect(server.plan).toMatchObject({ provider: 'embedded', engine: 'pglite', environmentTag: 'pglite', warnings: [] });
    await server.release();
  });

  it('a docker-modem pull failure becomes a sentence about the registry', () => {
    const modem = new Error(
      '(HTTP code 500) server error - Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host ',
    );
    expect(describePullFailure(modem)).toBe(`the image registry cannot be reached (${modem.message})`);
    expect(describePullFailure(new Error('(HTTP code 404) unexpected - {"message":"pull access denied for x, repository does not exist"}'))).toBe(
      'the registry has no such image (pull access denied for x, repository does not exist)',
    );
  });
});

const client = await containerRuntime();

describe.skipIf(!client)(`a missing image${client ? '' : ' (skipped: no container runtime answers)'}`, () => {
  it('container: an error naming the fixes (build the local image, DATABASE_URL, --db-provider embedded)', async () => {
    const error = (await startTestServer({ provider: 'container', databaseUrl: undefined, image: MISSING }).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(ImageUnavailableError);
    expect(error.message).toMatch(new RegExp(`^the container image ${MISSING} is not available: the (image registry cannot be reached|registry has no such image)`));
    expect(error.fix).toMatch(/npx truthgraph db image/);
    expect(error.fix).toMatch(/DATABASE_URL/);
    expect(error.fix).toMatch(/--db-provider embedded/);
  });

  it('auto: one warning line, then embedded PGlite', async () => {
    const server = await startTestServer({ provider: 'auto', databaseUrl: undefined, image: MISSING });
    expect(server.plan.provider).toBe('embedded');
    expect(server.plan.warnings).toHaveLength(1);
    expect(server.plan.warnings[0]).toMatch(new RegExp(`^warning: a container runtime answers but ${MISSING} is not available \\(.*\\); using embedded PGlite \\(fix: npx truthgraph db image\\)$`));
    expect(server.plan.warnings[0]).not.toContain('\n');
  });
});
