// Where downloaded hub packs live in the cache, and how a hub reference is written.
import path from 'node:path';

export interface HubRef {
  id: string;
  revision: string;
}

/** `owner/name` or `owner/name@revision`; anything else is not a hub reference. */
export function parseHubRef(ref: string): HubRef | null {
  const m = /^([A-Za-z0-9][\w.-]*\/[\w.-]+)(?:@([\w./-]+))?$/.exec(ref);
  return m ? { id: m[1]!, revision: m[2] ?? 'main' } : null;
}

export function hubPackDir(cacheDir: string, id: string, revision: string): string {
  const safe = (s: string) => s.replace(/[^\w.-]/g, '_');
  return path.join(cacheDir, 'models', 'hub', `${id.split('/').map(safe).join('--')}--${safe(revision)}`);
}
