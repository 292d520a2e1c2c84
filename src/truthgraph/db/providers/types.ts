// What every provider hands back: where the server is, how to pool against it, how to let it go.

export type ResolvedProvider = 'url' | 'container' | 'embedded';

export interface ConnectionTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Set for the url provider: passed to pg as-is (may carry ssl options etc.). */
  connectionString?: string;
}

export interface DbServer {
  provider: ResolvedProvider;
  target: ConnectionTarget;
  /** "host:port" for messages. */
  endpoint: string;
  /** Pool size that respects the engine's limits. */
  defaultPoolSize: number;
  /** What to tell a user when the server stops answering. */
  unreachableFix: string;
  /** Container providers: the container's id (messages, and tests that watch its removal). */
  containerId?: string;
  /** Stops what this process started (no-op for servers it only attached to). */
  release(): Promise<void>;
  /** Embedded servers this process started: writes a PGlite dumpDataDir tarball (a fixture for loadDump). */
  dumpDataDir?(file: string): Promise<{ bytes: number }>;
}

export type DbLog = (message: string) => void;
