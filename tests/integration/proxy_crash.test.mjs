// The embedded store's crash test at the HTTP level: the real proxy, serving from an embedded store,
// takes POST /api/v1/images batches from two clients and is killed with SIGKILL at seeded random
// moments, 12 times over the same data directory. After each kill it is started again on that
// directory, and then:
//   - every image whose POST had a 2xx answer is there, intact: its thumbnail is byte for byte the one
//     a clean store makes of that image, and a kNN search with the image's vector, filtered to the
//     image's own tag, finds it (score ~1) with its title, tags and credit;
//   - a batch whose POST had no answer when the proxy died was never acknowledged, so it may or may
//     not be there, but whole or not at all (a batch is one record in the log), and later restarts
//     keep what the first one showed;
//   - /stats counts exactly those documents: nothing half-written, nothing extra.
// The store-level test (unit/embedded_store_crash_test.cpp) kills a writer 24 times under the store
// API; this one adds what HTTP puts between the store and the client (ingest, the acknowledgement).
// No timing is asserted: the delays only spread the kills over start-up, embedding and writing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { paths, secret, startDouble, startProxy, TEST_KEY, uniqueIndexName, storeDir } from '../lib/stack.mjs';
import { requestJson } from '../lib/http.mjs';

const KILLS = 12;
const SEED = Number(process.env.POLYLENS_CRASH_SEED ?? 20261129);
const BATCH = 4;
const ADMIN = secret('admin-token-for-crash-tests-0123456789');
// Small photos, so a batch is quick and the kills land in every phase of it.
const BASES = ['weavly-sukhoi-superjet-100.jpg', 'weavly-toronto-skyline.jpg', 'wp25-category-sunflowers.jpg',
  'weavly-tower-sunset.jpg', 'weavly-burj-al-arab.jpg', 'weavly-niagara-falls.jpg'];

const index = uniqueIndexName('polylens-crash');
const dataDir = storeDir(index);
const referenceDir = `${dataDir}-reference`;
let double;

// A small deterministic generator (mulberry32), so a failing run can be replayed with its seed.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const baseBytes = BASES.map((f) => readFileSync(`${paths.assets}/images/${f}`));
const contentHash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 32);

// Image n: a base photo with bytes after its end marker that make it unique (its own id); it decodes
// to the base's pixels, so its thumbnail and vector are the base's.
function image(n) {
  const bytes = Buffer.concat([baseBytes[n % BASES.length], Buffer.from(`crash-test image ${n}`)]);
  return {
    n, base: n % BASES.length, id: contentHash(bytes), bytes,
    title: `Crash test image ${n}`, tags: [`crash-${n}`, 'crash'], credit: `client ${n % 2}`,
  };
}

function env(dir) {
  return {
    JINA_API_URL: `${double.url}/v1/embeddings`,
    JINA_API_KEY: TEST_KEY,
    POLYLENS_BACKEND: 'embedded',
    POLYLENS_DATA_DIR: dir,
    POLYLENS_INDEX: index,
    POLYLENS_ADMIN_TOKEN: ADMIN,
    JINA_MAX_RETRIES: '0',
    POLYLENS_RATE_LIMIT_PER_MINUTE: '0',
  };
}

const post = (url, images) =>
  requestJson(`${url}/api/v1/images`, {
    headers: { authorization: `Bearer ${ADMIN}` },
    body: {
      images: images.map((i) => ({ image: i.bytes.toString('base64'), title: i.title, tags: i.tags, credit: i.credit })),
    },
  });

async function thumbnail(url, id) {
  const r = await fetch(`${url}/api/v1/images/${id}/thumbnail`);
  return { status: r.status, bytes: Buffer.from(await r.arrayBuffer()) };
}

// What a clean store makes of each base photo: its thumbnail bytes and its 1024-dim vector.
const reference = [];

before(async () => {
  double = await startDouble();
  rmSync(referenceDir, { recursive: true, force: true });
  const proxy = await startProxy({ env: env(referenceDir) });
  try {
    const stored = await post(proxy.url, BASES.map((_, i) => ({ ...image(i), bytes: baseBytes[i] })));
    assert.equal(stored.status, 200, stored.text);
    for (let i = 0; i < BASES.length; i++) {
      const thumb = await thumbnail(proxy.url, stored.json.items[i].id);
      assert.equal(thumb.status, 200);
      const embedded = await requestJson(`${proxy.url}/api/v1/embed`, {
        body: { inputs: [{ image: baseBytes[i].toString('base64') }], dims: 1024, task: 'document' },
      });
      assert.equal(embedded.status, 200, embedded.text);
      reference.push({ thumbnail: thumb.bytes, vector: embedded.json.data[0].embedding });
    }
  } finally {
    await proxy.stop();
  }
});

after(async () => {
  await double?.stop();
  for (const dir of [dataDir, referenceDir]) rmSync(dir, { recursive: true, force: true });
});

