// vitest globalSetup of the unit project: chooses the run's database server once (DATABASE_URL,
// else a container runtime with the pgvector image, else embedded PGlite; TRUTHGRAPH_DB_PROVIDER
// overrides) and hands it to the test files (test/database-setup.ts). A container started here is
// removed at teardown, or by Ryuk / our reaper if the run is interrupted.
import type { TestProject } from 'vitest/node';
import { resolveTestServerChoice, startTestServer, TEST_SERVER_KEY } from '../src/truthgraph/db/test-server.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startTestServer(resolveTestServerChoice(process.env));
  for (const warning of server.plan.warnings) process.stderr.write(`${warning}\n`);
  if (server.plan.provider !== 'embedded') process.stderr.write(`database of this run: ${server.plan.description}\n`);
  project.provide(TEST_SERVER_KEY, server.plan);
  return () => server.release();
}
