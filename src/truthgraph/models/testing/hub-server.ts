// A loopback stand-in for the Hugging Face hub, for tests: serves one folder as model repos,
// implementing just what @huggingface/hub's listFiles/downloadFile call:
//   GET /api/models/<owner>/<name>/tree/<rev>?recursive=..  -> [{type, path, size, oid}]
//   GET /<owner>/<name>/resolve/<rev>/<path>  (Range: bytes=a-b -> 206 + Content-Range; else 200)
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface HubServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

function walk(dir: string, prefix = ''): Array<{ path: string; size: number }> {
  return readdirSync(path.join(dir, prefix)).sort().flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry}` : entry;
    const st = statSync(path.join(dir, rel));
    return st.isDirectory() ? walk(dir, rel) : [{ path: rel, size: st.size }];
  });
}

/** `repos` maps "owner/name" to a local folder; only revision "main" exists. */
export async function startHubServer(repos: Record<string, string>): Promise<HubServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)\/?$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const notFound = (code: string) => {
      res.writeHead(404, { 'Content-Type': 'application/json', 'X-Error-Code': code });
      res.end(JSON.stringify({ error: code }));
    };
    if (tree) {
      const dir = repos[decodeURIComponent(tree[1]!)];
      if (!dir || decodeURIComponent(tree[2]!) !== 'main') return notFound(dir ? 'RevisionNotFound' : 'RepoNotFound');
      const files = walk(dir).map((f) => ({ type: 'file', path: f.path, size: f.size, oid: createHash('sha1').update(f.path).digest('hex') }));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify(files));
    }
    if (resolve) {
      const dir = repos[decodeURIComponent(resolve[1]!)];
      if (!dir || decodeURIComponent(resolve[2]!) !== 'main') return notFound(dir ? 'RevisionNotFound' : 'RepoNotFound');
      const rel = decodeURIComponent(resolve[3]!);
      const file = path.join(dir, rel);
      if (rel.includes('..') || !existsSync(file) || !statSync(file).isFile()) return notFound('EntryNotFound');
      const body = readFileSync(file);
      const etag = `"${createHash('sha256').update(body).digest('hex')}"`;
      const range = /^bytes=(\d+)-(\d+)?$/.exec(req.headers.range ?? '');
      if (range) {
        const start = Number(range[1]);
        const end = Math.min(range[2] === undefined ? body.length - 1 : Number(range[2]), body.length - 1);
        res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${body.length}`, ETag: etag, 'Content-Length': end - start + 1 });
        return res.end(body.subarray(start, end + 1));
      }
      res.writeHead(200, { ETag: etag, 'Content-Length': body.length });
      return res.end(body);
    }
    notFound('NotFound');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
