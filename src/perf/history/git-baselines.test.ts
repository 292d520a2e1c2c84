// The baselines' git history as history points: a temp repository with three commits of one
// baseline file (the last one forced, and moved to a new environment-class folder).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listBaselineVersions, readBaselineHistory, commitDates } from './git-baselines.ts';
import { toSeries } from './points.ts';
import { analyseSeries } from './analyse.ts';
import type { BaselineFile } from '../baseline/schema.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-git-baselines-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: tmp, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' } });
}

function baseline(envClass: string, median: number, extra: Partial<BaselineFile> = {}, calibrationScore = 500): BaselineFile {
  return {
    schemaVersion: 1,
    suite: 'embeddings',
    profile: 'quick',
    environmentClass: envClass,
    savedAt: '2026-01-01T00:00:00.000Z',
    context: {
      cpuModel: 'Intel Xeon Processor', cpuCount: 2, totalMemoryBytes: 8e9, platform: 'linux', osRelease: '6', arch: 'x64', node: 'v20.19.0',
      onnxruntime: null, gitSha: null, gitDirty: null, calibrationScore, models: [], database: null, datasets: [],
    },
    metrics: {
      'embed b32': {
        unit: 'texts/s', direction: 'higher', kind: 'timing',
        samples: [median * 0.98, median, median * 1.02, median * 0.99, median * 1.01],
        estimates: { n: 5, median, p5: median * 0.98, p95: median * 1.02, p99: median * 1.02, mad: 1 },
        budget: { min: 100, source: 'floor' },
      },
    },
    ...extra,
  };
}

function commit(file: string, data: BaselineFile, message: string, date: string): void {
  fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
  fs.writeFileSync(path.join(tmp, file), JSON.stringify(data, null, 2) + '\n');
  git('add', '-A');
  execFileSync('git', ['commit', '-qm', message], { cwd: tmp, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
}

git('init', '-q', '-b', 'main');
commit('baselines/linux-x64-intel-xeon-2c/embeddings.quick.json', baseline('linux-x64-intel-xeon-2c', 400), 'first', '2026-01-01T10:00:00+00:00');
commit('baselines/linux-x64-intel-xeon-2c/embeddings.quick.json', baseline('linux-x64-intel-xeon-2c', 410), 'second', '2026-01-02T10:00:00+00:00');
fs.rmSync(path.join(tmp, 'baselines/linux-x64-intel-xeon-2c'), { recursive: true });
commit('baselines/linux-x64-intel-xeon-2c-pglite/embeddings.quick.json', baseline('linux-x64-intel-xeon-2c-pglite', 300, { forced: { reason: 'new hardware' } }, 390), 'third: forced, moved', '2026-01-03T10:00:00+00:00');

describe('readBaselineHistory', () => {
  it('lists every committed version, newest first, following the move to the new class folder', () => {
    const versions = listBaselineVersions(tmp);
    expect(versions.map((v) => v.path)).toEqual([
      'baselines/linux-x64-intel-xeon-2c-pglite/embeddings.quick.json',
      'baselines/linux-x64-intel-xeon-2c/embeddings.quick.json',
      'baselines/linux-x64-intel-xeon-2c/embeddings.quick.json',
    ]);
    expect(new Set(versions.map((v) => v.currentPath))).toEqual(new Set(['baselines/linux-x64-intel-xeon-2c-pglite/embeddings.quick.json']));
  });

  it('gives one point per version: estimate, interval from the samples, commit, date, forced reason, budget', () => {
    const { points, skipped } = readBaselineHistory(tmp);
    expect(skipped).toEqual([]);
    const [series] = toSeries(points);
    expect(toSeries(points)).toHaveLength(1);
    expect(series!.key).toBe('linux-x64-intel-xeon-2c-pglite quick embeddings › embed b32');
    expect(series!.points.map((p) => p.estimate)).toEqual([400, 410, 300]);
    expect(series!.points.map((p) => p.date.slice(0, 10))).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(series!.points.map((p) => p.forced)).toEqual([null, null, 'new hardware']);
    expect(series!.points.every((p) => p.sha?.length === 40 && p.ci && p.ci[0] <= p.estimate && p.ci[1] >= p.estimate)).toBe(true);
    expect(series!.points[0]!.budget).toEqual({ min: 100, source: 'floor' });
    const dates = commitDates(tmp, [series!.points[0]!.sha!, 'f'.repeat(40)]);
    expect([...dates.keys()]).toEqual([series!.points[0]!.sha]);
  });

  it('marks the environment change (class and calibration) before the third version', () => {
    const analysed = analyseSeries(toSeries(readBaselineHistory(tmp).points)[0]!);
    expect(analysed.envChanges).toEqual([{ index: 2, what: 'environment class linux-x64-intel-xeon-2c -> linux-x64-intel-xeon-2c-pglite, calibration 500 -> 390' }]);
    expect(analysed.skipped).toMatch(/3 point/);
  });
});
