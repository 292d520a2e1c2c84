// Atomic file replacement: write a temp file in the same folder, fsync, then rename over the
// target. A crash or kill at any point leaves either the old file or the new one, never half.
import fs from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Called after each chunk reaches the temp file (tests use it to die mid-write). */
  onChunk?: (written: number, total: number) => void;
  chunkBytes?: number;
}

export function writeFileAtomic(file: string, text: string, options: AtomicWriteOptions = {}): void {
  const { chunkBytes = 64 * 1024, onChunk } = options;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const data = Buffer.from(text, 'utf8');
  const fd = fs.openSync(tmp, 'w');
  try {
    for (let offset = 0; offset < data.length; offset += chunkBytes) {
      const end = Math.min(offset + chunkBytes, data.length);
      fs.writeSync(fd, data, offset, end - offset);
      onChunk?.(end, data.length);
    }
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
}
