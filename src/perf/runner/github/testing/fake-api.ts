// A loopback stand-in for the few GitHub REST endpoints the workflows call, serving recorded
// pull requests and keeping comments in memory, so that the real Octokit calls of the comment,
// refresh and recheck commands run in tests and in scripts/ci-local.ts. Every request is logged.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: 'User' | 'Bot' };
  author_association: string;
  created_at: string;
}

export interface FakeApiState {
  /** Recorded `GET /repos/{o}/{r}/pulls/{n}` payloads, by number. */
  pulls: Record<string, unknown>;
  comments: Record<string, FakeComment[]>;
  dispatches: { workflow: string; ref: string; inputs: Record<string, string> }[];
  log: { method: string; path: string; body?: unknown }[];
}

export interface FakeApi {
  url: string;
  state: FakeApiState;
  close: () => Promise<void>;
}

export async function startFakeApi(initial: Partial<Pick<FakeApiState, 'pulls' | 'comments'>> = {}): Promise<FakeApi> {
  const state: FakeApiState = { pulls: initial.pulls ?? {}, comments: initial.comments ?? {}, dispatches: [], log: [] };
  let nextId = 1000;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      const url = new URL(req.url ?? '/', 'http://localhost');
      state.log.push({ method: req.method ?? '', path: url.pathname, ...(body && { body }) });
      const send = (status: number, json?: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(json === undefined ? '' : JSON.stringify(json));
      };
      let m: RegExpExecArray | null;
      if (req.method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)$/.exec(url.pathname))) {
        const pr = state.pulls[m[1]!];
        return pr ? send(200, pr) : send(404, { message: 'Not Found' });
      }
      if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname))) {
        const list = (state.comments[m[1]!] ??= []);
        if (req.method === 'GET') {
          const page = Number(url.searchParams.get('page') ?? '1');
          const perPage = Number(url.searchParams.get('per_page') ?? '30');
          return send(200, list.slice((page - 1) * perPage, page * perPage));
        }
        if (req.method === 'POST') {
          const c: FakeComment = { id: nextId++, body: String(body?.body ?? ''), user: { login: 'github-actions[bot]', type: 'Bot' }, author_association: 'NONE', created_at: new Date().toISOString() };
          list.push(c);
          return send(201, c);
        }
      }
      if (req.method === 'PATCH' && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname))) {
        const c = Object.values(state.comments)
          .flat()
          .find((x) => x.id === Number(m![1]));
        if (!c) return send(404, { message: 'Not Found' });
        c.body = String(body?.body ?? '');
        return send(200, c);
      }
      if (req.method === 'POST' && (m = /^\/repos\/[^/]+\/[^/]+\/actions\/workflows\/([^/]+)\/dispatches$/.exec(url.pathname))) {
        state.dispatches.push({ workflow: m[1]!, ref: String(body?.ref), inputs: (body?.inputs ?? {}) as Record<string, string> });
        return send(204);
      }
      send(404, { message: `the fake GitHub API has no ${req.method} ${url.pathname}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, state, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
