// Every way a client can get a request wrong, as one table: method, path, headers and body in;
// status, error type and a pattern on the message out. Each answer must be the one envelope,
// {"error":{"code":<status>,"type","message"}}, as application/json, with code == status; a 405
// must carry an Allow header. After the table the proxy must still answer a good search.
//
// One proxy runs with an admin token and the rate limit off (proxyEnv turns it off); a second,
// small table runs against a proxy with a tiny rate limit. Requests go out through node:http, not
// fetch, so paths are sent exactly as written (fetch would resolve '..' and '%2e%2e' itself).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  paths, TEST_KEY, secret, startDouble, startProxy, proxyEnv, runIndexer, deleteIndex, uniqueIndexName, esUrl, testBackend,
} from '../lib/stack.mjs';
import { idOfFile } from '../lib/dataset.mjs';
import { png } from '../lib/png.mjs';

const index = uniqueIndexName('polylens-bad');
const ADMIN_TOKEN = secret('bad-requests-admin-token-0123456'); // 32 characters
assert.equal(ADMIN_TOKEN.length, 32);
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const MAX_BATCH = 16; // config.h max_batch_size: inputs per /embed, images per /images

let double, proxy, limited, webDir;
const seenBodies = []; // every response body, for the secret scan

// ---- raw HTTP --------------------------------------------------------------------------------

// Sends one request exactly as given (the path is not normalised) on a fresh connection.
// body: an object (sent as JSON), a string or a Buffer (sent as is), or undefined.
// chunked: send the body with Transfer-Encoding: chunked, in 1 MiB chunks, instead of Content-Length.
function send(base, { method = 'POST', path, headers = {}, body, chunked = false }) {
  const url = new URL(base);
  const h = { ...headers };
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' || Buffer.isBuffer(body) ? Buffer.from(body) : Buffer.from(JSON.stringify(body));
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
    if (!chunked) h['content-length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: h, agent: false },
      (res) => {
        answered = true;
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try {
            json = JSON.parse(text);
          } catch {}
          seenBodies.push(text);
          resolve({ status: res.statusCode, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    // A server may answer (413) and close before it has read a large body; the answer is what counts.
    req.on('error', (e) => answered || reject(e));
    if (chunked && payload) {
      for (let at = 0; at < payload.length; at += 1 << 20) req.write(payload.subarray(at, at + (1 << 20)));
      req.end();
    } else {
      req.end(payload);
    }
  });
}

// Writes raw bytes on a fresh connection and reads one response (Content-Length framed), for the
// requests node:http refuses to send. Resolves like send(); rejects when no response arrives.
function sendRaw(base, bytes, ceilingMs = 20000) {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let data = Buffer.alloc(0);
    let done = false;
    const parse = () => {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return null;
      const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
      const headers = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const body = data.subarray(end + 4);
      const length = Number(headers['content-length']);
      if (Number.isFinite(length) && body.length < length) return null;
      const text = body.subarray(0, Number.isFinite(length) ? length : body.length).toString('utf8');
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {}
      return { status: Number(statusLine.split(' ')[1]), headers, text, json };
    };
    const finish = (why) => {
      if (done) return;
      const r = parse();
      if (!r && why === 'data') return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (r) {
        seenBodies.push(r.text);
        resolve(r);
      } else {
        reject(new Error(`no complete response (${why}); got ${JSON.stringify(data.toString('latin1').slice(0, 200))}`));
      }
    };
    const timer = setTimeout(() => finish(`nothing within ${ceilingMs} ms`), ceilingMs);
    socket.on('data', (d) => {
      data = Buffer.concat([data, d]);
      finish('data');
    });
    // The server may answer and close before it has read everything we wrote.
    socket.on('error', (e) => finish(e.code ?? e.message));
    socket.on('close', () => finish('closed'));
    socket.write(bytes);
  });
}

// ---- test images -----------------------------------------------------------------------------

// A well-formed 8x8 PNG (each row: filter byte + 8 pixels), to show the builder itself is sound.
const smallPng = png(8, 8, 8 * 9).toString('base64');
// A decompression bomb: a few hundred bytes that claim 20000 x 20000 = 400 million pixels.
const bombPng = png(20000, 20000, 1 << 20);
const bomb = bombPng.toString('base64');
const junkImage = Buffer.from('hello, not an image').toString('base64');
const notBase64 = 'not base64 at all!';
const truncatedJpeg = readFileSync(`${paths.assets}/images/kodak-01.jpg`).subarray(0, 400).toString('base64');
const invalidUtf8 = Buffer.from([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]); // {"text":"\xff"}

// ---- vectors ---------------------------------------------------------------------------------

const unitVector = (n) => Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0));
const v256 = unitVector(256);
const v1024 = unitVector(1024);

// ---- the table -------------------------------------------------------------------------------

const knownId = idOfFile(paths.assets, 'kodak-01.jpg');
const unknownId = '0'.repeat(32);
const big = 'x'.repeat(13 * 1024 * 1024); // over the 12 MiB body limit
const manyInputs = Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ text: `query ${i}` }));
const manyImages = Array.from({ length: MAX_BATCH + 1 }, () => ({ image: smallPng }));

