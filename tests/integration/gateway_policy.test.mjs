// The gateway's cross-cutting policy over real HTTP: CORS, the admin token, rate limits, security
// headers, static files immune to path traversal, the access log and metrics, the HTTPS listener
// and a graceful drain on SIGTERM. Requests go out through node:http and node:net, never fetch, so
// headers such as Origin and paths such as '/../' are sent exactly as written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  paths, TEST_KEY, secret, startDouble, startProxy, proxyEnv, runIndexer, deleteIndex, uniqueIndexName, postJson,
} from '../lib/stack.mjs';
import { idOfFile } from '../lib/dataset.mjs';

const index = uniqueIndexName('polylens-gateway');
const ADMIN_TOKEN = secret(`gateway-admin-${randomBytes(12).toString('hex')}`);
const KIOSK = 'https://kiosk.example.org';
const SEARCH = '/api/v1/search';
const thumbnail = (id) => `/api/v1/images/${id}/thumbnail`;

let double, gateway, plain, limited, work;
const proxies = []; // every proxy started, for the log scan
const seen = []; // every response status line, header and body, for the secret scan

// ---- HTTP helpers ------------------------------------------------------------------------------

function record(status, headers, text) {
  seen.push(`${status}\n${JSON.stringify(headers)}\n${text}`);
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status, headers, text, json };
}

// One request on a fresh connection; body: an object (sent as JSON), raw: bytes sent as they are.
// options: extra node:http(s) options (localAddress, ca, ...).
function send(base, { method = 'GET', path, headers = {}, body, raw, options = {} }) {
  const url = new URL(base);
  const h = { ...headers };
  let payload = raw;
  if (body !== undefined) {
    payload = Buffer.from(JSON.stringify(body));
    h['content-type'] = 'application/json';
  }
  if (payload !== undefined) h['content-length'] = String(payload.length);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: h, agent: false, ...options },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve(record(res.statusCode, res.headers, Buffer.concat(chunks).toString('utf8'))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

// A request line written byte for byte on a TCP socket: no client normalises the path on the way.
function sendRaw(base, target) {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const chunks = [];
    socket.on('connect', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const raw = Buffer.concat(chunks).toString('latin1');
      const split = raw.indexOf('\r\n\r\n');
      const head = raw.slice(0, split).split('\r\n');
      const status = Number(head[0].split(' ')[1]);
      const headers = Object.fromEntries(
        head.slice(1).map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve(record(status, headers, raw.slice(split + 4)));
    });
  });
}

function assertEnvelope(r, status, type, message, what = '') {
  assert.equal(r.status, status, `${what} ${r.text}`);
  assert.equal(r.headers['content-type'], 'application/json', what);
  assert.ok(r.json?.error, `${what}: not the envelope: ${r.text.slice(0, 200)}`);
  assert.equal(r.json.error.code, status, what);
  assert.equal(r.json.error.type, type, what);
  assert.match(r.json.error.message, message, what);
}

