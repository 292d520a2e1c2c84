// Provider choice of the commands that keep data: explicit, or `auto` = DATABASE_URL > a running
// embedded server > this database name's container (created by `db start --db-provider container`)
// > the file-backed embedded server. `auto` never starts a throw-away container: what one command
// stores must be there for the next. (Test and perf runs choose differently: test-server.ts.)
import type { DbConfig } from '../config.ts';
import type { ResolvedProvider } from './types.ts';

export interface ProviderProbe {
  embeddedRunning: () => Promise<boolean>;
  /** A state file records a named container for this database name (cheap: no runtime call). */
  namedContainer: () => boolean;
}

export async function chooseProvider(
  config: Pick<DbConfig, 'provider' | 'databaseUrl' | 'inMemory'>,
  probe: ProviderProbe,
): Promise<{ provider: ResolvedProvider; reason: string }> {
  if (config.provider !== 'auto') return { provider: config.provider, reason: 'configured' };
  if (config.databaseUrl) return { provider: 'url', reason: 'DATABASE_URL is set' };
  if (config.inMemory) return { provider: 'embedded', reason: '--in-memory' };
  if (await probe.embeddedRunning()) return { provider: 'embedded', reason: 'an embedded server is running for this data dir' };
  if (probe.namedContainer()) return { provider: 'container', reason: 'this database lives in its named container (db start --db-provider container)' };
  return { provider: 'embedded', reason: 'no DATABASE_URL, no running server: the file-backed embedded server' };
}
