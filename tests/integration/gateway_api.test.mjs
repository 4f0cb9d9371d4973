// The gateway's routes over real HTTP against a real Elasticsearch and the Jina test double:
// /api/v1/embed, /knn, /search by id and by tag, the admin image routes, /stats, /metrics, /readyz.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  paths, TEST_KEY, secret, startIndexedStack, startProxy, proxyEnv, deleteIndex, postJson, uniqueIndexName, testBackend, storeDir,
} from '../lib/stack.mjs';
import { requestJson } from '../lib/http.mjs';
import { idOfFile, loadImageTags } from '../lib/dataset.mjs';

const index = uniqueIndexName('polylens-gateway');
const ADMIN = secret('admin-token-for-tests-0123456789abcdef');
let stack, double, proxy;
const imageCount = Object.keys(loadImageTags(paths.assets)).length;

const api = (path, body) => postJson(`${proxy.url}${path}`, body);
const admin = (method, path, body) =>
  requestJson(`${proxy.url}${path}`, { method, body, headers: { authorization: `Bearer ${ADMIN}` } });
const documents = async () => (await (await fetch(`${proxy.url}/api/v1/stats`)).json()).documents;

before(async () => {
  stack = await startIndexedStack({ index, env: { POLYLENS_ADMIN_TOKEN: ADMIN } });
  ({ double, proxy } = stack);
});

after(async () => {
  await stack?.stop();
});

test('/embed: one 1024-dim call, truncated here, equals what the Jina API returns for that many dimensions', async () => {
  for (const dims of [64, 256, 1024]) {
    const ours = await api('/api/v1/embed', { inputs: [{ text: 'red flower' }, { text: 'Eiffel Tower' }], dims });
    assert.equal(ours.status, 200, ours.text);
    assert.equal(ours.json.dims, dims);
    const theirs = await requestJson(`${double.url}/v1/embeddings`, {
      headers: { authorization: `Bearer ${TEST_KEY}` },
      body: { model: 'jina-clip-v2', input: [{ text: 'red flower' }, { text: 'Eiffel Tower' }], dimensions: dims, task: 'retrieval.query' },
    });
    assert.equal(theirs.status, 200, theirs.text);
    for (const i of [0, 1]) {
      const a = ours.json.data[i].embedding;
      const b = theirs.json.data[i].embedding;
      assert.equal(a.length, dims);
      for (let d = 0; d < dims; d++) assert.ok(Math.abs(a[d] - b[d]) < 1e-6, `dims ${dims}, input ${i}, value ${d}: ${a[d]} vs ${b[d]}`);
    }
  }
  const stats = await (await fetch(`${double.url}/_control/stats`)).json();
  assert.equal(stats.last_request.dimensions, 1024, 'the proxy asks for the full 1024 dimensions');
});

test('/embed: images are embedded too, and a repeated input is answered from the cache', async () => {
  const image = readFileSync(`${paths.assets}/images/weavly-taj-mahal.jpg`).toString('base64');
  const first = await api('/api/v1/embed', { inputs: [{ image }, { text: 'taj mahal at dawn' }], task: 'document' });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.data.length, 2);
  const again = await api('/api/v1/embed', { inputs: [{ image }, { text: 'taj mahal at dawn' }], task: 'document' });
  assert.deepEqual(again.json.data.map((d) => d.cached), [true, true]);
  assert.equal(again.json.usage.tokens, 0);
  assert.deepEqual(again.json.data[0].embedding, first.json.data[0].embedding);
});

test('/knn: a vector from /embed finds what /search finds for the same text', async () => {
  const embedded = await api('/api/v1/embed', { inputs: [{ text: 'lighthouse' }], dims: 256 });
  const knn = await api('/api/v1/knn', { vector: embedded.json.data[0].embedding, k: 5 });
  assert.equal(knn.status, 200, knn.text);
  assert.equal(knn.json.dims, 256);
  const search = await api('/api/v1/search', { text: 'lighthouse', k: 5, dims: 256 });
  assert.deepEqual(knn.json.hits.map((h) => h.id), search.json.hits.map((h) => h.id));
});

test('/knn: a vector of a size no field has is refused', async () => {
  const r = await api('/api/v1/knn', { vector: Array.from({ length: 128 }, (_, i) => (i === 0 ? 1 : 0)) });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.type, 'invalid_request');
  assert.match(r.json.error.message, /'vector' has 128 numbers, and this index has no field of 128 dims; send a vector of 1024, 256/);
});

test('/search by id: more like this, without the image itself and without an embed call', async () => {
  const id = idOfFile(paths.assets, 'weavly-great-sphinx.jpg');
  const before = (await (await fetch(`${double.url}/_control/stats`)).json()).embedding_requests;
  const r = await api('/api/v1/search', { id, k: 3 });
  assert.equal(r.status, 200, r.text);
  assert.ok(!r.json.hits.some((h) => h.id === id));
  assert.ok(r.json.hits[0].tags.some((t) => /pyramid|sphinx|egypt/i.test(t)), JSON.stringify(r.json.hits[0]));
  const afterCount = (await (await fetch(`${double.url}/_control/stats`)).json()).embedding_requests;
  assert.equal(afterCount, before);

  const unknown = await api('/api/v1/search', { id: 'f'.repeat(32) });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.type, 'not_found');
});

