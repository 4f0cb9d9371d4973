// Text in every script, in a real browser with real input: Japanese through an input method's composition
// (CDP's Input.imeSetComposition, then the commit, as an IME delivers them), Arabic typed key by key, Hindi
// pasted from the clipboard with Control+V, and the language chips clicked with the mouse. Each query must reach
// the proxy verbatim, and the page must draw it: right to left and shaped by the browser where ImGui cannot.
// Each session is a fresh browser context, so the test can see which fonts each one fetched. The test hook is
// only read (which renderer drew the box, in which direction); the pixels are checked on screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { paths, startIndexedStack, postJson, uniqueIndexName } from '../lib/stack.mjs';
import { idOfFile, loadQueries } from '../lib/dataset.mjs';
import { artifactsDir, launchBrowser, openPage, screenshot, uiState, waitForLayout, waitForState } from '../lib/browser.mjs';
import { decodePng } from '../lib/png.mjs';
import { mkdirSync, writeFileSync } from 'node:fs';

const index = uniqueIndexName('polylens-scripts');
const queries = loadQueries(paths.assets);
const eiffel = queries.find((q) => q.concept === 'eiffel_tower');
let stack, proxy, browser, eiffelId;
const allProblems = [];

before(async () => {
  assert.ok(paths.webRoot, 'POLYLENS_WEB_ROOT is not set: configure with the native preset');
  stack = await startIndexedStack({ index });
  ({ proxy } = stack);
  browser = await launchBrowser();
  eiffelId = idOfFile(paths.assets, 'weavly-eiffel-tower.jpg');
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

// --- helpers ------------------------------------------------------------------------------------------------

// A fresh page in its own browser context (no font cached from another session), with the font files it asks
// for recorded. Fonts are only ever fetched after the first frame, so listening after `goto` misses none.
async function openSession() {
  const { page, problems } = await openPage(browser, proxy.url);
  const fonts = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/fonts/')) fonts.push(path.slice('/fonts/'.length));
  });
  await waitForState(page, (s) => s.ready, 'the first frame and /healthz');
  // Fonts fetched before the listener was attached show in the page's resource timing.
  const early = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  for (const path of early) if (path.startsWith('/fonts/') && !fonts.includes(path.slice(7))) fonts.push(path.slice(7));
  allProblems.push(problems);
  return { page, problems, fonts };
}

async function clickQueryBox(page) {
  const { query_box: box } = await uiState(page);
  await page.mouse.click(box.x + box.w / 2, box.y + box.h / 2);
  await waitForState(page, (s) => s.query_focused, 'the query box to take keyboard focus');
}

async function searchAndWait(page, expectedQuery) {
  const before = (await uiState(page)).searches_answered;
  await page.keyboard.press('Enter');
  return waitForState(page, (s) => s.searches_answered > before && s.status === 'done' && s.hits.length > 0,
                      `results for ${expectedQuery}`);
}

async function apiTop(text, k = 3) {
  const api = await postJson(`${proxy.url}/api/v1/search`, { text, k });
  assert.equal(api.status, 200, JSON.stringify(api.json));
  return api.json.hits.map((h) => h.id);
}

// The pixels of a rectangle (CSS pixels) of the page, decoded.
async function grab(page, rect, name) {
  const clip = { x: Math.round(rect.x), y: Math.round(rect.y), width: Math.round(rect.w), height: Math.round(rect.h) };
  const png = await page.screenshot({ clip });
  mkdirSync(artifactsDir, { recursive: true });
  writeFileSync(`${artifactsDir}/${name}.png`, png);
  return decodePng(png);
}

// Columns [first, last] (from the image's left) holding "ink": pixels far from the image's most common colour.
function inkColumns(image) {
  const { width, height, rgba } = image;
  const counts = new Map();
  for (let i = 0; i < width * height; i++) {
    const key = (rgba[i * 4] << 16) | (rgba[i * 4 + 1] << 8) | rgba[i * 4 + 2];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const background = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const [br, bg, bb] = [background >> 16, (background >> 8) & 0xff, background & 0xff];
  let first = -1, last = -1, pixels = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const i = (y * width + x) * 4;
      if (Math.abs(rgba[i] - br) + Math.abs(rgba[i + 1] - bg) + Math.abs(rgba[i + 2] - bb) > 120) {
        if (first < 0) first = x;
        last = x;
        pixels++;
      }
    }
  }
  return { first, last, pixels };
}

