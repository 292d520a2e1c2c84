// What a suite adds to the run context (model packs, database, datasets). Lives in the test
// worker; the harness attaches it to every metric the suite records.
import type { DatabaseInfo, DatasetInfo, InstrumentationInfo, ModelInfo, RunContext } from './run-context.ts';

export interface SuiteContext {
  models: ModelInfo[];
  database: DatabaseInfo | null;
  datasets: DatasetInfo[];
  instrumentation?: InstrumentationInfo | null;
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
  setInstrumentation(info: InstrumentationInfo): void {
    current.instrumentation = info;
  },
  snapshot(): SuiteContext {
    return structuredClone(current);
  },
  reset(): void {
    current.models = [];
    current.database = null;
    current.datasets = [];
    delete current.instrumentation;
  },
};

export function withSuiteContext(base: RunContext, suite: SuiteContext): RunContext {
  const instrumentation = suite.instrumentation ? { instrumentation: suite.instrumentation } : {};
  return { ...base, models: suite.models, database: suite.database, datasets: suite.datasets, ...instrumentation };
}
