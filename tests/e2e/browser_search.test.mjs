// The walking skeleton in a real browser: load the page, click the query box, type a query in
// Spanish with real key presses, press Enter, and see the Eiffel Tower first; then Japanese text
// delivered the way an input method delivers it (text insertion, no key presses).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { paths, startIndexedStack, postJson, uniqueIndexName } from '../lib/stack.mjs';
import { idOfFile } from '../lib/dataset.mjs';
import { launchBrowser, openPage, screenshot, uiState, waitForState } from '../lib/browser.mjs';

const index = uniqueIndexName('polylens-e2e');
let stack, proxy, browser, page, problems;

before(async () => {
  assert.ok(paths.webRoot, 'POLYLENS_WEB_ROOT is not set: configure with the native preset');
  stack = await startIndexedStack({ index });
  ({ proxy } = stack);
  browser = await launchBrowser();
  ({ page, problems } = await openPage(browser, proxy.url));
  await waitForState(page, (s) => s.ready, 'the first frame and /healthz');
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function clickQueryBox() {
  const { query_box: box } = await uiState(page);
  await page.mouse.click(box.x + box.w / 2, box.y + box.h / 2);
  await waitForState(page, (s) => s.query_focused, 'the query box to take keyboard focus');
}

async function clearQueryBox() {
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await waitForState(page, (s) => s.query === '', 'an empty query box');
}

async function searchThroughUi(typeIt, expectedQuery, shotName) {
  const before = (await uiState(page)).searches_answered ?? 0;
  await clickQueryBox();
  await clearQueryBox();
  await typeIt();
  await waitForState(page, (s) => s.query === expectedQuery, `the box to show ${expectedQuery}`);
  await page.keyboard.press('Enter');
  const state = await waitForState(page, (s) => s.status === 'done' && s.searches_answered > before && s.hits.length > 0, `results for ${expectedQuery}`);
  await waitForState(page, (s) => s.thumbnails_loaded >= Math.min(3, s.hits.length), 'the first thumbnails');
  await screenshot(page, shotName);
  return state;
}

test('the page says the embedder is a stand-in', async () => {
  const state = await uiState(page);
  assert.equal(state.embedder.stand_in, true);
  assert.equal(state.health.doc_count, 118);
});

test('typing "torre Eiffel" and pressing Enter shows the Eiffel Tower first, with the same top 3 as English and Japanese', async () => {
  const spanish = await searchThroughUi(() => page.keyboard.type('torre Eiffel'), 'torre Eiffel', 'search-torre-eiffel');
  assert.equal(spanish.hits[0].id, idOfFile(paths.assets, 'weavly-eiffel-tower.jpg'));
  assert.ok(spanish.hits[0].title.length > 0);

  const english = await searchThroughUi(() => page.keyboard.type('Eiffel Tower'), 'Eiffel Tower', 'search-eiffel-tower');
  // Playwright delivers non-Latin text as insertion, as an input method does: no key events.
  const japanese = await searchThroughUi(() => page.keyboard.insertText('エッフェル塔'), 'エッフェル塔', 'search-japanese');

  const top3 = (s) => s.hits.slice(0, 3).map((h) => h.id);
  assert.deepEqual(top3(english), top3(spanish));
  assert.deepEqual(top3(japanese), top3(spanish));

  // What the browser showed is what the API answers.
  const api = await postJson(`${proxy.url}/api/v1/search`, { text: 'torre Eiffel', k: 3 });
  assert.deepEqual(api.json.hits.map((h) => h.id), top3(spanish));
});

test('an empty query shows the proxy\'s error message', async () => {
  await clickQueryBox();
  await clearQueryBox();
  await page.keyboard.press('Enter');
  const state = await waitForState(page, (s) => s.status === 'error', 'the error state');
  assert.equal(state.error.type, 'invalid_request');
  assert.match(state.error.message, /empty/);
  await screenshot(page, 'empty-query-error');
});

test('no console errors or page errors', () => {
  // Chromium itself logs one console error per 4xx answer, which page code cannot suppress: exactly
  // one is expected, from the empty query above.
  const expected = problems.filter((p) => /Failed to load resource: the server responded with a status of 400/.test(p));
  assert.equal(expected.length, 1, problems.join('\n'));
  assert.deepEqual(problems.filter((p) => !expected.includes(p)), []);
});