// The access log is written after the answer went out, so a line may land a moment after the
// response: poll for it, with a generous ceiling.
async function logLine(proxy, predicate, what) {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    for (const line of proxy.output.stderr) {
      try {
        const entry = JSON.parse(line);
        if (predicate(entry)) return entry;
      } catch {}
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no log line for ${what}`);
}

async function started(options) {
  const proxy = await startProxy(options);
  proxies.push(proxy);
  return proxy;
}

async function doubleStats() {
  return (await fetch(`${double.url}/_control/stats`)).json();
}

// ---- The stack -----------------------------------------------------------------------------------

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'polylens-gateway-'));
  double = await startDouble();
  const env = proxyEnv({ double, index });
  const indexed = await runIndexer({ env });
  assert.equal(indexed.code, 0, indexed.stderr);
  gateway = await started({ env: { ...env, POLYLENS_ADMIN_TOKEN: ADMIN_TOKEN, POLYLENS_CORS_ORIGINS: KIOSK } });
  plain = await started({ env: { ...env, POLYLENS_FRAME_ANCESTORS: KIOSK } }); // no admin token
  limited = await started({
    env: { ...env, POLYLENS_RATE_LIMIT_PER_MINUTE: '60', POLYLENS_RATE_LIMIT_BURST: '3', POLYLENS_ADMIN_TOKEN: ADMIN_TOKEN },
  });
});

after(async () => {
  for (const p of proxies) await p.stop();
  await double?.stop();
  await deleteIndex(index);
  if (work) rmSync(work, { recursive: true, force: true });
});

// ---- CORS ------------------------------------------------------------------------------------------

test('cors: a preflight from an allowed origin gets 204 with the methods of that path', async () => {
  const r = await send(gateway.url, {
    method: 'OPTIONS',
    path: SEARCH,
    headers: { origin: KIOSK, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  assert.equal(r.status, 204, r.text);
  assert.equal(r.headers['access-control-allow-origin'], KIOSK);
  assert.equal(r.headers['access-control-allow-methods'], 'POST');
  assert.equal(r.headers['access-control-allow-headers'], 'content-type, authorization');
  assert.equal(r.headers['access-control-max-age'], '600');
  assert.match(r.headers.vary, /Origin/);
  assert.equal(r.text, '');

  const del = await send(gateway.url, {
    method: 'OPTIONS',
    path: `/api/v1/images/${'a'.repeat(32)}`,
    headers: { origin: KIOSK, 'access-control-request-method': 'DELETE' },
  });
  assert.equal(del.status, 204, del.text);
  assert.equal(del.headers['access-control-allow-methods'], 'DELETE');
});

test('cors: an actual call from an allowed origin is answered with Allow-Origin, also when it fails', async () => {
  const ok = await send(gateway.url, { method: 'POST', path: SEARCH, headers: { origin: KIOSK }, body: { text: 'lighthouse', k: 1 } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.headers['access-control-allow-origin'], KIOSK);
  assert.match(ok.headers.vary, /Origin/);
  assert.match(ok.headers['access-control-expose-headers'], /Retry-After/);
  // The page must be able to read the envelope of a refusal too.
  const bad = await send(gateway.url, { method: 'POST', path: SEARCH, headers: { origin: KIOSK }, body: { text: '' } });
  assertEnvelope(bad, 400, 'invalid_request', /'text' is empty/);
  assert.equal(bad.headers['access-control-allow-origin'], KIOSK);
});

test('cors: a preflight on a path no route serves is a 404 envelope', async () => {
  const r = await send(gateway.url, {
    method: 'OPTIONS', path: '/api/v1/nothing-here', headers: { origin: KIOSK, 'access-control-request-method': 'POST' },
  });
  assertEnvelope(r, 404, 'not_found', /no route for \/api\/v1\/nothing-here/);
});

const refusedOrigins = [
  ['another site', 'https://evil.example'],
  ['the allowed host over plain http', 'http://kiosk.example.org'],
  ['the proxy host on another port', 'http://127.0.0.1:1'],
  ['an opaque origin', 'null'],
];
for (const [name, origin] of refusedOrigins) {
  test(`cors: ${name} is refused with 403 forbidden, before any token is spent`, async () => {
    const before = (await doubleStats()).embedding_requests;
    const r = await send(gateway.url, { method: 'POST', path: SEARCH, headers: { origin }, body: { text: 'cat' } });
    assertEnvelope(r, 403, 'forbidden', new RegExp(`the origin '${origin.replace(/[.:/]/g, '\\$&')}' may not call this API`));
    assert.match(r.json.error.message, /--cors-origins \(POLYLENS_CORS_ORIGINS\)/);
    if (origin === 'null') assert.match(r.json.error.message, /only http:\/\/ and https:\/\/ origins can be allowed/);
    else assert.match(r.json.error.message, new RegExp(`e\\.g\\. POLYLENS_CORS_ORIGINS=${origin.replace(/[.:/]/g, '\\$&')}$`));
    assert.equal(r.headers['access-control-allow-origin'], undefined);
    assert.equal((await doubleStats()).embedding_requests, before, 'the refused call reached the embedder');
  });
}

test('cors: a preflight from a refused origin is a 403 envelope too', async () => {
  const r = await send(gateway.url, {
    method: 'OPTIONS', path: SEARCH, headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
  });
  assertEnvelope(r, 403, 'forbidden', /'https:\/\/evil\.example' may not call this API/);
  assert.equal(r.headers['access-control-allow-origin'], undefined);
});

test('cors: same-origin calls are unaffected (no Origin, or the proxy itself as Origin)', async () => {
  const none = await send(gateway.url, { method: 'POST', path: SEARCH, body: { text: 'cat', k: 1 } });
  assert.equal(none.status, 200, none.text);
  assert.equal(none.headers['access-control-allow-origin'], undefined);
  const own = await send(gateway.url, { method: 'POST', path: SEARCH, headers: { origin: gateway.url }, body: { text: 'cat', k: 1 } });
  assert.equal(own.status, 200, own.text);
  assert.equal(own.headers['access-control-allow-origin'], undefined);
  // A proxy without any allowed origin still serves its own pages.
  const page = await send(plain.url, { path: '/healthz', headers: { origin: plain.url } });
  assert.equal(page.status, 200, page.text);
});

// ---- Admin token -----------------------------------------------------------------------------------

const adminRefusals = [
  ['no Authorization header', {}, /needs the admin token: send 'Authorization: Bearer <POLYLENS_ADMIN_TOKEN>'/, /^Bearer realm="polylens"$/],
  ['a wrong token', { authorization: `Bearer ${'w'.repeat(ADMIN_TOKEN.length)}` }, /the admin token is wrong/, /error="invalid_token"/],
  ['the token minus its last character', { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` }, /the admin token is wrong/, /invalid_token/],
  ['the token plus one character', { authorization: `Bearer ${ADMIN_TOKEN}x` }, /the admin token is wrong/, /invalid_token/],
  ['the token as Basic auth', { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` }, /must be 'Bearer <POLYLENS_ADMIN_TOKEN>'/, /^Bearer/],
  ['the token without a scheme', { authorization: ADMIN_TOKEN }, /must be 'Bearer <POLYLENS_ADMIN_TOKEN>'/, /^Bearer/],
];
const adminCalls = [
  ['POST /api/v1/images', { method: 'POST', path: '/api/v1/images', body: { images: [] } }],
  ['DELETE /api/v1/images/{id}', { method: 'DELETE', path: `/api/v1/images/${'f'.repeat(32)}` }],
];
for (const [callName, call] of adminCalls) {
  for (const [name, headers, message, challenge] of adminRefusals) {
    test(`admin: ${callName} with ${name} -> 401 unauthorized`, async () => {
      const r = await send(gateway.url, { ...call, headers });
      assertEnvelope(r, 401, 'unauthorized', message);
      assert.match(r.headers['www-authenticate'], challenge);
      assert.ok(!r.text.includes(ADMIN_TOKEN.slice(0, -1)), 'the token was echoed');
    });
  }
  test(`admin: ${callName} on a proxy without an admin token -> 401 saying the routes are disabled`, async () => {
    const r = await send(plain.url, { ...call, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assertEnvelope(r, 401, 'unauthorized', /admin routes are disabled until POLYLENS_ADMIN_TOKEN .* is set/);
    assert.match(r.headers['www-authenticate'], /^Bearer/);
  });
  test(`admin: ${callName} with the right token passes the policy to the handler`, async () => {
    for (const scheme of ['Bearer', 'bearer']) {
      const r = await send(gateway.url, { ...call, headers: { authorization: `${scheme} ${ADMIN_TOKEN}` } });
      assert.ok(![401, 403, 429].includes(r.status), `${scheme}: ${r.status} ${r.text}`);
    }
  });
}

// ---- Rate limits -----------------------------------------------------------------------------------

// Repeats a call until it is refused; returns every status and the refusal. One token comes back a
// second, so on any machine a refusal comes within a few quick calls past the burst.
async function untilRefused(base, call) {
  const statuses = [];
  for (let i = 0; i < 10; i++) {
    const r = await send(base, call);
    statuses.push(r.status);
    if (r.status === 429) return { statuses, refused: r };
  }
  assert.fail(`never refused: ${statuses}`);
}

test('rate limit: past the burst a client gets 429 rate_limited with Retry-After; open routes never', async () => {
  // 60 a minute (one a second), bursts of 3: the 4th quick search is over.
  const { statuses, refused } = await untilRefused(limited.url, { method: 'POST', path: SEARCH, body: { text: 'lighthouse', k: 1 } });
  assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
  assertEnvelope(refused, 429, 'rate_limited', /too many requests from 127\.0\.0\.1: at most 60 per minute, 3 at once; retry in \d+ s/);
  assert.match(refused.headers['retry-after'], /^[1-9]\d*$/);
  assert.match(refused.json.error.message, new RegExp(`retry in ${refused.headers['retry-after']} s`));

  // Admin routes are metered too, before the token is even looked at.
  const admin = await untilRefused(limited.url, { method: 'POST', path: '/api/v1/images', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: { images: [] } });
  assertEnvelope(admin.refused, 429, 'rate_limited', /too many requests/);

  const id = idOfFile(paths.assets, 'kodak-01.jpg');
  for (let i = 0; i < 6; i++) {
    assert.equal((await send(limited.url, { path: '/healthz' })).status, 200, 'healthz is not metered');
    assert.equal((await send(limited.url, { path: thumbnail(id) })).status, 200, 'thumbnails are not metered');
    if (paths.webRoot) assert.equal((await send(limited.url, { path: '/' })).status, 200, 'the UI is not metered');
  }
});

test('rate limit: another client address has its own bucket', async () => {
  // Linux answers on all of 127.0.0.0/8, so 127.0.0.2 is another client of the same proxy.
  const r = await send(limited.url, { method: 'POST', path: SEARCH, body: { text: 'lighthouse', k: 1 }, options: { localAddress: '127.0.0.2' } });
  assert.equal(r.status, 200, r.text);
});

test('rate limit: off when the limit per minute is 0 (the default of these suites)', async () => {
  for (let i = 0; i < 10; i++) {
    const r = await send(gateway.url, { method: 'POST', path: SEARCH, body: { text: '' } });
    assertEnvelope(r, 400, 'invalid_request', /'text' is empty/); // answered by the handler, not refused
  }
});

// ---- Security headers ------------------------------------------------------------------------------

function assertSecurityHeaders(r, what, frameAncestors = "'none'") {
  const csp = r.headers['content-security-policy'] ?? '';
  for (const directive of [
    "default-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `frame-ancestors ${frameAncestors}`,
  ]) {
    assert.ok(csp.split('; ').includes(directive), `${what}: CSP lacks ${directive}: ${csp}`);
  }
  assert.match(csp, /(^|; )script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')*(;|$)/, `${what}: ${csp}`);
  assert.ok(!csp.includes("'unsafe-eval'"), `${what}: CSP allows eval`);
  assert.equal(r.headers['x-content-type-options'], 'nosniff', what);
  assert.equal(r.headers['referrer-policy'], 'no-referrer', what);
  assert.equal(r.headers['x-frame-options'], frameAncestors === "'none'" ? 'DENY' : undefined, what);
  assert.match(r.headers['x-request-id'] ?? '', /^[0-9a-f]{16}$/, what);
}

test('security headers on an API answer, a static file, a 404, a 405, a policy refusal and a preflight', async () => {
  const api = await send(gateway.url, { method: 'POST', path: SEARCH, body: { text: 'cat', k: 1 } });
  assert.equal(api.status, 200);
  assertSecurityHeaders(api, 'search');
  const missing = await send(gateway.url, { path: '/no/such/file.js' });
  assertEnvelope(missing, 404, 'not_found', /no route or file for \/no\/such\/file\.js/);
  assertSecurityHeaders(missing, '404');
  const wrongMethod = await send(gateway.url, { path: SEARCH });
  assertEnvelope(wrongMethod, 405, 'method_not_allowed', /GET is not allowed on \/api\/v1\/search; use POST/);
  assertSecurityHeaders(wrongMethod, '405');
  const refused = await send(gateway.url, { method: 'POST', path: SEARCH, headers: { origin: 'https://evil.example' }, body: { text: 'cat' } });
  assertSecurityHeaders(refused, '403');
  const preflight = await send(gateway.url, { method: 'OPTIONS', path: SEARCH, headers: { origin: KIOSK, 'access-control-request-method': 'POST' } });
  assertSecurityHeaders(preflight, 'preflight');
  const health = await send(gateway.url, { path: '/healthz' });
  assertSecurityHeaders(health, 'healthz');
});

test('security headers on the UI; its one inline bootstrap script is allowed by hash, and nothing else inline', async (t) => {
  if (!paths.webRoot) return t.skip('no web bundle (POLYLENS_WEB_ROOT)');
  const page = await send(gateway.url, { path: '/' });
  assert.equal(page.status, 200);
  assert.match(page.headers['content-type'], /^text\/html/);
  assertSecurityHeaders(page, 'index.html');
  const inline = [...page.text.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  assert.ok(inline.length > 0, 'the shell has an inline bootstrap script');
  const allowed = page.headers['content-security-policy'].match(/'sha256-[^']+'/g) ?? [];
  const expected = inline.map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`);
  assert.deepEqual(allowed.sort(), expected.sort());
  assert.ok(!/\son[a-z]+=/i.test(page.text), 'the shell has an inline event handler, which the CSP blocks');
  for (const file of ['/polylens.js', '/polylens.wasm']) {
    const r = await send(gateway.url, { method: 'HEAD', path: file });
    assert.equal(r.status, 200, file);
    assertSecurityHeaders(r, file);
  }
});

