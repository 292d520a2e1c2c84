import { describe, expect, it } from 'vitest';
import { run } from './main.ts';
import { memoryIo } from '../shared/io.ts';

describe('truthgraph CLI', () => {
  it('prints help and exits 0', async () => {
    const io = memoryIo();
    expect(await run(['--help'], io)).toBe(0);
    expect(io.out.join('')).toContain('Usage: truthgraph');
  });

  it('exits 2 on an unknown command and says so', async () => {
    const io = memoryIo();
    expect(await run(['no-such-command'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/unknown command|too many arguments/);
  });
});
