// `polylens report` end to end: a subset of the bundled photos indexed into a real Elasticsearch
// with the Jina test double, the report run over it as JSON, and its invariants checked (not its
// timings). Also: the --fields validation agrees with what Elasticsearch 9.2 accepts, bad flags
// exit 2 with a message naming the problem, and /api/v1/stats carries the same per-field figures
// and the tokens per image and per query.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  paths, startDouble, startProxy, proxyEnv, runIndexer, runPolylens, deleteIndex, esUrl, postJson, uniqueIndexName,
} from '../lib/stack.mjs';

const index = uniqueIndexName('polylens-report');
const work = mkdtempSync(join(tmpdir(), 'polylens-report-test-'));
const imagesDir = join(work, 'images');
const queriesFile = join(work, 'queries.tsv');
const languages = ['en', 'es', 'ja'];
// Every fifth photo: a mix of sizes, some over 512 px on a side (so resizing saves tiles).
const subset = readdirSync(`${paths.assets}/images`).filter((f) => f.endsWith('.jpg')).sort().filter((_, i) => i % 5 === 0);
let double, env;

async function scratchIndices() {
  const r = await fetch(`${esUrl()}/_cat/indices/${index}-report-*?format=json&h=index`);
  return (await r.json()).map((i) => i.index);
}

function report(args) {
  return runPolylens({ env, args: ['report', '--queries', queriesFile, ...args] });
}

before(async () => {
  mkdirSync(imagesDir);
  for (const f of subset) copyFileSync(`${paths.assets}/images/${f}`, join(imagesDir, f));
  // The bundled queries in three languages: 40 concepts x 3 = 120 queries.
  const [header, ...rows] = readFileSync(`${paths.assets}/queries.tsv`, 'utf8').split('\n').filter((l) => l.trim());
  const names = header.split('\t');
  const keep = ['concept', 'match_tags', ...languages].map((n) => names.indexOf(n));
  writeFileSync(queriesFile, [header, ...rows].map((l) => keep.map((i) => l.split('\t')[i]).join('\t')).join('\n') + '\n');

  double = await startDouble();
  env = proxyEnv({ double, index });
  const indexed = await runIndexer({ env, folder: imagesDir, args: ['--metadata', `${paths.assets}/images.tsv`] });
  assert.equal(indexed.code, 0, indexed.stderr);
});

after(async () => {
  await double?.stop();
  await deleteIndex(index);
  rmSync(work, { recursive: true, force: true });
});

