// The proxy's discipline towards the Jina API, over real HTTP against the Jina double: retries
// (429 with Retry-After, repeated 5xx, never other 4xx), timeouts, unusable answers, an empty
// balance, a refused connection; the embedding cache (hits, a file across restarts, a damaged file);
// the concurrency cap; keep-alive over HTTPS, counted by the double's connections_accepted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, truncateSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  paths, closedPort, startDouble, startProxy, stopProcess, proxyEnv, runIndexer, deleteIndex, postJson, uniqueIndexName,
} from '../lib/stack.mjs';

const index = uniqueIndexName('polylens-embedder');
const scratch = mkdtempSync(join(tmpdir(), 'polylens-embedder-'));
let double;

// ---- helpers -------------------------------------------------------------------------------------

async function control(path, body) {
  const r = body === undefined ? await fetch(`${double.url}${path}`) : await postJson(`${double.url}${path}`, body);
  return body === undefined ? r.json() : r.json;
}
const doubleStats = () => control('/_control/stats');
const resetDouble = () => control('/_control/reset', {});
const fault = (spec) => control('/_control/faults', spec);
// Waits until the double answers no call, so that no call of one test overlaps the next.
async function callsFinished() {
  while ((await doubleStats()).in_flight > 0) await new Promise((resolve) => setTimeout(resolve, 50));
}

// Starts a proxy for one test and stops it when the test ends: an idle keep-alive connection holds
// one of the double's workers, so proxies are not left running.
async function proxyFor(t, overrides = {}) {
  const proxy = await startProxy({ env: { ...proxyEnv({ double, index }), ...overrides } });
  t.after(() => proxy.stop());
  return proxy;
}

// One proxy with retries on, shared by the tests that only script faults (each uses its own texts, so
// the cache never answers for another test).
let sharedProxy;
async function retryingProxy() {
  sharedProxy ??= await startProxy({ env: { ...proxyEnv({ double, index }), JINA_MAX_RETRIES: '2' } });
  return sharedProxy;
}