// Checks one image the store must hold; returns a list of problems (empty when intact).
async function problemsWith(url, img) {
  const problems = [];
  const thumb = await thumbnail(url, img.id);
  if (thumb.status !== 200) return [`image ${img.n} (${img.id}): thumbnail answered ${thumb.status}`];
  if (!thumb.bytes.equals(reference[img.base].thumbnail))
    problems.push(`image ${img.n}: its thumbnail (${thumb.bytes.length} bytes) differs from the clean store's`);
  const knn = await requestJson(`${url}/api/v1/knn`, { body: { vector: reference[img.base].vector, k: 3, tags: [img.tags[0]] } });
  const hits = knn.json?.hits ?? [];
  if (knn.status !== 200 || hits.length !== 1 || hits[0].id !== img.id) {
    problems.push(`image ${img.n}: a kNN search on its own tag answered ${knn.status} ${knn.text.slice(0, 200)}`);
  } else {
    const hit = hits[0];
    if (!(hit.score > 0.99)) problems.push(`image ${img.n}: its stored vector scores ${hit.score} against the image's own`);
    if (hit.title !== img.title || hit.credit !== img.credit || JSON.stringify(hit.tags) !== JSON.stringify(img.tags))
      problems.push(`image ${img.n}: metadata ${JSON.stringify([hit.title, hit.tags, hit.credit])}`);
  }
  return problems;
}

// One client: sends batches one after the other until the proxy dies. An answered batch is
// acknowledged; the one without an answer is in doubt.
async function client(url, nextImage, acknowledged, inDoubt) {
  for (;;) {
    const batch = Array.from({ length: BATCH }, nextImage);
    let answer;
    try {
      answer = await post(url, batch);
    } catch {
      inDoubt.push(batch);  // no answer: the proxy died while this batch was on its way
      return;
    }
    assert.equal(answer.status, 200, answer.text);
    for (const [i, item] of answer.json.items.entries()) {
      assert.equal(item.status, 'created', JSON.stringify(item));
      assert.equal(item.id, batch[i].id);
      acknowledged.push(batch[i]);
    }
  }
}

// The state the kills have left: what must be there, and what must stay missing.
const settled = { held: [], gone: [], acknowledged: 0, doubtfulKept: 0, doubtfulLost: 0 };

// Starts the proxy on the crash directory, settles the batches in doubt (each whole or not at all)
// and checks every image settled so far, and the count (checkStore). Returns the running proxy.
async function restartAndCheck(label, inDoubt) {
  const proxy = await startProxy({ env: env(dataDir) });
  try {
    await checkStore(proxy.url, label, inDoubt);
  } catch (e) {
    await proxy.stop();  // a failed check must not leave the proxy running
    throw e;
  }
  return proxy;
}

async function checkStore(url, label, inDoubt) {
  for (const batch of inDoubt) {
    const statuses = await Promise.all(batch.map(async (img) => (await thumbnail(url, img.id)).status));
    assert.ok(statuses.every((s) => s === statuses[0]) && [200, 404].includes(statuses[0]),
      `${label}: a batch without an answer is partly stored: its thumbnails answer ${statuses}`);
    if (statuses[0] === 200) {
      settled.held.push(...batch);
      settled.doubtfulKept++;
    } else {
      settled.gone.push(...batch);
      settled.doubtfulLost++;
    }
  }
  const problems = [];
  for (let i = 0; i < settled.held.length; i += 16) {
    const some = settled.held.slice(i, i + 16);
    for (const p of await Promise.all(some.map((img) => problemsWith(url, img)))) problems.push(...p);
  }
  for (const img of settled.gone) {
    const t = await thumbnail(url, img.id);
    if (t.status !== 404) problems.push(`image ${img.n} was missing after an earlier restart, and now answers ${t.status}`);
  }
  const stats = await (await fetch(`${url}/api/v1/stats`)).json();
  if (stats.documents !== settled.held.length)
    problems.push(`/stats counts ${stats.documents} documents; ${settled.held.length} are accounted for`);
  assert.deepEqual(problems, [], `${label} (seed ${SEED})`);
}

test(`SIGKILL during POST /api/v1/images, ${KILLS} times: every acknowledged image survives whole, nothing half-written`, async () => {
  const rand = random(SEED);
  let next = BASES.length;  // images 0..BASES.length-1 are the bases themselves, in the reference store only
  let inDoubt = [];
  rmSync(dataDir, { recursive: true, force: true });
  for (let run = 0; run < KILLS; run++) {
    const proxy = await restartAndCheck(`start ${run}`, inDoubt);
    // Two clients send batches until the proxy is killed, after a random delay.
    const acknowledged = [];
    inDoubt = [];
    const clients = [0, 1].map(() => client(proxy.url, () => image(next++), acknowledged, inDoubt));
    await new Promise((resolve) => setTimeout(resolve, 50 + rand() * 1200));
    const exited = new Promise((resolve) => proxy.child.once('exit', (code, signal) => resolve(signal)));
    proxy.child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    await Promise.all(clients);
    settled.held.push(...acknowledged);
    settled.acknowledged += acknowledged.length;
  }
  const proxy = await restartAndCheck('after the last kill', inDoubt);
  await proxy.stop();
  assert.ok(settled.acknowledged > 0, 'no batch was ever acknowledged: the kills came too early to test anything');
  console.log(`${KILLS} kills: ${settled.acknowledged} images acknowledged, all kept; ` +
              `batches without an answer: ${settled.doubtfulKept} stored whole, ${settled.doubtfulLost} not stored`);
});