function differingPixels(a, b) {
  assert.equal(a.width, b.width);
  assert.equal(a.height, b.height);
  let n = 0;
  for (let i = 0; i < a.width * a.height; i++) {
    const d = Math.abs(a.rgba[i * 4] - b.rgba[i * 4]) + Math.abs(a.rgba[i * 4 + 1] - b.rgba[i * 4 + 1]) +
              Math.abs(a.rgba[i * 4 + 2] - b.rgba[i * 4 + 2]);
    if (d > 120) n++;
  }
  return n;
}

// The query box without its rounded border: where its text goes.
function innerBox(box) {
  return { x: box.x + 6, y: box.y + 5, w: box.w - 12, h: box.h - 10 };
}

const notoFonts = (fonts) => fonts.filter((f) => f.startsWith('Noto'));

// --- sessions -----------------------------------------------------------------------------------------------

test('a Latin-only session draws with ImGui and fetches no script font, not even the CJK one', async () => {
  const { page, fonts } = await openSession();
  await clickQueryBox(page);
  await page.keyboard.type('Eiffel Tower');
  await waitForState(page, (s) => s.query === 'Eiffel Tower', 'the typed query');
  const state = await searchAndWait(page, 'Eiffel Tower');
  assert.equal(state.hits[0].id, eiffelId);
  assert.equal(state.text.query.renderer, 'imgui');
  assert.equal(state.text.query.direction, 'ltr');
  const box = await grab(page, innerBox(state.query_box), 'scripts-latin-query');
  const ink = inkColumns(box);
  assert.ok(ink.first >= 0 && ink.first < 40, `Latin text starts at the left: ${JSON.stringify(ink)}`);
  await screenshot(page, 'scripts-latin-session');

  // Every chip is on the page, the complex-script ones drawn by the browser with the fonts it has: no fetch.
  assert.equal(state.text.chips.length, 22);
  assert.deepEqual(state.text.fonts.requested, []);
  assert.equal(state.text.fonts.cjk_in_atlas, false);
  assert.deepEqual(fonts, ['DejaVuSans.ttf'], `fonts fetched: ${fonts}`);
  await page.close();
});

// The browser shapes whatever it draws (canvas text goes through the same shaper as the page's own text); what
// can go wrong here is a label taking ImGui's path, which draws code points side by side (and has no Devanagari or
// Thai glyphs at all), or the browser's path drawing nothing.
test('the Hindi, Thai and Arabic chips show shaped labels drawn by the browser', async () => {
  const { page } = await openSession();
  const state = await waitForState(page, (s) => s.text.chips.length === 22, 'the language chips');
  const chip = (lang) => state.text.chips.find((c) => c.lang === lang);
  // Korean too: Hangul is drawn by the browser (ImGui's CJK font has none), with the system's fonts for a label.
  for (const lang of ['hi', 'th', 'ar', 'he', 'bn', 'ko']) assert.equal(chip(lang).renderer, 'browser', lang);
  for (const lang of ['en', 'ru', 'el', 'vi']) assert.equal(chip(lang).renderer, 'imgui', lang);
  assert.equal(chip('hi').label, 'हिन्दी');
  assert.equal(chip('th').label, 'ไทย');
  // (Korean's ink says little on its own: boxes for missing glyphs have ink too. The Korean query test below
  // checks that the Hangul font arrives.)
  for (const lang of ['hi', 'th', 'ar', 'he', 'bn', 'zh', 'ja', 'ko']) {
    const ink = inkColumns(await grab(page, chip(lang).rect, `scripts-chip-${lang}`));
    assert.ok(ink.pixels > 20, `${lang}: the chip's label has ink: ${JSON.stringify(ink)}`);
  }
  await screenshot(page, 'scripts-chips');
  await page.close();
});

