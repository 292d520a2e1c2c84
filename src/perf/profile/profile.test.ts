// The on-demand profilers produce files the tools can open (no timing asserted).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCpuProfile, stopCpuProfile } from './cpu-profile.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-profile-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('cpu profile', () => {
  it('writes a .cpuprofile with nodes and samples', async () => {
    await startCpuProfile(200);
    let s = 0;
    for (let i = 0; i < 2e6; i++) s += Math.sqrt(i);
    const file = await stopCpuProfile(path.join(tmp, 'suite.cpuprofile'));
    expect(s).toBeGreaterThan(0);
    const profile = JSON.parse(fs.readFileSync(file!, 'utf8'));
    expect(profile.nodes.length).toBeGreaterThan(1);
    expect(profile.samples.length).toBeGreaterThan(0);
    expect(await stopCpuProfile(path.join(tmp, 'none.cpuprofile'))).toBeUndefined();
  });
});