test('frame-ancestors follows --frame-ancestors, and X-Frame-Options is only sent for none', async () => {
  const r = await send(plain.url, { path: '/healthz' });
  assert.equal(r.status, 200);
  assertSecurityHeaders(r, 'kiosk frame', KIOSK);
});

// ---- Static files and path traversal -----------------------------------------------------------

const traversals = [
  '/../../etc/passwd',
  '/../../../../../../../../etc/passwd',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/%2E%2E/%2E%2E/etc/passwd',
  '/..%2f..%2fetc/passwd',
  '/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
  '/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/.%2e/.%2e/etc/passwd',
  '/index.html/../../../etc/passwd',
  '/fonts/../../../../etc/passwd',
  '/./../etc/passwd',
  '/..\\..\\etc\\passwd',
  '/..%5c..%5cetc%5cpasswd',
  '/%00/../../etc/passwd',
  '/index.html%00/../../etc/passwd',
  '/api/v1/images/..%2f..%2f..%2f..%2fetc%2fpasswd/thumbnail',
  '/../secret.txt',
  '/%2e%2e/secret.txt',
];

for (const target of traversals) {
  test(`traversal: GET ${target} -> 404 envelope, no file from outside the web root`, async () => {
    for (const proxy of [gateway, await traversalProxy()]) {
      const r = await sendRaw(proxy.url, target);
      assertEnvelope(r, 404, 'not_found', /no route or file for /, `${target} on ${proxy.url}`);
      assert.ok(!/root:.*:0:0:/.test(r.text), `${target} served /etc/passwd`);
      assert.ok(!r.text.includes(SECRET), `${target} served the file beside the web root`);
    }
  });
}

