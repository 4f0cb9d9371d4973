// The results view in a real browser, driven the way a person drives it: image queries from a real drop (a
// DataTransfer of File objects dispatched as dragenter, dragover, drop) and a real Control+V of an image on
// the clipboard, "more like this" with the mouse, the calibrated "no strong match" state, the stats strip,
// the ARIA live region (read from the DOM), the keyboard ('/', arrows, Enter, Esc) with its visible focus
// ring, and the layout from a 360 px phone to a 4K screen. The test hook is only read, never used to act.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { paths, startIndexedStack, postJson, secret, uniqueIndexName } from '../lib/stack.mjs';
import { requestJson } from '../lib/http.mjs';
import { idOfFile } from '../lib/dataset.mjs';
import { launchBrowser, openPage, screenshot, uiState, waitForState } from '../lib/browser.mjs';

const index = uniqueIndexName('polylens-results');
const ADMIN_TOKEN = secret('browser-results-admin-token-7d2e4b1f'); // for the one deletion below
const images = `${paths.assets}/images`;
let stack, proxy, browser, context, page, problems;

before(async () => {
  assert.ok(paths.webRoot, 'POLYLENS_WEB_ROOT is not set: configure with the native preset');
  stack = await startIndexedStack({ index, env: { POLYLENS_ADMIN_TOKEN: ADMIN_TOKEN } });
  ({ proxy } = stack);
  browser = await launchBrowser();
  // Its own context, so the page may use the clipboard (headless Chromium has one of its own).
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: proxy.url });
  ({ page, problems } = await openPage(context, proxy.url));
  await waitForState(page, (s) => s.ready && s.fonts_loaded, 'the first frame, /healthz and the fonts');
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

// ---- helpers ---------------------------------------------------------------------------------------

const idOf = (file) => idOfFile(paths.assets, file);
const center = (r) => ({ x: r.x + r.w / 2, y: r.y + r.h / 2 });
async function click(rect, what) {
  assert.ok(rect, `${what} is on screen`);
  const { x, y } = center(rect);
  await page.mouse.click(x, y);
}

// Answers land between frames, and where things are drawn is known only once a frame has drawn them: after
// a state change, wait for two more frames and read the state again.
async function settled(p, state) {
  return waitForState(p, (s) => s.frame >= state.frame + 2, 'two more frames');
}

// Types a query into the box with real key presses and presses Enter; resolves with the state and the
// proxy's answer as the page received it.
async function searchFor(text, p = page) {
  const before = (await uiState(p)).searches_answered;
  const { query_box: box } = await uiState(p);
  await p.mouse.click(box.x + box.w / 2, box.y + box.h / 2);
  await waitForState(p, (s) => s.query_focused, 'the query box to take the keyboard');
  await p.keyboard.press('Control+A');
  await p.keyboard.press('Backspace');
  await p.keyboard.type(text);
  await waitForState(p, (s) => s.query === text, `the box to show ${text}`);
  const answer = p.waitForResponse((r) => r.url().endsWith('/api/v1/search'));
  await p.keyboard.press('Enter');
  const response = await (await answer).json();
  const state = await settled(p, await waitForState(p, (s) => s.status === 'done' && s.searches_answered > before, `results for ${text}`));
  return { state, response };
}

// Drops files on the page as a browser does: a DataTransfer of File objects, dragenter, dragover, drop.
async function dropFiles(files) {
  const dataTransfer = await page.evaluateHandle(() => new DataTransfer());
  for (const f of files) {
    await page.evaluate(([dt, file]) => {
      const bytes = file.base64 !== undefined ? Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0)) : new Uint8Array(file.zeros);
      dt.items.add(new File([bytes], file.name, { type: file.type }));
    }, [dataTransfer, f]);
  }
  for (const type of ['dragenter', 'dragover', 'drop']) await page.dispatchEvent('#canvas', type, { dataTransfer });
  await dataTransfer.dispose();
}
const assetFile = (file) => ({ name: file, type: 'image/jpeg', base64: readFileSync(join(images, file)).toString('base64') });

async function documents() {
  return (await (await fetch(`${proxy.url}/readyz`)).json()).documents;
}

