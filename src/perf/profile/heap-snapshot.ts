// On-demand heap snapshots for memlab: `npm run perf -- --heap-snapshot` writes one snapshot per
// suite at its end; `npx memlab analyze unbound-object --snapshot-dir <dir>` (or
// `ObjectUnboundGrowthAnalysis`) then shows objects that grow across snapshots.
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';

export function writeHeapSnapshot(dir: string, name: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return v8.writeHeapSnapshot(path.join(dir, `${name}.heapsnapshot`));
}
