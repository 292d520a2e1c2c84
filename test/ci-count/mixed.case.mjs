import { expect, it } from 'vitest';
it('passes', () => expect(1).toBe(1));
it.skip('is skipped on purpose', () => {});
it('fails', () => expect(1).toBe(2));
