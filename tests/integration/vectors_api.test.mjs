// return_vectors on /api/v1/search and /api/v1/knn, and return_query_vector on /api/v1/search: what the browser
// needs to refine a query by example (Rocchio on its own vectors, then a kNN search) without asking the embedder
// again. The page searches with return_query_vector (the query's vector only) and fetches the hits' vectors on the
// first mark, with one knn on that vector and return_vectors. Real proxy, real store,
// the Jina test double; every bad-input case asserts the status and the error envelope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDouble, startProxy, proxyEnv, runIndexer, deleteIndex, postJson, uniqueIndexName } from '../lib/stack.mjs';

const index = uniqueIndexName('polylens-vectors');
let double, proxy;

before(async () => {
  double = await startDouble();
  const env = proxyEnv({ double, index });
  const indexed = await runIndexer({ env });
  assert.equal(indexed.code, 0, indexed.stderr);
  proxy = await startProxy({ env });
});

after(async () => {
  await proxy?.stop();
  await double?.stop();
  await deleteIndex(index);
});

const api = (route, body) => postJson(`${proxy.url}/api/v1/${route}`, body);
const embedCalls = async () => (await (await fetch(`${double.url}/_control/stats`)).json()).embedding_requests;
const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
const norm = (a) => Math.sqrt(dot(a, a));

