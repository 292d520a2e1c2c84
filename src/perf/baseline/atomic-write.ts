// Atomic file replacement: write a temp file in the same folder, fsync, then rename over the
// target. A crash or kill at any point leaves either the old file or the new one, never half; a
// failed write (a full disk) removes the temp file and says that the old file is unchanged.
import fs from 'node:fs';
import path from 'node:path';
import { fileWriteError } from '../../shared/errors.ts';

export interface AtomicWriteOptions {
  /** Called after each chunk reaches the temp file (tests use it to die mid-write). */
  onChunk?: (written: number, total: number) => void;
  chunkBytes?: number;
}

/** A failed write as a UserError: the file, the reason, that the old file stands, and what to do. */
export const writeError = fileWriteError;

export function writeFileAtomic(file: string, text: string, options: AtomicWriteOptions = {}): void {
  const { chunkBytes = 64 * 1024, onChunk } = options;
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const data = Buffer.from(text, 'utf8');
  let fd: number | undefined;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fd = fs.openSync(tmp, 'w');
    for (let offset = 0; offset < data.length; offset += chunkBytes) {
      const end = Math.min(offset + chunkBytes, data.length);
      fs.writeSync(fd, data, offset, end - offset);
      onChunk?.(end, data.length);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw writeError(file, error);
  }
}
