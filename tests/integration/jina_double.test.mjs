// The Jina Embeddings API test double (tests/jina_double) against the contract it stands in for
// (/work/shared/contracts/jina-embeddings-api.md, section 10): auth, validation, response shape,
// encodings, Matryoshka truncation, multilingual sameness, the modality gap, fault injection and
// /_control/stats. The double runs as a real process on a free loopback port.
//   POLYLENS_JINA_DOUBLE=build/tests/jina_double/jina_double POLYLENS_ASSETS=assets \
//     node --test integration/jina_double.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { requestJson } from '../lib/http.mjs';

const binary = mustEnv('POLYLENS_JINA_DOUBLE');
const assets = mustEnv('POLYLENS_ASSETS');

// The double's built-in key: 65 characters starting with jina_, the format the real API demands.
const KEY = 'jina_test_double_key_' + '0'.repeat(44);
const OTHER_KEY = 'jina_' + 'x'.repeat(60); // well-formed, unknown
const MARKER = 'x-polylens-test-double';

let double; // { child, url, stderr: string[] }
const extraProcesses = [];

function mustEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

// Spawns the double and resolves with its URL once it prints the listening line.
function startDouble(extraArgs = []) {
  const child = spawn(binary, ['--assets', assets, '--port', '0', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = [];
  let buffered = '';
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`jina_double exited with ${code} before listening\n${stderr.join('')}`)));
    child.stderr.setEncoding('utf8').on('data', (d) => stderr.push(d));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      buffered += d;
      const m = buffered.match(/^jina_double listening on (http:\/\/\S+)\n/m);
      if (m) {
        child.removeAllListeners('exit');
        resolve({ child, url: m[1], stderr, stdout: buffered });
      }
    });
  });
}

function stopDouble(d) {
  if (!d || d.child.exitCode !== null || d.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    d.child.once('exit', resolve);
    d.child.kill('SIGTERM');
  });
}

function call(path, { method = 'POST', body, key = KEY, headers = {}, base = double.url } = {}) {
  const h = { ...headers };
  if (key !== null) h.authorization = `Bearer ${key}`;
  return requestJson(`${base}${path}`, { method, headers: h, body });
}

const embed = (body, options = {}) => call('/v1/embeddings', { ...options, body });
const control = (path, body) => call(`/_control/${path}`, { body, key: null, method: body === undefined ? 'GET' : 'POST' });

async function embedOk(body) {
  const r = await embed({ model: 'jina-clip-v2', ...body });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function vectors(inputs, extra = {}) {
  const json = await embedOk({ input: inputs, ...extra });
  return json.data.map((d) => d.embedding);
}

const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
const cosine = (a, b) => dot(a, b) / (norm(a) * norm(b));
function truncateRenormalise(v, dims) {
  const head = v.slice(0, dims);
  const n = norm(head);
  return head.map((x) => x / n);
}

function decodeFloat32LE(b64) {
  const bytes = Buffer.from(b64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = [];
  for (let i = 0; i < bytes.length; i += 4) out.push(view.getFloat32(i, true));
  return out;
}

// Width and height from a JPEG's start-of-frame marker (baseline or progressive).
function jpegSize(buf) {
  let i = 2;
  while (i < buf.length) {
    if (buf[i] !== 0xff) throw new Error('not a JPEG marker');
    const marker = buf[i + 1];
    const length = buf.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker))
      return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  throw new Error('no SOF marker');
}

// A solid-colour 24-bit BMP: an image the double has never seen.
function solidBmp(width, height, [r, g, b]) {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const buf = Buffer.alloc(54 + rowBytes * height);
  buf.write('BM', 0);
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(24, 28);
  buf.writeUInt32LE(rowBytes * height, 34);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) buf.set([b, g, r], 54 + y * rowBytes + x * 3);
  return buf;
}

const imagePath = (file) => `${assets}/images/${file}`;
const eiffelJpeg = readFileSync(imagePath('weavly-eiffel-tower.jpg'));
const coffeeJpeg = readFileSync(imagePath('skimage-coffee.jpg'));