test('traversal: the files that are there are still served', async () => {
  const proxy = await traversalProxy();
  for (const target of ['/', '/index.html', '/sub/page.txt', '/sub/../index.html']) {
    const r = await sendRaw(proxy.url, target);
    // '/sub/../index.html' stays inside the root, yet a '..' segment is refused outright: no client needs one.
    if (target.includes('..')) {
      assertEnvelope(r, 404, 'not_found', /no route or file/, target);
    } else {
      assert.equal(r.status, 200, `${target}: ${r.text.slice(0, 200)}`);
      assertSecurityHeaders(r, target);
    }
  }
});

// A web root of our own with a secret file right beside it: a traversal that escapes by exactly one
// level would find it.
const SECRET = `SECRET-BESIDE-THE-WEB-ROOT-${randomBytes(6).toString('hex')}`;
let ownRootProxy;
async function traversalProxy() {
  if (ownRootProxy) return ownRootProxy;
  const root = join(work, 'site');
  mkdirSync(join(root, 'www', 'sub'), { recursive: true });
  writeFileSync(join(root, 'secret.txt'), SECRET);
  writeFileSync(join(root, 'www', 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(root, 'www', 'sub', 'page.txt'), 'inside');
  ownRootProxy = await started({ env: proxyEnv({ double, index }), args: ['--web-root', join(root, 'www')] });
  return ownRootProxy;
}

// ---- Request bodies and the connection -----------------------------------------------------------

// One keep-alive connection on which requests are written byte for byte and answers read one by one.
function rawConnection(base) {
  const url = new URL(base);
  const socket = connect({ host: url.hostname, port: Number(url.port) });
  let buffered = Buffer.alloc(0);
  let waiting = null;
  const tryAnswer = () => {
    if (!waiting) return;
    const split = buffered.indexOf('\r\n\r\n');
    if (split < 0) return;
    const head = buffered.subarray(0, split).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(
      head.slice(1).map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    const length = Number(headers['content-length'] ?? 0);
    if (buffered.length < split + 4 + length) return;
    const text = buffered.subarray(split + 4, split + 4 + length).toString('utf8');
    buffered = buffered.subarray(split + 4 + length);
    const resolve = waiting;
    waiting = null;
    resolve(record(Number(head[0].split(' ')[1]), headers, text));
  };
  socket.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    tryAnswer();
  });
  const ready = new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return {
    async exchange(bytes) {
      await ready;
      const answer = new Promise((resolve) => (waiting = resolve));
      socket.write(bytes);
      tryAnswer();
      return answer;
    },
    // Whatever else the server sends within a moment: nothing, if the connection is in step.
    async leftover() {
      await new Promise((r) => setTimeout(r, 200));
      return buffered.toString('latin1');
    },
    close: () => socket.destroy(),
  };
}

