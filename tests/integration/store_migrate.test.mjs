// The two vector stores side by side: `polylens migrate` moves a collection between them without
// embedding anything, and on the same documents the embedded store's exact search and an
// Elasticsearch flat field return the same top 10, in every language of the query set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import {
  paths, esUrl, startDouble, startProxy, proxyEnv, runIndexer, deleteIndex, postJson, uniqueIndexName, storeDir,
} from '../lib/stack.mjs';
import { loadQueries, idOfFile } from '../lib/dataset.mjs';

const esIndex = uniqueIndexName('polylens-migrate');
const storeName = uniqueIndexName('polylens-migrate-store');
const backName = uniqueIndexName('polylens-migrate-back');
const fields = '1024:flat,256:flat'; // exact search on both sides, so the comparison is about the stores
const files = readdirSync(`${paths.assets}/images`).filter((f) => f.endsWith('.jpg'));
let double;

const embeddedEnv = (name) => ({
  ...proxyEnv({ double, index: name }), POLYLENS_BACKEND: 'embedded', POLYLENS_DATA_DIR: storeDir(name), POLYLENS_FIELDS: fields,
});
const esEnv = () => ({ ...proxyEnv({ double, index: esIndex, es: esUrl() }), POLYLENS_FIELDS: fields });

// `polylens migrate`, with both stores configured: the data directory and ES_URL.
function migrate(from, to, dataDir) {
  const env = { ...esEnv(), POLYLENS_DATA_DIR: dataDir };
  delete env.JINA_API_KEY; // migrate never embeds, so it needs no key
  const child = spawn(paths.proxy, ['migrate', '--from', from, '--to', to], { env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

const embedCalls = async () => (await (await fetch(`${double.url}/_control/stats`)).json()).embedding_requests;

async function esCount() {
  await fetch(`${esUrl()}/${esIndex}/_refresh`, { method: 'POST' });
  return (await (await fetch(`${esUrl()}/${esIndex}/_count`)).json()).count;
}

before(async () => {
  double = await startDouble();
  const indexed = await runIndexer({ env: embeddedEnv(storeName) });
  assert.equal(indexed.code, 0, indexed.stderr);
});

after(async () => {
  await double?.stop();
  await deleteIndex(esIndex);
  for (const name of [storeName, backName]) rmSync(storeDir(name), { recursive: true, force: true });
});

test('migrate --from embedded --to elasticsearch copies every document without one embed call', async () => {
  const calls = await embedCalls();
  const run = await migrate('embedded', 'elasticsearch', storeDir(storeName));
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`"copied":${files.length}\\b`));
  assert.match(run.stderr, /"migration finished"/);
  assert.equal(await esCount(), files.length);
  assert.equal(await embedCalls(), calls, 'migrating embeds nothing');
  const doc = await (await fetch(`${esUrl()}/${esIndex}/_doc/${idOfFile(paths.assets, files[0])}`)).json();
  assert.equal(doc.found, true);
  assert.ok(doc._source.thumbnail.length > 1000, 'the thumbnail came along');
  assert.ok(doc._source.title.length > 0);
});

test('a second migration copies nothing; one after a loss copies exactly what is missing', async () => {
  const again = await migrate('embedded', 'elasticsearch', storeDir(storeName));
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /"copied":0\b/);
  assert.match(again.stderr, new RegExp(`"already_there":${files.length}\\b`));

  const lost = files.slice(0, 5).map((f) => idOfFile(paths.assets, f));
  for (const id of lost) await fetch(`${esUrl()}/${esIndex}/_doc/${id}?refresh=true`, { method: 'DELETE' });
  assert.equal(await esCount(), files.length - lost.length);
  const resumed = await migrate('embedded', 'elasticsearch', storeDir(storeName));
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`"copied":${lost.length}\\b`));
  assert.equal(await esCount(), files.length);
});

test('migrate --from elasticsearch --to embedded brings the collection back, counts verified', async () => {
  const run = await migrate('elasticsearch', 'embedded', storeDir(backName));
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`"target_documents":${files.length}\\b`));
});

test('bad migrate commands say what to fix, with exit code 2', async () => {
  for (const [args, message] of [
    [['--from', 'embedded'], /needs --from and --to/],
    [['--from', 'embedded', '--to', 'embedded'], /two different stores/],
    [['--from', 'sqlite', '--to', 'embedded'], /--from must be 'embedded' or 'elasticsearch', got 'sqlite'/],
  ]) {
    const child = spawn(paths.proxy, ['migrate', ...args], { env: { ...process.env, ES_URL: esUrl() } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 2, stderr);
    assert.match(stderr, message);
  }
});

test('parity: embedded exact search and an Elasticsearch flat field give the same top 10 in every language', async (t) => {
  const embedded = await startProxy({ env: embeddedEnv(storeName) });
  const elastic = await startProxy({ env: esEnv() });
  try {
    let compared = 0;
    for (const q of loadQueries(paths.assets)) {
      for (const lang of Object.keys(q).filter((k) => k !== 'concept' && k !== 'match_tags')) {
        if (!q[lang]) continue;
        const [a, b] = await Promise.all([embedded, elastic].map((p) => postJson(`${p.url}/api/v1/search`, { text: q[lang], k: 10 })));
        assert.equal(a.status, 200, a.text);
        assert.equal(b.status, 200, b.text);
        const ha = a.json.hits;
        const hb = b.json.hits;
        assert.equal(ha.length, hb.length);
        for (let i = 0; i < ha.length; i++) {
          assert.ok(Math.abs(ha[i].score - hb[i].score) < 1e-4, `${lang} "${q[lang]}" rank ${i + 1}: ${ha[i].score} vs ${hb[i].score}`);
          // Equal scores (identical vectors) may come in either order; any other difference is a failure.
          if (ha[i].id !== hb[i].id) {
            const tied = hb.filter((h) => Math.abs(h.score - ha[i].score) < 1e-6).map((h) => h.id);
            assert.ok(tied.includes(ha[i].id), `${lang} "${q[lang]}" rank ${i + 1}: ${ha[i].id} vs ${hb[i].id}`);
          }
        }
        compared++;
      }
    }
    t.diagnostic(`${compared} queries compared`);
    assert.ok(compared >= 40 * 22, `every concept in every language was compared (${compared})`);
  } finally {
    await embedded.stop();
    await elastic.stop();
  }
});