// queries.tsv: concept, match_tags, then one column per language.
function readConcepts() {
  const [header, ...rows] = readFileSync(`${assets}/queries.tsv`, 'utf8').split('\n').filter((l) => l.trim());
  const languages = header.split('\t').slice(2);
  return rows.map((row) => {
    const cells = row.split('\t');
    return { id: cells[0], translations: Object.fromEntries(languages.map((l, i) => [l, cells[i + 2].trim()])) };
  });
}

before(async () => {
  double = await startDouble();
});

after(async () => {
  for (const d of extraProcesses) await stopDouble(d);
  await stopDouble(double);
});

// ---------------------------------------------------------------------------------------------
// Start-up and routing

test('announces itself as a test double and logs requests without keys', async () => {
  await embedOk({ input: ['cat', 'dog'] });
  const log = double.stderr.join('');
  assert.match(log, /TEST DOUBLE/);
  assert.match(log, /POST \/v1\/embeddings 200 inputs=2/);
  assert.ok(!log.includes(KEY));
  assert.match(double.stdout, /^jina_double listening on http:\/\/127\.0\.0\.1:\d+\n$/);
});

test('every answer carries X-Polylens-Test-Double: jina-embeddings', async () => {
  const answers = [
    await embed({ model: 'jina-clip-v2', input: 'cat' }),
    await embed({ model: 'jina-clip-v2', input: 'cat' }, { key: null }),
    await embed({ model: 'jina-clip-v2', input: 42 }),
    await call('/nowhere', { method: 'GET' }),
    await call('/v1/embeddings', { method: 'GET' }),
    await control('stats'),
  ];
  for (const r of answers) assert.equal(r.headers.get(MARKER), 'jina-embeddings', `${r.status} ${r.text}`);
});

test('unknown paths -> 404 {"detail":"Not Found"}; wrong method -> 405 JSON', async () => {
  for (const [method, path] of [['GET', '/'], ['POST', '/v1/rerank'], ['POST', '/v1/embeddings/x']]) {
    const r = await call(path, { method, body: method === 'POST' ? {} : undefined });
    assert.equal(r.status, 404, `${method} ${path}`);
    assert.deepEqual(r.json, { detail: 'Not Found' });
  }
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
    const r = await call('/v1/embeddings', { method, body: method === 'GET' ? undefined : {} });
    assert.equal(r.status, 405, method);
    assert.equal(r.headers.get('allow'), 'POST');
    assert.equal(typeof r.json.detail, 'string');
  }
});

// ---------------------------------------------------------------------------------------------
// Auth (contract section 5.2)

test('auth: missing, malformed and unknown keys -> 401 with the contract codes, key never echoed', async () => {
  const body = { model: 'jina-clip-v2', input: 'cat' };
  const cases = [
    [{ key: null }, 'AUTH_MISSING_API_KEY'],
    [{ key: null, headers: { authorization: `Basic ${KEY}` } }, 'AUTH_INVALID_FORMAT'],
    [{ key: null, headers: { authorization: KEY } }, 'AUTH_INVALID_FORMAT'],
    [{ key: 'sk-' + 'a'.repeat(62) }, 'AUTH_INVALID_FORMAT'],
    [{ key: 'jina_too_short' }, 'AUTH_INVALID_FORMAT'],
    [{ key: KEY + '00' }, 'AUTH_INVALID_FORMAT'],
    [{ key: OTHER_KEY }, 'AUTH_INVALID_API_KEY'],
  ];
  for (const [options, code] of cases) {
    const r = await embed(body, options);
    assert.equal(r.status, 401, `${code}: ${r.text}`);
    assert.equal(r.json.code, code);
    assert.equal(typeof r.json.detail, 'string');
    assert.match(r.json.request_id, /^[0-9a-f]{16}$/);
    assert.ok(!r.text.includes(KEY) && !r.text.includes(OTHER_KEY), 'the key was echoed');
  }
  const ok = await embed(body);
  assert.equal(ok.status, 200);
});

