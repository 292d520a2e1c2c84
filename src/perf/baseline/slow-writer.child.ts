// Child process of the interrupted-save test: writes a baseline slowly through the atomic writer
// and announces every chunk, so the parent can SIGKILL it in the middle of the write.
import fs from 'node:fs';
import { writeFileAtomic } from './atomic-write.ts';

const [file] = process.argv.slice(2);
const text = JSON.stringify({ big: 'x'.repeat(2_000_000) });
const sleeper = new Int32Array(new SharedArrayBuffer(4));
writeFileAtomic(file!, text, {
  chunkBytes: 64 * 1024,
  onChunk: (written, total) => {
    fs.writeSync(1, `chunk ${written}/${total}\n`);
    Atomics.wait(sleeper, 0, 0, 50);
  },
});
fs.writeSync(1, 'done\n');
