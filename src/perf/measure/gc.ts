// Access to a full garbage collection, with or without `node --expose-gc`.
import v8 from 'node:v8';
import vm from 'node:vm';

let cached: (() => void) | undefined;

/** A function that forces a full GC. Uses global.gc when exposed, else the flag + vm trick. */
export function getGc(): () => void {
  if (cached) return cached;
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return (cached = existing);
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  return (cached = gc);
}
