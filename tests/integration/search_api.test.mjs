// The proxy end to end over real HTTP: the indexer and /api/v1/search against a real Elasticsearch
// and the Jina test double. Every bad-input case asserts the status and the error envelope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import {
  paths, TEST_KEY, startDouble, startProxy, proxyEnv, runIndexer, deleteIndex, postJson, uniqueIndexName, testBackend,
} from '../lib/stack.mjs';
import { loadQueries, loadImageTags, idOfFile } from '../lib/dataset.mjs';

const index = uniqueIndexName('polylens-api');
let double, proxy;
const seenBodies = []; // every response body of this suite, for the secret scan

const queries = loadQueries(paths.assets);
const imageTags = loadImageTags(paths.assets);
const imageFiles = readdirSync(`${paths.assets}/images`).filter((f) => f.endsWith('.jpg'));

async function search(body) {
  const r = await postJson(`${proxy.url}/api/v1/search`, body);
  seenBodies.push(r.text);
  return r;
}

async function doubleStats() {
  return (await fetch(`${double.url}/_control/stats`)).json();
}

before(async () => {
  double = await startDouble();
  const env = proxyEnv({ double, index });
  const first = await runIndexer({ env });
  seenBodies.push(first.stderr);
  assert.equal(first.code, 0, `indexer failed:\n${first.stderr}`);
  proxy = await startProxy({ env });
});

after(async () => {
  await proxy?.stop();
  await double?.stop();
  await deleteIndex(index);
});

test('the indexer stored every bundled image once, with its metadata', async () => {
  const health = await (await fetch(`${proxy.url}/healthz`)).json();
  assert.equal(health.backend.doc_count, imageFiles.length);
  assert.equal(health.backend.reachable, true);
  assert.match(health.backend.version, testBackend === 'embedded' ? /^polylens embedded store \d+$/ : /^9\./);
  assert.deepEqual(health.dims, [1024, 256]);
});

test('a second index run embeds nothing and adds nothing', async () => {
  const before = await doubleStats();
  // The embedded store belongs to one process at a time: the proxy steps aside while the indexer runs.
  if (testBackend === 'embedded') await proxy.stop();
  const again = await runIndexer({ env: proxyEnv({ double, index }) });
  const afterStats = await doubleStats();
  // (a restarted proxy probes the embedder once, so it starts after the count)
  if (testBackend === 'embedded') proxy = await startProxy({ env: proxyEnv({ double, index }) });
  seenBodies.push(again.stderr);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(afterStats.embedding_requests, before.embedding_requests);
  const health = await (await fetch(`${proxy.url}/healthz`)).json();
  assert.equal(health.backend.doc_count, imageFiles.length);
});

test('while the proxy holds the embedded store, the indexer says who has it', { skip: testBackend !== 'embedded' }, async () => {
  const blocked = await runIndexer({ env: proxyEnv({ double, index }) });
  seenBodies.push(blocked.stderr);
  assert.equal(blocked.code, 1);
  assert.match(blocked.stderr, /is already open \(process \d+ holds .*LOCK\).*stop polylens serve, or add images through POST \/api\/v1\/images/);
});

test('healthz says the embedder is a stand-in, not the real model', async () => {
  const health = await (await fetch(`${proxy.url}/healthz`)).json();
  assert.equal(health.embedder.stand_in, true);
  assert.match(health.embedder.label, /test double/i);
  assert.equal(health.status, 'ok');
});

