// Provider choice: explicit, or `auto` = DATABASE_URL > a running embedded server > container runtime > embedded.
import type { DbConfig } from '../config.ts';
import type { ResolvedProvider } from './types.ts';

export interface ProviderProbe {
  embeddedRunning: () => Promise<boolean>;
  containerRuntime: () => Promise<boolean>;
}

export async function chooseProvider(
  config: Pick<DbConfig, 'provider' | 'databaseUrl' | 'inMemory'>,
  probe: ProviderProbe,
): Promise<{ provider: ResolvedProvider; reason: string }> {
  if (config.provider !== 'auto') return { provider: config.provider, reason: 'configured' };
  if (config.databaseUrl) return { provider: 'url', reason: 'DATABASE_URL is set' };
  if (!config.inMemory && (await probe.embeddedRunning())) {
    return { provider: 'embedded', reason: 'an embedded server is running for this data dir' };
  }
  if (await probe.containerRuntime()) return { provider: 'container', reason: 'a container runtime is reachable' };
  return { provider: 'embedded', reason: 'no DATABASE_URL and no container runtime' };
}