// The colours of a few screen pixels, read from a real screenshot (decoded by the page itself).
async function pixelsAt(points) {
  const png = (await page.screenshot()).toString('base64');
  return page.evaluate(async ([data, pts]) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const g = canvas.getContext('2d');
    g.drawImage(img, 0, 0);
    return pts.map(([x, y]) => Array.from(g.getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3)));
  }, [png, points]);
}
const isAccent = ([r, g, b]) => Math.abs(r - 99) < 30 && Math.abs(g - 140) < 30 && Math.abs(b - 255) < 30;

// The card below (+1) or above (-1) card `from` on screen, as a person sees it: the nearest row that way,
// the card whose middle is nearest. -1 when there is none.
function cardBeside(tiles, from, direction) {
  const f = tiles[from];
  const rows = tiles.filter((t) => (direction > 0 ? t.y > f.y + 1 : t.y < f.y - 1)).map((t) => t.y);
  if (rows.length === 0) return -1;
  const rowY = direction > 0 ? Math.min(...rows) : Math.max(...rows);
  const mid = (t) => t.x + t.w / 2;
  let best = -1;
  tiles.forEach((t, i) => {
    if (Math.abs(t.y - rowY) <= 1 && (best < 0 || Math.abs(mid(t) - mid(f)) < Math.abs(mid(tiles[best]) - mid(f)))) best = i;
  });
  return best;
}

const overlaps = (a, b) => a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;

// ---- the calibrated "no strong match" state --------------------------------------------------------

test('a nonsense query says "No strong match", with every hit dimmed behind the weak-matches divider', async () => {
  const { state, response } = await searchFor('qwzx blorf');
  await waitForState(page, (s) => s.thumbnails_loaded >= 3, 'the first thumbnails');
  await screenshot(page, 'results-no-strong-match');

  // The proxy decided, per modality: a text query's threshold, and every hit below it.
  assert.equal(response.modality, 'text');
  assert.equal(typeof response.threshold, 'number');
  assert.match(response.threshold_source, /test double/);
  assert.ok(response.hits.length > 0, 'kNN always answers k hits');
  assert.ok(response.hits.every((h) => h.strong === false && h.score < response.threshold));

  // The page shows it: the notice, the divider before the first card, every card weak.
  assert.equal(state.match.no_strong_match, true);
  assert.equal(state.match.notice, 'No strong match for “qwzx blorf”');
  assert.equal(state.match.strong, 0);
  assert.equal(state.match.weak, response.hits.length);
  assert.equal(state.match.threshold, response.threshold);
  assert.ok(state.match.divider, 'the weak-matches divider is drawn');
  assert.ok(state.match.notice_rect.y + state.match.notice_rect.h <= state.match.divider.y);
  assert.ok(state.match.divider.y + state.match.divider.h <= state.hits[0].tile.y, 'the divider is above the first card');
  assert.deepEqual(state.hits.map((h) => h.id), response.hits.map((h) => h.id));
  assert.ok(state.hits.every((h) => h.strong === false));
});

test('a real query shows its strong matches first and the weak ones after the divider', async () => {
  const { state, response } = await searchFor('torre Eiffel');
  await screenshot(page, 'results-strong-then-weak');
  assert.equal(state.hits[0].id, idOf('weavly-eiffel-tower.jpg'));
  assert.equal(state.hits[0].strong, true);
  assert.equal(state.match.no_strong_match, false);
  assert.equal(state.match.notice, null);
  const strong = response.hits.filter((h) => h.strong).length;
  assert.ok(strong >= 1 && strong < response.hits.length, `${strong} strong of ${response.hits.length}`);
  assert.equal(state.match.strong, strong);
  // Strong ones, the divider, then the weak ones: no weak card shares a row with a strong one.
  const lastStrong = state.hits[strong - 1].tile;
  const firstWeak = state.hits[strong].tile;
  assert.ok(lastStrong.y + lastStrong.h <= state.match.divider.y);
  assert.ok(state.match.divider.y + state.match.divider.h <= firstWeak.y);
});

// ---- the stats strip -------------------------------------------------------------------------------

