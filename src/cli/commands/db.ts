// `truthgraph db start|stop|status|reset`: the embedded server's lifecycle (and status of any provider).
import fs from 'node:fs';
import type { Command } from 'commander';
import { embeddedPaths } from '../../truthgraph/db/config.ts';
import { Database, describeEngine } from '../../truthgraph/db/database.ts';
import { dbNameFlag, embeddedServer, readEmbeddedStatus, spawnEmbeddedServer, stopEmbeddedServer } from '../../truthgraph/db/providers/embedded.ts';
import { countEvidence } from '../../truthgraph/db/repositories/evidence.ts';
import { UserError } from '../../shared/errors.ts';
import { listVectorIndexes } from '../../truthgraph/search/indexes.ts';
import type { CommandContext } from '../command-context.ts';
import { addDbFlags, dbConfigFrom, type DbFlags } from './db-flags.ts';
import type { RegisterCommands } from '../command-context.ts';
import { cliCommand } from '../fix-command.ts';

type Flags = DbFlags & { json?: boolean; yes?: boolean };

export const register: RegisterCommands = (program: Command, ctx: CommandContext) => {
  const db = program.command('db').description('manage the database (embedded PGlite server, or any Postgres via DATABASE_URL)');
  const out = (flags: Flags, json: unknown, text: string) => ctx.io.stdout(flags.json ? JSON.stringify(json) + '\n' : text + '\n');

  addDbFlags(db.command('start').description('start the embedded server in the background (file-backed data dir)'))
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => {
      const config = dbConfigFrom({ ...flags, dbProvider: 'embedded' }, ctx.io);
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
        `started: pid ${handle.state.pid} on ${handle.state.host}:${handle.state.port}, data ${handle.state.dataDir ?? 'in memory'}\n${describeEngine(database.engine)}\nstop it with: npx truthgraph db stop${config.name === 'default' ? '' : ` --db-name ${config.name}`}`);
    });

  addDbFlags(db.command('stop').description('stop the embedded server'))
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => {
      const config = dbConfigFrom(flags, ctx.io);
      const status = await stopEmbeddedServer(embeddedPaths(config).stateFile);
      const text = status.status === 'stopped' ? 'not running' : status.status === 'stale' ? `cleaned up stale state (${status.reason})` : `stopped pid ${status.state.pid}`;
      out(flags, { status: status.status === 'running' ? 'stopped' : status.status === 'stale' ? 'stale-cleaned' : 'not-running' }, text);
    });

  addDbFlags(db.command('status').description('show the server, engine versions, schema and row counts'))
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => {
      const config = dbConfigFrom(flags, ctx.io);
      const paths = embeddedPaths(config);
      const status = await readEmbeddedStatus(paths.stateFile);
      const useUrl = config.provider === 'url' || (config.provider === 'auto' && config.databaseUrl);
      if (!useUrl && status.status !== 'running') {
        if (status.status === 'stale') ctx.setExitCode(1);
        return out(flags, { status: status.status, ...(status.status === 'stale' ? { reason: status.reason } : {}), dataDir: paths.dataDir, dataDirExists: fs.existsSync(paths.dataDir) },
          status.status === 'stale'
            ? `stale: ${status.reason}\n  fix: npx truthgraph db stop${dbNameFlag(config.name)} (cleans up; the next command starts a server on demand)`
            : `embedded server not running (data dir ${paths.dataDir}${fs.existsSync(paths.dataDir) ? '' : ', not created yet'}); start it with: npx truthgraph db start${dbNameFlag(config.name)}`);
      }
      const database = await Database.open({ ...config, migrate: false }, { probeContainer: async () => false });
      try {
        const migrations = await database.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version').then((r) => r.rows.map((x) => x.version), () => []);
        const evidence = migrations.length ? await countEvidence(database) : 0;
        const indexes = migrations.length ? await listVectorIndexes(database) : [];
        const info = { status: 'running', ...(status.status === 'running' ? { pid: status.state.pid } : {}), engine: database.engine, migrations, evidence, indexes };
        out(flags, info, `running: ${describeEngine(database.engine)}\nschema versions: ${migrations.join(', ') || 'none'}\nevidence rows: ${evidence}\nvector indexes: ${indexes.map((i) => `${i.name} (${(i.sizeBytes / 1e6).toFixed(1)} MB)`).join(', ') || 'none'}`);
      } finally {
        await database.close();
      }
    });

  addDbFlags(db.command('reset').description('delete the embedded data dir (or drop the tables of a DATABASE_URL database)'))
    .option('--yes', 'required for a DATABASE_URL database')
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => {
      const config = dbConfigFrom(flags, ctx.io);
      if (config.provider === 'url' || (config.provider === 'auto' && config.databaseUrl)) {
        if (!flags.yes) throw new UserError('db reset on a DATABASE_URL database drops its truthgraph tables', { fix: `if that is what you want: ${cliCommand([...ctx.argv, '--yes'])}` });
        const database = await Database.open({ ...config, migrate: false });
        try {
          await database.query('DROP TABLE IF EXISTS nli_results, verification_results, embeddings, evidence, claims, schema_migrations CASCADE');
        } finally {
          await database.close();
        }
        return out(flags, { status: 'reset', provider: 'url' }, `dropped the truthgraph tables at ${database.engine?.endpoint ?? 'DATABASE_URL'}`);
      }
      const paths = embeddedPaths(config);
      await stopEmbeddedServer(paths.stateFile);
      fs.rmSync(paths.dataDir, { recursive: true, force: true });
      out(flags, { status: 'reset', dataDir: paths.dataDir }, `removed ${paths.dataDir} (the next command recreates it)`);
    });
};
