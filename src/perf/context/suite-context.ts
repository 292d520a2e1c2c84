// What a suite adds to the run context (model packs, database, datasets). Lives in the test
// worker; the harness attaches it to every metric the suite records.
import type { DatabaseInfo, DatasetInfo, ModelInfo, RunContext } from './run-context.ts';

export interface SuiteContext {
  models: ModelInfo[];
  database: DatabaseInfo | null;
  datasets: DatasetInfo[];
}

const current: SuiteContext = { models: [], database: null, datasets: [] };

export const suiteContext = {
  addModel(model: ModelInfo): void {
    if (!current.models.some((m) => m.id === model.id && m.hash === model.hash)) current.models.push(model);
  },
  setDatabase(database: DatabaseInfo): void {
    current.database = database;
  },
  addDataset(dataset: DatasetInfo): void {
    if (!current.datasets.some((d) => d.name === dataset.name && d.hash === dataset.hash)) current.datasets.push(dataset);
  },
  snapshot(): SuiteContext {
    return structuredClone(current);
  },
  reset(): void {
    current.models = [];
    current.database = null;
    current.datasets = [];
  },
};

export function withSuiteContext(base: RunContext, suite: SuiteContext): RunContext {
  return { ...base, models: suite.models, database: suite.database, datasets: suite.datasets };
}
