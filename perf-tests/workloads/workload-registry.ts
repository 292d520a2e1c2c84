// Every named workload by suite, and the lookup `truthgraph perf profile` and run-workload.ts use.
// A suite's first workload is its default (the metric a profile of the suite runs when none is named).
import { UserError } from '../../src/shared/errors.ts';
import { embeddingsWorkloads } from './embeddings-workload.ts';
import { memoryWorkloads } from './memory-workload.ts';
import type { NamedWorkload } from './named-workload.ts';
import { nliWorkloads } from './nli-workload.ts';
import { pipelineWorkloads } from './pipeline-workload.ts';

export const WORKLOADS: Readonly<Record<string, () => NamedWorkload[]>> = {
  embeddings: embeddingsWorkloads,
  nli: nliWorkloads,
  pipeline: pipelineWorkloads,
  memory: memoryWorkloads,
};

export const PROFILED_SUITES = Object.keys(WORKLOADS);

/** The workload of `suite` recording `metric` (default: the suite's first); a UserError naming the valid ones. */
export function findWorkload(suite: string, metric?: string): NamedWorkload {
  const list = WORKLOADS[suite]?.();
  if (!list) {
    throw new UserError(`no workloads for suite "${suite}"`, { fix: `use one of: ${PROFILED_SUITES.join(', ')}` });
  }
  if (metric === undefined) return list[0]!;
  const found = list.find((w) => w.metric === metric) ?? list.find((w) => metric.startsWith(`${w.metric} `));
  if (!found) {
    const shown = list.slice(0, 12).map((w) => `"${w.metric}"`).join(', ');
    throw new UserError(`suite ${suite} has no workload for metric "${metric}"`, {
      fix: `use --metric with one of: ${shown}${list.length > 12 ? `, ... (${list.length} in all: the suite's metric names)` : ''}`,
    });
  }
  return found;
}
