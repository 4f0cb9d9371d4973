// What text in other scripts costs the web client, in headless Chromium against the real proxy:
//  1. the font bytes a session fetches, by the script of what is typed into the query box (each session is a
//     fresh browser context: nothing cached);
//  2. the cost of a browser-drawn string (browser_text.js: canvas fillText, then the upload into a WebGL
//     texture), per 100 strings, by script: what a cache miss costs; and of placing the query box's caret
//     (a DOM Range over a hidden span), paid when the caret or the text changes.
//   node bench/web_fonts.mjs [rounds]          (after bash scripts/build.sh; needs no Elasticsearch)
// The searches themselves are not made (no Elasticsearch here): which fonts load depends only on what is drawn.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'tests', 'package.json'));
const { chromium } = require('playwright-core');
const rounds = Number(process.argv[2] ?? 5);

// The sample queries, by language (assets/queries.tsv).
const [header, ...rows] = readFileSync(join(root, 'assets', 'queries.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
const column = (lang) => rows.map((r) => r[header.indexOf(lang)].trim());

function startProxy() {
  // No Elasticsearch and no embedder: the proxy serves the bundle and says the backend is unreachable.
  const child = spawn(join(root, 'build', 'proxy', 'polylens'),
                      ['serve', '--listen', '127.0.0.1:0', '--web-root', join(root, 'build-web', 'web')],
                      { env: { ...process.env, JINA_API_KEY: 'bench_only_no_embedding_happens_here', ES_URL: 'http://127.0.0.1:9' },
                        stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`polylens exited with ${code}`)));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      const m = d.match(/polylens listening on (http:\/\/\S+)/);
      if (m) resolve({ child, url: m[1] });
    });
  });
}

const state = (page) => page.evaluate(() => window.polylens.state());
async function until(page, predicate) {
  for (let i = 0; i < 600; i++) {
    const s = await state(page);
    if (s && predicate(s)) return s;
    await page.waitForTimeout(50);
  }
  throw new Error('timed out');
}

// One session: open the page, type `text` into the query box, wait until every font it asked for has arrived.
async function session(browser, url, text) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const fonts = new Map();
  page.on('response', async (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/fonts/')) fonts.set(path.slice(7), (await r.body()).length);
  });
  await page.goto(url);
  const ready = await until(page, (s) => s.ready && s.fonts_loaded);
  if (text) {
    await page.mouse.click(ready.query_box.x + 40, ready.query_box.y + ready.query_box.h / 2);
    await until(page, (s) => s.query_focused);
    await page.keyboard.insertText(text);
    await until(page, (s) => s.query === text);
    await until(page, (s) => s.fonts_loaded && s.text.fonts.loaded.length === s.text.fonts.requested.length &&
                             (!s.text.fonts.scripts_seen.includes('cjk') || s.text.fonts.cjk_in_atlas));
    await page.waitForTimeout(300);  // let the last response's body be read
  }
  await context.close();
  return fonts;
}

const { child, url } = await startProxy();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});
try {
  const sessions = [
    ['Latin (English)', 'Eiffel Tower'],
    ['Cyrillic (Russian)', column('ru')[0]],
    ['CJK (Japanese)', column('ja')[0]],
    ['Hangul (Korean)', column('ko')[0]],
    ['Arabic', column('ar')[0]],
    ['Hebrew', column('he')[0]],
    ['Devanagari (Hindi)', column('hi')[0]],
    ['Thai', column('th')[0]],
  ];
  console.log('\nFonts fetched per session (fresh browser context; query typed into the box)\n');
  console.log('| session | fonts fetched | bytes |');
  console.log('|---|---|--:|');
  for (const [name, text] of sessions) {
    const fonts = await session(browser, url, text);
    const total = [...fonts.values()].reduce((a, b) => a + b, 0);
    console.log(`| ${name} | ${[...fonts.keys()].join(', ')} | ${total.toLocaleString('en')} |`);
  }

  // Texture-drawn strings: the 40 sample queries of a language, drawn and uploaded `rounds` times each.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(url);
  await until(page, (s) => s.ready);
  await page.evaluate(async () => {
    const text = window.Module.browserText;
    text.request(31 | 128);  // every script font
    await Promise.all(text.fonts.map((f) => f.face.loaded));
  });
  console.log(`\nBrowser-drawn strings: canvas fillText + texImage2D, ${rounds} rounds of the 40 sample queries, 18 px;`);
  console.log('the median of 3 runs. Caret: one DOM Range layout per string (the caret at its end).\n');
  console.log('| language | ms per 100 strings | caret: ms per 100 | mean texture (px) |');
  console.log('|---|--:|--:|--:|');
  const bits = { en: 0, ru: 0, ja: 0, ko: 128, ar: 1, he: 2, hi: 4, bn: 8, th: 16 };
  for (const lang of ['en', 'ru', 'ja', 'ko', 'ar', 'he', 'hi', 'bn', 'th']) {
    const strings = column(lang);
    const result = await page.evaluate(({ strings, rounds, scripts }) => {
      const text = window.Module.browserText;
      text.benchmark(strings, 18, 1, scripts);  // warm-up: shaping caches, the first texture
      const runs = [0, 1, 2].map(() => text.benchmark(strings, 18, rounds, scripts)).sort((a, b) => a - b);
      const ms = runs[1];
      const caretStart = performance.now();
      for (let r = 0; r < rounds; ++r) {
        for (const s of strings) text.rangeSpans(s, text.font(18, scripts), false, s.length, s.length);
      }
      const caretMs = performance.now() - caretStart;
      let width = 0, height = 0;
      for (const s of strings) {
        text.draw(s, 18, 0, 0, false, scripts, true, false, -1, -1);
        width += text.canvas.width / strings.length;
        height += text.canvas.height / strings.length;
      }
      const per100 = (total) => (total / (strings.length * rounds)) * 100;
      return { per100: per100(ms), caret: per100(caretMs), width, height };
    }, { strings, rounds, scripts: bits[lang] });
    console.log(`| ${lang} | ${result.per100.toFixed(1)} | ${result.caret.toFixed(1)} | ` +
                `${result.width.toFixed(0)} × ${result.height.toFixed(0)} |`);
  }
  await context.close();
} finally {
  await browser.close();
  child.kill('SIGTERM');
}