// POST /api/v1/search on a connection of its own. fetch() would keep the connection open, and a
// proxy with an idle keep-alive client takes seconds to stop; this suite stops a dozen proxies.
function search(proxy, body) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${proxy.url}/api/v1/search`, {
      method: 'POST', agent: false, headers: { 'content-type': 'application/json', connection: 'close' },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => (text += d)).on('end', () => {
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode, text, json });
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

// The proxy's JSON log lines (stderr).
const logLines = (proxy) =>
  proxy.output.stderr.flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });


// ---- the double over HTTPS -----------------------------------------------------------------------

// A private CA and a certificate for 127.0.0.1 signed by it, made with the openssl command line.
function makeCertificates(folder) {
  const run = (...args) => execFileSync('openssl', args, { cwd: folder, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
    '-subj', '/CN=Polylens test CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(folder, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem',
    '-days', '2', '-extfile', 'server.ext');
  return { ca: join(folder, 'ca.pem'), cert: join(folder, 'server.pem'), key: join(folder, 'server.key') };
}

// One request on a connection of its own (no agent, Connection: close), trusting only `ca`: the
// test's own calls add exactly one connection each to the double's count.
function httpsJson(url, { ca, method = 'GET', body } = {}) {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, {
      method, ca, agent: false,
      headers: { connection: 'close', 'content-type': 'application/json' },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => (text += d)).on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

// ---- setup ---------------------------------------------------------------------------------------

before(async () => {
  double = await startDouble();
  const indexed = await runIndexer({ env: proxyEnv({ double, index }) });
  assert.equal(indexed.code, 0, indexed.stderr);
});

after(async () => {
  await sharedProxy?.stop();
  await double?.stop();
  await deleteIndex(index);
  rmSync(scratch, { recursive: true, force: true });
});

// ---- retries -------------------------------------------------------------------------------------

test('429 with Retry-After: 1, then success -> retried after 1 s, 200; the double saw 2 calls', async () => {
  const proxy = await retryingProxy();
  await resetDouble();
  await fault({ status: 429, retry_after: 1 });
  const r = await search(proxy, { text: 'cat on a sofa', k: 3 });
  assert.equal(r.status, 200, r.text);
  const stats = await doubleStats();
  assert.equal(stats.embedding_requests, 2);
  assert.equal(stats.faults_served, 1);
  const retry = logLines(proxy).find((l) => l.msg === 'retrying the Jina API' && l.status === 429);
  assert.ok(retry, 'no retry was logged');
  assert.equal(retry.status, 429);
  assert.equal(retry.wait_ms, 1000, 'the wait is the Retry-After');
});

test('429 asking for more than 30 s -> not waited out: 502 at once, saying how long it asked', async () => {
  const proxy = await retryingProxy();
  await resetDouble();
  await fault({ status: 429, retry_after: 120 });
  const r = await search(proxy, { text: 'cat in the snow', k: 3 });
  assert.equal(r.status, 502, r.text);
  assert.equal(r.json.error.type, 'embedder_error');
  assert.match(r.json.error.message, /the Jina API \(127\.0\.0\.1:\d+\) is rate limiting us \(HTTP 429 RATE_REQUEST_LIMIT_EXCEEDED.*it asks us to wait 120 s/);
  assert.equal((await doubleStats()).embedding_requests, 1);
});

test('a 500 every time -> 1 + JINA_MAX_RETRIES attempts, then 502 embedder_error naming the Jina API', async () => {
  const proxy = await retryingProxy();
  await resetDouble();
  await fault({ status: 500, times: 10 });
  const r = await search(proxy, { text: 'red bicycle', k: 3 });
  assert.equal(r.status, 502, r.text);
  assert.equal(r.json.error.type, 'embedder_error');
  assert.match(r.json.error.message, /the Jina API \(127\.0\.0\.1:\d+\) failed \(HTTP 500 INTERNAL_ERROR.* after 3 attempts/);
  assert.equal((await doubleStats()).embedding_requests, 3);
  await resetDouble();
});

test('a slow Jina API past JINA_TIMEOUT_MS -> 504 embedder_timeout, not retried', async (t) => {
  const proxy = await proxyFor(t, { JINA_TIMEOUT_MS: '300', JINA_MAX_RETRIES: '2' });
  await resetDouble();
  await fault({ status: 200, delay_ms: 1500 });
  const r = await search(proxy, { text: 'mountain lake', k: 3 });
  assert.equal(r.status, 504, r.text);
  assert.equal(r.json.error.type, 'embedder_timeout');
  assert.match(r.json.error.message, /the Jina API \(127\.0\.0\.1:\d+\) did not answer in time \(no answer within 300 ms/);
  assert.equal((await doubleStats()).embedding_requests, 1);
  await callsFinished(); // the double is still sleeping on the abandoned call
});

test('malformed JSON from the Jina API -> 502 embedder_error: a response we cannot use', async () => {
  const proxy = await retryingProxy();
  await resetDouble();
  await fault({ malformed: true });
  const r = await search(proxy, { text: 'snowy street', k: 3 });
  assert.equal(r.status, 502, r.text);
  assert.equal(r.json.error.type, 'embedder_error');
  assert.match(r.json.error.message, /the Jina API \(127\.0\.0\.1:\d+\) sent a response we cannot use: the body is not JSON/);
});

for (const [name, spec] of [
  ['403 AUTHZ_INSUFFICIENT_BALANCE', { status: 403 }],
  ['legacy 402', { status: 402 }],
]) {
  test(`${name} -> 502 embedder_auth_failed: the key ran out of tokens; never retried`, async () => {
    const proxy = await retryingProxy();
    await resetDouble();
    await fault(spec);
    const r = await search(proxy, { text: `harbour at dusk, ${name}`, k: 3 });
    assert.equal(r.status, 502, r.text);
    assert.equal(r.json.error.type, 'embedder_auth_failed');
    assert.match(r.json.error.message, /the Jina API \(127\.0\.0\.1:\d+\) says the API key has run out of tokens/);
    assert.match(r.json.error.message, new RegExp(`HTTP ${spec.status}`));
    assert.equal((await doubleStats()).embedding_requests, 1);
  });
}

test('nothing listening at JINA_API_URL -> 502 embedder_error naming the Jina API, after the retries', async (t) => {
  const port = await closedPort();
  const proxy = await proxyFor(t, { JINA_API_URL: `http://127.0.0.1:${port}/v1/embeddings`, JINA_MAX_RETRIES: '1' });
  const r = await search(proxy, { text: 'cat', k: 3 });
  assert.equal(r.status, 502, r.text);
  assert.equal(r.json.error.type, 'embedder_error');
  assert.match(r.json.error.message,
    new RegExp(`cannot reach the Jina API \\(127\\.0\\.0\\.1:${port}\\): could not connect .* after 2 attempts`));
});