test('the stats strip shows the latency split, tokens, cache, backend and embedder the API answered', async () => {
  const health = await (await fetch(`${proxy.url}/healthz`)).json();
  const first = await searchFor('perro en la playa');
  const check = ({ state, response }, cache) => {
    const { stats } = state;
    assert.equal(stats.embed_ms, response.took_ms.embed);
    assert.equal(stats.knn_ms, response.took_ms.knn);
    assert.equal(stats.total_ms, response.took_ms.total);
    assert.equal(stats.tokens, response.usage.tokens);
    assert.equal(stats.cache, cache);
    assert.equal(response.cached, cache === 'hit');
    assert.equal(stats.backend, health.backend.kind);
    assert.equal(stats.backend_version, health.backend.version);
    assert.equal(stats.embedder, response.embedder.label);
    assert.equal(stats.stand_in, true);
    // What is drawn, chip by chip.
    const strong = response.hits.filter((h) => h.strong).length;
    assert.deepEqual(stats.chips, [
      `${response.hits.length} results · ${strong === 0 ? 'none' : strong} strong`,
      `embed ${response.took_ms.embed.toFixed(1)} ms`,
      `kNN ${response.took_ms.knn.toFixed(1)} ms`,
      `total ${response.took_ms.total.toFixed(1)} ms`,
      `${response.usage.tokens} ${response.usage.tokens === 1 ? 'token' : 'tokens'}`,
      `cache ${cache}`,
      `strong ≥ ${response.threshold.toFixed(3)} (text)`,
      `${health.backend.kind} ${health.backend.version}`,
      response.embedder.label,
    ]);
    assert.match(response.embedder.label, /stand-in/, 'the test double is labelled as one');
  };
  check(first, 'miss');
  assert.ok(first.response.usage.tokens > 0);
  await screenshot(page, 'results-stats-strip');
  // The same query again: the embedding comes from the cache and costs nothing.
  const again = await searchFor('perro en la playa');
  check(again, 'hit');
  assert.equal(again.response.usage.tokens, 0);
});

// ---- the ARIA live region --------------------------------------------------------------------------

test('the results are mirrored in a polite ARIA live region: rank, title, score, strong or weak', async () => {
  const { response } = await searchFor('gato');
  const live = await page.evaluate(() => {
    const region = document.getElementById('results-live');
    const style = getComputedStyle(region);
    return {
      role: region.getAttribute('role'),
      polite: region.getAttribute('aria-live'),
      summary: region.querySelector('p').textContent,
      items: [...region.querySelectorAll('ol > li')].map((li) => ({ rank: li.dataset.rank, score: li.dataset.score, strong: li.dataset.strong, text: li.textContent })),
      hidden: region.getBoundingClientRect().width <= 1 && style.overflow === 'hidden',
    };
  });
  assert.equal(live.role, 'status');
  assert.equal(live.polite, 'polite');
  assert.ok(live.hidden, 'visually hidden, still in the accessibility tree');
  const strong = response.hits.filter((h) => h.strong).length;
  assert.equal(live.summary, `${response.hits.length} results for “gato”. ${strong} strong, ${response.hits.length - strong} weak.`);
  assert.equal(live.items.length, response.hits.length);
  response.hits.forEach((hit, i) => {
    const item = live.items[i];
    assert.equal(item.rank, String(i + 1));
    assert.equal(item.score, hit.score.toFixed(2));
    assert.equal(item.strong, String(hit.strong));
    assert.equal(item.text, `${i + 1}. ${hit.title}, score ${hit.score.toFixed(2)}, ${hit.strong ? 'strong' : 'weak'} match`);
  });
});

// ---- image queries ---------------------------------------------------------------------------------

