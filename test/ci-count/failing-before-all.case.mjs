import { beforeAll, expect, it } from 'vitest';
beforeAll(() => {
  throw new Error('set-up failed');
});
it('never runs (1)', () => expect(1).toBe(1));
it('never runs (2)', () => expect(1).toBe(1));