// ---- the cache -----------------------------------------------------------------------------------

test('the same text twice: the second search makes no Jina call and answers the same', async () => {
  const proxy = await retryingProxy();
  await resetDouble();
  const first = await search(proxy, { text: 'torre Eiffel', k: 5 });
  assert.equal(first.status, 200, first.text);
  assert.ok(first.json.usage.tokens > 0);
  assert.equal((await doubleStats()).embedding_requests, 1);

  const second = await search(proxy, { text: 'torre Eiffel', k: 5 });
  assert.equal(second.status, 200, second.text);
  assert.deepEqual(second.json.hits, first.json.hits);
  assert.equal(second.json.usage.tokens, 0);
  // Surrounding and repeated whitespace does not make another input; case does.
  const spaced = await search(proxy, { text: '  torre \n  Eiffel ', k: 5 });
  assert.deepEqual(spaced.json.hits, first.json.hits);
  assert.equal((await doubleStats()).embedding_requests, 1);
  await search(proxy, { text: 'Torre Eiffel', k: 5 });
  assert.equal((await doubleStats()).embedding_requests, 2);
});

test('POLYLENS_CACHE_FILE keeps the cache across a restart', async (t) => {
  const file = join(scratch, 'restart.cache');
  const env = { POLYLENS_CACHE_FILE: file };
  const first = await proxyFor(t, env);
  await resetDouble();
  const before = await search(first, { text: 'lighthouse by the sea', k: 5 });
  assert.equal(before.status, 200, before.text);
  assert.equal((await doubleStats()).embedding_requests, 1);
  await first.stop();
  assert.ok(statSync(file).size > 4096, 'the cache file was not written at shutdown');

  const second = await proxyFor(t, env);
  assert.ok(logLines(second).some((l) => l.msg === 'embedding cache loaded' && l.file === file && l.entries >= 1));
  await resetDouble();
  const again = await search(second, { text: 'lighthouse by the sea', k: 5 });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json.hits, before.json.hits);
  assert.equal((await doubleStats()).embedding_requests, 0);
});

test('a damaged cache file is reported with its name and offset, ignored, and the query re-embedded', async (t) => {
  const file = join(scratch, 'damaged.cache');
  const env = { POLYLENS_CACHE_FILE: file };
  const writer = await proxyFor(t, env);
  const query = { text: 'bowl of fruit', k: 5 };
  const expected = await search(writer, query);
  assert.equal(expected.status, 200, expected.text);
  await writer.stop();
  const good = readFileSync(file);

  const damages = {
    'flipped bytes': () => {
      const bytes = Buffer.from(good);
      for (const at of [100, 101, 2000]) bytes[at] ^= 0xff;
      writeFileSync(file, bytes);
    },
    truncated: () => {
      writeFileSync(file, good);
      truncateSync(file, good.length - 1000);
    },
  };
  for (const [name, damage] of Object.entries(damages)) {
    damage();
    const proxy = await startProxy({ env: { ...proxyEnv({ double, index }), ...env } });
    try {
      const warning = logLines(proxy).find((l) => l.msg?.includes('embedding cache file is damaged'));
      assert.ok(warning, `${name}: no warning in\n${proxy.output.stderr.join('\n')}`);
      assert.equal(warning.file, file);
      assert.equal(typeof warning.offset, 'number');
      assert.ok(warning.offset > 0 && warning.offset < good.length, `${name}: offset ${warning.offset}`);
      await resetDouble();
      const r = await search(proxy, query);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.hits, expected.json.hits);
      assert.equal((await doubleStats()).embedding_requests, 1, `${name}: the query was not re-embedded`);
    } finally {
      await proxy.stop();
    }
  }
  // The proxy that re-embedded wrote a sound file again.
  const healed = await proxyFor(t, env);
  assert.ok(logLines(healed).some((l) => l.msg === 'embedding cache loaded' && l.file === file));
});

