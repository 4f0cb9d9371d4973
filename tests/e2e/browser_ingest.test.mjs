// Adding images from the browser: open "Add images" with the mouse, type the admin token with real key
// presses, and drop real files on the page (a DataTransfer of File objects, dispatched as dragenter,
// dragover and drop, which is what a drop from the desktop is to the page). The page hashes and shrinks
// each file in WebAssembly and uploads them in batches; the test hook is only read, never used to act.
//
// A dropped *folder* cannot be made this way (a synthetic DataTransfer holds files, never directory
// entries); tests/unit/file_drop_walk.test.mjs runs the folder listing on stand-in entries instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import {
  paths, esUrl, secret, startDouble, startProxy, proxyEnv, runIndexer, deleteIndex, postJson, uniqueIndexName,
} from '../lib/stack.mjs';
import { launchBrowser, openPage, screenshot, uiState, waitForState } from '../lib/browser.mjs';
import { blackPng } from '../lib/png.mjs';

const index = uniqueIndexName('polylens-ingest');
const ADMIN_TOKEN = secret('browser-ingest-admin-token-5f1c0e9a'); // at least 16 characters
const WRONG_TOKEN = 'not-the-admin-token-0000000000';
const images = `${paths.assets}/images`;
const preindexed = 'kodak-01.jpg'; // indexed by `polylens index` before the browser sees it
let double, proxy, browser, page, problems, indexedFolder;
const otherLogs = []; // of the proxies a test starts for itself

const idOfBytes = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 32);

before(async () => {
  assert.ok(paths.webRoot, 'POLYLENS_WEB_ROOT is not set: configure with the native preset');
  double = await startDouble();
  const env = proxyEnv({ double, index });
  // One photo is in the index already, put there by the command-line indexer: the browser must give
  // the same file the same id, so dropping it again is a duplicate.
  indexedFolder = mkdtempSync(join(tmpdir(), 'polylens-ingest-'));
  copyFileSync(join(images, preindexed), join(indexedFolder, preindexed));
  const indexed = await runIndexer({ env, folder: indexedFolder, args: ['--metadata', `${paths.assets}/images.tsv`] });
  assert.equal(indexed.code, 0, indexed.stderr);
  proxy = await startProxy({ env: { ...env, POLYLENS_ADMIN_TOKEN: ADMIN_TOKEN } });
  browser = await launchBrowser();
  ({ page, problems } = await openPage(browser, proxy.url));
  await waitForState(page, (s) => s.ready, 'the first frame and /healthz');
});

after(async () => {
  await browser?.close();
  await proxy?.stop();
  await double?.stop();
  await deleteIndex(index);
  if (indexedFolder) rmSync(indexedFolder, { recursive: true, force: true });
});

// ---- helpers ---------------------------------------------------------------------------------------

async function documents() {
  const r = await fetch(`${proxy.url}/readyz`);
  return (await r.json()).documents;
}

async function clickRect(rect, what) {
  assert.ok(rect, `${what} is on screen`);
  await page.mouse.click(rect.x + rect.w / 2, rect.y + rect.h / 2);
}

async function openPanel() {
  const state = await uiState(page);
  if (state.ingest.panel_open) return;
  await clickRect(state.ingest.ui.toggle_button, 'the Add images button');
  await waitForState(page, (s) => s.ingest.panel_open && s.ingest.ui.token_box, 'the Add images panel');
}

// Clicks the token field and replaces what it holds with `token`, key by key.
async function typeToken(token) {
  const { ingest } = await uiState(page);
  await clickRect(ingest.ui.token_box, 'the admin token field');
  await waitForState(page, (s) => s.ingest.token_focused, 'the token field to take the keyboard');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await waitForState(page, (s) => !s.ingest.token_set, 'an empty token field');
  await page.keyboard.type(token);
  await waitForState(page, (s) => s.ingest.token_set, 'a token in the field');
}

