// `truthgraph db start|stop|status|reset|image`: the lifecycle of the local servers that keep data
// (the embedded PGlite server and the named container), and the status of any provider.
import fs from 'node:fs';
import type { Command } from 'commander';
import { embeddedPaths, type DbConfig } from '../../truthgraph/db/config.ts';
import { Database, describeEngine } from '../../truthgraph/db/database.ts';
import { dbNameFlag, embeddedServer, readEmbeddedStatus, spawnEmbeddedServer, stopEmbeddedServer } from '../../truthgraph/db/providers/embedded.ts';
import { namedContainerStatus, removeNamedContainer, startNamedContainer, stopNamedContainer } from '../../truthgraph/db/providers/named-container.ts';
import { countEvidence } from '../../truthgraph/db/repositories/evidence.ts';
import { UserError } from '../../shared/errors.ts';
import { listVectorIndexes } from '../../truthgraph/search/indexes.ts';
import type { CommandContext, RegisterCommands } from '../command-context.ts';
import { registerDbImage } from './db-image.ts';
import { addDbFlags, dbConfigFrom, type DbFlags } from './db-flags.ts';
import { cliCommand } from '../fix-command.ts';

type Flags = DbFlags & { json?: boolean; yes?: boolean };

const usesUrl = (config: DbConfig): boolean => config.provider === 'url' || (config.provider === 'auto' && config.databaseUrl !== undefined);
const nameFlag = (config: DbConfig): string => dbNameFlag(config.name);