const crlf = (lines) => `${lines.join('\r\n')}\r\n\r\n`;

test("bodies: a refused request's body is read, never taken for the next request on the connection", async () => {
  // The body hides a request past httplib's read buffer; were it left unread, it would be answered.
  const smuggled = crlf(['DELETE /api/v1/images/' + 'c'.repeat(32) + ' HTTP/1.1', 'Host: x', `Authorization: Bearer ${ADMIN_TOKEN}`]);
  const body = `${' '.repeat(20000)}\r\n\r\n${smuggled}`;
  const connection = rawConnection(gateway.url);
  try {
    const refused = await connection.exchange(
      crlf(['POST /api/v1/images HTTP/1.1', `Host: ${new URL(gateway.url).host}`, 'Content-Type: application/json', `Content-Length: ${body.length}`]) + body,
    );
    assertEnvelope(refused, 401, 'unauthorized', /needs the admin token/);
    const next = await connection.exchange(crlf(['GET /api/v1/no-such-route HTTP/1.1', `Host: ${new URL(gateway.url).host}`]));
    assertEnvelope(next, 404, 'not_found', /no route or file for \/api\/v1\/no-such-route/);
    assert.equal(await connection.leftover(), '');
  } finally {
    connection.close();
  }
  await logLine(gateway, (e) => e.path === '/api/v1/no-such-route', 'the second request');
  assert.ok(!gateway.output.stderr.some((l) => l.includes('c'.repeat(32))), 'the hidden request was answered');
});