test('"torre Eiffel" finds the Eiffel Tower photo first', async () => {
  const r = await search({ text: 'torre Eiffel', k: 5 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.hits[0].id, idOfFile(paths.assets, 'weavly-eiffel-tower.jpg'));
  assert.equal(r.json.hits.length, 5);
  assert.ok(r.json.hits[0].score > r.json.hits[4].score);
  assert.ok(r.json.hits[0].score <= 1 && r.json.hits[0].score >= -1);
  assert.equal(r.json.embedder.stand_in, true);
  assert.equal(r.json.dims, 1024);
  assert.ok(r.json.usage.tokens > 0);
  for (const key of ['embed', 'knn', 'total']) assert.equal(typeof r.json.took_ms[key], 'number');
});

test('every concept gives the same top 3 in English, Spanish, French, Portuguese, Japanese and Arabic', async () => {
  const languages = ['en', 'es', 'fr', 'pt', 'ja', 'ar'];
  for (const q of queries) {
    const tops = {};
    for (const lang of languages) {
      const r = await search({ text: q[lang], k: 3 });
      assert.equal(r.status, 200, `${q.concept}/${lang}: ${r.text}`);
      tops[lang] = r.json.hits.map((h) => h.id);
    }
    for (const lang of languages) assert.deepEqual(tops[lang], tops.en, `${q.concept}: ${lang} differs from en`);
    // The top hit carries the concept, when some image does.
    const withConcept = imageFiles.filter((f) => q.match_tags.some((t) => imageTags[f].includes(t)));
    if (withConcept.length > 0) {
      const topFile = imageFiles.find((f) => idOfFile(paths.assets, f) === tops.en[0]);
      assert.ok(withConcept.includes(topFile), `${q.concept}: top hit ${topFile} lacks the concept`);
    }
  }
});

test('the 256-dim field answers too, and agrees on the top hit', async () => {
  const full = await search({ text: 'lighthouse', k: 3 });
  const small = await search({ text: 'lighthouse', k: 3, dims: 256 });
  assert.equal(small.status, 200, small.text);
  assert.equal(small.json.dims, 256);
  assert.equal(small.json.hits[0].id, full.json.hits[0].id);
});

test('an image query finds that image first, with image-to-image scores above text-to-image', async () => {
  const bytes = readFileSync(`${paths.assets}/images/weavly-great-sphinx.jpg`);
  const r = await search({ image: bytes.toString('base64'), k: 3 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.hits[0].id, idOfFile(paths.assets, 'weavly-great-sphinx.jpg'));
  const text = await search({ text: 'pyramid', k: 1 });
  assert.ok(r.json.hits[0].score > text.json.hits[0].score, 'the modality gap is visible in the scores');
});

test('CC BY photos carry their credit line', async () => {
  const r = await search({ text: 'pizza', k: 1 });
  assert.equal(r.status, 200);
  assert.match(r.json.hits[0].credit, /^Photo: Flickr https:\/\/www\.flickr\.com\/.*CC BY 2\.0, via MS-COCO 2017 \(image id \d+\)$/);
});

test('thumbnails are served as JPEG, and bad ids are refused', async () => {
  const id = idOfFile(paths.assets, 'kodak-01.jpg');
  const ok = await fetch(`${proxy.url}/api/v1/images/${id}/thumbnail`);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-type'), 'image/jpeg');
  const bytes = Buffer.from(await ok.arrayBuffer());
  assert.equal(bytes[0], 0xff);
  assert.equal(bytes[1], 0xd8);

  const missing = await fetch(`${proxy.url}/api/v1/images/${'0'.repeat(32)}/thumbnail`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.type, 'not_found');

  const bad = await fetch(`${proxy.url}/api/v1/images/_search/thumbnail`);
  assert.equal(bad.status, 400);
  const badBody = await bad.json();
  assert.equal(badBody.error.type, 'invalid_request');
  assert.match(badBody.error.message, /'_search' is not an image id/);

  // An encoded slash is decoded before routing, so this never reaches a handler, let alone Elasticsearch.
  const traversal = await fetch(`${proxy.url}/api/v1/images/..%2f_search/thumbnail`);
  assert.equal(traversal.status, 404);
  assert.equal((await traversal.json()).error.type, 'not_found');
});

const jpegHeaderOnly = Buffer.from(readFileSync(`${paths.assets}/images/kodak-01.jpg`).subarray(0, 400)).toString('base64');
const badRequests = [
  ['empty query', { text: '' }, 400, 'invalid_request', /'text' is empty/],
  ['blank query', { text: '   ' }, 400, 'invalid_request', /'text' is empty/],
  ['no query at all', { k: 3 }, 400, 'invalid_request', /'text' or 'image'/],
  ['k of 0', { text: 'cat', k: 0 }, 400, 'invalid_request', /'k' must be between 1 and 100/],
  ['k of 101', { text: 'cat', k: 101 }, 400, 'invalid_request', /'k' must be between 1 and 100/],
  ['negative k', { text: 'cat', k: -1 }, 400, 'invalid_request', /'k' must be between/],
  ['k as a string', { text: 'cat', k: '3' }, 400, 'invalid_request', /'k' must be an integer/],
  ['dims not offered', { text: 'cat', dims: 512 }, 400, 'invalid_request', /'dims' 512 is not offered.*1024, 256/],
  ['dims out of range', { text: 'cat', dims: 4096 }, 400, 'invalid_request', /'dims' must be between 64 and 1024/],
  ['unknown field', { text: 'cat', size: 3 }, 400, 'invalid_request', /unknown field 'size'/],
  ['text and image', { text: 'cat', image: 'Zm9v' }, 400, 'invalid_request', /only one of 'text', 'image' and 'id'/],
  ['invalid base64', { image: 'not base64 at all!' }, 400, 'invalid_request', /not valid base64/],
  ['data URI prefix', { image: 'data:image/png;base64,Zm9v' }, 400, 'invalid_request', /not valid base64/],
  ['undecodable image', { image: Buffer.from('hello, not an image').toString('base64') }, 400, 'invalid_image', /cannot decode/],
  ['truncated JPEG', { image: jpegHeaderOnly }, 400, 'invalid_image', /truncated|cannot decode/],
  ['non-JSON body', 'text=cat', 400, 'invalid_json', /not valid JSON/],
  ['JSON array', '["cat"]', 400, 'invalid_json', /JSON object/],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), 400, 'invalid_json', /not valid JSON/],
];

for (const [name, body, status, type, message] of badRequests) {
  test(`bad input: ${name} -> ${status} ${type}`, async () => {
    const r = await search(body);
    assert.equal(r.status, status, r.text);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(r.json.error.code, status);
    assert.equal(r.json.error.type, type);
    assert.match(r.json.error.message, message);
  });
}

test('bad input: a body over the size limit -> 413 payload_too_large', async () => {
  const r = await search({ text: 'x'.repeat(13 * 1024 * 1024) });
  assert.equal(r.status, 413, r.text);
  assert.equal(r.json.error.type, 'payload_too_large');
  assert.match(r.json.error.message, /over the limit of \d+ bytes/);
});

test('unknown routes and wrong methods answer with the envelope', async () => {
  const missing = await fetch(`${proxy.url}/api/v1/nothing-here`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.type, 'not_found');
  const wrong = await fetch(`${proxy.url}/api/v1/search`);
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get('allow'), 'POST');
  assert.equal((await wrong.json()).error.type, 'method_not_allowed');
});

test('the proxy is still up after all of that', async () => {
  const r = await search({ text: 'cat', k: 1 });
  assert.equal(r.status, 200);
});

test('the API key appears in no response and no log line', () => {
  const everything = [...seenBodies, ...proxy.output.stderr, ...proxy.output.stdout].join('\n');
  assert.ok(everything.length > 1000, 'the scan has material to look at');
  assert.ok(!everything.includes(TEST_KEY), 'the Jina key leaked');
});
