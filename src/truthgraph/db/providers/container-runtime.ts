// The container runtime (Docker, through testcontainers): is one reachable, is an image there (or
// can it be pulled), and what to tell the user when not. testcontainers is imported lazily: only a
// decision that needs a container loads it.
import type { ContainerRuntimeClient } from 'testcontainers';
import { UserError } from '../../../shared/errors.ts';
import type { DbLog } from './types.ts';

/** A pull that neither succeeds nor fails within this is treated as "registry unreachable". */
const PULL_TIMEOUT_MS = 120_000;

/** The runtime client, or undefined when no runtime answers (testcontainers fails in ~1 ms then). */
export async function containerRuntime(): Promise<ContainerRuntimeClient | undefined> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    return await getContainerRuntimeClient();
  } catch {
    return undefined;
  }
}

export function noRuntimeError(image: string): UserError {
  return new UserError('no container runtime answers (Docker: /var/run/docker.sock or DOCKER_HOST)', {
    fix: `start Docker (as root on Debian: apt-get install -y docker.io && dockerd &), then build or pull ${image}; or set DATABASE_URL; or use --db-provider embedded`,
  });
}

export type ImageStatus = { available: true; pulled: boolean } | { available: false; reason: string };

/** Present locally, or pulled now; otherwise why not (registry unreachable, no such image). */
export async function ensureImage(client: ContainerRuntimeClient, image: string, log: DbLog): Promise<ImageStatus> {
  const { ImageName } = await import('testcontainers');
  const name = ImageName.fromString(image);
  if (await client.image.exists(name)) return { available: true, pulled: false };
  log(`image ${image} is not present locally: pulling it`);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the registry within ${PULL_TIMEOUT_MS / 1000} s`)), PULL_TIMEOUT_MS);
    });
    await Promise.race([client.image.pull(name), timeout]);
  } catch (error) {
    return { available: false, reason: describePullFailure(error) };
  } finally {
    clearTimeout(timer);
  }
  // A pull stream can end without an image (an error line inside the stream): check, don't assume.
  return (await client.image.exists(name)) ? { available: true, pulled: true } : { available: false, reason: 'the pull ended without the image' };
}

/** docker-modem errors are long JSON-ish strings; keep the part a user can act on. */
export function describePullFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const detail = (/"message":"([^"]+)"/.exec(text)?.[1] ?? text).split('\n')[0]!.slice(0, 200);
  if (/no such host|dial tcp|i\/o timeout|connection refused|network is unreachable|TLS handshake|no answer from the registry/i.test(text)) {
    return `the image registry cannot be reached (${detail})`;
  }
  if (/not found|manifest unknown|pull access denied|repository does not exist/i.test(text)) return `the registry has no such image (${detail})`;
  return `pulling it failed (${detail})`;
}

/** A missing image (registry unreachable, or no such image): `auto` choices fall back on it. */
export class ImageUnavailableError extends UserError {
  constructor(readonly image: string, readonly reason: string) {
    super(`the container image ${image} is not available: ${reason}`, {
      fix:
        'build it locally from Debian packages: npx truthgraph db image (root + a running dockerd; see docs/containers.md); ' +
        'or set DATABASE_URL to a Postgres with pgvector; or use --db-provider embedded (TRUTHGRAPH_DB_PROVIDER=embedded)',
    });
  }
}

export function imageUnavailableError(image: string, reason: string): ImageUnavailableError {
  return new ImageUnavailableError(image, reason);
}
