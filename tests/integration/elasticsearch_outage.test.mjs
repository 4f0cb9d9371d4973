// Elasticsearch going away and coming back while the proxy runs: a search answers 503 naming
// Elasticsearch and its URL, /healthz says degraded, and once Elasticsearch is back the next searches
// work again without restarting the proxy. Also: an Elasticsearch that accepts connections and never
// answers gives a 503 that says so, after ES_TIMEOUT_MS.
//
// The suite's Elasticsearch is a shared ctest fixture and must keep running, so the outage is made
// by a small TCP forwarder (node:net) between the proxy and Elasticsearch: closing the forwarder
// (listener and every open socket, so the proxy's pooled keep-alive connections die too) is the
// outage; listening again on the same port is the recovery.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  esUrl, startDouble, startProxy, proxyEnv, runIndexer, deleteIndex, postJson, uniqueIndexName,
} from '../lib/stack.mjs';

const index = uniqueIndexName('polylens-outage');
let double;
const proxies = [];
const forwarders = [];

// ---- TCP forwarder -----------------------------------------------------------------------------

// Forwards every connection on 127.0.0.1:<port> to `target` (a URL). port 0 picks a free one.
// mode 'forward' pipes bytes both ways; mode 'silent' accepts and never answers.
async function startForwarder(target, { port = 0, mode = 'forward' } = {}) {
  const { hostname, port: targetPort } = new URL(target);
  const sockets = new Set();
  const track = (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (mode === 'silent') return; // holds the connection, reads nothing back, answers nothing
    const upstream = connect(Number(targetPort), hostname);
    track(upstream);
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const forwarder = {
    port: server.address().port,
    url: `http://127.0.0.1:${server.address().port}`,
    connections: () => sockets.size,
    // Stops listening and destroys every open socket; resolves once all of them are closed.
    async close() {
      const closed = new Promise((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      for (let i = 0; i < 100 && sockets.size > 0; i++) await sleep(20);
    },
  };
  forwarders.push(forwarder);
  return forwarder;
}

// Listening on a port that was just released can fail for a moment if another process grabbed it;
// on loopback with SO_REUSEADDR (node's default) it normally succeeds at once.
async function restartForwarder(target, port) {
  let lastError;
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      return await startForwarder(target, { port });
    } catch (e) {
      lastError = e;
      await sleep(100);
    }
  }
  throw new Error(`could not listen on port ${port} again: ${lastError?.message}`);
}

// ---- helpers -----------------------------------------------------------------------------------

async function proxyWith(overrides) {
  const proxy = await startProxy({ env: { ...proxyEnv({ double, index }), ...overrides } });
  proxies.push(proxy);
  return proxy;
}

async function health(proxy) {
  const res = await fetch(`${proxy.url}/healthz`);
  assert.equal(res.status, 200, 'healthz always answers 200');
  return res.json();
}

function assertEnvelope(r, status, type) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.deepEqual(Object.keys(r.json), ['error']);
  assert.equal(r.json.error.code, status);
  assert.equal(r.json.error.type, type);
  assert.equal(typeof r.json.error.message, 'string');
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Polls until `attempt()` returns {ok: true}; no timing assertion, only a generous ceiling.
// Returns the value and how many attempts it took.
async function eventually(what, attempt, ceilingMs = 60000) {
  const deadline = Date.now() + ceilingMs;
  let last;
  for (let attempts = 1; Date.now() < deadline; attempts++) {
    last = await attempt();
    if (last.ok) return { value: last.value, attempts };
    await sleep(200);
  }
  throw new Error(`timed out after ${ceilingMs} ms waiting for ${what}; last: ${JSON.stringify(last.value)}`);
}

// ---- suite -------------------------------------------------------------------------------------

before(async () => {
  double = await startDouble();
});

after(async () => {
  for (const p of proxies) await p.stop();
  for (const f of forwarders) await f.close();
  await double?.stop();
  await deleteIndex(index);
});

test('Elasticsearch goes away -> 503 naming it; comes back -> searches recover without a restart', async (t) => {
  let forwarder = await startForwarder(esUrl());
  const port = forwarder.port;
  const env = { ES_URL: forwarder.url };

  const indexed = await runIndexer({ env: { ...proxyEnv({ double, index }), ...env } });
  assert.equal(indexed.code, 0, `indexer through the forwarder failed:\n${indexed.stderr}`);

  const proxy = await proxyWith(env);
  const query = { text: 'lighthouse', k: 3 };
  const before = await postJson(`${proxy.url}/api/v1/search`, query);
  assert.equal(before.status, 200, before.text);
  assert.equal(before.json.hits.length, 3);
  const topHit = before.json.hits[0].id;
  const healthy = await health(proxy);
  assert.equal(healthy.status, 'ok');
  assert.equal(healthy.backend.reachable, true);
  assert.ok(forwarder.connections() > 0, 'the proxy keeps a pooled connection open through the forwarder');

  // Outage: nothing listens on the port any more, and the pooled connections are gone.
  await forwarder.close();
  const down = await postJson(`${proxy.url}/api/v1/search`, query);
  assertEnvelope(down, 503, 'backend_unavailable');
  assert.match(down.json.error.message, new RegExp(`Elasticsearch at ${escape(forwarder.url)}\\b`));
  assert.match(down.json.error.message, /unreachable/);
  const degraded = await health(proxy);
  assert.equal(degraded.status, 'degraded');
  assert.equal(degraded.backend.reachable, false);

  // A second search while it is down gives the same answer: nothing was cached as a success.
  const stillDown = await postJson(`${proxy.url}/api/v1/search`, query);
  assertEnvelope(stillDown, 503, 'backend_unavailable');

  // Recovery: the same port answers again; the same proxy process serves searches again.
  forwarder = await restartForwarder(esUrl(), port);
  const { value: after, attempts } = await eventually('a search to succeed after Elasticsearch came back', async () => {
    const r = await postJson(`${proxy.url}/api/v1/search`, query);
    return { ok: r.status === 200, value: r.status === 200 ? r.json : r.text };
  });
  t.diagnostic(`searches until recovery: ${attempts}`);
  assert.equal(after.hits[0].id, topHit, 'the same top hit as before the outage');
  assert.deepEqual(after.hits.map((h) => h.id), before.json.hits.map((h) => h.id));
  const recovered = await health(proxy);
  assert.equal(recovered.backend.reachable, true);
  assert.equal(recovered.status, 'ok');
  assert.match(recovered.backend.version, /^\d+\./);
  assert.equal(proxy.child.exitCode, null, 'the proxy never exited');
});

test('Elasticsearch accepts connections but never answers -> 503 saying it did not answer in time', async () => {
  const silent = await startForwarder(esUrl(), { mode: 'silent' });
  const proxy = await proxyWith({ ES_URL: silent.url, ES_TIMEOUT_MS: '500' });
  const r = await postJson(`${proxy.url}/api/v1/search`, { text: 'lighthouse', k: 3 });
  assertEnvelope(r, 503, 'backend_unavailable');
  assert.match(r.json.error.message, new RegExp(`Elasticsearch at ${escape(silent.url)}\\b`));
  assert.match(r.json.error.message, /did not answer in time/);
  const degraded = await health(proxy);
  assert.equal(degraded.status, 'degraded');
  assert.equal(degraded.backend.reachable, false);
});

// An Elasticsearch that is briefly overloaded: the first searches answer 503 (or 429 with
// Retry-After), then it recovers. The proxy retries (ES_MAX_RETRIES) and the caller sees a 200.
async function startFlakyElasticsearch(target, failures) {
  const { createServer: createHttpServer } = await import('node:http');
  let left = failures;
  const server = createHttpServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    if (req.url.includes('/_search') && left > 0) {
      left -= 1;
      const status = left % 2 ? 503 : 429;
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '0' } : {}) });
      res.end(JSON.stringify({ error: { type: 'es_rejected_execution_exception', reason: 'rejected, queue full' }, status }));
      return;
    }
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const upstream = await fetch(`${target}${req.url}`, { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/json' }, body });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, remaining: () => left, close: () => new Promise((r) => server.close(r)) };
}

test('Elasticsearch answering 503 and 429 for a moment: retried, and the search succeeds', async () => {
  const flaky = await startFlakyElasticsearch(esUrl(), 2);
  try {
    const proxy = await startProxy({ env: { ...proxyEnv({ double, index, es: flaky.url }), ES_MAX_RETRIES: '2' } });
    proxies.push(proxy);
    const r = await postJson(`${proxy.url}/api/v1/search`, { text: 'lighthouse', k: 3 });
    assert.equal(r.status, 200, r.text);
    assert.equal(flaky.remaining(), 0, 'both failures were served, so the search was retried twice');
    assert.ok(proxy.output.stderr.some((l) => l.includes('retrying Elasticsearch')), 'the retries are logged');
  } finally {
    await flaky.close();
  }
});

test('Elasticsearch failing for longer than the retries: 502 naming Elasticsearch and its reason', async () => {
  const flaky = await startFlakyElasticsearch(esUrl(), 100);
  try {
    const proxy = await startProxy({ env: { ...proxyEnv({ double, index, es: flaky.url }), ES_MAX_RETRIES: '1' } });
    proxies.push(proxy);
    const before = flaky.remaining();
    const r = await postJson(`${proxy.url}/api/v1/search`, { text: 'lighthouse', k: 3 });
    assert.equal(r.status, 502, r.text);
    assert.equal(r.json.error.type, 'backend_error');
    assert.match(r.json.error.message, /Elasticsearch at http:\/\/127\.0\.0\.1:\d+ failed while searching vec_1024 \(HTTP (503|429) es_rejected_execution_exception: rejected, queue full\)/);
    assert.equal(before - flaky.remaining(), 2, 'one try and one retry, no more');
  } finally {
    await flaky.close();
  }
});