test('--api-key replaces the built-in key and may repeat', async () => {
  const a = 'jina_' + 'a'.repeat(60);
  const b = 'jina_' + 'b'.repeat(60);
  const d = await startDouble(['--api-key', a, '--api-key', b]);
  extraProcesses.push(d);
  const body = { model: 'jina-clip-v2', input: 'cat' };
  assert.equal((await embed(body, { base: d.url, key: a })).status, 200);
  assert.equal((await embed(body, { base: d.url, key: b })).status, 200);
  const refused = await embed(body, { base: d.url, key: KEY });
  assert.equal(refused.status, 401);
  assert.equal(refused.json.code, 'AUTH_INVALID_API_KEY');
});

// ---------------------------------------------------------------------------------------------
// Validation (contract sections 2, 5, 10.3-10.5)

function assertValidation(r, field, type) {
  assert.equal(r.status, 422, r.text);
  assert.match(r.json.detail, /^\[RID: [0-9a-f]+\] Validation errors? in \d+ fields?$/);
  const hit = r.json.errors.find((e) => e.field === field);
  assert.ok(hit, `no error for ${field} in ${r.text}`);
  assert.equal(hit.type, type, r.text);
  assert.equal(typeof hit.message, 'string');
}

test('body must be a JSON object with a model', async () => {
  let r = await embed('{"model": "jina-clip-v2", "input": ');
  assertValidation(r, 'body', 'json_invalid');
  r = await embed(['cat']);
  assertValidation(r, 'body', 'model_attributes_type');
  r = await embed({ input: 'cat' });
  assertValidation(r, 'body -> model', 'missing');
});

test('another model -> 400 INPUT_MODEL_NOT_FOUND', async () => {
  for (const model of ['jina-clip-v1', 'jina-embeddings-v3', 7]) {
    const r = await embed({ model, input: 'cat' });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.code, 'INPUT_MODEL_NOT_FOUND');
  }
});

test('unknown top-level fields -> 422 extra_forbidden under body -> jina-clip-v2', async () => {
  for (const field of ['return_multivector', 'late_chunking', 'encoding_format', 'encoding_type']) {
    const r = await embed({ model: 'jina-clip-v2', input: 'cat', [field]: 'float' });
    assertValidation(r, `body -> jina-clip-v2 -> ${field}`, 'extra_forbidden');
    assert.equal(r.json.errors.find((e) => e.field.endsWith(field)).input, 'float');
  }
});

test('dimensions must be an integer in 1..1024', async () => {
  const cases = [[0, 'greater_than'], [-5, 'greater_than'], [1025, 'less_than_equal'], ['256', 'int_type'],
    [12.5, 'int_from_float'], [true, 'int_type']];
  for (const [value, type] of cases) {
    const r = await embed({ model: 'jina-clip-v2', input: 'cat', dimensions: value });
    assertValidation(r, 'body -> jina-clip-v2 -> dimensions', type);
  }
  for (const dimensions of [1, 1024, null]) await embedOk({ input: 'cat', dimensions });
});

test('task: null or "retrieval.query" only', async () => {
  for (const task of ['retrieval.passage', 'text-matching', 'classification', 3]) {
    const r = await embed({ model: 'jina-clip-v2', input: 'cat', task });
    assertValidation(r, 'body -> jina-clip-v2 -> task', 'literal_error');
  }
  await embedOk({ input: 'cat', task: null });
  await embedOk({ input: 'cat', task: 'retrieval.query' });
});