test('search with return_vectors answers the query vector and each hit\'s, at the field\'s dims', async () => {
  for (const dims of [1024, 256]) {
    const r = await api('search', { text: 'a cat', k: 5, dims, return_vectors: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.dims, dims);
    assert.equal(r.json.query_vector.length, dims);
    assert.ok(Math.abs(norm(r.json.query_vector) - 1) < 1e-3, 'the query vector is unit length');
    assert.equal(r.json.hits.length, 5);
    for (const hit of r.json.hits) {
      assert.equal(hit.vector.length, dims, `${hit.id} has a ${dims}-dim vector`);
      // The score is the cosine of the two vectors the answer carries (int8 fields: close, not exact).
      const cosine = dot(r.json.query_vector, hit.vector) / norm(hit.vector);
      assert.ok(Math.abs(cosine - hit.score) < (dims === 1024 ? 1e-3 : 0.05), `${hit.id}: cosine ${cosine} vs score ${hit.score}`);
    }
    assert.equal(typeof r.json.took_ms.knn, 'number');
  }
});

test('without return_vectors the answer carries no vectors', async () => {
  const r = await api('search', { text: 'a cat', k: 3 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.query_vector, undefined);
  assert.ok(r.json.hits.every((h) => h.vector === undefined));
  const k = await api('knn', { vector: (await api('search', { text: 'a cat', k: 1, return_vectors: true })).json.query_vector, k: 3 });
  assert.equal(k.status, 200, k.text);
  assert.ok(k.json.hits.every((h) => h.vector === undefined));
});

test('a Rocchio step done by the caller re-ranks through /api/v1/knn with no embed call', async () => {
  const first = await api('search', { text: 'a cat', k: 12, return_vectors: true });
  assert.equal(first.status, 200, first.text);
  const before = await embedCalls();
  // The caller likes the 6th hit: q' = q + 0.75·liked, normalised.
  const liked = first.json.hits[5];
  const moved = first.json.query_vector.map((x, i) => x + 0.75 * liked.vector[i]);
  const n = norm(moved);
  const r = await api('knn', { vector: moved.map((x) => x / n), k: 12, return_vectors: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(await embedCalls(), before, 'no embed call');
  assert.equal(r.json.took_ms.embed, 0);
  assert.equal(r.json.usage.tokens, 0);
  assert.equal(r.json.query_vector.length, 1024);
  assert.ok(r.json.hits.every((h) => h.vector?.length === 1024));
  const rankBefore = first.json.hits.findIndex((h) => h.id === liked.id);
  const rankAfter = r.json.hits.findIndex((h) => h.id === liked.id);
  assert.ok(rankAfter >= 0 && rankAfter < rankBefore, `the liked image moves up: #${rankBefore + 1} -> #${rankAfter + 1}`);
});

test('search by id returns the stored vector as the query vector', async () => {
  const first = await api('search', { text: 'a cat', k: 1, return_vectors: true });
  const id = first.json.hits[0].id;
  const r = await api('search', { id, k: 3, return_vectors: true });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.query_vector, first.json.hits[0].vector);
});

test('search with return_query_vector answers the query vector only: no hit carries a vector', async () => {
  for (const dims of [1024, 256]) {
    const r = await api('search', { text: 'a cat', k: 12, dims, return_query_vector: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.dims, dims);
    assert.equal(r.json.query_vector.length, dims);
    assert.ok(Math.abs(norm(r.json.query_vector) - 1) < 1e-3, 'the query vector is unit length');
    assert.equal(r.json.hits.length, 12);
    assert.ok(r.json.hits.every((h) => !('vector' in h)), 'no hit vectors');
    // The same vector return_vectors answers with.
    const full = await api('search', { text: 'a cat', k: 12, dims, return_vectors: true });
    assert.deepEqual(r.json.query_vector, full.json.query_vector);
    assert.deepEqual(r.json.hits.map((h) => h.id), full.json.hits.map((h) => h.id));
    // The answer is the plain one plus the vector: about 46× smaller than with return_vectors at 1024 dims.
    const plain = await api('search', { text: 'a cat', k: 12, dims });
    assert.ok(r.text.length < plain.text.length + dims * 14, `${r.text.length} vs ${plain.text.length} bytes plain`);
    assert.ok(r.text.length * 4 < full.text.length, `${r.text.length} vs ${full.text.length} bytes with return_vectors`);
    if (dims === 1024) console.log(`# 12 hits at 1024 dims: plain ${plain.text.length} B, return_query_vector ${r.text.length} B, return_vectors ${full.text.length} B`);
  }
});

test('the page\'s lazy fetch: knn with the query vector, k, dims and return_vectors gives the search\'s hits with their vectors', async () => {
  const before = await embedCalls();
  const first = await api('search', { text: 'a cat', k: 12, return_query_vector: true });
  assert.equal(first.status, 200, first.text);
  const afterSearch = await embedCalls();
  const r = await api('knn', { vector: first.json.query_vector, k: 12, dims: 1024, num_candidates: 120, return_vectors: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(await embedCalls(), afterSearch, 'the fetch asks no embedding');
  assert.ok(afterSearch - before <= 1);
  assert.deepEqual(r.json.hits.map((h) => h.id), first.json.hits.map((h) => h.id), 'the same hits');
  assert.ok(r.json.hits.every((h) => h.vector?.length === 1024));
  // "More like this" leaves its image out: one more from knn, that one dropped, gives the same list.
  const id = first.json.hits[0].id;
  const similar = await api('search', { id, k: 12, return_query_vector: true });
  assert.equal(similar.status, 200, similar.text);
  assert.ok(similar.json.hits.every((h) => !('vector' in h) && h.id !== id));
  assert.deepEqual(similar.json.query_vector, r.json.hits[0].vector, 'the stored vector is the query');
  const k = await api('knn', { vector: similar.json.query_vector, k: 13, num_candidates: 120, return_vectors: true });
  assert.equal(k.status, 200, k.text);
  assert.deepEqual(k.json.hits.map((h) => h.id).filter((x) => x !== id).slice(0, 12), similar.json.hits.map((h) => h.id));
});

test('bad input: return_query_vector that is not a boolean -> 400 invalid_request naming the field', async () => {
  for (const value of ['yes', 1, null, [true], { on: true }]) {
    const r = await api('search', { text: 'cat', return_query_vector: value });
    assert.equal(r.status, 400, JSON.stringify(value));
    assert.deepEqual(r.json, {
      error: { code: 400, type: 'invalid_request', message: "'return_query_vector' must be true or false" },
    });
  }
  // knn has no such field (its query vector is the caller's own): refused as unknown.
  const k = await api('knn', { vector: Array(256).fill(0.1), return_query_vector: true });
  assert.equal(k.status, 400);
  assert.equal(k.json.error.code, 400);
  assert.equal(k.json.error.type, 'invalid_request');
  assert.match(k.json.error.message, /unknown field 'return_query_vector' in the knn request/);
});

test('bad input: return_vectors that is not a boolean -> 400 invalid_request naming the field', async () => {
  const vector = Array.from({ length: 256 }, (_, i) => (i === 0 ? 1 : 0));
  const cases = [
    ['search', { text: 'cat', return_vectors: 'yes' }],
    ['search', { text: 'cat', return_vectors: 1 }],
    ['knn', { vector, return_vectors: null }],
    ['knn', { vector, return_vectors: [true] }],
  ];
  for (const [route, body] of cases) {
    const r = await api(route, body);
    assert.equal(r.status, 400, `${route} ${JSON.stringify(body.return_vectors)}`);
    assert.deepEqual(r.json, {
      error: { code: 400, type: 'invalid_request', message: "'return_vectors' must be true or false" },
    });
  }
});

test('bad input: an unknown field is still refused, and the message now lists return_vectors and return_query_vector', async () => {
  const r = await api('search', { text: 'cat', vectors: true });
  assert.equal(r.status, 400);
  assert.deepEqual(r.json, {
    error: {
      code: 400,
      type: 'invalid_request',
      message: "unknown field 'vectors' in the search request; expected text, image or id, k, dims, num_candidates, tags, return_vectors, return_query_vector",
    },
  });
  const k = await api('knn', { vector: Array(256).fill(0.1), return_vector: true });
  assert.equal(k.status, 400);
  assert.equal(k.json.error.type, 'invalid_request');
  assert.match(k.json.error.message, /unknown field 'return_vector'.*return_vectors/);
});
