// `polylens index` is resumable: killed with SIGKILL at any point and started again, it ends with
// exactly one document per image, and it never embeds an image the index already holds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { paths, esUrl, startDouble, proxyEnv, spawnIndexer, runIndexer, deleteIndex, uniqueIndexName } from '../lib/stack.mjs';
import { idOfFile } from '../lib/dataset.mjs';

const index = uniqueIndexName('polylens-resume');
const batchSize = 8;
const files = readdirSync(`${paths.assets}/images`).filter((f) => f.endsWith('.jpg'));
const expectedIds = files.map((f) => idOfFile(paths.assets, f)).sort();
let double;

const env = () => ({ ...proxyEnv({ double, index }), POLYLENS_EMBED_BATCH_SIZE: String(batchSize) });

async function doubleStats() {
  return (await fetch(`${double.url}/_control/stats`)).json();
}

// A killed indexer's last embed call may still be in the double (each is slowed down), and it counts
// its inputs when it answers: wait for it before counting.
async function settledStats() {
  for (;;) {
    const stats = await doubleStats();
    if (stats.in_flight === 0) return stats;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// What the index holds, as Elasticsearch sees it after a refresh: ids and how many documents carry
// each content hash.
async function stored() {
  await fetch(`${esUrl()}/${index}/_refresh`, { method: 'POST' });
  const r = await fetch(`${esUrl()}/${index}/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      size: 1000, _source: false, track_total_hits: true,
      aggs: { hashes: { terms: { field: 'content_hash', size: 1000, min_doc_count: 2 } } },
    }),
  });
  if (r.status === 404) return { count: 0, ids: [], duplicatedHashes: [] };
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  return {
    count: body.hits.total.value,
    ids: body.hits.hits.map((h) => h._id).sort(),
    duplicatedHashes: body.aggregations.hashes.buckets.map((b) => b.key),
  };
}

// Starts the indexer and SIGKILLs it once it has printed `afterLines` progress lines, plus a pause:
// the pause lands the kill in different phases (embedding, bulk indexing, between batches).
function indexAndKill({ afterLines, pauseMs }) {
  let progressLines = 0;
  let killTimer;
  const run = spawnIndexer({
    env: env(),
    onLine: (line) => {
      if (!line.startsWith('[')) return;
      if (++progressLines === afterLines) killTimer = setTimeout(() => run.child.kill('SIGKILL'), pauseMs);
    },
  });
  if (afterLines === 0) killTimer = setTimeout(() => run.child.kill('SIGKILL'), pauseMs);
  return run.exited.finally(() => clearTimeout(killTimer));
}

before(async () => {
  double = await startDouble();
  // Every embed call is slowed down, so a run lasts long enough to be killed in the middle.
  const slow = await fetch(`${double.url}/_control/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 200, delay_ms: 150, times: 100000 }),
  });
  assert.equal(slow.status, 200, await slow.text());
});

after(async () => {
  await double?.stop();
  await deleteIndex(index);
});

test('killed with SIGKILL at many points and restarted, the indexer ends with one document per image', async (t) => {
  const killPoints = [
    { afterLines: 0, pauseMs: 30 }, { afterLines: 1, pauseMs: 0 }, { afterLines: 2, pauseMs: 60 },
    { afterLines: 1, pauseMs: 170 }, { afterLines: 3, pauseMs: 120 }, { afterLines: 2, pauseMs: 250 },
  ];
  let previous = 0;
  let kills = 0;
  const inputsBefore = (await settledStats()).inputs;
  for (const point of killPoints) {
    const run = await indexAndKill(point);
    const now = await stored();
    assert.deepEqual(now.duplicatedHashes, [], 'no image is stored twice');
    assert.ok(now.count >= previous, `the index never shrinks: ${previous} -> ${now.count}`);
    t.diagnostic(`${run.signal ?? `exit ${run.code}`} after ${point.afterLines} batches + ${point.pauseMs} ms: ${now.count} stored`);
    if (run.signal === 'SIGKILL') kills += 1;
    else assert.equal(run.code, 0, `a run that finished before its kill must succeed:\n${run.stderr}`);
    previous = now.count;
    if (now.count === files.length) break;
  }
  assert.ok(kills >= 3, `at least three runs were killed mid-way (${kills})`);
  assert.ok(previous < files.length, 'the kills left work for the final run');

  const inputsBeforeFinal = (await settledStats()).inputs;
  const final = await runIndexer({ env: env() });
  assert.equal(final.code, 0, final.stderr);
  const end = await stored();
  assert.equal(end.count, files.length);
  assert.deepEqual(end.ids, expectedIds, 'the ids are exactly the content hashes of the files');
  assert.deepEqual(end.duplicatedHashes, []);

  const stats = await doubleStats();
  assert.equal(stats.inputs - inputsBeforeFinal, files.length - previous,
    'the restarted run embedded only the images the index did not hold');
  // A killed run loses at most the batch it was embedding: it never re-embeds stored images.
  assert.ok(stats.inputs - inputsBefore <= files.length + kills * batchSize,
    `embedded ${stats.inputs - inputsBefore} images for ${files.length} files and ${kills} kills`);
});

test('a run after the index is complete embeds nothing and says so', async () => {
  const before = (await doubleStats()).embedding_requests;
  const again = await runIndexer({ env: env() });
  assert.equal(again.code, 0, again.stderr);
  assert.equal((await doubleStats()).embedding_requests, before);
  assert.match(again.stderr, new RegExp(`"already_indexed":${files.length}\\b`));
  assert.equal((await stored()).count, files.length);
});
