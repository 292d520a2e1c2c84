// Child-process reaper of the containers one process started, used where testcontainers' own
// reaper (Ryuk) cannot run because its image cannot be pulled (docs/containers.md). Started
// detached (its own process group, so a Ctrl-C in the terminal does not reach it) with an IPC
// channel to its owner. When the channel closes (the owner exited, threw, or was killed by any
// signal, SIGKILL included) it removes every container labelled with the owner's session, with
// their anonymous volumes, and exits. Plain .mjs importing only npm packages, so it runs under any
// loader. argv[2] is a JSON config: { label: string, session: string }.
import { getContainerRuntimeClient } from 'testcontainers';

const { label, session } = JSON.parse(process.argv[2] ?? '{}');
let client;
let reaping = false;

async function reap() {
  if (reaping) return;
  reaping = true;
  try {
    client ??= await getContainerRuntimeClient();
    const dockerode = client.container.dockerode;
    const containers = await dockerode.listContainers({ all: true, filters: { label: [`${label}=${session}`] } });
    await Promise.all(containers.map((c) => dockerode.getContainer(c.Id).remove({ force: true, v: true }).catch(() => {})));
  } finally {
    process.exit(0);
  }
}

process.on('disconnect', () => void reap());
process.on('SIGTERM', () => void reap());
// The owner's terminal going away is not the owner going away: wait for the channel to close.
process.on('SIGHUP', () => {});
process.on('SIGINT', () => {});

try {
  client = await getContainerRuntimeClient();
  if (process.connected) process.send({ type: 'ready', pid: process.pid });
} catch (error) {
  if (process.connected) process.send({ type: 'error', message: String(error?.message ?? error) });
  process.exit(1);
}