test('Arabic typed key by key reaches the proxy verbatim, drawn right to left and shaped, fetching only the Arabic font', async () => {
  const { page, fonts } = await openSession();
  const arabic = eiffel.ar;  // برج إيفل
  await clickQueryBox(page);
  await page.keyboard.type(arabic);
  await waitForState(page, (s) => s.query === arabic, 'the Arabic query in the box');
  const drawn = await waitForState(page, (s) => s.text.query.renderer === 'browser' && s.text.fonts.loaded.includes('arabic'),
                                   'the browser to draw the box with the Arabic font');
  assert.equal(drawn.text.query.direction, 'rtl');
  assert.equal(drawn.text.query.shown, arabic);

  // Right to left: the ink hugs the box's right edge and leaves its left half empty.
  const inner = innerBox(drawn.query_box);
  const ink = inkColumns(await grab(page, inner, 'scripts-arabic-query'));
  assert.ok(ink.pixels > 50, `the Arabic text has ink: ${JSON.stringify(ink)}`);
  assert.ok(ink.last > inner.w - 40, `the text ends at the right edge: ${JSON.stringify(ink)} in ${inner.w}`);
  assert.ok(ink.first > inner.w / 2, `the text starts right of the middle: ${JSON.stringify(ink)} in ${inner.w}`);
  // The caret sits at the logical end of right-to-left text: its left end.
  const rect = drawn.text.query.text_rect;
  assert.ok(Math.abs(drawn.text.query.caret_x - rect.x) < 3, `caret at the left end: ${JSON.stringify(drawn.text.query)}`);
  // A click at the text's right end puts the caret at its logical start; at its left end, at its logical end.
  await page.mouse.click(rect.x + rect.w - 1, rect.y + rect.h / 2);
  let clicked = await waitForState(page, (s) => s.text.query.caret === 0, 'the caret at the logical start');
  assert.ok(Math.abs(clicked.text.query.caret_x - (rect.x + rect.w)) < 3, JSON.stringify(clicked.text.query));
  await page.mouse.click(rect.x + 1, rect.y + rect.h / 2);
  const length = Buffer.byteLength(arabic);
  clicked = await waitForState(page, (s) => s.text.query.caret === length, 'the caret at the logical end');
  assert.ok(Math.abs(clicked.text.query.caret_x - rect.x) < 3, JSON.stringify(clicked.text.query));
  // The arrow keys move the caret on screen: Right goes logically back one letter (ل is two bytes), Left forward.
  await page.keyboard.press('ArrowRight');
  const right = await waitForState(page, (s) => s.text.query.caret === length - 2, 'the caret one letter to the right');
  assert.ok(right.text.query.caret_x > rect.x + 2, JSON.stringify(right.text.query));
  await page.keyboard.press('ArrowLeft');
  await waitForState(page, (s) => s.text.query.caret === length, 'the caret back at the left end');

  const state = await searchAndWait(page, arabic);
  assert.equal(state.hits[0].id, eiffelId);
  assert.deepEqual(state.hits.slice(0, 3).map((h) => h.id), await apiTop(arabic));
  await screenshot(page, 'scripts-arabic-session');

  assert.deepEqual(notoFonts(fonts), ['NotoSansArabic-Regular.ttf'], `fonts fetched: ${fonts}`);
  assert.ok(!fonts.includes('DroidSansFallbackFull.ttf'), `fonts fetched: ${fonts}`);
  assert.deepEqual(state.text.fonts.requested, ['arabic']);
  await page.close();
});

test('Japanese composed through an input method shows while composing and reaches the proxy verbatim', async () => {
  const { page, fonts } = await openSession();
  await clickQueryBox(page);
  const box = (await uiState(page)).query_box;
  const empty = await grab(page, innerBox(box), 'scripts-ime-empty');

  const cdp = await page.context().newCDPSession(page);
  const reading = 'えっふぇるとう';
  await cdp.send('Input.imeSetComposition', { text: reading, selectionStart: reading.length, selectionEnd: reading.length });
  const composing = await waitForState(page, (s) => s.text.query.preedit === reading, 'the composition in the box');
  assert.equal(composing.query, '', 'nothing is committed while composing');
  assert.equal(composing.text.query.renderer, 'browser');
  assert.equal(composing.text.query.shown, reading);
  const withPreedit = await grab(page, innerBox(box), 'scripts-ime-composing');
  assert.ok(differingPixels(empty, withPreedit) > 100, 'the composition is drawn');

  const japanese = eiffel.ja;  // エッフェル塔
  await cdp.send('Input.insertText', { text: japanese });  // the IME commits its conversion
  const committed = await waitForState(page, (s) => s.query === japanese && s.text.query.preedit === '',
                                       'the committed Japanese');
  assert.equal(committed.text.query.shown, japanese);
  const shown = await grab(page, innerBox(box), 'scripts-ime-committed');
  assert.ok(differingPixels(empty, shown) > 100, 'the committed text is drawn');

  const state = await searchAndWait(page, japanese);
  assert.equal(state.hits[0].id, eiffelId);
  assert.deepEqual(state.hits.slice(0, 3).map((h) => h.id), await apiTop(japanese));
  // CJK content fetched the CJK font for ImGui's atlas; no script font for the browser.
  await waitForState(page, (s) => s.text.fonts.cjk_in_atlas, 'the CJK font in the atlas');
  assert.ok(fonts.includes('DroidSansFallbackFull.ttf'), `fonts fetched: ${fonts}`);
  assert.deepEqual(notoFonts(fonts), [], `fonts fetched: ${fonts}`);
  await screenshot(page, 'scripts-japanese-session');
  await page.close();
});