test('embedding_type: float, base64, binary or ubinary; normalized and truncate: booleans', async () => {
  for (const value of ['int8', 'uint8', 'FLOAT', 4]) {
    const r = await embed({ model: 'jina-clip-v2', input: 'cat', embedding_type: value });
    assertValidation(r, 'body -> jina-clip-v2 -> embedding_type', 'literal_error');
  }
  let r = await embed({ model: 'jina-clip-v2', input: 'cat', normalized: 'yes' });
  assertValidation(r, 'body -> jina-clip-v2 -> normalized', 'bool_type');
  r = await embed({ model: 'jina-clip-v2', input: 'cat', truncate: 1 });
  assertValidation(r, 'body -> jina-clip-v2 -> truncate', 'bool_type');
  // A list of several types is schema-valid but its response shape is undocumented: refused plainly.
  r = await embed({ model: 'jina-clip-v2', input: 'cat', embedding_type: ['float', 'binary'] });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.detail, /several embedding_type/);
  await embedOk({ input: 'cat', embedding_type: ['base64'] });
});

test('input: a string, {text}, {image} or an array of those', async () => {
  let r = await embed({ model: 'jina-clip-v2' });
  assertValidation(r, 'body -> jina-clip-v2 -> input', 'missing');
  r = await embed({ model: 'jina-clip-v2', input: 42 });
  assertValidation(r, 'body -> jina-clip-v2 -> input', 'model_type');
  r = await embed({ model: 'jina-clip-v2', input: [] });
  assertValidation(r, 'body -> jina-clip-v2 -> input', 'too_short');
  r = await embed({ model: 'jina-clip-v2', input: ['ok', { url: 'https://example.test/a.jpg' }] });
  assertValidation(r, 'body -> jina-clip-v2 -> input -> 1 -> url', 'extra_forbidden');
  r = await embed({ model: 'jina-clip-v2', input: [{ text: 'a', image: eiffelJpeg.toString('base64') }] });
  assertValidation(r, 'body -> jina-clip-v2 -> input -> 0', 'value_error');
  r = await embed({ model: 'jina-clip-v2', input: [{ text: 5 }] });
  assertValidation(r, 'body -> jina-clip-v2 -> input -> 0 -> text', 'string_type');
  r = await embed({ model: 'jina-clip-v2', input: [null] });
  assertValidation(r, 'body -> jina-clip-v2 -> input -> 0', 'model_type');
  // Every problem of one request is listed, not only the first.
  r = await embed({ model: 'jina-clip-v2', input: [7], dimensions: 0, extra: 1 });
  assert.equal(r.status, 422);
  assert.equal(r.json.errors.length, 3);
  assert.match(r.json.detail, /Validation errors in 3 fields/);
});

test('more than 2048 items -> 400; 2048 are fine', async () => {
  const r = await embed({ model: 'jina-clip-v2', input: Array(2049).fill('cat') });
  assert.equal(r.status, 400, r.text.slice(0, 300));
  assert.match(r.json.detail, /larger than the largest allowed size 2048/);
  const ok = await embedOk({ input: Array(2048).fill('cat'), dimensions: 8 });
  assert.equal(ok.data.length, 2048);
});

test('images the double cannot use -> 400 with a reason', async () => {
  const cases = [
    ['https://example.test/photo.jpg', /cannot fetch image URLs/],
    ['http://127.0.0.1/photo.jpg', /cannot fetch image URLs/],
    ['not base64 at all!', /neither an http\(s\) URL nor valid base64/],
    [Buffer.from('plain text, not a picture').toString('base64'), /cannot decode the image/],
    ['data:text/plain;base64,aGVsbG8=', /data:image/],
    ['', /empty/],
  ];
  for (const [image, detail] of cases) {
    const r = await embed({ model: 'jina-clip-v2', input: ['cat', { image }] });
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.detail, /^input\[1\]: /);
    assert.match(r.json.detail, detail);
    assert.match(r.json.request_id, /^[0-9a-f]{16}$/);
  }
});

test('an image over 8 MB (decoded) -> 400', async () => {
  const big = Buffer.concat([eiffelJpeg, Buffer.alloc(8 * 1024 * 1024 + 1 - eiffelJpeg.length)]);
  const r = await embed({ model: 'jina-clip-v2', input: [{ image: big.toString('base64') }] });
  assert.equal(r.status, 400, r.text.slice(0, 300));
  assert.match(r.json.detail, /8 MB/);
});

