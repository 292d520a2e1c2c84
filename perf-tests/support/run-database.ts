// The database server of a perf run, prepared once by `npm run perf` (bin/perf.js) before the suites
// start: --db-provider / TRUTHGRAPH_DB_PROVIDER / DATABASE_URL resolved by the product's test-server
// rules, one container for the whole run when it is the container, and the engine as the tag of the
// environment class (baselines are per engine). Each suite then opens a database of its own on it.
// An A/B run's sides are child processes of the run that prepared the server: they inherit its plan
// (RUN_DATABASE_ENV) and use the same server, so base and head measure the same engine.
import type { PrepareRunEnvironment } from '../../src/perf/runner/run-perf.ts';
import { resolveTestServerChoice, startTestServer, TEST_SERVER_KEY, type TestServerPlan } from '../../src/truthgraph/db/test-server.ts';

export const RUN_DATABASE_ENV = 'TRUTHGRAPH_RUN_DATABASE';

export const prepareRunDatabase: PrepareRunEnvironment = async (options, io) => {
  const inherited = io.env[RUN_DATABASE_ENV];
  if (inherited) {
    const plan = JSON.parse(inherited) as TestServerPlan;
    return { tag: plan.environmentTag, description: `database: ${plan.description}`, warnings: [], provide: { [TEST_SERVER_KEY]: plan }, release: async () => {} };
  }
  const choice = resolveTestServerChoice(io.env, options.dbProvider);
  const server = await startTestServer(choice, (line) => io.stderr(`${line}\n`));
  // Child processes of this run (A/B sides) find the server here.
  process.env[RUN_DATABASE_ENV] = JSON.stringify(server.plan);
  return {
    tag: server.plan.environmentTag,
    description: `database: ${server.plan.description}`,
    warnings: server.plan.warnings,
    provide: { [TEST_SERVER_KEY]: server.plan },
    release: async () => {
      delete process.env[RUN_DATABASE_ENV];
      await server.release();
    },
  };
};