test('bodies: a chunked body over the limit -> 413 payload_too_large, and the connection stays in step', async () => {
  const connection = rawConnection(gateway.url);
  const host = new URL(gateway.url).host;
  try {
    const chunk = Buffer.alloc(1 << 20, 'a'); // 13 chunks of 1 MiB: over the 12 MiB limit
    const head = crlf(['POST /api/v1/search HTTP/1.1', `Host: ${host}`, 'Content-Type: application/json', 'Transfer-Encoding: chunked']);
    const chunks = [Buffer.from(head)];
    for (let i = 0; i < 13; i++) chunks.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
    chunks.push(Buffer.from('0\r\n\r\n'));
    const r = await connection.exchange(Buffer.concat(chunks));
    assertEnvelope(r, 413, 'payload_too_large', /over the limit of \d+ bytes/);
    const next = await connection.exchange(crlf(['GET /healthz HTTP/1.1', `Host: ${host}`]));
    assert.equal(next.status, 200, next.text);
  } finally {
    connection.close();
  }
});

test('bodies: a compressed body is refused unread by the inflater; the connection stays in step', async () => {
  // 16 MiB of spaces is about 16 KB of gzip: inflated, it would be over the limit.
  const bomb = gzipSync(Buffer.alloc(16 << 20, ' '));
  const connection = rawConnection(gateway.url);
  const host = new URL(gateway.url).host;
  try {
    const r = await connection.exchange(Buffer.concat([
      Buffer.from(crlf(['POST /api/v1/search HTTP/1.1', `Host: ${host}`, 'Content-Type: application/json', 'Content-Encoding: gzip', `Content-Length: ${bomb.length}`])),
      bomb,
    ]));
    assertEnvelope(r, 400, 'invalid_request', /Content-Encoding 'gzip' are not accepted: send the JSON uncompressed/);
    const next = await connection.exchange(crlf(['GET /healthz HTTP/1.1', `Host: ${host}`]));
    assert.equal(next.status, 200, next.text);
  } finally {
    connection.close();
  }
});