// ---------------------------------------------------------------------------------------------
// Responses (contract sections 3, 4, 8)

test('response shape, input order and usage', async () => {
  const texts = ['cat', 'a red bicycle leaning on a wall', 'Эйфелева башня'];
  const { width, height } = jpegSize(eiffelJpeg);
  const r = await embed({
    model: 'jina-clip-v2',
    input: [texts[0], { text: texts[1] }, { image: eiffelJpeg.toString('base64') }, { text: texts[2] }],
  });
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(Object.keys(r.json), ['model', 'object', 'usage', 'data']);
  assert.equal(r.json.model, 'jina-clip-v2');
  assert.equal(r.json.object, 'list');
  assert.equal(r.json.data.length, 4);
  r.json.data.forEach((d, i) => {
    assert.equal(d.object, 'embedding');
    assert.equal(d.index, i);
    assert.equal(d.embedding.length, 1024);
    assert.ok(Math.abs(norm(d.embedding) - 1) < 1e-5);
  });
  // Text: ceil(UTF-8 bytes / 4) + 1 each; image: 4000 per 512-px tile.
  const textTokens = texts.reduce((s, t) => s + Math.ceil(Buffer.byteLength(t) / 4) + 1, 0);
  const imageTokens = 4000 * Math.ceil(width / 512) * Math.ceil(height / 512);
  assert.equal(r.json.usage.total_tokens, textTokens + imageTokens);
  assert.equal(r.json.usage.prompt_tokens, r.json.usage.total_tokens);
  // Same vectors whatever position an input has in the batch.
  const single = await vectors([{ text: texts[1] }]);
  assert.deepEqual(single[0], r.json.data[1].embedding);
});

test('deterministic: the same input gives the same vector on every call', async () => {
  const [a] = await vectors(['a lighthouse on a rocky coast']);
  const [b] = await vectors(['a lighthouse on a rocky coast']);
  assert.deepEqual(a, b);
});

test('dimensions 64/256/1024: length, unit norm, and equal to truncate-then-renormalise', async () => {
  const input = ['clock tower at night', { image: eiffelJpeg.toString('base64') }];
  const full = await vectors(input);
  for (const dims of [64, 256, 1024]) {
    const cut = await vectors(input, { dimensions: dims });
    cut.forEach((v, i) => {
      assert.equal(v.length, dims);
      assert.ok(Math.abs(norm(v) - 1) < 1e-5);
      const expected = truncateRenormalise(full[i], dims);
      v.forEach((x, k) => assert.ok(Math.abs(x - expected[k]) < 1e-6, `dims ${dims} item ${i} component ${k}`));
    });
  }
});

test('Matryoshka: truncated vectors keep the meaning', async () => {
  const [text, eiffel, coffee] = await vectors(['Eiffel Tower', { image: eiffelJpeg.toString('base64') },
    { image: coffeeJpeg.toString('base64') }]);
  for (const [dims, kept] of [[64, 0.6], [256, 0.9]]) {
    const t = truncateRenormalise(text, dims);
    assert.ok(cosine(t, truncateRenormalise(eiffel, dims)) > cosine(t, truncateRenormalise(coffee, dims)));
    // Most of the energy sits in the leading dimensions, as in a Matryoshka model.
    const head = text.slice(0, dims).concat(Array(1024 - dims).fill(0));
    assert.ok(cosine(text, head) > kept, `dims ${dims}: ${cosine(text, head)}`);
  }
});

test('normalized false: the raw vector, truncated but not unit length', async () => {
  const [unit] = await vectors(['sunflower field'], { dimensions: 256 });
  const [raw] = await vectors(['sunflower field'], { dimensions: 256, normalized: false });
  assert.equal(raw.length, 256);
  assert.ok(Math.abs(norm(raw) - 1) > 0.1, `norm ${norm(raw)}`);
  assert.ok(cosine(raw, unit) > 0.999999);
  const [rawFull] = await vectors(['sunflower field'], { normalized: false });
  assert.deepEqual(raw, rawFull.slice(0, 256)); // truncation without renormalisation
});