test('Hindi pasted with Control+V reaches the query, drawn by the browser', async () => {
  const { page, fonts } = await openSession();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: proxy.url });
  const hindi = eiffel.hi;  // एफ़िल टॉवर
  await page.evaluate((text) => navigator.clipboard.writeText(text), hindi);
  await clickQueryBox(page);
  await page.keyboard.press('Control+V');
  const pasted = await waitForState(page, (s) => s.query === hindi, 'the pasted Hindi query');
  assert.equal(pasted.text.query.direction, 'ltr');
  await waitForState(page, (s) => s.text.query.renderer === 'browser' && s.text.fonts.loaded.includes('devanagari'),
                     'the Devanagari font');
  const state = await searchAndWait(page, hindi);
  assert.equal(state.hits[0].id, eiffelId);
  assert.deepEqual(state.hits.slice(0, 3).map((h) => h.id), await apiTop(hindi));
  assert.deepEqual(notoFonts(fonts), ['NotoSansDevanagari-Regular.ttf'], `fonts fetched: ${fonts}`);
  await screenshot(page, 'scripts-hindi-pasted');
  await page.close();
});

test('Korean typed through an input method is drawn by the browser with NanumGothic, fetched only for Hangul', async () => {
  const { page, fonts } = await openSession();
  await clickQueryBox(page);
  const korean = eiffel.ko;  // 에펠탑
  await page.keyboard.insertText(korean);
  await waitForState(page, (s) => s.query === korean, 'the Korean query in the box');
  const drawn = await waitForState(page, (s) => s.text.query.renderer === 'browser' && s.text.fonts.loaded.includes('hangul'),
                                   'the browser to draw the box with the Hangul font');
  assert.equal(drawn.text.query.direction, 'ltr');
  const ink = inkColumns(await grab(page, innerBox(drawn.query_box), 'scripts-korean-query'));
  assert.ok(ink.pixels > 50, `the Korean text has ink: ${JSON.stringify(ink)}`);
  const state = await searchAndWait(page, korean);
  assert.equal(state.hits[0].id, eiffelId);
  assert.deepEqual(state.text.fonts.requested, ['hangul']);
  assert.ok(fonts.includes('NanumGothic.ttf'), `fonts fetched: ${fonts}`);
  assert.ok(!fonts.includes('DroidSansFallbackFull.ttf'), `no CJK atlas font for Hangul alone: ${fonts}`);
  assert.deepEqual(notoFonts(fonts), [], `fonts fetched: ${fonts}`);
  await screenshot(page, 'scripts-korean-session');
  await page.close();
});

test('clicking the language chips with the mouse searches each language\'s sample query', async () => {
  const { page } = await openSession();
  let state = await waitForState(page, (s) => s.text.chips.length === 22, 'the language chips');
  const langs = state.text.chips.map((c) => c.lang);
  for (const lang of ['ar', 'hi', 'zh', 'ja', 'ko', 'ru', 'th']) assert.ok(langs.includes(lang), lang);
  // Every chip, once: concept 1 (the Eiffel Tower) in 22 languages finds the same photo first.
  for (const lang of langs) {
    const chip = state.text.chips.find((c) => c.lang === lang);
    assert.equal(chip.next_query, eiffel[lang], lang);
    const before = state.searches_answered;
    await page.mouse.click(chip.rect.x + chip.rect.w / 2, chip.rect.y + chip.rect.h / 2);
    state = await waitForLayout(page, (s) => s.searches_answered > before && s.status === 'done',
                                `the search for the ${lang} chip`);
    assert.equal(state.query, eiffel[lang], lang);
    assert.equal(state.hits[0]?.id, eiffelId, `${lang}: ${eiffel[lang]}`);
  }
  // Clicking a chip again moves on to the next concept.
  const arabicChip = state.text.chips.find((c) => c.lang === 'ar');
  const cat = queries.find((q) => q.concept === 'cat');
  assert.equal(arabicChip.next_query, cat.ar);
  const before = state.searches_answered;
  await page.mouse.click(arabicChip.rect.x + arabicChip.rect.w / 2, arabicChip.rect.y + arabicChip.rect.h / 2);
  state = await waitForState(page, (s) => s.searches_answered > before && s.status === 'done', 'the second Arabic search');
  assert.equal(state.query, cat.ar);
  assert.equal(state.text.query.direction, 'rtl');
  await screenshot(page, 'scripts-chips-clicked');
  await page.close();
});

test('no console errors or page errors in any session', () => {
  assert.deepEqual(allProblems.flat(), []);
});