// A file for the drop: bytes read here, or `zeros` bytes made in the page (too big to be worth sending).
const fileOf = (name, bytes, type = 'image/jpeg') => ({ name, type, base64: bytes.toString('base64') });
const asset = (file, name = file) => fileOf(name, readFileSync(join(images, file)));

// Builds a DataTransfer holding the files in the page, then drops it on the canvas as a browser does.
async function dropFiles(files, target = page) {
  const dataTransfer = await target.evaluateHandle(() => new DataTransfer());
  for (const f of files) {
    await target.evaluate(([dt, file]) => {
      const bytes = file.base64 !== undefined
        ? Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))
        : new Uint8Array(file.zeros);
      dt.items.add(new File([bytes], file.name, { type: file.type }));
    }, [dataTransfer, f]);
  }
  for (const type of ['dragenter', 'dragover', 'drop']) await target.dispatchEvent('#canvas', type, { dataTransfer });
  await dataTransfer.dispose();
}

const finished = (s) => s.ingest.total > 0 && !s.ingest.running;
const errorFor = (state, file) => state.ingest.errors.find((e) => e.file === file);

async function searchableById(id) {
  const r = await postJson(`${proxy.url}/api/v1/search`, { id, k: 1 });
  return r.status === 200;
}

// ---- tests -----------------------------------------------------------------------------------------

test('a file dropped while "Add images" is closed is not added: it becomes an image query', async () => {
  const before = await documents();
  const answered = (await uiState(page)).searches_answered;
  await dropFiles([asset('kodak-02.jpg')]);
  const state = await waitForState(page, (s) => s.status === 'done' && s.searches_answered > answered, 'the image query');
  assert.equal(state.search_kind, 'image');
  assert.equal(state.query_image.name, 'kodak-02.jpg');
  assert.equal(state.drop_hint, '');
  assert.equal(state.ingest.total, 0);
  assert.equal(state.ingest.panel_open, false);
  assert.equal(await documents(), before);
  await screenshot(page, 'ingest-drop-while-closed');
});