const S = '/api/v1/search', E = '/api/v1/embed', K = '/api/v1/knn', I = '/api/v1/images';
const thumb = (id) => `/api/v1/images/${id}/thumbnail`;

// [name, request, status, type, message patterns (all must match), extra: {allow, notMessage}]
const cases = [
  // POST /api/v1/search: the body
  ['search: not JSON', { path: S, body: 'text=cat' }, 400, 'invalid_json', [/not valid JSON/]],
  ['search: invalid UTF-8', { path: S, body: invalidUtf8 }, 400, 'invalid_json', [/not valid JSON|UTF-8/]],
  ['search: a JSON array', { path: S, body: '["cat"]' }, 400, 'invalid_json', [/JSON object/]],
  ['search: a JSON string', { path: S, body: '"cat"' }, 400, 'invalid_json', [/JSON object/]],
  ['search: empty body', { path: S, body: '' }, 400, 'invalid_json', [/JSON/]],
  ['search: body over 12 MiB', { path: S, body: { text: big } }, 413, 'payload_too_large', [/limit of \d+ bytes/]],
  // Without Content-Length the limit must hold while the body is read, or one request can make the
  // proxy buffer any amount of memory.
  ['search: chunked body over 12 MiB', { path: S, body: { text: big }, chunked: true }, 413, 'payload_too_large', [/limit of \d+ bytes/]],
  // what to search for
  ['search: no query at all', { path: S, body: { k: 3 } }, 400, 'invalid_request', [/'text'/, /'image'/, /'id'/]],
  ['search: text and image', { path: S, body: { text: 'cat', image: smallPng } }, 400, 'invalid_request', [/one of|not both|only one/]],
  ['search: text and id', { path: S, body: { text: 'cat', id: knownId } }, 400, 'invalid_request', [/one of|not both|only one/]],
  ['search: image and id', { path: S, body: { image: smallPng, id: knownId } }, 400, 'invalid_request', [/one of|not both|only one/]],
  ['search: empty text', { path: S, body: { text: '' } }, 400, 'invalid_request', [/'text' is empty/]],
  ['search: blank text', { path: S, body: { text: ' \t ' } }, 400, 'invalid_request', [/'text' is empty/]],
  ['search: text over 2048 bytes', { path: S, body: { text: 'é'.repeat(1025) } }, 400, 'invalid_request', [/'text'/, /2048/]],
  ['search: text not a string', { path: S, body: { text: 42 } }, 400, 'invalid_request', [/'text' must be a string/]],
  ['search: text null', { path: S, body: { text: null } }, 400, 'invalid_request', [/'text' must be a string/]],
  // k, dims, num_candidates, tags, unknown fields
  ['search: k of 0', { path: S, body: { text: 'cat', k: 0 } }, 400, 'invalid_request', [/'k' must be between 1 and 100/]],
  ['search: k of 101', { path: S, body: { text: 'cat', k: 101 } }, 400, 'invalid_request', [/'k' must be between 1 and 100/]],
  ['search: k as a string', { path: S, body: { text: 'cat', k: '3' } }, 400, 'invalid_request', [/'k' must be an integer/]],
  ['search: k fractional', { path: S, body: { text: 'cat', k: 2.5 } }, 400, 'invalid_request', [/'k' must be an integer/]],
  ['search: k huge', { path: S, body: { text: 'cat', k: 1e30 } }, 400, 'invalid_request', [/'k'/]],
  ['search: dims not offered', { path: S, body: { text: 'cat', dims: 512 } }, 400, 'invalid_request', [/'dims' 512 is not offered/, /1024, 256/]],
  ['search: dims out of range', { path: S, body: { text: 'cat', dims: 4096 } }, 400, 'invalid_request', [/'dims' must be between 64 and 1024/]],
  ['search: num_candidates below k', { path: S, body: { text: 'cat', k: 10, num_candidates: 5 } }, 400, 'invalid_request', [/'num_candidates'/, /'k'|\b10\b/]],
  ['search: num_candidates over 10000', { path: S, body: { text: 'cat', num_candidates: 10001 } }, 400, 'invalid_request', [/'num_candidates'/, /10000/]],
  ['search: num_candidates a string', { path: S, body: { text: 'cat', num_candidates: 'many' } }, 400, 'invalid_request', [/'num_candidates' must be an integer/]],
  ['search: tags not a list', { path: S, body: { text: 'cat', tags: 'cat' } }, 400, 'invalid_request', [/'tags'/]],
  ['search: tags holding a number', { path: S, body: { text: 'cat', tags: ['cat', 7] } }, 400, 'invalid_request', [/'tags\[1\]'/]],
  ['search: unknown field', { path: S, body: { text: 'cat', size: 3 } }, 400, 'invalid_request', [/unknown field 'size'/]],
  // image queries
  ['search: image empty', { path: S, body: { image: '' } }, 400, 'invalid_request', [/'image' is empty/]],
  ['search: image not base64', { path: S, body: { image: notBase64 } }, 400, 'invalid_request', [/'image'/, /base64/]],
  ['search: image as a data: URI', { path: S, body: { image: `data:image/png;base64,${smallPng}` } }, 400, 'invalid_request', [/'image'/, /base64/]],
  ['search: image not a string', { path: S, body: { image: [1, 2, 3] } }, 400, 'invalid_request', [/'image'/]],
  ['search: image undecodable', { path: S, body: { image: junkImage } }, 400, 'invalid_image', [/cannot decode/]],
  ['search: image a truncated JPEG', { path: S, body: { image: truncatedJpeg } }, 400, 'invalid_image', [/truncated/]],
  ['search: image a decompression bomb', { path: S, body: { image: bomb } }, 413, 'payload_too_large', [/20000x20000/, /limit/]],
  // id queries
  ['search: id not hex', { path: S, body: { id: '_search' } }, 400, 'invalid_request', [/'id'|'_search'/, /32 hex/]],
  ['search: id 31 hex digits', { path: S, body: { id: knownId.slice(1) } }, 400, 'invalid_request', [/32 hex/]],
  ['search: id upper-case hex', { path: S, body: { id: knownId.toUpperCase() } }, 400, 'invalid_request', [/32 hex/]],
  ['search: id not a string', { path: S, body: { id: 12345 } }, 400, 'invalid_request', [/'id'/]],
  ['search: id unknown', { path: S, body: { id: unknownId } }, 404, 'not_found', [new RegExp(unknownId)]],

  // POST /api/v1/embed
  ['embed: not JSON', { path: E, body: '{inputs:' }, 400, 'invalid_json', [/not valid JSON/]],
  ['embed: a JSON array', { path: E, body: '[{"text":"cat"}]' }, 400, 'invalid_json', [/JSON object/]],
  ['embed: no inputs', { path: E, body: {} }, 400, 'invalid_request', [/'inputs'/]],
  ['embed: inputs empty', { path: E, body: { inputs: [] } }, 400, 'invalid_request', [/'inputs'/]],
  ['embed: inputs not a list', { path: E, body: { inputs: { text: 'cat' } } }, 400, 'invalid_request', [/'inputs'/]],
  [`embed: ${MAX_BATCH + 1} inputs`, { path: E, body: { inputs: manyInputs } }, 400, 'invalid_request', [/'inputs'/, new RegExp(`\\b${MAX_BATCH}\\b`)]],
  ['embed: an input with text and image', { path: E, body: { inputs: [{ text: 'cat', image: smallPng }] } }, 400, 'invalid_request', [/inputs\[0\]/, /one of|not both|only one/]],
  ['embed: an input with neither', { path: E, body: { inputs: [{}] } }, 400, 'invalid_request', [/inputs\[0\]/, /text/, /image/]],
  ['embed: the second input is bad', { path: E, body: { inputs: [{ text: 'cat' }, {}] } }, 400, 'invalid_request', [/inputs\[1\]/]],
  ['embed: an input that is a bare string', { path: E, body: { inputs: ['cat'] } }, 400, 'invalid_request', [/inputs\[0\]/]],
  ['embed: input text a number', { path: E, body: { inputs: [{ text: 5 }] } }, 400, 'invalid_request', [/inputs\[0\]/, /text/]],
  ['embed: input text empty', { path: E, body: { inputs: [{ text: '' }] } }, 400, 'invalid_request', [/inputs\[0\]/, /empty/]],
  ['embed: input with an unknown field', { path: E, body: { inputs: [{ text: 'cat', url: 'http://x' }] } }, 400, 'invalid_request', [/'url'/]],
  ['embed: input image not base64', { path: E, body: { inputs: [{ image: notBase64 }] } }, 400, 'invalid_request', [/inputs\[0\]/, /base64/]],
  ['embed: input image undecodable', { path: E, body: { inputs: [{ image: junkImage }] } }, 400, 'invalid_image', [/cannot decode/]],
  ['embed: input image a decompression bomb', { path: E, body: { inputs: [{ image: bomb }] } }, 413, 'payload_too_large', [/20000x20000/]],
  ['embed: dims 63', { path: E, body: { inputs: [{ text: 'cat' }], dims: 63 } }, 400, 'invalid_request', [/'dims' must be between 64 and 1024/]],
  ['embed: dims 1025', { path: E, body: { inputs: [{ text: 'cat' }], dims: 1025 } }, 400, 'invalid_request', [/'dims' must be between 64 and 1024/]],
  ['embed: dims a string', { path: E, body: { inputs: [{ text: 'cat' }], dims: '256' } }, 400, 'invalid_request', [/'dims' must be an integer/]],
  ['embed: task unknown', { path: E, body: { inputs: [{ text: 'cat' }], task: 'retrieval.passage' } }, 400, 'invalid_request', [/'task'/, /query/, /document/]],
  ['embed: task not a string', { path: E, body: { inputs: [{ text: 'cat' }], task: 1 } }, 400, 'invalid_request', [/'task'/]],
  ['embed: unknown field', { path: E, body: { inputs: [{ text: 'cat' }], model: 'jina-clip-v2' } }, 400, 'invalid_request', [/unknown field 'model'/]],
  ['embed: body over 12 MiB', { path: E, body: { inputs: [{ text: big }] } }, 413, 'payload_too_large', [/limit of \d+ bytes/]],

  // POST /api/v1/knn
  ['knn: not JSON', { path: K, body: 'vector=1,2,3' }, 400, 'invalid_json', [/not valid JSON/]],
  ['knn: no vector', { path: K, body: { k: 3 } }, 400, 'invalid_request', [/'vector'/]],
  ['knn: vector not a list', { path: K, body: { vector: '1,0,0' } }, 400, 'invalid_request', [/'vector'/]],
  ['knn: vector empty', { path: K, body: { vector: [] } }, 400, 'invalid_request', [/'vector'/]],
  ['knn: vector of strings', { path: K, body: { vector: v256.map(String), dims: 256 } }, 400, 'invalid_request', [/'vector\[0\]'/, /number/]],
  ['knn: vector holding null', { path: K, body: { vector: [...v256.slice(0, 9), null, ...v256.slice(10)], dims: 256 } }, 400, 'invalid_request', [/'vector\[9\]'/, /number/]],
  ['knn: vector shorter than dims', { path: K, body: { vector: unitVector(255), dims: 256 } }, 400, 'invalid_request', [/'vector'/, /255/, /256/]],
  ['knn: vector longer than dims', { path: K, body: { vector: v1024, dims: 256 } }, 400, 'invalid_request', [/'vector'/, /1024/, /256/]],
  ['knn: vector length not a configured size', { path: K, body: { vector: unitVector(100) } }, 400, 'invalid_request', [/'dims'|'vector'/, /1024, 256|100/]],
  ['knn: zero vector', { path: K, body: { vector: new Array(256).fill(0), dims: 256 } }, 400, 'invalid_request', [/'vector'/, /zero/]],
  ['knn: dims not configured', { path: K, body: { vector: unitVector(512), dims: 512 } }, 400, 'invalid_request', [/'dims' 512 is not offered/, /1024, 256/]],
  ['knn: k of 0', { path: K, body: { vector: v256, dims: 256, k: 0 } }, 400, 'invalid_request', [/'k' must be between 1 and 100/]],
  ['knn: k of 101', { path: K, body: { vector: v256, dims: 256, k: 101 } }, 400, 'invalid_request', [/'k' must be between 1 and 100/]],
  ['knn: num_candidates below k', { path: K, body: { vector: v256, dims: 256, k: 20, num_candidates: 19 } }, 400, 'invalid_request', [/'num_candidates'/]],
  ['knn: num_candidates over 10000', { path: K, body: { vector: v256, dims: 256, num_candidates: 10001 } }, 400, 'invalid_request', [/'num_candidates'/, /10000/]],
  ['knn: tags not a list', { path: K, body: { vector: v256, dims: 256, tags: 'cat' } }, 400, 'invalid_request', [/'tags'/]],
  ['knn: unknown field', { path: K, body: { vector: v256, dims: 256, field: 'vec_256' } }, 400, 'invalid_request', [/unknown field 'field'/]],

  // POST /api/v1/images (admin)
  ['images: no token', { path: I, body: { images: [{ image: smallPng }] } }, 401, 'unauthorized', [/token/i]],
  ['images: wrong token', { path: I, headers: { authorization: `Bearer ${'w'.repeat(32)}` }, body: { images: [{ image: smallPng }] } }, 401, 'unauthorized', [/token/i]],
  ['images: the token minus its last character', { path: I, headers: { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` }, body: { images: [{ image: smallPng }] } }, 401, 'unauthorized', [/token/i]],
  ['images: the token as basic auth', { path: I, headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` }, body: { images: [{ image: smallPng }] } }, 401, 'unauthorized', [/token/i]],
  ['images: the token in the query string', { path: `${I}?token=${ADMIN_TOKEN}`, body: { images: [{ image: smallPng }] } }, 401, 'unauthorized', [/token/i]],
  ['images: not JSON', { path: I, headers: admin, body: 'images' }, 400, 'invalid_json', [/not valid JSON/]],
  ['images: no images', { path: I, headers: admin, body: {} }, 400, 'invalid_request', [/'images'/]],
  ['images: images empty', { path: I, headers: admin, body: { images: [] } }, 400, 'invalid_request', [/'images'/]],
  [`images: ${MAX_BATCH + 1} images`, { path: I, headers: admin, body: { images: manyImages } }, 400, 'invalid_request', [/'images'/, new RegExp(`\\b${MAX_BATCH}\\b`)]],
  ['images: an item without image', { path: I, headers: admin, body: { images: [{ title: 'no picture' }] } }, 400, 'invalid_request', [/images\[0\]/, /image/]],
  ['images: an item with tags not a list', { path: I, headers: admin, body: { images: [{ image: smallPng, tags: 'cat' }] } }, 400, 'invalid_request', [/images\[0\]/, /tags/]],
  ['images: an item with a numeric title', { path: I, headers: admin, body: { images: [{ image: smallPng, title: 5 }] } }, 400, 'invalid_request', [/images\[0\]/, /title/]],
  ['images: an item with an unknown field', { path: I, headers: admin, body: { images: [{ image: smallPng, url: 'http://x' }] } }, 400, 'invalid_request', [/'url'/]],
  ['images: unknown top-level field', { path: I, headers: admin, body: { images: [{ image: smallPng }], mode: 'replace' } }, 400, 'invalid_request', [/unknown field 'mode'/]],
  // the fields a client that shrinks images first sends about the original (the browser)
  ['images: id not a content hash', { path: I, headers: admin, body: { images: [{ image: smallPng, id: 'abc' }] } }, 400, 'invalid_request', [/'images\[0\]\.id'/, /32 lower-case hex/]],
  ['images: id in upper-case hex', { path: I, headers: admin, body: { images: [{ image: smallPng, id: knownId.toUpperCase() }] } }, 400, 'invalid_request', [/'images\[0\]\.id'/, /lower-case/]],
  ['images: id of the second item a number', { path: I, headers: admin, body: { images: [{ image: smallPng }, { image: smallPng, id: 7 }] } }, 400, 'invalid_request', [/'images\[1\]\.id'/]],
  ['images: id a search path', { path: I, headers: admin, body: { images: [{ image: smallPng, id: '_search' }] } }, 400, 'invalid_request', [/'images\[0\]\.id'/]],
  ['images: file empty', { path: I, headers: admin, body: { images: [{ image: smallPng, file: '' }] } }, 400, 'invalid_request', [/'images\[0\]\.file' is empty/]],
  ['images: file not a string', { path: I, headers: admin, body: { images: [{ image: smallPng, file: ['a.jpg'] }] } }, 400, 'invalid_request', [/'images\[0\]\.file' must be a string/]],
  ['images: original_width without original_height', { path: I, headers: admin, body: { images: [{ image: smallPng, original_width: 800 }] } }, 400, 'invalid_request', [/'images\[0\]\.original_height' is missing/, /together/]],
  ['images: original_height of 0', { path: I, headers: admin, body: { images: [{ image: smallPng, original_width: 800, original_height: 0 }] } }, 400, 'invalid_request', [/'images\[0\]\.original_height' must be between 1/]],
  ['images: original_width a string', { path: I, headers: admin, body: { images: [{ image: smallPng, original_width: '800', original_height: 600 }] } }, 400, 'invalid_request', [/'images\[0\]\.original_width' must be an integer/]],
  ['images: original size over the pixel limit', { path: I, headers: admin, body: { images: [{ image: smallPng, original_width: 20000, original_height: 20000 }] } }, 400, 'invalid_request', [/'images\[0\]\.original_width'/, /400000000 pixels/]],

  // DELETE /api/v1/images/{id} (admin): auth comes before anything is looked at
  // (ids no image has: should auth be missing, these must not delete anything the other cases use)
  ['delete: no token', { method: 'DELETE', path: `${I}/${'f'.repeat(32)}` }, 401, 'unauthorized', [/token/i]],
  ['delete: wrong token', { method: 'DELETE', path: `${I}/${'e'.repeat(32)}`, headers: { authorization: 'Bearer nope' } }, 401, 'unauthorized', [/token/i]],
  ['delete: no token and a bad id', { method: 'DELETE', path: `${I}/_all` }, 401, 'unauthorized', [/token/i]],
  ['delete: bad id', { method: 'DELETE', path: `${I}/_all`, headers: admin }, 400, 'invalid_request', [/'_all' is not an image id/]],
  ['delete: unknown id', { method: 'DELETE', path: `${I}/${unknownId}`, headers: admin }, 404, 'not_found', [new RegExp(unknownId)]],

  // GET /api/v1/images/{id}/thumbnail
  ['thumbnail: bad id', { method: 'GET', path: thumb('_search') }, 400, 'invalid_request', [/'_search' is not an image id \(32 hex digits\)/]],
  ['thumbnail: upper-case id', { method: 'GET', path: thumb(knownId.toUpperCase()) }, 400, 'invalid_request', [/is not an image id/]],
  ['thumbnail: unknown id', { method: 'GET', path: thumb(unknownId) }, 404, 'not_found', [new RegExp(unknownId)]],
  ['thumbnail: an encoded slash in the id', { method: 'GET', path: `${I}/..%2f_search/thumbnail` }, 404, 'not_found', [/no route/]],

  // wrong methods: 405 with an Allow header naming the right one
  ['method: GET /search', { method: 'GET', path: S }, 405, 'method_not_allowed', [/GET/, /POST/], { allow: /^POST$/ }],
  ['method: PUT /search', { method: 'PUT', path: S, body: { text: 'cat' } }, 405, 'method_not_allowed', [/PUT/], { allow: /^POST$/ }],
  ['method: DELETE /search', { method: 'DELETE', path: S }, 405, 'method_not_allowed', [/DELETE/], { allow: /^POST$/ }],
  ['method: PATCH /search', { method: 'PATCH', path: S, body: { text: 'cat' } }, 405, 'method_not_allowed', [/PATCH/], { allow: /^POST$/ }],
  ['method: GET /embed', { method: 'GET', path: E }, 405, 'method_not_allowed', [/GET/], { allow: /^POST$/ }],
  ['method: GET /knn', { method: 'GET', path: K }, 405, 'method_not_allowed', [/GET/], { allow: /^POST$/ }],
  ['method: PUT /images', { method: 'PUT', path: I, headers: admin, body: { images: [] } }, 405, 'method_not_allowed', [/PUT/], { allow: /\bPOST\b/ }],
  ['method: PUT /images/{id}', { method: 'PUT', path: `${I}/${knownId}`, headers: admin, body: {} }, 405, 'method_not_allowed', [/PUT/], { allow: /\bDELETE\b/ }],
  ['method: POST /images/{id}/thumbnail', { method: 'POST', path: thumb(knownId), body: {} }, 405, 'method_not_allowed', [/POST/], { allow: /^GET$/ }],
  ['method: POST /healthz', { method: 'POST', path: '/healthz', body: {} }, 405, 'method_not_allowed', [/POST/], { allow: /^GET$/ }],

  // unknown paths
  ['path: unknown API route', { method: 'GET', path: '/api/v1/nothing-here' }, 404, 'not_found', [/\/api\/v1\/nothing-here/]],
  ['path: another API version', { path: '/api/v2/search', body: { text: 'cat' } }, 404, 'not_found', [/\/api\/v2\/search/]],
  ['path: a thumbnail with a tail', { method: 'GET', path: `${thumb(knownId)}/more` }, 404, 'not_found', [/no route/]],
  ['path: a missing static file', { method: 'GET', path: '/no-such-file.js' }, 404, 'not_found', [/no-such-file\.js/]],

  // cross-origin calls from an origin that is not allowed
  ['cors: search from another site', { path: S, headers: { origin: 'https://evil.example' }, body: { text: 'cat' } }, 403, 'forbidden', [/origin/i, /evil\.example/]],
  ['cors: preflight from another site', { method: 'OPTIONS', path: S, headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } }, 403, 'forbidden', [/origin/i]],
  ['cors: admin call from another site, with the token', { path: I, headers: { ...admin, origin: 'https://evil.example' }, body: { images: [{ image: smallPng }] } }, 403, 'forbidden', [/origin/i]],
  // 'null' is what sandboxed frames and file: pages send; allowing it would let any site in. The config
  // refuses it in --cors-origins, so the message must not suggest it.
  ['cors: search from an opaque origin', { path: S, headers: { origin: 'null' }, body: { text: 'cat' } }, 403, 'forbidden', [/origin/i], { notMessage: /CORS_ORIGINS=null/ }],
];