test('/search with tags: every hit carries one of them', async () => {
  const r = await api('/api/v1/search', { text: 'cat', k: 5, tags: ['pizza'] });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.hits.length > 0);
  for (const h of r.json.hits) assert.ok(h.tags.includes('pizza'), JSON.stringify(h.tags));
});

test('POST /api/v1/images: per-item status; the new image is searchable at once; DELETE removes it', async () => {
  // The same photo with one byte after its end marker: other bytes, so another id; decodes the same.
  const original = readFileSync(`${paths.assets}/images/kodak-03.jpg`);
  const variant = Buffer.concat([original, Buffer.from([0])]);
  const r = await admin('POST', '/api/v1/images', {
    images: [
      { image: variant.toString('base64'), title: 'Caps on a wall (copy)', tags: ['caps', 'copy'], source: 'test' },
      { image: original.toString('base64'), title: 'already there' },
      { image: 'not base64!' },
      { image: Buffer.from('not an image').toString('base64') },
    ],
  });
  assert.equal(r.status, 200, r.text);
  const [created, exists, badBase64, badImage] = r.json.items;
  assert.equal(created.status, 'created');
  assert.match(created.id, /^[0-9a-f]{32}$/);
  assert.equal(exists.status, 'exists');
  assert.equal(exists.id, idOfFile(paths.assets, 'kodak-03.jpg'));
  assert.equal(badBase64.status, 'failed');
  assert.equal(badBase64.error.type, 'invalid_request');
  assert.match(badBase64.error.message, /images\[2\]\.image' is not valid base64/);
  assert.equal(badImage.status, 'failed');
  assert.equal(badImage.error.type, 'invalid_image');
  assert.ok(r.json.usage.tokens > 0);
  assert.equal(await documents(), imageCount + 1);

  const found = await api('/api/v1/search', { text: 'copy', k: 3, tags: ['copy'] });
  assert.deepEqual(found.json.hits.map((h) => h.id), [created.id]);
  assert.equal(found.json.hits[0].title, 'Caps on a wall (copy)');

  const again = await admin('POST', '/api/v1/images', { images: [{ image: variant.toString('base64') }] });
  assert.equal(again.json.items[0].status, 'exists');
  assert.equal(again.json.usage.tokens, 0);

  const removed = await admin('DELETE', `/api/v1/images/${created.id}`);
  assert.equal(removed.status, 200, removed.text);
  assert.deepEqual(removed.json, { id: created.id, deleted: true });
  const gone = await admin('DELETE', `/api/v1/images/${created.id}`);
  assert.equal(gone.status, 404);
  assert.equal(gone.json.error.type, 'not_found');
  assert.equal(await documents(), imageCount);
});

test('/api/v1/stats: documents, bytes per field, cache, tokens', async () => {
  const r = await fetch(`${proxy.url}/api/v1/stats`);
  assert.equal(r.status, 200);
  const stats = await r.json();
  assert.equal(stats.index, testBackend === 'embedded' ? storeDir(index) : index);
  assert.equal(stats.documents, imageCount);
  const [full, small] = stats.fields;
  assert.equal(full.name, 'vec_1024');
  assert.equal(small.name, 'vec_256');
  assert.ok(full.bytes > 0 && small.bytes > 0, JSON.stringify(stats.fields));
  assert.ok(small.bytes_per_image < full.bytes_per_image);
  assert.ok(stats.tokens > 0);
  assert.ok(stats.cache.hits >= 2, JSON.stringify(stats.cache));
  assert.ok(stats.cache.hit_ratio > 0 && stats.cache.hit_ratio < 1);
  assert.equal(stats.embedder.stand_in, true);
});

test('/metrics: Prometheus text with requests, cache and tokens', async () => {
  const r = await fetch(`${proxy.url}/metrics`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await r.text();
  assert.match(text, /^# TYPE polylens_http_requests_total counter$/m);
  assert.match(text, /^polylens_http_requests_total\{method="POST",route="\/api\/v1\/search",status="200"\} [1-9]\d*$/m);
  assert.match(text, /^polylens_embedding_cache_hits_total [1-9]\d*$/m);
  assert.match(text, /^polylens_embedder_tokens_total [1-9]\d*$/m);
});

test('/readyz: ready while the index answers, 503 naming the problem when it is gone', async (t) => {
  const ok = await fetch(`${proxy.url}/readyz`);
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { ready: true, documents: imageCount });

  if (testBackend === 'embedded') return t.skip('an Elasticsearch index can vanish under the proxy; the embedded store is held open');
  const absent = uniqueIndexName('polylens-unready');
  const other = await startProxy({ env: { ...proxyEnv({ double, index: absent }) } });
  try {
    await deleteIndex(absent); // serve creates it at start; take it away
    const r = await fetch(`${other.url}/readyz`);
    assert.equal(r.status, 503);
    const body = await r.json();
    assert.equal(body.error.type, 'backend_unavailable');
    assert.match(body.error.message, new RegExp(`the index '${absent}' does not exist`));
  } finally {
    await other.stop();
  }
});