test('report --format json: every field measured, with invariants that hold whatever the timings', async () => {
  const run = await report([
    '--dims', '1024,256,64', '--types', 'hnsw,int8_hnsw,bbq_hnsw', '--images', imagesDir, '--format', 'json',
  ]);
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(run.stdout);

  assert.equal(r.documents.stored, subset.length);
  assert.equal(r.documents.total, subset.length);
  assert.match(r.elasticsearch.version, /^9\./);
  assert.equal(r.embedder.stand_in, true);
  assert.match(r.embedder.label, /stand-in/);
  assert.match(run.stderr, /TEST DOUBLE/);
  assert.equal(r.queries.count, 40 * languages.length);
  assert.deepEqual(r.queries.languages, languages);
  assert.equal(r.k, 10);

  const names = r.fields.map((f) => `${f.dims}:${f.index_type}`);
  assert.deepEqual(names, ['1024:hnsw', '1024:int8_hnsw', '1024:bbq_hnsw', '256:hnsw', '256:int8_hnsw', '256:bbq_hnsw',
    '64:hnsw', '64:int8_hnsw', '64:bbq_hnsw']);
  assert.deepEqual(r.skipped, []);
  for (const f of r.fields) {
    const what = `${f.name} ${f.index_type}`;
    assert.equal(f.documents, subset.length, what);
    assert.equal(f.segments, 1, `${what}: force-merged to one segment`);
    assert.equal(f.queries, r.queries.count, what);
    assert.ok(f.overlap_at_k >= 0 && f.overlap_at_k <= 1, `${what} overlap ${f.overlap_at_k}`);
    assert.ok(f.recall_at_k >= 0 && f.recall_at_k <= 1, `${what} recall ${f.recall_at_k}`);
    assert.ok(f.top1_agreement >= 0 && f.top1_agreement <= 1, `${what} top-1 ${f.top1_agreement}`);
    assert.ok(f.bytes > 0, what);
    assert.ok(Math.abs(f.bytes_per_image - f.bytes / f.documents) < 1e-6, what);
    // Every type keeps the float32 vectors: exactly 4 bytes per dimension per document.
    assert.equal(f.storage.raw_vectors, f.documents * f.dims * 4, what);
    assert.ok(f.storage.raw_vectors + f.storage.quantised + f.storage.graph <= f.bytes, what);
    assert.equal(f.storage.quantised > 0, f.index_type !== 'hnsw', `${what}: a quantised copy exactly when quantised`);
    assert.ok(f.storage.graph > 0, `${what}: an HNSW graph`);
    assert.equal(f.index_options.type, f.index_type, what);
    assert.deepEqual(Object.keys(f.by_language), languages, what);
    for (const l of languages) assert.equal(f.by_language[l].queries, 40, `${what} ${l}`);
  }
  const field = (dims, type) => r.fields.find((f) => f.dims === dims && f.index_type === type);
  const reference = field(1024, 'hnsw');
  assert.equal(reference.reference, true);
  assert.equal(reference.overlap_at_k, 1, 'the reference agrees with itself');
  assert.equal(reference.top1_agreement, 1);
  assert.ok(r.exact_1024.mean_cosine_rank_1 >= r.exact_1024.mean_cosine_rank_k);
  assert.ok(r.exact_1024.median_gap_rank_k_to_next >= 0);
  assert.ok(field(256, 'int8_hnsw').bytes < reference.bytes, '256-dim int8 takes less disk than 1024-dim float');
  assert.ok(field(256, 'int8_hnsw').working_set_per_image < field(256, 'hnsw').working_set_per_image);
  assert.ok(field(1024, 'bbq_hnsw').working_set_per_image < field(1024, 'int8_hnsw').working_set_per_image);

  const perImage = r.tokens.per_image;
  for (const how of [perImage.formula, perImage.measured]) {
    assert.equal(how.before_resize.images, subset.length);
    assert.ok(how.before_resize.tokens >= how.after_resize.tokens, JSON.stringify(how));
    assert.equal(how.after_resize.mean, 4000, 'at most 512 px: one tile each');
  }
  assert.ok(perImage.formula.before_resize.tokens > perImage.formula.after_resize.tokens, 'some photos are over 512 px');
  // The double bills images by the contract's formula, so measuring agrees with computing.
  assert.equal(perImage.measured.before_resize.tokens, perImage.formula.before_resize.tokens);
  assert.deepEqual(perImage.measured.not_measured, []);
  assert.equal(perImage.measured.stored_vector_agreement.images, subset.length);
  assert.ok(perImage.measured.stored_vector_agreement.min_cosine > 0.99, 'the index was built by this embedder');
  assert.equal(r.tokens.per_query.queries, r.queries.count);
  assert.ok(r.tokens.per_query.tokens > 0);

  assert.deepEqual(r.scratch_indices.names.sort(), [`${index}-report-bbq_hnsw`, `${index}-report-hnsw`, `${index}-report-int8_hnsw`]);
  assert.equal(r.scratch_indices.kept, false);
  assert.deepEqual(await scratchIndices(), [], 'the scratch indices are gone');
});