test('embedding_type base64: little-endian float32 of the float vector', async () => {
  const [floats] = await vectors(['coral reef'], { dimensions: 256 });
  const json = await embedOk({ input: ['coral reef'], dimensions: 256, embedding_type: 'base64' });
  const b64 = json.data[0].embedding;
  assert.equal(typeof b64, 'string');
  const decoded = decodeFloat32LE(b64);
  assert.equal(decoded.length, 256);
  assert.deepEqual(decoded, floats.map(Math.fround));
  // Round trip: re-encoding the floats little-endian gives the same string.
  const bytes = Buffer.alloc(256 * 4);
  floats.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  assert.equal(bytes.toString('base64'), b64);
});

test('embedding_type ubinary / binary: sign bits packed MSB first; binary = ubinary - 128', async () => {
  const [floats] = await vectors(['typewriter'], { dimensions: 64 });
  const [ubinary] = await vectors(['typewriter'], { dimensions: 64, embedding_type: 'ubinary' });
  const [binary] = await vectors(['typewriter'], { dimensions: 64, embedding_type: 'binary' });
  assert.equal(ubinary.length, 8);
  assert.equal(binary.length, 8);
  const expected = [];
  for (let byte = 0; byte < 8; byte++) {
    let v = 0;
    for (let bit = 0; bit < 8; bit++) if (floats[byte * 8 + bit] > 0) v |= 0x80 >> bit;
    expected.push(v);
  }
  assert.deepEqual(ubinary, expected);
  assert.deepEqual(binary, expected.map((u) => u - 128));
  assert.ok(binary.every((b) => b >= -128 && b <= 127));
});

// ---------------------------------------------------------------------------------------------
// Meaning

test('the same concept in any of the 22 languages gives the identical vector', async () => {
  const concepts = readConcepts();
  const eiffel = concepts.find((c) => c.id === 'eiffel_tower');
  assert.equal(Object.keys(eiffel.translations).length, 22);
  for (const concept of concepts) {
    const names = Object.values(concept.translations);
    const vs = await vectors(names);
    for (let i = 1; i < vs.length; i++) assert.deepEqual(vs[i], vs[0], `${concept.id}: "${names[i]}"`);
  }
  // Case does not matter, in any script; other concepts give other vectors.
  const [base, upper, greek, russian, cat] = await vectors(['Eiffel Tower', 'EIFFEL TOWER', 'ΠΎΡΓΟΣ ΤΟΥ ΆΙΦΕΛ',
    'ЭЙФЕЛЕВА БАШНЯ', 'cat']);
  assert.deepEqual(upper, base);
  assert.deepEqual(greek, base);
  assert.deepEqual(russian, base);
  assert.ok(cosine(cat, base) < 0.5);
});

test('longest phrase wins and words match only whole', async () => {
  const [clockTower, clock, tower, bigBen] = await vectors(['clock tower', 'clock', 'tower', 'Big Ben']);
  assert.deepEqual(bigBen, clockTower); // a match tag of the clock_tower concept
  assert.ok(cosine(clockTower, clock) < 0.5 && cosine(clockTower, tower) < 0.5);
  // "cat" must not be found inside "cascata" or "category".
  const [cascata, category, cat] = await vectors(['cascata', 'category', 'cat']);
  assert.ok(cosine(cascata, cat) < 0.5);
  assert.ok(cosine(category, cat) < 0.5);
});