test('a drop of files is indexed; the corrupt JPEG, the 20000 x 20000 PNG, a file over the byte limit and a duplicate each show why', async () => {
  await openPanel();
  await typeToken(ADMIN_TOKEN);
  const before = await documents();

  const good = ['kodak-05.jpg', 'kodak-06.jpg', 'coco-107438.jpg', 'weavly-big-ben.jpg', 'skimage-coffee.jpg', 'skimage-astronaut.jpg'];
  const truncated = readFileSync(join(images, 'kodak-07.jpg'));
  const huge = await blackPng(20000, 20000);
  assert.ok(huge.length < 4 << 20, `the 20000 x 20000 PNG is ${huge.length} bytes: under the byte limit, over the pixel limit`);
  const files = [
    ...good.map((f) => asset(f)),
    asset(preindexed),                                   // already indexed by the command line
    asset('kodak-05.jpg', 'kodak-05 (copy).jpg'),        // the same bytes twice in one drop
    fileOf('broken.jpg', truncated.subarray(0, truncated.length >> 1)),
    fileOf('huge.png', huge, 'image/png'),
    { name: 'too-big.jpg', type: 'image/jpeg', zeros: 9 << 20 },
    fileOf('notes.txt', Buffer.from('not an image at all\n'), 'text/plain'),
  ];
  await dropFiles(files);
  const state = await waitForState(page, finished, 'the drop to be processed', 120000);
  await screenshot(page, 'ingest-drop-done');

  const { ingest } = state;
  assert.equal(ingest.total, files.length);
  assert.equal(ingest.done, files.length);
  assert.deepEqual([ingest.created, ingest.exists, ingest.failed], [good.length, 2, 4], JSON.stringify(ingest.errors));
  assert.deepEqual(ingest.batch_errors, []);
  assert.match(ingest.summary, /^Finished: 6 added, 2 duplicates, 4 failed, of 12 files\./);

  // Exactly the new distinct good images went in, each under the id the indexer gives the same file.
  assert.equal(await documents(), before + good.length);
  for (const f of good) {
    const row = ingest.files.find((x) => x.file === f);
    assert.equal(row.status, 'created', f);
    assert.equal(row.id, idOfBytes(readFileSync(join(images, f))), `${f}: the id is the hash of the original file`);
    assert.ok(await searchableById(row.id), `${f} is searchable`);
  }
  // The original's size and name are stored, not the 512 px upload's.
  const stored = await (await fetch(`${esUrl()}/${index}/_doc/${idOfBytes(readFileSync(join(images, 'kodak-05.jpg')))}`)).json();
  assert.equal(stored._source.file, 'kodak-05.jpg');
  assert.equal(Math.max(stored._source.width, stored._source.height), 768);

  const broken = errorFor(state, 'broken.jpg');
  assert.equal(broken.kind, 'undecodable');
  assert.match(broken.reason, /truncated/);
  const bomb = errorFor(state, 'huge.png');
  assert.equal(bomb.kind, 'too_large');
  assert.match(bomb.reason, /20000x20000 pixels/);
  assert.match(bomb.reason, /limit is \d+ pixels/);
  const big = errorFor(state, 'too-big.jpg');
  assert.equal(big.kind, 'too_large');
  assert.match(big.reason, /9\.0 MiB/);
  assert.match(big.reason, /limit is 8\.0 MiB/);
  const text = errorFor(state, 'notes.txt');
  assert.equal(text.kind, 'undecodable');
  assert.match(text.reason, /cannot decode/);
  const known = errorFor(state, preindexed);
  assert.equal(known.kind, 'duplicate');
  assert.match(known.reason, /already in the index/);
  const copy = errorFor(state, 'kodak-05 (copy).jpg');
  assert.equal(copy.kind, 'duplicate');
  assert.match(copy.reason, /same file as 'kodak-05\.jpg'/);
  assert.equal(ingest.files.find((x) => x.file === preindexed).id, idOfBytes(readFileSync(join(images, preindexed))));
});

test('Cancel stops further work; the batch on its way finishes whole; nothing is half-stored', async () => {
  await openPanel();
  const before = await documents();
  const used = new Set(['kodak-01.jpg', 'kodak-02.jpg', 'kodak-05.jpg', 'kodak-06.jpg', 'kodak-07.jpg', 'coco-107438.jpg',
    'weavly-big-ben.jpg', 'skimage-coffee.jpg', 'skimage-astronaut.jpg']);
  for (let n = 8; n <= 15; n++) used.add(`kodak-${String(n).padStart(2, '0')}.jpg`); // for the tests below
  const files = readdirSync(images).filter((f) => f.endsWith('.jpg') && !used.has(f)).slice(0, 60).map((f) => asset(f));
  // Each embed call takes a while, so there is time to press Cancel while the first batch is on its way.
  const slow = await postJson(`${double.url}/_control/faults`, { delay_ms: 1500, times: 20 });
  assert.equal(slow.status, 200, slow.text);
  try {
    await dropFiles(files);
    const uploading = await waitForState(page, (s) => s.ingest.uploading && s.ingest.ui.cancel_button, 'the first batch on its way');
    await clickRect(uploading.ingest.ui.cancel_button, 'Cancel');
    const state = await waitForState(page, (s) => s.ingest.cancelled && !s.ingest.running, 'the run to stop', 120000);
    await screenshot(page, 'ingest-cancelled');

    const { ingest } = state;
    assert.equal(ingest.total, files.length);
    assert.ok(ingest.done < ingest.total, `done ${ingest.done} of ${ingest.total}`);
    assert.equal(ingest.not_processed, ingest.total - ingest.done);
    assert.ok(ingest.created > 0, 'the batch that was on its way when Cancel was pressed was let finish');
    for (const f of ingest.files) assert.ok(['created', 'exists', 'failed', 'not_processed'].includes(f.status), `${f.file}: ${f.status}`);
    assert.match(ingest.summary, /^Cancelled: /);
    assert.match(ingest.summary, /let finish/);
    // Whole batches or nothing: every image the page counts as added is stored and searchable, and no other.
    assert.equal(await documents(), before + ingest.created);
    for (const f of ingest.files.filter((x) => x.status === 'created')) assert.ok(await searchableById(f.id), f.file);
  } finally {
    await fetch(`${double.url}/_control/reset`, { method: 'POST' });
  }
});