// POST /api/v1/images reports a bad image in its own slot and stores the rest (a batch is not
// all-or-nothing), so these answer 200 with the item marked failed and its error's type and message.
const itemCases = [
  ['an image not base64', notBase64, 'invalid_request', [/'images\[0\]\.image'/, /base64/]],
  ['an undecodable image', junkImage, 'invalid_image', [/'images\[0\]\.image'/, /cannot decode/]],
  ['a truncated JPEG', truncatedJpeg, 'invalid_image', [/'images\[0\]\.image'/, /truncated/]],
  ['a decompression bomb', bomb, 'payload_too_large', [/'images\[0\]\.image'/, /20000x20000/]],
];

// Requests that are not well-formed HTTP/1.1: a 4xx in the envelope (never a 5xx, never silence).
// [name, raw request, allowed statuses, message patterns]
const host = 'Host: 127.0.0.1\r\n';
const protocolCases = [
  ['a request line over 8 KiB', `GET /api/v1/images/${'a'.repeat(20000)}/thumbnail HTTP/1.1\r\n${host}\r\n`, [400, 414], [/long|limit|URL|URI|request line/i]],
  ['a static path over 8 KiB', `GET /${'a'.repeat(20000)} HTTP/1.1\r\n${host}\r\n`, [400, 414], [/long|limit|URL|URI|request line/i]],
  ['a header over 64 KiB', `GET /healthz HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(100000)}\r\n\r\n`, [400, 431], []],
  ['an unknown method', `FOO ${S} HTTP/1.1\r\n${host}\r\n`, [400, 405, 501], []],
  ['no HTTP version', `GET /healthz\r\n\r\n`, [400], []],
  ['an HTTP/2 preface on the HTTP/1.1 port', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', [400, 505], []],
  ['a chunk size that is not hex', `POST ${S} HTTP/1.1\r\n${host}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`, [400], []],
];

// Static-file traversal attempts: whatever the proxy answers, it is never 200 and never the file.
const traversals = [
  '/../etc/passwd',
  '/../../../../../../etc/passwd',
  '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
  '/..%2f..%2f..%2f..%2fetc%2fpasswd',
  '/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/..%252f..%252f..%252fetc%252fpasswd',
  '/....//....//....//etc/passwd',
  '/..\\..\\..\\..\\etc\\passwd',
  '/fonts/../../secret.txt',
  '/fonts/%2e%2e/%2e%2e/secret.txt',
  '/index.html%00.txt',
];

function assertEnvelope(r, status, type, label) {
  assert.equal(r.status, status, `${label}: ${r.text.slice(0, 300)}`);
  assert.match(r.headers['content-type'] ?? '', /^application\/json(;|$)/, `${label}: content-type`);
  assert.ok(r.json && typeof r.json === 'object', `${label}: the body is JSON`);
  assert.deepEqual(Object.keys(r.json), ['error'], `${label}: only "error" at the top`);
  assert.deepEqual(Object.keys(r.json.error).sort(), ['code', 'message', 'type'], `${label}: envelope fields`);
  assert.equal(r.json.error.code, status, `${label}: code == status`);
  assert.equal(r.json.error.type, type, `${label}: ${r.json.error.message}`);
  assert.equal(typeof r.json.error.message, 'string');
  assert.ok(r.json.error.message.length > 0, `${label}: a message`);
}

// ---- setup -----------------------------------------------------------------------------------

before(async () => {
  double = await startDouble();
  const env = proxyEnv({ double, index });
  const indexed = await runIndexer({ env });
  assert.equal(indexed.code, 0, `indexer failed:\n${indexed.stderr}`);
  // A web root of our own when the suite has none, with a file beside it that must never be served.
  let args = [];
  if (!paths.webRoot) {
    webDir = mkdtempSync(join(tmpdir(), 'polylens-bad-web-'));
    mkdirSync(join(webDir, 'web', 'fonts'), { recursive: true });
    writeFileSync(join(webDir, 'web', 'index.html'), '<!doctype html><title>polylens</title>');
    writeFileSync(join(webDir, 'secret.txt'), 'SECRET-BESIDE-THE-WEB-ROOT');
    args = ['--web-root', join(webDir, 'web')];
  }
  proxy = await startProxy({ env: { ...env, POLYLENS_ADMIN_TOKEN: ADMIN_TOKEN }, args });
  limited = await startProxy({
    env: { ...env, POLYLENS_ADMIN_TOKEN: ADMIN_TOKEN, POLYLENS_RATE_LIMIT_PER_MINUTE: '1', POLYLENS_RATE_LIMIT_BURST: '2' },
    args,
  });
});

after(async () => {
  await proxy?.stop();
  await limited?.stop();
  await double?.stop();
  await deleteIndex(index);
  if (webDir) rmSync(webDir, { recursive: true, force: true });
});

// ---- tests -----------------------------------------------------------------------------------

test('the table has at least 60 cases, each with a distinct name', () => {
  assert.ok(cases.length >= 60, `${cases.length} cases`);
  assert.equal(new Set(cases.map((c) => c[0])).size, cases.length);
});

test('the PNG builder makes images the proxy decodes (so the bomb is refused for its size, not its form)', async () => {
  const r = await send(proxy.url, { path: S, body: { image: smallPng, k: 1 } });
  assert.equal(r.status, 200, r.text);
  assert.ok(bombPng.length < 4096, `the bomb is ${bombPng.length} bytes`);
});

for (const [name, req, status, type, patterns, extra = {}] of cases) {
  test(`${name} -> ${status} ${type}`, async () => {
    const r = await send(proxy.url, req);
    assertEnvelope(r, status, type, name);
    for (const p of patterns) assert.match(r.json.error.message, p, name);
    if (status === 405) {
      assert.ok(r.headers.allow, `${name}: a 405 names the allowed methods`);
      assert.ok(!r.headers.allow.split(/,\s*/).includes(req.method), `${name}: Allow ${r.headers.allow}`);
    }
    if (extra.allow) assert.match(r.headers.allow ?? '', extra.allow, `${name}: Allow`);
    if (extra.notMessage) assert.doesNotMatch(r.json.error.message, extra.notMessage, name);
  });
}

for (const [name, image, type, patterns] of itemCases) {
  test(`images: ${name} -> 200 with the item failed as ${type}, nothing stored`, async () => {
    const r = await send(proxy.url, { path: I, headers: admin, body: { images: [{ image, title: name }] } });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers['content-type'] ?? '', /^application\/json(;|$)/);
    assert.equal(r.json.items.length, 1);
    const [item] = r.json.items;
    assert.equal(item.index, 0);
    assert.equal(item.status, 'failed', r.text);
    assert.equal(item.id, undefined, 'a failed item has no id');
    assert.equal(item.error.type, type, item.error.message);
    for (const p of patterns) assert.match(item.error.message, p);
    assert.equal(r.json.usage.tokens, 0, 'nothing was embedded');
  });
}