test('text->image is lower than image->image (modality gap) but still finds the right photo', async () => {
  const b64 = eiffelJpeg.toString('base64');
  const [text, image, sameImageAsDataUri, coffee] = await vectors([
    'Eiffel Tower', { image: b64 }, { image: `data:image/jpeg;base64,${b64}` }, { image: coffeeJpeg.toString('base64') },
  ]);
  const textToImage = cosine(text, image);
  assert.deepEqual(sameImageAsDataUri, image); // the same photo maps to the same vector
  assert.ok(textToImage < cosine(image, sameImageAsDataUri), `text->image ${textToImage}`);
  assert.ok(textToImage > cosine(text, coffee) + 0.2);
  const [nonsense] = await vectors(['blorptastic quuxification']);
  assert.ok(cosine(nonsense, image) < textToImage - 0.3);
});

test('an image the double does not know gets a colour-based vector', async () => {
  const red = solidBmp(16, 16, [220, 20, 30]).toString('base64');
  const red2 = solidBmp(40, 24, [220, 20, 30]).toString('base64');
  const blue = solidBmp(16, 16, [20, 30, 220]).toString('base64');
  const json = await embedOk({ input: [{ image: red }, { image: red2 }, { image: blue }, { image: eiffelJpeg.toString('base64') }] });
  const [r1, r2, b, eiffel] = json.data.map((d) => d.embedding);
  assert.deepEqual(r1, r2); // same colours, different size
  assert.ok(cosine(r1, b) < 0.999);
  assert.ok(cosine(r1, eiffel) < 0.9);
  const { width, height } = jpegSize(eiffelJpeg);
  assert.equal(json.usage.total_tokens, 3 * 4000 + 4000 * Math.ceil(width / 512) * Math.ceil(height / 512));
});

// ---------------------------------------------------------------------------------------------
// Fault injection and /_control

test('fault 429 with Retry-After, twice, then success', async () => {
  await control('reset', {});
  const queued = await control('faults', { status: 429, retry_after: 1, times: 2, delay_ms: 0, malformed: false, body: null });
  assert.equal(queued.status, 200, queued.text);
  assert.equal(queued.json.queued, 1);
  for (let i = 0; i < 2; i++) {
    const r = await embed({ model: 'jina-clip-v2', input: 'cat' });
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '1');
    assert.equal(r.json.code, 'RATE_REQUEST_LIMIT_EXCEEDED');
    assert.equal(r.headers.get(MARKER), 'jina-embeddings');
  }
  const ok = await embed({ model: 'jina-clip-v2', input: 'cat' });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('retry-after'), null);
  const stats = (await control('stats')).json;
  assert.equal(stats.embedding_requests, 3);
  assert.equal(stats.faults_served, 2);
  assert.deepEqual(stats.faults_pending, []);
});

test('faults 500, 503, 504, 403, 402 answer with the contract bodies, in FIFO order', async () => {
  await control('reset', {});
  await control('faults', [{ status: 500 }, { status: 503 }, { status: 504 }, { status: 403 }, { status: 402 }]);
  const expected = [[500, 'INTERNAL_ERROR'], [503, 'SERVICE_UNAVAILABLE'], [504, 'SERVICE_TIMEOUT'],
    [403, 'AUTHZ_INSUFFICIENT_BALANCE'], [402, undefined]];
  for (const [status, code] of expected) {
    const r = await embed({ model: 'jina-clip-v2', input: 'cat' });
    assert.equal(r.status, status);
    assert.equal(r.json.code, code);
    assert.equal(typeof r.json.detail, 'string');
    assert.equal(r.headers.get('retry-after'), null);
  }
  const afterFaults = await embed({ model: 'jina-clip-v2', input: 'cat' });
  assert.equal(afterFaults.status, 200);
});

test('a fault can override code, detail or the whole body', async () => {
  await control('reset', {});
  await control('faults', [{ status: 429, code: 'RATE_TOKEN_LIMIT_EXCEEDED', detail: 'Token rate limit exceeded' },
    { status: 400, body: { detail: 'custom' } }, { status: 502, body: '<html>bad gateway</html>' }]);
  let r = await embed({ model: 'jina-clip-v2', input: 'cat' });
  assert.equal(r.json.code, 'RATE_TOKEN_LIMIT_EXCEEDED');
  assert.equal(r.json.detail, 'Token rate limit exceeded');
  r = await embed({ model: 'jina-clip-v2', input: 'cat' });
  assert.deepEqual([r.status, r.json], [400, { detail: 'custom' }]);
  r = await embed({ model: 'jina-clip-v2', input: 'cat' });
  assert.deepEqual([r.status, r.text], [502, '<html>bad gateway</html>']);
});