// ---- the concurrency cap -------------------------------------------------------------------------

async function fourAtOnce(proxy) {
  await resetDouble();
  await fault({ status: 200, delay_ms: 400, times: 4 });
  const texts = ['cat', 'dog', 'bridge', 'beach'];
  const answers = await Promise.all(texts.map((text) => search(proxy, { text, k: 3 })));
  for (const r of answers) assert.equal(r.status, 200, r.text);
  return doubleStats();
}

test('JINA_CONCURRENCY=1: four searches at once all succeed, one Jina call at a time', async (t) => {
  const proxy = await proxyFor(t, { JINA_CONCURRENCY: '1' });
  const stats = await fourAtOnce(proxy);
  assert.equal(stats.embedding_requests, 4);
  assert.equal(stats.max_in_flight, 1);
});

test('JINA_CONCURRENCY=4: the same four searches do reach the double together (the counter works)', async (t) => {
  const proxy = await proxyFor(t, { JINA_CONCURRENCY: '4' });
  const stats = await fourAtOnce(proxy);
  assert.equal(stats.embedding_requests, 4);
  assert.ok(stats.max_in_flight > 1, `max_in_flight ${stats.max_in_flight}`);
});

// ---- keep-alive over HTTPS -----------------------------------------------------------------------

test('over HTTPS: 50 searches reuse the pooled connection instead of 50 TLS handshakes', async (t) => {
  const certs = makeCertificates(mkdtempSync(join(scratch, 'tls-')));
  const tlsDouble = await startDouble(['--tls-cert', certs.cert, '--tls-key', certs.key]);
  t.after(() => tlsDouble.stop());
  const tlsControl = (path, body) =>
    httpsJson(`${tlsDouble.url}${path}`, { ca: readFileSync(certs.ca), method: body ? 'POST' : 'GET', body });

  // The counter counts connections: three calls on connections of their own, plus the stats call.
  await tlsControl('/_control/reset', {});
  for (let i = 0; i < 3; ++i) await tlsControl('/_control/stats');
  assert.equal(JSON.parse((await tlsControl('/_control/stats')).text).connections_accepted, 4);

  // Certificates are verified: without the test CA, the double's certificate is refused.
  const untrusting = await proxyFor(t, { JINA_API_URL: `${tlsDouble.url}/v1/embeddings` });
  const refused = await search(untrusting, { text: 'cat', k: 3 });
  assert.equal(refused.status, 502, refused.text);
  assert.match(refused.json.error.message, /cannot reach the Jina API \(127\.0\.0\.1:\d+\): the server's TLS certificate does not verify/);
  await untrusting.stop();

  const proxy = await proxyFor(t, {
    JINA_API_URL: `${tlsDouble.url}/v1/embeddings`,
    SSL_CERT_FILE: certs.ca, // OpenSSL's standard variable: trust the test CA instead of the system store
    POLYLENS_CACHE_BYTES: '0', // every search goes to the double
  });
  await tlsControl('/_control/reset', {});
  const embedMs = [];
  for (let i = 0; i < 50; ++i) {
    const r = await search(proxy, { text: i % 2 ? 'torre Eiffel' : 'cat', k: 3 });
    assert.equal(r.status, 200, r.text);
    embedMs.push(r.json.took_ms.embed);
  }
  const stats = JSON.parse((await tlsControl('/_control/stats')).text);
  assert.equal(stats.embedding_requests, 50);
  const proxyConnections = stats.connections_accepted - 1; // less the stats call's own
  const meanEmbed = embedMs.reduce((a, b) => a + b, 0) / embedMs.length;
  t.diagnostic(`50 searches over HTTPS: ${proxyConnections} new connection(s) from the proxy, mean embed ${meanEmbed.toFixed(2)} ms`);
  // Sequential searches need one connection; the proxy may hold up to JINA_CONCURRENCY (2).
  assert.ok(proxyConnections <= 2, `${proxyConnections} connections for 50 searches`);
});
