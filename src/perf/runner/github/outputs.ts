// Step outputs ($GITHUB_OUTPUT), written from the environment the command was given (not the
// process's), in the delimiter form that keeps any value on one key.
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';

/** false when $GITHUB_OUTPUT is not set (outside Actions): the values are only printed then. */
export function setStepOutputs(env: NodeJS.ProcessEnv, values: Record<string, string>): boolean {
  const file = env.GITHUB_OUTPUT;
  if (!file) return false;
  let text = '';
  for (const [key, value] of Object.entries(values)) {
    const delimiter = `ghadelimiter_${randomUUID()}`;
    text += `${key}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  fs.appendFileSync(file, text);
  return true;
}

/** Read a $GITHUB_OUTPUT file back (both the `k=v` and the delimiter forms), for tests and the local runner. */
export function parseStepOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]!);
      out[heredoc[1]!] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}