test('fault malformed: 200 with a body that is not JSON', async () => {
  await control('reset', {});
  await control('faults', { status: 200, malformed: true });
  const r = await embed({ model: 'jina-clip-v2', input: 'cat' });
  assert.equal(r.status, 200);
  assert.equal(r.json, null);
  assert.throws(() => JSON.parse(r.text));
  assert.match(r.text, /^\{"model":"jina-clip-v2"/);
});

test('fault delay_ms with status 200: a slow success, then normal answers', async () => {
  await control('reset', {});
  await control('faults', { status: 200, delay_ms: 300 });
  const slow = await embed({ model: 'jina-clip-v2', input: 'cat' });
  assert.equal(slow.status, 200);
  assert.equal(slow.json.data.length, 1);
  await control('faults', { status: 503, delay_ms: 100, times: 1 });
  const slowFailure = await embed({ model: 'jina-clip-v2', input: 'cat' });
  assert.equal(slowFailure.status, 503);
  const stats = (await control('stats')).json;
  assert.equal(stats.faults_served, 2);
});

test('/_control/faults rejects bad specs; reset clears pending faults and counters', async () => {
  for (const bad of [{ status: 99 }, { times: 0 }, { stauts: 500 }, { retry_after: 'soon' }, '{nope']) {
    const r = await control('faults', bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
    assert.equal(typeof r.json.detail, 'string');
  }
  await control('faults', { status: 500, times: 5 });
  assert.equal((await control('stats')).json.faults_pending[0].times, 5);
  await control('reset', {});
  const stats = (await control('stats')).json;
  assert.deepEqual(stats.faults_pending, []);
  assert.equal(stats.embedding_requests, 0);
  assert.equal(stats.last_request, null);
  assert.equal((await embed({ model: 'jina-clip-v2', input: 'cat' })).status, 200);
  assert.equal((await call('/_control/stats', { method: 'POST', body: {}, key: null })).status, 405);
});

test('/_control/stats counts requests, inputs and tokens and shows the last request without images or keys', async () => {
  await control('reset', {});
  const first = await embedOk({ input: 'cat' });
  const b64 = eiffelJpeg.toString('base64');
  const second = await embedOk({ input: [{ text: 'Eiffel Tower' }, { image: b64 }], dimensions: 1024, normalized: true,
    embedding_type: 'float', task: 'retrieval.query' });
  await embed({ model: 'jina-clip-v2', input: 'cat' }, { key: OTHER_KEY }); // counted, but embeds nothing
  const r = await control('stats');
  assert.equal(r.status, 200);
  const stats = r.json;
  assert.equal(stats.embedding_requests, 3);
  assert.equal(stats.inputs, 3);
  assert.equal(stats.tokens, first.usage.total_tokens + second.usage.total_tokens);
  // The last request is the refused one; look at it, then send the image request again to inspect that.
  assert.equal(stats.last_request_headers.Authorization, `...${OTHER_KEY.slice(-4)}`);
  await embedOk({ input: [{ text: 'Eiffel Tower' }, { image: b64 }], dimensions: 1024, task: 'retrieval.query' });
  const last = (await control('stats')).json;
  assert.deepEqual(last.last_request, {
    model: 'jina-clip-v2',
    input: [{ text: 'Eiffel Tower' }, { image: eiffelJpeg.length }],
    dimensions: 1024,
    task: 'retrieval.query',
  });
  assert.equal(last.last_request_headers['Content-Type'], 'application/json');
  assert.ok(!JSON.stringify(last).includes(KEY));
  assert.ok(!JSON.stringify(last).includes(KEY.slice(0, 30)));
});