test('dropping an image searches with it: it ranks first, and the page shows the original and the uploaded size', async () => {
  const before = await documents();
  const file = 'kodak-05.jpg'; // 768 x 512
  const answered = (await uiState(page)).searches_answered;
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/search'));
  await dropFiles([assetFile(file)]);
  const sent = JSON.parse((await answer).request().postData());
  const response = await (await answer).json();
  const state = await settled(page, await waitForState(page, (s) => s.status === 'done' && s.searches_answered > answered && s.query_image?.preview_ready, 'the image query'));
  await waitForState(page, (s) => s.thumbnails_loaded >= 3, 'the first thumbnails');
  await screenshot(page, 'results-dropped-image');

  assert.equal(state.search_kind, 'image');
  assert.equal(state.hits[0].id, idOf(file), 'the dropped image itself ranks first');
  assert.equal(state.hits[0].strong, true);
  assert.equal(response.modality, 'image');
  assert.equal(state.match.modality, 'image');
  assert.equal(state.match.threshold, response.threshold);

  // Shrunk here before upload: the page sent a 512 px JPEG, not the original bytes.
  const q = state.query_image;
  assert.equal(q.source, 'drop');
  assert.equal(q.name, file);
  assert.deepEqual(q.original, { bytes: statSync(join(images, file)).size, width: 768, height: 512 });
  assert.equal(q.uploaded.width, 512);
  assert.equal(q.uploaded.height, 341);
  const uploaded = Buffer.from(sent.image, 'base64');
  assert.equal(q.uploaded.bytes, uploaded.length);
  assert.deepEqual([...uploaded.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
  assert.ok(q.uploaded.bytes < q.original.bytes);
  assert.match(q.sizes_line, /^original 768 × 512 px, [\d.]+ KB → uploaded 512 × 341 px, [\d.]+ KB \(JPEG, shrunk here\)$/);
  assert.ok(q.card && q.card.y >= state.query_box.y + state.query_box.h, 'the card is under the query box');
  assert.ok(q.card.y + q.card.h <= state.hits[0].tile.y, 'and above the results');
  assert.equal(await documents(), before, 'a dropped query image is not added to the index');
  assert.equal(state.ingest.total, 0);

  // The image threshold is not the text one (the modality gap).
  const text = await postJson(`${proxy.url}/api/v1/search`, { text: 'motorcycle', k: 3 });
  assert.equal(text.status, 200, text.text);
  assert.ok(response.threshold > text.json.threshold, `image ${response.threshold} > text ${text.json.threshold}`);
});

test('pasting an image (Control+V with an image on the clipboard) searches with it', async () => {
  const file = 'skimage-chelsea.jpg';
  // The async clipboard takes PNG: the page turns the JPEG into one, as copying an image in a browser does.
  const written = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d').drawImage(bitmap, 0, 0);
    const png = await canvas.convertToBlob({ type: 'image/png' });
    await navigator.clipboard.write([new ClipboardItem({ 'image/png': png })]);
    return png.size;
  }, readFileSync(join(images, file)).toString('base64'));
  assert.ok(written > 0);
  const { searches_answered: answered, query: typed, query_box: box } = await uiState(page);
  // Nothing in particular has the keyboard: the paste goes to the page.
  await page.mouse.click(box.x + box.w / 2, box.y - 40);
  await page.keyboard.press('Control+V');
  const state = await waitForState(page, (s) => s.status === 'done' && s.searches_answered > answered && s.query_image?.source === 'paste', 'the pasted image query');
  await screenshot(page, 'results-pasted-image');
  assert.equal(state.search_kind, 'image');
  assert.equal(state.hits[0].id, idOf(file), 'the pasted image ranks first');
  assert.equal(state.query_image.name, 'pasted image');
  assert.equal(state.query_image.original.width, 451);
  assert.equal(state.query_image.original.height, 300);
  assert.equal(state.query_image.uploaded.width, 451, 'never enlarged');
  assert.equal(state.query, typed, 'the words in the query box are left alone');
});

