import { it } from 'vitest';
import './this-module-does-not-exist.mjs';
it('never runs', () => {});