test('a wrong admin token stops the run with the proxy\'s refusal on screen; Retry with the right one sends the files', async () => {
  await openPanel();
  await typeToken(WRONG_TOKEN);
  const before = await documents();
  const files = [asset('kodak-08.jpg'), asset('kodak-09.jpg')];
  await dropFiles(files);
  const stopped = await waitForState(page, (s) => s.ingest.stopped && !s.ingest.running, 'the refused batch');
  await screenshot(page, 'ingest-wrong-token');
  assert.equal(stopped.ingest.batch_errors.length, 1);
  assert.match(stopped.ingest.batch_errors[0], /^Batch 1 \(2 images\): admin token rejected: 401 unauthorized: the admin token is wrong/);
  for (const f of ['kodak-08.jpg', 'kodak-09.jpg']) {
    const e = errorFor(stopped, f);
    assert.equal(e.kind, 'not_uploaded', f);
    assert.match(e.reason, /admin token rejected: 401/);
  }
  assert.match(stopped.ingest.summary, /^Stopped: .*Retry/);
  assert.equal(await documents(), before);

  await typeToken(ADMIN_TOKEN);
  const { ingest } = await uiState(page);
  await clickRect(ingest.ui.retry_button, 'Retry');
  const state = await waitForState(page, (s) => !s.ingest.stopped && finished(s), 'the retried batch');
  assert.equal(state.ingest.created, 2, JSON.stringify(state.ingest.errors));
  assert.deepEqual(state.ingest.errors, []);
  assert.equal(await documents(), before + 2);
});

test('a batch the proxy fails with a 5xx stops the run with its message; Retry sends it again', async () => {
  await openPanel();
  const before = await documents();
  // The embedder fails once; the proxy (no retries in the tests) answers 502 for the whole batch.
  const fault = await postJson(`${double.url}/_control/faults`, { status: 500, times: 1 });
  assert.equal(fault.status, 200, fault.text);
  await dropFiles([asset('kodak-10.jpg'), asset('kodak-11.jpg'), asset('kodak-12.jpg')]);
  // The answer stops the run at once; its buttons are laid out by the next frame.
  const stopped = await waitForState(page, (s) => s.ingest.stopped && !s.ingest.running && s.ingest.ui.retry_button,
                                     'the failed batch');
  assert.equal(stopped.ingest.batch_errors.length, 1);
  assert.match(stopped.ingest.batch_errors[0], /^Batch 1 \(3 images\): 502 embedder_error: /);
  assert.deepEqual(stopped.ingest.errors.map((e) => e.kind), ['not_uploaded', 'not_uploaded', 'not_uploaded']);
  assert.equal(await documents(), before, 'nothing of a failed batch is stored');
  assert.ok(stopped.ingest.ui.retry_button && stopped.ingest.ui.cancel_button, 'Retry, and Cancel to give up');

  await clickRect(stopped.ingest.ui.retry_button, 'Retry');
  const state = await waitForState(page, (s) => !s.ingest.stopped && finished(s), 'the retried batch');
  assert.equal(state.ingest.created, 3, JSON.stringify(state.ingest.errors));
  assert.equal(await documents(), before + 3);
});

