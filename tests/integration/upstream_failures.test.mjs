// What the proxy says when an upstream fails: Elasticsearch unreachable (503 naming it), the Jina
// API refusing the key (502 saying so, without echoing it), and recovery without a restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_KEY, secret, closedPort, startDouble, startProxy, proxyEnv, runIndexer, deleteIndex, postJson, uniqueIndexName, testBackend,
} from '../lib/stack.mjs';

const index = uniqueIndexName('polylens-fail');
let double;
const proxies = [];


async function proxyWith(overrides) {
  const proxy = await startProxy({ env: { ...proxyEnv({ double, index }), ...overrides } });
  proxies.push(proxy);
  return proxy;
}

before(async () => {
  double = await startDouble();
  const indexed = await runIndexer({ env: proxyEnv({ double, index }) });
  assert.equal(indexed.code, 0, indexed.stderr);
});

after(async () => {
  for (const p of proxies) await p.stop();
  await double?.stop();
  await deleteIndex(index);
});

test('Elasticsearch unreachable -> 503 backend_unavailable naming Elasticsearch', { skip: testBackend === 'embedded' && 'Elasticsearch only' }, async () => {
  const port = await closedPort();
  const proxy = await proxyWith({ ES_URL: `http://127.0.0.1:${port}` });
  const r = await postJson(`${proxy.url}/api/v1/search`, { text: 'cat' });
  assert.equal(r.status, 503, r.text);
  assert.equal(r.json.error.type, 'backend_unavailable');
  assert.match(r.json.error.message, /Elasticsearch at http:\/\/127\.0\.0\.1:\d+ is unreachable/);
  const health = await (await fetch(`${proxy.url}/healthz`)).json();
  assert.equal(health.status, 'degraded');
  assert.equal(health.backend.reachable, false);
});

test('a missing index -> 503 that says to index images first', { skip: testBackend === 'embedded' && 'Elasticsearch only' }, async () => {
  const absent = uniqueIndexName('polylens-absent');
  const proxy = await proxyWith({ POLYLENS_INDEX: absent });
  await deleteIndex(absent); // serve creates a missing index at start; take it away behind its back
  const r = await postJson(`${proxy.url}/api/v1/search`, { text: 'cat' });
  assert.equal(r.status, 503, r.text);
  assert.equal(r.json.error.type, 'backend_unavailable');
  assert.match(r.json.error.message, new RegExp(`the index '${absent}' does not exist.*polylens index`));
});

test('the Jina API refusing the key -> 502 embedder_auth_failed, key not echoed', async () => {
  const wrongKey = secret('jina_wrong_key_' + '1'.repeat(50)); // well-formed (65 characters), unknown
  const proxy = await proxyWith({ JINA_API_KEY: wrongKey });
  const r = await postJson(`${proxy.url}/api/v1/search`, { text: 'cat' });
  assert.equal(r.status, 502, r.text);
  assert.equal(r.json.error.type, 'embedder_auth_failed');
  assert.match(r.json.error.message, /refused the API key/);
  assert.match(r.json.error.message, /JINA_API_KEY/);
  assert.ok(!r.text.includes(wrongKey));
  assert.ok(!proxy.output.stderr.join('\n').includes(wrongKey), 'the refused key reached a log line');
});

test('the Jina API failing -> 502 embedder_error naming the Jina API; the next search works', async () => {
  const proxy = await proxyWith({});
  const fault = await postJson(`${double.url}/_control/faults`, { status: 500, times: 1 });
  assert.equal(fault.status, 200, fault.text);
  const failed = await postJson(`${proxy.url}/api/v1/search`, { text: 'cat' });
  assert.equal(failed.status, 502, failed.text);
  assert.equal(failed.json.error.type, 'embedder_error');
  assert.match(failed.json.error.message, /the Jina API \(127\.0\.0\.1:\d+\) failed \(HTTP 500/);
  const ok = await postJson(`${proxy.url}/api/v1/search`, { text: 'cat' });
  assert.equal(ok.status, 200, ok.text);
});

test('no key anywhere in the logs of this suite', () => {
  const logs = proxies.flatMap((p) => [...p.output.stderr, ...p.output.stdout]).join('\n');
  assert.ok(logs.length > 0);
  assert.ok(!logs.includes(TEST_KEY));
});
