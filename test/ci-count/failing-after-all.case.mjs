import { afterAll, expect, it } from 'vitest';
afterAll(() => {
  throw new Error('tear-down failed');
});
it('passes before the failing tear-down', () => expect(1).toBe(1));
