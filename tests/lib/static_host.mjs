// A plain static file server, as any static host would be: the web bundle's files with their content types,
// no CSP, no API. `config` (an object) replaces config.json's content; `null` serves the bundle's own file.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json', '.ttf': 'font/ttf',
};

export async function startStaticHost(root) {
  const host = { config: null, requests: [] };
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    host.requests.push(path);
    if (path === '/config.json' && host.config) {
      res.writeHead(200, { 'content-type': types['.json'] }).end(JSON.stringify(host.config));
      return;
    }
    const file = normalize(join(root, path === '/' ? '/index.html' : path));
    if (!file.startsWith(normalize(root))) return res.writeHead(404).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  host.url = `http://127.0.0.1:${server.address().port}`;
  host.stop = () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); });
  return host;
}
