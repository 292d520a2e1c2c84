// setupFiles of the unit and perf projects: the run's database server (chosen once by the unit
// project's global setup or by `npm run perf`) for openEphemeralDatabase in this test file's worker.
import { inject } from 'vitest';
import { useTestServer } from '../src/truthgraph/db/testing.ts';
import { TEST_SERVER_KEY, type TestServerPlan } from '../src/truthgraph/db/test-server.ts';

declare module 'vitest' {
  interface ProvidedContext {
    [TEST_SERVER_KEY]: TestServerPlan;
  }
}

const plan = inject(TEST_SERVER_KEY);
if (plan) useTestServer(plan);