export const register: RegisterCommands = (program: Command, ctx: CommandContext) => {
  const db = program.command('db').description('manage the database: the embedded PGlite server, a named Postgres container, or any Postgres via DATABASE_URL');
  const out = (flags: Flags, json: unknown, text: string) => ctx.io.stdout(flags.json ? JSON.stringify(json) + '\n' : text + '\n');

  addDbFlags(db.command('start').description('start the embedded server (default) or, with --db-provider container, a named Postgres container; both keep their data'))
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => {
      const config = dbConfigFrom(flags, ctx.io);
      if (config.provider === 'url') throw new UserError('there is nothing to start for a DATABASE_URL server', { fix: 'start that server yourself; db start manages the embedded server and the named container' });
      if (config.provider === 'container') {
        const started = await startNamedContainer(config, (m) => !flags.json && ctx.io.stderr(m + '\n'));
        const database = await Database.connect(started.server, config);
        await database.close();
        const { container, volume } = started.state;
        return out(flags, { status: started.action, provider: 'container', container, volume, host: started.server.target.host, port: started.server.target.port, engine: database.engine },
          `${started.action === 'running' ? 'already running' : started.action}: container ${container} on ${started.server.endpoint}, data in volume ${volume}\n${describeEngine(database.engine)}\nlater commands use it; stop it with: npx truthgraph db stop${nameFlag(config)}`);
      }
      const paths = embeddedPaths(config);
      const status = await readEmbeddedStatus(paths.stateFile);
      if (status.status === 'running') {
        return out(flags, { status: 'running', ...status.state }, `already running: pid ${status.state.pid} on ${status.state.host}:${status.state.port}`);
      }
      if (status.status === 'stale') {
        ctx.io.stderr(`warning: ${status.reason}; cleaning up the stale state file\n`);
        await stopEmbeddedServer(paths.stateFile);
      }
      const handle = await spawnEmbeddedServer({
        dataDir: config.inMemory ? null : paths.dataDir,
        stateFile: paths.stateFile,
        detached: true,
        logFile: paths.logFile,
      });
      const database = await Database.connect(embeddedServer(handle.state, config.name, async () => {}), config);
      await database.close();
      out(flags, { status: 'started', ...handle.state, engine: database.engine },
        `started: pid ${handle.state.pid} on ${handle.state.host}:${handle.state.port}, data ${handle.state.dataDir ?? 'in memory'}\n${describeEngine(database.engine)}\nstop it with: npx truthgraph db stop${nameFlag(config)}`);
    });

  addDbFlags(db.command('stop').description('stop the embedded server and/or the named container (their data is kept)'))
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => {
      const config = dbConfigFrom(flags, ctx.io);
      const lines: string[] = [];
      const json: Record<string, string> = {};
      if (config.provider !== 'container') {
        const status = await stopEmbeddedServer(embeddedPaths(config).stateFile);
        json.embedded = status.status === 'running' ? 'stopped' : status.status === 'stale' ? 'stale-cleaned' : 'not-running';
        lines.push(status.status === 'stopped' ? 'not running' : status.status === 'stale' ? `cleaned up stale state (${status.reason})` : `stopped pid ${status.state.pid}`);
      }
      if (config.provider !== 'embedded') {
        const status = await stopNamedContainer(config);
        if (status.status !== 'absent' || config.provider === 'container') {
          json.container = status.status === 'running' ? 'stopped' : status.status;
          lines.push(status.status === 'running' ? `stopped container ${status.state.container} (data kept in volume ${status.state.volume})` : `container: ${status.status === 'absent' ? 'none' : `${status.state.container} ${status.status}`}`);
        }
      }
      out(flags, json, lines.join('\n'));
    });

  addDbFlags(db.command('status').description('show the server, engine versions, schema and row counts'))
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => {
      const config = dbConfigFrom(flags, ctx.io);
      const paths = embeddedPaths(config);
      const embedded = config.provider === 'container' || usesUrl(config) ? undefined : await readEmbeddedStatus(paths.stateFile);
      const container = config.provider === 'embedded' || usesUrl(config) ? undefined : await namedContainerStatus(config);
      const running = usesUrl(config) || embedded?.status === 'running' || container?.status === 'running';
      if (!running) {
        const notes: string[] = [];
        const json: Record<string, unknown> = { status: 'not-running' };
        if (embedded) {
          if (embedded.status === 'stale') ctx.setExitCode(1);
          json.embedded = { status: embedded.status, ...(embedded.status === 'stale' ? { reason: embedded.reason } : {}), dataDir: paths.dataDir, dataDirExists: fs.existsSync(paths.dataDir) };
          notes.push(embedded.status === 'stale'
            ? `stale: ${embedded.reason}\n  fix: npx truthgraph db stop${nameFlag(config)} (cleans up; the next command starts a server on demand)`
            : `embedded server not running (data dir ${paths.dataDir}${fs.existsSync(paths.dataDir) ? '' : ', not created yet'}); start it with: npx truthgraph db start${nameFlag(config)}`);
        }
        if (container && (container.status !== 'absent' || config.provider === 'container')) {
          json.container = container.status === 'absent' ? { status: 'absent' } : { status: container.status, container: container.state.container, volume: container.state.volume };
          notes.push(container.status === 'absent'
            ? `no container for this database; create one with: npx truthgraph db start --db-provider container${nameFlag(config)}`
            : `container ${container.state.container}: ${container.status}${container.status === 'no-runtime' ? ' (no container runtime answers)' : ''}; start it with: npx truthgraph db start --db-provider container${nameFlag(config)}`);
        }
        return out(flags, json, notes.join('\n'));
      }
      const provider = usesUrl(config) ? config.provider : container?.status === 'running' && embedded?.status !== 'running' ? 'container' : 'embedded';
      const database = await Database.open({ ...config, provider, migrate: false });
      try {
        const migrations = await database.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version').then((r) => r.rows.map((x) => x.version), () => []);
        const evidence = migrations.length ? await countEvidence(database) : 0;
        const indexes = migrations.length ? await listVectorIndexes(database) : [];
        const info = {
          status: 'running',
          ...(embedded?.status === 'running' ? { pid: embedded.state.pid } : {}),
          ...(container?.status === 'running' ? { container: container.state.container, volume: container.state.volume } : {}),
          engine: database.engine,
          migrations,
          evidence,
          indexes,
        };
        out(flags, info, `running: ${describeEngine(database.engine)}${provider === 'container' && container?.status === 'running' ? ` (container ${container.state.container})` : ''}\nschema versions: ${migrations.join(', ') || 'none'}\nevidence rows: ${evidence}\nvector indexes: ${indexes.map((i) => `${i.name} (${(i.sizeBytes / 1e6).toFixed(1)} MB)`).join(', ') || 'none'}`);
      } finally {
        await database.close();
      }
    });

  addDbFlags(db.command('reset').description('delete the data: the embedded data dir and/or the named container with its volume (or, with --yes, the tables of a DATABASE_URL database)'))
    .option('--yes', 'required for a DATABASE_URL database')
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => {
      const config = dbConfigFrom(flags, ctx.io);
      if (usesUrl(config)) {
        if (!flags.yes) throw new UserError('db reset on a DATABASE_URL database drops its truthgraph tables', { fix: `if that is what you want: ${cliCommand([...ctx.argv, '--yes'])}` });
        const database = await Database.open({ ...config, migrate: false });
        try {
          await database.query('DROP TABLE IF EXISTS nli_results, verification_results, embeddings, evidence, claims, schema_migrations CASCADE');
        } finally {
          await database.close();
        }
        return out(flags, { status: 'reset', provider: 'url' }, `dropped the truthgraph tables at ${database.engine?.endpoint ?? 'DATABASE_URL'}`);
      }
      const lines: string[] = [];
      const json: Record<string, unknown> = { status: 'reset' };
      if (config.provider !== 'container') {
        const paths = embeddedPaths(config);
        await stopEmbeddedServer(paths.stateFile);
        fs.rmSync(paths.dataDir, { recursive: true, force: true });
        json.dataDir = paths.dataDir;
        lines.push(`removed ${paths.dataDir} (the next command recreates it)`);
      }
      if (config.provider !== 'embedded') {
        const removed = await removeNamedContainer(config);
        if (removed.status !== 'absent') {
          json.container = removed.state.container;
          lines.push(`removed container ${removed.state.container} and its volume ${removed.state.volume}`);
        } else if (config.provider === 'container') lines.push('no container for this database');
      }
      out(flags, json, lines.join('\n'));
    });

  registerDbImage(db, ctx);
};