test('"more like this" with the mouse: click a card, then the button; the image itself is left out', async () => {
  const { state: cats } = await searchFor('gato');
  await waitForState(page, (s) => s.thumbnails_loaded >= 2, 'the thumbnails');
  const target = cats.hits[0];
  await click(target.tile, 'the first card');
  const open = await waitForState(page, (s) => s.results_ui.open === 0 && s.results_ui.detail?.more_like_this_button, 'the enlarged card');
  await screenshot(page, 'results-enlarged');
  assert.ok(open.results_ui.detail.rect.w > target.tile.w, 'enlarged');
  const answered = open.searches_answered;
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/search'));
  await click(open.results_ui.detail.more_like_this_button, 'More like this');
  const sent = JSON.parse((await answer).request().postData());
  const response = await (await answer).json();
  // The query's vector (the stored one), for refine by example; the hits' vectors only once something is marked.
  assert.deepEqual(sent, { id: target.id, k: 12, return_query_vector: true });
  assert.equal(response.query_vector.length, 1024);
  assert.ok(response.hits.every((h) => !('vector' in h)), 'no hit vectors in the answer');
  const state = await settled(page, await waitForState(page, (s) => s.status === 'done' && s.searches_answered > answered, 'more like this'));
  await waitForState(page, (s) => s.query_image?.preview_ready, 'the card shows the image');
  await screenshot(page, 'results-more-like-this');
  assert.equal(state.results_ui.open, -1, 'the enlarged card closed');
  assert.equal(state.search_kind, 'similar');
  assert.equal(state.query_image.kind, 'similar');
  assert.equal(state.query_image.id, target.id);
  assert.match(state.query_image.sizes_line, /nothing uploaded/);
  assert.ok(!state.hits.some((h) => h.id === target.id), 'the image itself is not among its neighbours');
  assert.deepEqual(state.hits.map((h) => h.id), response.hits.map((h) => h.id));
  assert.equal(state.match.modality, 'image');
  assert.equal(state.stats.cache, 'none');
  assert.equal(state.stats.tokens, 0);
  assert.equal(state.stats.chips[1], 'embed: none');
  assert.equal(state.stats.chips[5], 'cache: not used');
  if (state.match.no_strong_match) assert.equal(state.match.notice, `No strong match for images like “${target.title}”`);

  // Refine it by example: the first mark fetches the hits' vectors with one knn on the stored vector, one more
  // hit asked for since the image itself is dropped, and the list it gives back is the search's.
  const marked = await waitForState(page, (s) => s.refine.available && s.refine.more_buttons[0], 'the + buttons');
  const knns = [];
  const onKnn = async (r) => r.url().endsWith('/api/v1/knn') && knns.push({ sent: JSON.parse(r.request().postData()), body: await r.json() });
  page.on('response', onKnn);
  await click(marked.refine.more_buttons[0], 'the first result\'s + button');
  const refined = await waitForState(page, (s) => s.refine.refines >= 1 && !s.refine.refining && s.status === 'done', 'the re-ranking');
  while (knns.length < 2) await page.waitForTimeout(20);
  page.off('response', onKnn);
  assert.equal(refined.refine.vector_fetches, 1);
  assert.equal(refined.refine.fetch_matched, true);
  assert.deepEqual(knns[0].sent.vector, response.query_vector);
  assert.equal(knns[0].sent.k, 13);
  assert.deepEqual(knns[0].body.hits.map((h) => h.id).filter((id) => id !== target.id).slice(0, 12), response.hits.map((h) => h.id));
  assert.deepEqual(refined.hits.map((h) => h.id), knns[1].body.hits.map((h) => h.id));
  assert.equal(refined.search_kind, 'refined');
});

// ---- the keyboard ----------------------------------------------------------------------------------