test('combinations Elasticsearch refuses are skipped with the reason; the reference is measured anyway', async () => {
  const run = await report(['--dims', '66,65,64', '--types', 'int4_flat,bbq_flat', '--rescore', '3', '--format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(run.stdout);
  // --rescore 3 adds a query-rescored row for int4 only: bbq rescores ×3 already (Elasticsearch's default).
  assert.deepEqual(r.fields.map((f) => `${f.dims}:${f.index_type}${f.query_rescore_oversample ? '+rescore' : ''}`),
    ['1024:hnsw', '66:int4_flat', '66:int4_flat+rescore', '66:bbq_flat', '65:bbq_flat', '64:int4_flat',
      '64:int4_flat+rescore', '64:bbq_flat']);
  for (const f of r.fields.filter((f) => f.index_type === 'bbq_flat')) assert.equal(f.index_options.rescore_vector.oversample, 3);
  assert.equal(r.fields[0].reference, true);
  assert.equal(r.skipped.length, 1);
  assert.equal(r.skipped[0].name, 'vec_65');
  assert.equal(r.skipped[0].index_type, 'int4_flat');
  assert.match(r.skipped[0].reason, /field vec_65 \(65:int4_flat\): Elasticsearch's int4 types need an even number of dims/);
  for (const f of r.fields.filter((f) => f.index_type.endsWith('_flat'))) assert.equal(f.storage.graph, 0, `${f.name}: flat has no graph`);
  assert.deepEqual(await scratchIndices(), []);
});

test('markdown and table output name the stand-in', async () => {
  const md = await report(['--dims', '1024,256', '--types', 'hnsw,int8_hnsw', '--format', 'markdown']);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /^## \d+ stored vectors, /);
  assert.match(md.stdout, /\*\*Stand-in\.\*\* The vectors come from the Jina test double/);
  assert.match(md.stdout, /\| 256 \| int8_hnsw \| [\d,]+ \|/);
  assert.match(md.stdout, /### By query language/);
  const out = join(work, 'report.txt');
  const table = await report(['--dims', '1024', '--types', 'hnsw', '--output', out]);
  assert.equal(table.code, 0, table.stderr);
  assert.equal(table.stdout, '');
  assert.match(readFileSync(out, 'utf8'), /STAND-IN: /);
});

test('--fields accepts exactly the dims:type pairs Elasticsearch 9.2 accepts, and names the field it refuses', async () => {
  const types = ['hnsw', 'int8_hnsw', 'int4_hnsw', 'bbq_hnsw', 'flat', 'int8_flat', 'int4_flat', 'bbq_flat'];
  const probe = uniqueIndexName('polylens-report-mapping');
  for (const type of types) {
    for (const dims of [64, 65, 1024]) {
      const mapping = {
        settings: { number_of_shards: 1, number_of_replicas: 0 },
        mappings: { properties: { v: { type: 'dense_vector', dims, element_type: 'float', index: true, similarity: 'cosine', index_options: { type } } } },
      };
      const es = await fetch(`${esUrl()}/${probe}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(mapping) });
      const esAccepts = es.status === 200;
      await deleteIndex(probe);
      // A folder that does not exist: the indexer stops there (exit 1) when the config was accepted.
      const run = await runPolylens({ env, args: ['index', join(work, 'no-such-folder'), '--fields', `${dims}:${type}`] });
      assert.equal(run.code, esAccepts ? 1 : 2, `${dims}:${type}: Elasticsearch ${esAccepts ? 'accepts' : 'refuses'} it\n${run.stderr}`);
      if (!esAccepts) assert.match(run.stderr, new RegExp(`^polylens: --fields field vec_${dims} \\(${dims}:${type}\\): `), run.stderr);
    }
  }
});

const badFlags = [
  [['report', '--dims', '1024,32'], /--dims has '32': must be between 64 and 1024, got 32/],
  [['report', '--dims', ''], /--dims needs at least one size/],
  [['report', '--types', 'hnsw,fast'], /--types has 'fast', which is not one of hnsw, int8_hnsw, int4_hnsw, bbq_hnsw, flat/],
  [['report', '--format', 'xml'], /--format must be one of table, markdown, json, got 'xml'/],
  [['report', '--k', '0'], /--k must be between 1 and 100, got 0/],
  [['report', '--synthetic', '-5'], /--synthetic must be between 0 and 200000/],
  [['report', '--keep=later'], /--keep takes no value/],
  [['report', '--num-candidates', '5'], /--num-candidates 5 is less than --k 10 \(Elasticsearch needs at least k\)/],
  [['report', '--rescore', '0.5'], /--rescore must be 0 \(off\) or between 1 and 10, as Elasticsearch's oversample, got 0.5/],
  [['report', '--bogus', '1'], /unknown option --bogus/],
  [['report', 'extra'], /polylens report takes no arguments, got 'extra'/],
  [['report', '--fields', '1024,65:int4_hnsw'], /--fields field vec_65 \(65:int4_hnsw\): Elasticsearch's int4 types need an even number of dims; use 64 or 66/],
  [['serve', '--dims', '256'], /--dims is only used by polylens report/],
  [['report', '--queries', '/nonexistent/queries.tsv'], /cannot read the queries file '\/nonexistent\/queries.tsv' \(--queries FILE\)/],
  [['report', '--queries', queriesFile, '--images', '/nonexistent/photos'], /--images '\/nonexistent\/photos' is not a folder/],
  [['report', '--queries', queriesFile, '--output', '/nonexistent/dir/report.md'], /--output '\/nonexistent\/dir\/report.md': the folder '\/nonexistent\/dir' does not exist/],
];

for (const [args, message] of badFlags) {
  test(`bad flags: polylens ${args.join(' ').replace(work, '$TMP')} -> exit 2`, async () => {
    const run = await runPolylens({ env, args });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^polylens: /);
    assert.match(run.stderr, message);
    assert.equal(run.stdout, '');
  });
}

test('no bad flag left a scratch index behind', async () => {
  assert.deepEqual(await scratchIndices(), []);
});

test('/api/v1/stats: per-field type and storage, tokens per query and per image from the usage', async () => {
  const proxy = await startProxy({ env: { ...env, POLYLENS_ADMIN_TOKEN: 'report-test-admin-token-0123456789' } });
  try {
    const first = await postJson(`${proxy.url}/api/v1/search`, { text: 'lighthouse', k: 3 });
    assert.equal(first.status, 200, first.text);
    const cached = await postJson(`${proxy.url}/api/v1/search`, { text: 'lighthouse', k: 3 });
    assert.equal(cached.json.usage.tokens, 0);

    let stats = await (await fetch(`${proxy.url}/api/v1/stats`)).json();
    assert.equal(stats.documents, subset.length);
    assert.deepEqual(stats.fields.map((f) => [f.name, f.index_type]), [['vec_1024', 'hnsw'], ['vec_256', 'int8_hnsw']]);
    for (const f of stats.fields) {
      assert.ok(f.bytes > 0 && f.bytes_per_image > 0, JSON.stringify(f));
      assert.ok(f.storage.raw_vectors > 0 && f.storage.graph > 0, JSON.stringify(f));
    }
    assert.equal(stats.fields[0].storage.quantised, 0);
    assert.ok(stats.fields[1].storage.quantised > 0);
    assert.equal(stats.tokens_by_use.text_queries.inputs, 1, 'one query billed; the cached one was free');
    assert.equal(stats.tokens_by_use.text_queries.tokens, first.json.usage.tokens);
    assert.equal(stats.tokens_per_query, first.json.usage.tokens);
    assert.equal(stats.tokens_per_image, null, 'no image indexed through this process yet');
    assert.equal(stats.tokens, stats.tokens_by_use.text_queries.tokens + stats.tokens_by_use.other.tokens);

    // One photo that is not in the subset, added through the admin route.
    const extra = readdirSync(`${paths.assets}/images`).filter((f) => f.endsWith('.jpg')).find((f) => !subset.includes(f));
    const added = await fetch(`${proxy.url}/api/v1/images`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer report-test-admin-token-0123456789' },
      body: JSON.stringify({ images: [{ image: readFileSync(`${paths.assets}/images/${extra}`).toString('base64') }] }),
    });
    const addedBody = await added.json();
    assert.equal(added.status, 200, JSON.stringify(addedBody));
    stats = await (await fetch(`${proxy.url}/api/v1/stats`)).json();
    assert.equal(stats.tokens_by_use.images_indexed.inputs, 1);
    assert.equal(stats.tokens_per_image, addedBody.usage.tokens);
    assert.ok(stats.tokens_per_image > 0);
  } finally {
    await proxy.stop();
  }
});
