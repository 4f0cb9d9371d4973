// Kiosk mode (?kiosk=1) with real input: no Add images, no context menu, a larger UI; after the idle timeout
// (&idle=, short here) an attract loop of real searches in several scripts; a tap or a key ends it and leaves an
// empty page. The hook is only read; every action is a real touch, click or key press.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { paths, startIndexedStack, uniqueIndexName } from '../lib/stack.mjs';
import { launchBrowser, openPage, screenshot, uiState, waitForLayout, waitForState } from '../lib/browser.mjs';

const index = uniqueIndexName('polylens-kiosk');
let stack, proxy, browser, page, problems, zoom;

before(async () => {
  assert.ok(paths.webRoot, 'POLYLENS_WEB_ROOT is not set: configure with the native preset');
  stack = await startIndexedStack({ index });
  ({ proxy } = stack);
  browser = await launchBrowser();
  ({ page, problems } = await openPage(browser, `${proxy.url}/?kiosk=1&idle=3&attract=1`, { hasTouch: true }));
  // The test's own listener, after the page's: did anything let the context menu through?
  await page.evaluate(() => {
    window.contextMenus = [];
    window.addEventListener('contextmenu', (e) => window.contextMenus.push(e.defaultPrevented));
  });
  const state = await waitForState(page, (s) => s.ready && s.kiosk, 'the kiosk page');
  zoom = state.kiosk.zoom;
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

// The hook's rectangles are in the UI's pixels: CSS pixels / zoom.
const centre = (r) => [(r.x + r.w / 2) * zoom, (r.y + r.h / 2) * zoom];

// The script of a sample query, by its letters.
function script(text) {
  for (const [name, re] of [['Hangul', /\p{Script=Hangul}/u], ['Kana', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
                            ['Han', /\p{Script=Han}/u], ['Arabic', /\p{Script=Arabic}/u], ['Hebrew', /\p{Script=Hebrew}/u],
                            ['Cyrillic', /\p{Script=Cyrillic}/u], ['Greek', /\p{Script=Greek}/u],
                            ['Devanagari', /\p{Script=Devanagari}/u], ['Bengali', /\p{Script=Bengali}/u],
                            ['Thai', /\p{Script=Thai}/u], ['Latin', /\p{Script=Latin}/u]])
    if (re.test(text)) return name;
  return 'other';
}

test('kiosk mode: a larger UI and no Add images (admin) button', async () => {
  const state = await uiState(page);
  assert.equal(state.kiosk.enabled, true);
  assert.ok(zoom > 1, `zoom ${zoom}`);
  assert.equal(state.kiosk.idle_seconds, 3);
  assert.equal(state.ingest.ui.toggle_button, null);
  assert.equal(state.ingest.panel_open, false);
  await screenshot(page, 'kiosk-start');
});

test('a right-click gets no context menu', async () => {
  const { query_box: box } = await uiState(page);
  const [x, y] = centre(box);
  await page.mouse.click(x, y + box.h * zoom * 3, { button: 'right' });
  await page.mouse.click(x, y, { button: 'right' });
  const seen = await page.evaluate(() => window.contextMenus);
  assert.deepEqual(seen, [true, true]);
});

// The loop may have started already (idle=3): a tap ends it.
async function interactive() {
  if ((await uiState(page)).kiosk.attracting) await page.touchscreen.tap(640, 400);
  return waitForLayout(page, (s) => !s.kiosk.attracting, 'an interactive page');
}

test('a typed query is cleared when idle, and the attract loop searches in several scripts', async () => {
  const { query_box: box, kiosk } = await interactive();
  await page.touchscreen.tap(...centre(box));
  await waitForState(page, (s) => s.query_focused, 'the query box to take the keyboard');
  await page.keyboard.type('my own query');
  await waitForState(page, (s) => s.query === 'my own query', 'the typed query');
  // No input from here on: the idle timeout starts the attract loop.
  const attracting = await waitForState(page, (s) => s.kiosk.attracting && s.kiosk.loops > kiosk.loops, 'the attract loop');
  assert.notEqual(attracting.query, 'my own query');
  const shown = await waitForState(page, (s) => new Set(s.kiosk.attract_history.map((h) => script(h.query))).size >= 2 &&
                                               s.status === 'done' && s.hits.length > 0 && s.query === s.kiosk.attract_history.at(-1).query,
                                   'sample queries in two scripts, with results');
  const scripts = new Set(shown.kiosk.attract_history.map((h) => script(h.query)));
  assert.ok(scripts.size >= 2, JSON.stringify(shown.kiosk.attract_history));
  assert.ok(!shown.kiosk.attract_history.some((h) => h.query === 'my own query'));
  await screenshot(page, 'kiosk-attract');
});

test('a tap ends the attract loop and leaves an empty page, ready for a query', async () => {
  const before = await waitForState(page, (s) => s.kiosk.attracting && s.hits.length > 0, 'the attract loop with results');
  // Tap where a result card is: the tap only ends the loop, it opens nothing.
  await page.touchscreen.tap(640, 600);
  const after = await waitForState(page, (s) => s.kiosk.exits > before.kiosk.exits, 'the loop to end');
  assert.equal(after.kiosk.attracting, false);
  assert.equal(after.query, '');
  assert.equal(after.status, 'idle');
  assert.deepEqual(after.hits, []);
  assert.equal(after.results_ui.open, -1);
  await screenshot(page, 'kiosk-after-tap');
});

test('a key also ends the attract loop', async () => {
  const before = await waitForState(page, (s) => s.kiosk.attracting, 'the attract loop again');
  await page.keyboard.press('a');
  const after = await waitForState(page, (s) => s.kiosk.exits > before.kiosk.exits, 'the loop to end');
  assert.equal(after.query, '', 'the key that ended the loop typed nothing');
});

test('no console errors or page errors', () => {
  assert.deepEqual(problems, []);
});