test('a proxy with smaller batches and a rate limit: the page sends its batch size and waits out a 429', async () => {
  // Its own proxy: at most 2 images per call, and one metered request per minute. The test spends that
  // one request itself, so the page's first batch is refused with 429 and a Retry-After of up to 60 s.
  const limited = await startProxy({
    env: {
      ...proxyEnv({ double, index }), POLYLENS_ADMIN_TOKEN: ADMIN_TOKEN,
      POLYLENS_RATE_LIMIT_PER_MINUTE: '1', POLYLENS_RATE_LIMIT_BURST: '1', POLYLENS_MAX_BATCH_SIZE: '2',
    },
  });
  const other = await openPage(browser, limited.url);
  try {
    const p = other.page;
    await waitForState(p, (s) => s.ready, 'the second page');
    const { ingest } = await uiState(p);
    await p.mouse.click(ingest.ui.toggle_button.x + 5, ingest.ui.toggle_button.y + 5);
    const opened = await waitForState(p, (s) => s.ingest.token_focused, 'the token field, focused on opening');
    assert.ok(opened.ingest.ui.token_box);
    await p.keyboard.type(ADMIN_TOKEN);
    await waitForState(p, (s) => s.ingest.token_set, 'the token');
    const spent = await postJson(`${limited.url}/api/v1/search`, { text: 'cat', k: 1 });
    assert.equal(spent.status, 200, spent.text);

    await dropFiles([asset('kodak-13.jpg'), asset('kodak-14.jpg'), asset('kodak-15.jpg')], p);
    const waiting = await waitForState(p, (s) => /rate limiting/.test(s.ingest.summary + s.ingest.notice), 'the 429 to be waited out');
    assert.equal(waiting.ingest.batch_size, 2, 'the batch size /healthz gave');
    assert.match(waiting.ingest.notice, /^The proxy is rate limiting: Batch 1 \(2 images\) goes again in ([1-9]|[1-5][0-9]|60) s\.$/);
    assert.deepEqual(waiting.ingest.batch_errors, [], 'a 429 is not a failure');
    assert.ok(waiting.ingest.running);
    await screenshot(p, 'ingest-rate-limited');

    // Cancel during the wait: the waiting batch was not on its way, so nothing is stored.
    await p.mouse.click(waiting.ingest.ui.cancel_button.x + 5, waiting.ingest.ui.cancel_button.y + 5);
    const state = await waitForState(p, (s) => s.ingest.cancelled && !s.ingest.running, 'the cancelled run');
    assert.equal(state.ingest.not_processed, 3);
    assert.equal(state.ingest.created, 0);
    assert.doesNotMatch(state.ingest.summary, /let finish/);
    const expected = other.problems.filter((x) => /status of 429/.test(x));
    assert.equal(expected.length, 1, other.problems.join('\n'));
    assert.deepEqual(other.problems.filter((x) => !expected.includes(x)), []);
  } finally {
    await other.page.close();
    await limited.stop();
    otherLogs.push(...limited.output.stderr, ...limited.output.stdout);
  }
});

test('the admin token appears nowhere: not in the page\'s state, not in any answer, not in the proxy\'s log', async () => {
  const state = JSON.stringify(await uiState(page));
  assert.ok(!state.includes(ADMIN_TOKEN));
  assert.ok(!state.includes(WRONG_TOKEN));
  const logs = [...proxy.output.stderr, ...proxy.output.stdout, ...otherLogs].join('\n');
  assert.ok(logs.includes('/api/v1/images'), 'the uploads are in the log');
  assert.ok(!logs.includes(ADMIN_TOKEN), 'the admin token leaked into the log');
  assert.ok(!logs.includes(WRONG_TOKEN), 'the wrong token leaked into the log');
});

test('no console errors or page errors', () => {
  // Chromium logs one console error per 4xx or 5xx answer, which page code cannot suppress: exactly two
  // are expected, the 401 for the wrong token and the 502 for the failed batch above.
  const expected = problems.filter((p) => /Failed to load resource: the server responded with a status of (401|502)/.test(p));
  assert.equal(expected.length, 2, problems.join('\n'));
  assert.deepEqual(problems.filter((p) => !expected.includes(p)), []);
});