test('images: a bad item does not stop the good one beside it', async () => {
  const r = await send(proxy.url, { path: I, headers: admin, body: { images: [{ image: junkImage }, { image: smallPng, title: 'black square' }] } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((i) => i.status).map((st, n) => (n === 1 && st === 'exists' ? 'created' : st)), ['failed', 'created']);
  assert.match(r.json.items[1].id, /^[0-9a-f]{32}$/);
});

test('images: a shrunk upload with the original\'s id, file name and size is stored under that id', async () => {
  const id = 'c0ffee00'.repeat(4);
  const r = await send(proxy.url, {
    path: I, headers: admin,
    body: { images: [{ image: smallPng, id, file: 'holiday/black-square.png', original_width: 4000, original_height: 3000 }] },
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((i) => [i.id, i.status]), [[id, 'created']]);
  if (testBackend === 'elasticsearch') { // the embedded store is held by the proxy: only the API can see it
    const stored = await (await fetch(`${esUrl()}/${index}/_doc/${id}`)).json();
    assert.equal(stored.found, true);
    assert.equal(stored._source.file, 'holiday/black-square.png');
    assert.equal(stored._source.title, 'black square', 'the title comes from the file name, not its folder');
    assert.deepEqual([stored._source.width, stored._source.height], [4000, 3000]);
  }
  const again = await send(proxy.url, { path: I, headers: admin, body: { images: [{ image: smallPng, id }] } });
  assert.equal(again.json.items[0].status, 'exists', 'the same id again is a duplicate');
  const removed = await send(proxy.url, { method: 'DELETE', path: `${I}/${id}`, headers: admin });
  assert.equal(removed.status, 200, removed.text);
});

for (const [name, raw, statuses, patterns] of protocolCases) {
  test(`protocol: ${name} -> ${statuses.join(' or ')}`, async () => {
    const r = await sendRaw(proxy.url, raw);
    assert.ok(statuses.includes(r.status), `${name}: got ${r.status} ${r.text.slice(0, 200)}`);
    assertEnvelope(r, r.status, r.json?.error?.type, name);
    assert.notEqual(r.json.error.type, 'internal_error', name);
    for (const p of patterns) assert.match(r.json.error.message, p, name);
  });
}

for (const path of traversals) {
  test(`static traversal ${path} is never served`, async () => {
    const r = await send(proxy.url, { method: 'GET', path });
    assert.notEqual(r.status, 200, `${path}: ${r.text.slice(0, 200)}`);
    assert.ok(r.status >= 400 && r.status < 500, `${path}: ${r.status}`);
    assert.ok(!/root:.*:0:0:|SECRET-BESIDE-THE-WEB-ROOT/.test(r.text), `${path} leaked a file`);
    if (r.json) assertEnvelope(r, r.status, r.status === 404 ? 'not_found' : 'invalid_request', path);
  });
}

test('a same-origin call (Origin is the proxy itself) is not refused', async () => {
  const r = await send(proxy.url, { path: S, headers: { origin: proxy.url }, body: { text: 'cat', k: 1 } });
  assert.equal(r.status, 200, r.text);
});

test('rate limit on: a client over its burst gets 429 with Retry-After; open routes still answer', async () => {
  const statuses = [];
  let over;
  // burst 2, 1 per minute: the third metered call within the minute is over the limit.
  for (let i = 0; i < 3; i++) {
    over = await send(limited.url, { path: S, body: { text: 'cat', k: 1 } });
    statuses.push(over.status);
  }
  assert.deepEqual(statuses.slice(0, 2), [200, 200], over.text);
  assertEnvelope(over, 429, 'rate_limited', 'third search');
  assert.match(over.headers['retry-after'] ?? '', /^[1-9]\d*$/, 'Retry-After in whole seconds');
  const knn = await send(limited.url, { path: K, body: { vector: v256, dims: 256, k: 1 } });
  assertEnvelope(knn, 429, 'rate_limited', 'kNN from the same client');
  const health = await send(limited.url, { method: 'GET', path: '/healthz' });
  assert.equal(health.status, 200, 'healthz is not metered');
  const thumbnail = await send(limited.url, { method: 'GET', path: thumb(knownId) });
  assert.equal(thumbnail.status, 200, 'thumbnails are not metered');
});

test('the proxy is still up after the table, and answers a good search', async () => {
  const r = await send(proxy.url, { path: S, body: { text: 'torre Eiffel', k: 3 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.hits.length, 3);
  assert.equal(r.json.hits[0].id, idOfFile(paths.assets, 'weavly-eiffel-tower.jpg'));
  const health = await send(proxy.url, { method: 'GET', path: '/healthz' });
  assert.equal(health.json.status, 'ok');
  assert.equal(proxy.child.exitCode, null);
});

test('neither the admin token nor the Jina key appears in any response or log line', () => {
  const logs = [proxy, limited].flatMap((p) => [...p.output.stderr, ...p.output.stdout]);
  const everything = [...seenBodies, ...logs].join('\n');
  assert.ok(everything.length > 1000, 'the scan has material to look at');
  assert.ok(!everything.includes(ADMIN_TOKEN), 'the admin token leaked');
  assert.ok(!everything.includes(TEST_KEY), 'the Jina key leaked');
});
