// Child-process entry of the embedded engine: PGlite + pgvector (+ pg_stat_statements) served on
// 127.0.0.1 by pglite-socket. Plain .mjs importing only npm packages, so it runs under any loader.
// argv[2] is a JSON config: { dataDir: string|null, host, port, maxConnections, stateFile: string|null,
// exitWithParent: boolean, loadDump: string|null }. Reports readiness as an IPC message (or a JSON
// line on stdout without IPC) and removes its state file on shutdown. IPC {type:'dump', id, file}
// writes a dumpDataDir tarball and answers {type:'dumped'|'dump-error', id}.
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { pg_stat_statements } from '@electric-sql/pglite/contrib/pg_stat_statements';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const config = JSON.parse(process.argv[2] ?? '{}');

function send(message) {
  if (process.send) process.send(message);
  else process.stdout.write(JSON.stringify(message) + '\n');
}

let db;
let server;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  try {
    if (server) await server.stop();
    // close() checkpoints and releases the data dir cleanly, so a restart does not replay WAL.
    if (db) await db.close();
  } catch (error) {
    process.stderr.write(`embedded server shutdown error: ${error?.message ?? error}\n`);
  } finally {
    if (config.stateFile) fs.rmSync(config.stateFile, { force: true });
    process.exit(code);
  }
}

process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));
if (config.exitWithParent) process.on('disconnect', () => void shutdown(0));
process.on('message', (message) => {
  if (message && message.type === 'stop') void shutdown(0);
  if (message && message.type === 'dump') void dump(message);
});

// dumpDataDir to a file (temp + rename), for fixtures that load in ~0.4 s instead of re-ingesting.
async function dump({ id, file, compression }) {
  try {
    if (!db) throw new Error('server not started');
    const blob = await db.dumpDataDir(compression ?? 'none');
    const tmp = `${file}.${process.pid}.tmp`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    fs.renameSync(tmp, file);
    send({ type: 'dumped', id, file, bytes: fs.statSync(file).size });
  } catch (error) {
    send({ type: 'dump-error', id, message: String(error?.message ?? error) });
  }
}

try {
  if (config.dataDir) fs.mkdirSync(path.dirname(config.dataDir), { recursive: true });
  let loadDataDir;
  if (config.loadDump && (!config.dataDir || !fs.existsSync(path.join(config.dataDir, 'PG_VERSION')))) {
    loadDataDir = new Blob([fs.readFileSync(config.loadDump)]);
  }
  db = await PGlite.create({
    ...(config.dataDir ? { dataDir: config.dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    extensions: { vector, pg_stat_statements },
  });
  server = new PGLiteSocketServer({
    db,
    host: config.host ?? '127.0.0.1',
    port: config.port ?? 0,
    maxConnections: config.maxConnections ?? 8,
  });
  await server.start();
  const conn = server.getServerConn();
  const port = Number(conn.slice(conn.lastIndexOf(':') + 1));
  const state = {
    pid: process.pid,
    host: config.host ?? '127.0.0.1',
    port,
    dataDir: config.dataDir ?? null,
    startedAt: new Date().toISOString(),
  };
  if (config.stateFile) {
    fs.mkdirSync(path.dirname(config.stateFile), { recursive: true });
    const tmp = `${config.stateFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state, null, 2));
    fs.renameSync(tmp, config.stateFile);
  }
  send({ type: 'ready', ...state });
} catch (error) {
  send({ type: 'error', message: String(error?.message ?? error) });
  if (config.stateFile) fs.rmSync(config.stateFile, { force: true });
  process.exit(1);
}