test('keyboard: / focuses the box, Down and the arrows move a visible focus ring, Enter opens, Esc closes', async () => {
  // Somewhere neutral first, so nothing has the keyboard.
  const { query_box: box } = await uiState(page);
  await page.mouse.click(box.x + box.w / 2, box.y - 40);
  await waitForState(page, (s) => !s.query_focused, 'the box to let go of the keyboard');
  await page.keyboard.press('/');
  await waitForState(page, (s) => s.query_focused, '/ to focus the query box');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('skateboard');
  await waitForState(page, (s) => s.query === 'skateboard', 'the typed query (no stray "/")');
  const answered = (await uiState(page)).searches_answered;
  await page.keyboard.press('Enter');
  await waitForState(page, (s) => s.status === 'done' && s.searches_answered > answered, 'results');
  const results = await settled(page, await waitForState(page, (s) => s.thumbnails_loaded >= 5 && s.results_ui.columns > 0, 'the cards and thumbnails'));
  assert.equal(results.results_ui.columns, 5, 'five columns at 1280 px');
  const tiles = results.hits.map((h) => h.tile);
  const below = cardBeside(tiles, 1, +1);
  const backUp = cardBeside(tiles, below, -1);
  assert.ok(below > 1 && backUp >= 0, `a row below card 2 (${below}) and back up (${backUp})`);

  // Down leaves the box for the first card.
  await page.keyboard.press('ArrowDown');
  let s = await waitForState(page, (x) => x.results_ui.keyboard && x.results_ui.focused === 0 && !x.query_focused, 'the first card focused');
  await page.keyboard.press('ArrowRight');
  s = await waitForState(page, (x) => x.results_ui.focused === 1, 'ArrowRight');
  await page.keyboard.press('ArrowDown');
  s = await waitForState(page, (x) => x.results_ui.focused === below, 'ArrowDown: the card below');
  await page.keyboard.press('ArrowUp');
  s = await waitForState(page, (x) => x.results_ui.focused === backUp, 'ArrowUp: the card above');
  if (backUp !== 1) {
    await page.keyboard.press(backUp < 1 ? 'ArrowRight' : 'ArrowLeft');
    s = await waitForState(page, (x) => x.results_ui.focused === 1, 'back on the second card');
  }
  assert.match(s.results_ui.focus_announced, /^Result 2\. .*, score \d\.\d\d.*2 of \d+\. Enter opens it\.$/);
  const liveFocus = await page.$eval('#focus-live', (e) => e.textContent);
  assert.equal(liveFocus, s.results_ui.focus_announced);

  // The ring is drawn: accent pixels just outside the focused card, none outside its neighbour.
  // Where the cards are now: moving the focus may have scrolled the list to show the focused card.
  await page.waitForTimeout(100); // let a frame be drawn with the ring (not a timing assertion)
  s = await uiState(page);
  const focused = s.hits[1].tile, other = s.hits[3].tile;
  const ring = await pixelsAt([[focused.x + focused.w / 2, focused.y - 3.5], [focused.x - 3.5, focused.y + focused.h / 2],
    [other.x + other.w / 2, other.y - 3.5]]);
  assert.ok(isAccent(ring[0]) && isAccent(ring[1]), `the focus ring shows: ${JSON.stringify(ring)}`);
  assert.ok(!isAccent(ring[2]), 'an unfocused card has none');
  await screenshot(page, 'results-keyboard-focus');

  // Enter opens it; Right moves to the next result; Esc closes and leaves the focus on that card.
  await page.keyboard.press('Enter');
  s = await waitForState(page, (x) => x.results_ui.open === 1 && x.results_ui.detail?.rect, 'Enter opens the card');
  assert.match(await page.$eval('#focus-live', (e) => e.textContent), /^Opened result 2\. /);
  await page.keyboard.press('ArrowRight');
  s = await waitForState(page, (x) => x.results_ui.open === 2, 'ArrowRight in the enlarged view');
  await screenshot(page, 'results-keyboard-open');
  await page.keyboard.press('Escape');
  s = await waitForState(page, (x) => x.results_ui.open === -1 && x.results_ui.focused === 2 && x.results_ui.keyboard, 'Esc closes');

  // Home goes to the first card; Up from the first row goes back to the box.
  await page.keyboard.press('Home');
  await waitForState(page, (x) => x.results_ui.focused === 0, 'Home: the first card');
  await page.keyboard.press('ArrowUp');
  await waitForState(page, (x) => x.query_focused && !x.results_ui.keyboard, 'ArrowUp from the first row: the query box');
});

// ---- layout from phone to 4K -----------------------------------------------------------------------

for (const { width, height, dpr, columns } of [
  { width: 360, height: 740, dpr: 2, columns: 1 },
  { width: 1280, height: 800, dpr: 1, columns: 5 },
  { width: 3840, height: 2160, dpr: 1, columns: 10 },
]) {
  test(`at ${width}×${height} (device pixel ratio ${dpr}) the grid has ${columns} column${columns > 1 ? 's' : ''} and nothing overlaps`, async () => {
    const sized = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: dpr });
    try {
      const { page: q, problems: qProblems } = await openPage(sized, proxy.url);
      await waitForState(q, (s) => s.ready && s.fonts_loaded, 'the page');
      const { state } = await searchFor('perro', q);
      await waitForState(q, (s) => s.thumbnails_loaded >= 1, 'a thumbnail');
      await screenshot(q, `results-layout-${width}x${height}`);
      const s = await uiState(q);

      // HiDPI: the canvas's backing store is CSS size x devicePixelRatio, and ImGui draws at that size.
      assert.equal(s.viewport.device_pixel_ratio, dpr);
      assert.equal(s.viewport.width, width * dpr);
      const canvas = await q.$eval('#canvas', (c) => ({ w: c.width, h: c.height, css: c.clientWidth }));
      assert.deepEqual(canvas, { w: width * dpr, h: height * dpr, css: width });

      // Columns: as many 220 px cards with 16 px gaps as the grid's width holds (28 px margins, at most 2560).
      const expected = Math.floor((Math.min(width - 56, 2560) + 16) / (220 + 16));
      assert.equal(expected, columns);
      assert.equal(s.results_ui.columns, columns);
      const tiles = s.hits.map((h) => h.tile);
      assert.ok(tiles[0].w >= 220, `cards are at least 220 px wide (${tiles[0].w})`);
      for (const t of tiles) assert.ok(t.x >= 0 && t.x + t.w <= width + 0.5, `a card inside the window: ${JSON.stringify(t)}`);
      for (let i = 0; i < tiles.length; i++)
        for (let j = i + 1; j < tiles.length; j++) assert.ok(!overlaps(tiles[i], tiles[j]), `cards ${i + 1} and ${j + 1} overlap`);
      // Above the cards: the box, "Add images" and the stats strip, clear of each other and of the cards.
      const above = { box: s.query_box, strip: s.stats.rect, add: s.ingest.ui.toggle_button };
      for (const [name, r] of Object.entries(above)) {
        assert.ok(r.x >= 0 && r.x + r.w <= width + 0.5, `${name} inside the window: ${JSON.stringify(r)}`);
        for (const t of tiles) assert.ok(!overlaps(r, t), `${name} ${JSON.stringify(r)} overlaps a card`);
      }
      assert.ok(!overlaps(above.box, above.strip) && !overlaps(above.strip, above.add) && !overlaps(above.box, above.add));
      assert.equal(state.hits.length, s.hits.length);
      assert.deepEqual(qProblems, []);
    } finally {
      await sized.close();
    }
  });
}

