// The side's end of the lockstep protocol, used inside vitest workers (and by the side's main
// process to announce its suite files): announce a checkpoint, wait for the conductor's word.
// One connection per process, requests strictly one at a time (tests and measure() run in order).
import net from 'node:net';
import { UserError } from '../../shared/errors.ts';
import { encode, lineDecoder, type Side, type ToConductor, type ToSide } from './protocol.ts';

export class LockstepClient {
  private readonly inbox: ToSide[] = [];
  private waiter: { resolve: (m: ToSide) => void; reject: (e: Error) => void } | undefined;
  private closed: Error | undefined;

  private constructor(
    private readonly socket: net.Socket,
    readonly side: Side,
  ) {
    socket.on('data', lineDecoder<ToSide>((m) => this.deliver(m)));
    const gone = (why: string) => () => this.fail(new UserError(`the A/B conductor went away (${why}) while ${side} waited for its turn`, { fix: 'see the output of `npm run perf -- --base ...` for the cause' }));
    socket.on('close', gone('socket closed'));
    socket.on('error', (e) => gone(e.message)());
  }

  static connect(socketPath: string, side: Side, role: 'worker' | 'main'): Promise<LockstepClient> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection(socketPath);
      socket.once('connect', () => {
        const client = new LockstepClient(socket, side);
        client.send({ type: 'hello', side, pid: process.pid, role });
        resolve(client);
      });
      socket.once('error', (e) => reject(new UserError(`cannot reach the A/B conductor at ${socketPath}: ${e.message}`, { fix: '--ab-side/--ab-socket are internal flags of `npm run perf -- --base <ref>`; do not pass them by hand' })));
    });
  }

  send(message: ToConductor): void {
    if (this.closed) throw this.closed;
    this.socket.write(encode(message));
  }

  /** The conductor's next message. */
  next(): Promise<ToSide> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Send a message and wait for the answer. */
  async request(message: ToConductor): Promise<ToSide> {
    this.send(message);
    const answer = await this.next();
    if (answer.type === 'error') throw new UserError(answer.message, { fix: 'see the output of `npm run perf -- --base ...`' });
    return answer;
  }

  close(): void {
    this.socket.end();
  }

  /** Do not keep the process alive for the connection's sake. */
  unref(): void {
    this.socket.unref();
  }

  private deliver(m: ToSide): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      if (m.type === 'error') w.reject(new UserError(m.message));
      else w.resolve(m);
    } else this.inbox.push(m);
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(error);
  }
}