test('bodies: Content-Length beside Transfer-Encoding is refused; the connection stays in step', async () => {
  const connection = rawConnection(gateway.url);
  const host = new URL(gateway.url).host;
  try {
    const body = '{"text":"cat"}';
    const r = await connection.exchange(
      crlf(['POST /api/v1/search HTTP/1.1', `Host: ${host}`, 'Content-Type: application/json', 'Content-Length: 3', 'Transfer-Encoding: chunked'])
        + `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    );
    assertEnvelope(r, 400, 'invalid_request', /Content-Length or Transfer-Encoding, not both/);
    const next = await connection.exchange(crlf(['GET /healthz HTTP/1.1', `Host: ${host}`]));
    assert.equal(next.status, 200, next.text);
  } finally {
    connection.close();
  }
});

test("bodies: a refused origin's body is read before the 403, so the connection stays in step", async () => {
  const connection = rawConnection(gateway.url);
  const host = new URL(gateway.url).host;
  try {
    const body = JSON.stringify({ text: 'cat' });
    const refused = await connection.exchange(
      crlf(['POST /api/v1/search HTTP/1.1', `Host: ${host}`, 'Origin: https://evil.example', 'Content-Type: application/json', `Content-Length: ${body.length}`]) + body,
    );
    assertEnvelope(refused, 403, 'forbidden', /may not call this API/);
    const next = await connection.exchange(crlf(['GET /healthz HTTP/1.1', `Host: ${host}`]));
    assert.equal(next.status, 200, next.text);
  } finally {
    connection.close();
  }
});

// ---- Access log and metrics -------------------------------------------------------------------------

test('access log: one JSON line per request with the route pattern, the timing split and the request id', async () => {
  const search = await send(gateway.url, { method: 'POST', path: SEARCH, body: { text: 'torre Eiffel', k: 2 } });
  assert.equal(search.status, 200);
  const id = search.headers['x-request-id'];
  const line = await logLine(gateway, (e) => e.msg === 'request' && e.request_id === id, 'the search');
  assert.equal(line.method, 'POST');
  assert.equal(line.route, SEARCH);
  assert.equal(line.path, SEARCH);
  assert.equal(line.status, 200);
  assert.equal(line.bytes, Buffer.byteLength(search.text));
  assert.equal(line.remote, '127.0.0.1');
  for (const key of ['ms', 'embed_ms', 'knn_ms']) assert.equal(typeof line[key], 'number', key);
  assert.equal(line.level, 'info');

  const thumbId = idOfFile(paths.assets, 'kodak-01.jpg');
  const thumb = await send(gateway.url, { path: thumbnail(thumbId) });
  const thumbLine = await logLine(gateway, (e) => e.request_id === thumb.headers['x-request-id'], 'the thumbnail');
  assert.equal(thumbLine.route, '/api/v1/images/([^/]+)/thumbnail', 'the pattern, not the path');
  assert.equal(thumbLine.path, thumbnail(thumbId));

  const missing = await send(gateway.url, { path: '/nope' });
  assert.equal((await logLine(gateway, (e) => e.request_id === missing.headers['x-request-id'], '404')).route, 'unrouted');
  // A preflight and a 405 are about a route too: logged (and counted) under its pattern.
  const preflight = await send(gateway.url, { method: 'OPTIONS', path: SEARCH, headers: { origin: KIOSK } });
  assert.equal((await logLine(gateway, (e) => e.request_id === preflight.headers['x-request-id'], 'preflight')).route, SEARCH);
  const wrongMethod = await send(gateway.url, { path: SEARCH });
  const wrongLine = await logLine(gateway, (e) => e.request_id === wrongMethod.headers['x-request-id'], '405');
  assert.deepEqual([wrongLine.route, wrongLine.status], [SEARCH, 405]);
  const refused = await send(gateway.url, { method: 'POST', path: SEARCH, headers: { origin: 'https://evil.example' }, body: { text: 'cat' } });
  const refusedLine = await logLine(gateway, (e) => e.request_id === refused.headers['x-request-id'], '403');
  assert.equal(refusedLine.route, SEARCH);
  assert.equal(refusedLine.status, 403);
  if (paths.webRoot) {
    const page = await send(gateway.url, { path: '/index.html' });
    assert.equal((await logLine(gateway, (e) => e.request_id === page.headers['x-request-id'], 'static')).route, 'static');
  }
});

test('metrics: every request is counted by method, route pattern and status, refusals included', async () => {
  await logLine(limited, (e) => e.status === 429, 'a 429'); // counted when the line is written
  const r = await send(limited.url, { path: '/metrics' });
  assert.equal(r.status, 200, r.text);
  assert.match(r.text, /polylens_http_requests_total\{method="POST",route="\/api\/v1\/search",status="200"\} [1-9]/);
  assert.match(r.text, /polylens_http_requests_total\{method="POST",route="\/api\/v1\/search",status="429"\} [1-9]/);
  assert.match(r.text, /polylens_http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]/);
});

// ---- HTTPS -------------------------------------------------------------------------------------------

function openssl(args) {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function selfSigned(name) {
  const cert = join(work, `${name}.crt`);
  const key = join(work, `${name}.key`);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
  return { cert, key };
}

async function waitForStdout(proxy, pattern) {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    for (const line of proxy.output.stdout) {
      const m = line.match(pattern);
      if (m) return m;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no stdout line matching ${pattern}: ${proxy.output.stdout.join('\n')}`);
}

test('https: a second listener serves the same routes and policy over TLS', async () => {
  const { cert, key } = selfSigned('good');
  const proxy = await started({
    env: { ...proxyEnv({ double, index }), POLYLENS_ADMIN_TOKEN: ADMIN_TOKEN },
    args: ['--https-listen', '127.0.0.1:0', '--tls-cert', cert, '--tls-key', key],
  });
  const [, httpsUrl] = await waitForStdout(proxy, /^polylens listening on (https:\/\/\S+)/);
  const ca = readFileSync(cert);

  const health = await send(httpsUrl, { path: '/healthz', options: { ca } });
  assert.equal(health.status, 200, health.text);
  assert.equal(health.json.status, 'ok');
  assertSecurityHeaders(health, 'https healthz');

  const search = await send(httpsUrl, { method: 'POST', path: SEARCH, headers: { origin: httpsUrl }, body: { text: 'torre Eiffel', k: 1 }, options: { ca } });
  assert.equal(search.status, 200, search.text);
  assert.equal(search.json.hits[0].id, idOfFile(paths.assets, 'weavly-eiffel-tower.jpg'));
  const line = await logLine(proxy, (e) => e.request_id === search.headers['x-request-id'], 'the https search');
  assert.equal(line.tls, true);

  // The same policy: the plain listener's origin is another origin to the TLS one.
  const foreign = await send(httpsUrl, { method: 'POST', path: SEARCH, headers: { origin: proxy.url }, body: { text: 'cat' }, options: { ca } });
  assertEnvelope(foreign, 403, 'forbidden', /may not call this API/);
  const admin = await send(httpsUrl, { method: 'POST', path: '/api/v1/images', body: { images: [] }, options: { ca } });
  assertEnvelope(admin, 401, 'unauthorized', /needs the admin token/);

  // A client that does not trust the certificate is refused by TLS, not answered.
  await assert.rejects(send(httpsUrl, { path: '/healthz' }), /self[- ]signed|unable to verify/i);
  // And the plain listener still answers.
  assert.equal((await send(proxy.url, { path: '/healthz' })).status, 200);
});

const badTls = [
  ['a certificate that is not PEM', () => {
    const { key } = selfSigned('for-garbage');
    const cert = join(work, 'garbage.crt');
    writeFileSync(cert, 'this is not a certificate\n');
    return { cert, key };
  }, /the TLS certificate file '.*garbage\.crt' \(--tls-cert\) is not a PEM certificate chain/],
  ['a key that does not belong to the certificate', () => {
    const { cert } = selfSigned('one');
    const { key } = selfSigned('two');
    return { cert, key };
  }, /the TLS key '.*two\.key' \(--tls-key\) does not belong to the certificate '.*one\.crt' \(--tls-cert\)/],
  ['a key file that is missing', () => {
    const { cert } = selfSigned('lonely');
    return { cert, key: join(work, 'no-such.key') };
  }, /cannot read the TLS key file '.*no-such\.key' \(--tls-key\)/],
];
for (const [name, make, message] of badTls) {
  test(`https: ${name} fails at start with a clear message`, async () => {
    const { cert, key } = make();
    await assert.rejects(
      started({ env: proxyEnv({ double, index }), args: ['--https-listen', '127.0.0.1:0', '--tls-cert', cert, '--tls-key', key] }),
      (e) => {
        assert.match(e.message, /exited with 1 before it was ready/);
        assert.match(e.message, message);
        return true;
      },
    );
  });
}

// ---- Graceful shutdown -----------------------------------------------------------------------------

test('shutdown: SIGTERM lets a search in flight finish, refuses new connections, and exits 0', async () => {
  const proxy = await started({ env: proxyEnv({ double, index }) });
  const exited = new Promise((resolve) => proxy.child.once('exit', (code, signal) => resolve({ code, signal })));
  const before = (await doubleStats()).embedding_requests;
  const fault = await postJson(`${double.url}/_control/faults`, { status: 200, delay_ms: 1500, times: 1 });
  assert.equal(fault.status, 200, fault.text);

  // A query no cache has seen, so it must go to the (slow) embedder.
  const inFlight = send(proxy.url, { method: 'POST', path: SEARCH, body: { text: `lighthouse ${randomBytes(4).toString('hex')}`, k: 1 } });
  const deadline = Date.now() + 10000;
  while ((await doubleStats()).embedding_requests === before) {
    assert.ok(Date.now() < deadline, 'the search never reached the embedder');
    await new Promise((r) => setTimeout(r, 10));
  }
  proxy.child.kill('SIGTERM');
  await logLine(proxy, (e) => /^stopping/.test(e.msg), 'the stopping line');
  await assert.rejects(send(proxy.url, { path: '/healthz' }), /ECONNREFUSED|ECONNRESET|socket hang up/);

  const answered = await inFlight;
  assert.equal(answered.status, 200, answered.text);
  assert.equal(answered.json.hits.length, 1);
  assert.deepEqual(await exited, { code: 0, signal: null });
  const stopping = await logLine(proxy, (e) => /^stopping/.test(e.msg), 'the stopping line');
  assert.equal(stopping.in_flight, 1);
  await logLine(proxy, (e) => /every request in flight has finished/.test(e.msg), 'the drained line');
});

// ---- Secrets -------------------------------------------------------------------------------------

test('neither the Jina key nor the admin token appears in any response, header or log line', () => {
  const responses = seen.join('\n');
  const logs = proxies.flatMap((p) => [...p.output.stderr, ...p.output.stdout]).join('\n');
  assert.ok(responses.length > 10000 && logs.length > 10000, 'the scan has material to look at');
  for (const [name, secret] of [['the Jina key', TEST_KEY], ['the admin token', ADMIN_TOKEN]]) {
    assert.ok(!responses.includes(secret), `${name} is in a response`);
    assert.ok(!logs.includes(secret), `${name} is in a log line`);
  }
});