// ---- bad input -------------------------------------------------------------------------------------

test('a dropped file that is not an image is refused here, as the proxy would refuse it', async () => {
  const notes = Buffer.from('not an image at all\n');
  const answered = (await uiState(page)).searches_answered;
  await dropFiles([{ name: 'notes.txt', type: 'text/plain', base64: notes.toString('base64') }]);
  const state = await waitForState(page, (s) => s.status === 'error' && s.searches_answered > answered, 'the refusal');
  await screenshot(page, 'results-drop-not-an-image');
  assert.equal(state.error.type, 'invalid_image');
  assert.equal(state.error.status, 0, 'decided in the page: nothing was sent');
  assert.match(state.error.message, /^'notes\.txt': .*(unknown|not a|cannot)/i);
  // The proxy says the same of the same bytes.
  const r = await postJson(`${proxy.url}/api/v1/search`, { image: notes.toString('base64') });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 400);
  assert.equal(r.json.error.type, 'invalid_image');
});

test('a dropped file over 8 MiB is refused unread', async () => {
  const answered = (await uiState(page)).searches_answered;
  await dropFiles([{ name: 'huge.jpg', type: 'image/jpeg', zeros: 9 << 20 }]);
  const state = await waitForState(page, (s) => s.status === 'error' && s.searches_answered > answered, 'the refusal');
  assert.equal(state.error.type, 'payload_too_large');
  assert.equal(state.error.status, 0);
  assert.equal(state.error.message, "'huge.jpg' is 9.0 MiB; the limit is 8.0 MiB per image");
  assert.equal(state.query_image, null, 'no card for an image nothing was searched with');
});

test('"more like this" on an image deleted since the search shows the proxy\'s 404', async () => {
  const { state } = await searchFor('kot');
  const gone = state.hits[1]; // in the first row, on screen
  assert.ok(gone.tile.y + gone.tile.h / 2 < 800);
  const deleted = await requestJson(`${proxy.url}/api/v1/images/${gone.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(deleted.status, 200, deleted.text);
  await click(gone.tile, 'the second card');
  const open = await waitForState(page, (s) => s.results_ui.detail?.more_like_this_button, 'the enlarged card');
  await click(open.results_ui.detail.more_like_this_button, 'More like this');
  const failed = await waitForState(page, (s) => s.status === 'error' && s.searches_answered > open.searches_answered, 'the 404');
  await screenshot(page, 'results-more-like-this-deleted');
  assert.equal(failed.error.status, 404);
  assert.equal(failed.error.type, 'not_found');
  const r = await postJson(`${proxy.url}/api/v1/search`, { id: gone.id });
  assert.equal(r.status, 404);
  assert.deepEqual(r.json.error, { code: 404, type: 'not_found', message: failed.error.message });
});

test('no console errors or page errors', () => {
  // Chromium logs one console error per 4xx answer, which page code cannot suppress: exactly one is
  // expected, the 404 above.
  const expected = problems.filter((p) => /Failed to load resource: the server responded with a status of 404/.test(p));
  assert.equal(expected.length, 1, problems.join('\n'));
  assert.deepEqual(problems.filter((p) => !expected.includes(p)), []);
});
