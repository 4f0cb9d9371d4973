// What the web client costs to load and to draw, in Debian's headless Chromium (SwiftShader WebGL) on loopback:
//  1. the bundle's bytes, raw and gzipped (-9), code apart from fonts;
//  2. time to first frame: navigation start to the first frame drawn (the page's 'polylens-first-frame' mark),
//     fresh browser context each time (nothing cached);
//  3. frame time with 0, 12 and 100 results on screen (k=100: the page's search request is rewritten on its
//     way out, nothing in the client changes): requestAnimationFrame intervals, and the time spent in the
//     frame function itself (the hook's frame_ms_total), over a few hundred frames.
// Fonts per session (Latin-only against CJK and the others) are bench/web_fonts.mjs's.
//   node bench/web_client.mjs [sessions] [frames]   (after bash scripts/build.sh; no Elasticsearch: embedded store)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'tests', 'package.json'));
const { chromium } = require('playwright-core');
const sessions = Number(process.argv[2] ?? 7);
const frames = Number(process.argv[3] ?? 300);
const bundle = join(root, 'build-web', 'web');
const polylens = join(root, 'build', 'proxy', 'polylens');
const double = join(root, 'build', 'tests', 'jina_double', 'jina_double');

// --- 1. bytes ---------------------------------------------------------------------------------------------------
const fmt = (n) => n.toLocaleString('en');
const sizes = (file) => {
  const bytes = readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
console.log('\nBundle bytes (build-web/web/)\n');
console.log('| file | raw | gzip -9 |');
console.log('|---|--:|--:|');
let code = { raw: 0, gzip: 0 };
for (const name of ['polylens.wasm', 'polylens.js', 'index.html', 'config.json']) {
  const s = sizes(join(bundle, name));
  code = { raw: code.raw + s.raw, gzip: code.gzip + s.gzip };
  console.log(`| ${name} | ${fmt(s.raw)} | ${fmt(s.gzip)} |`);
}
console.log(`| **code, total** | **${fmt(code.raw)}** | **${fmt(code.gzip)}** |`);
for (const name of readdirSync(join(bundle, 'fonts')).sort()) {
  const s = sizes(join(bundle, 'fonts', name));
  console.log(`| fonts/${name} | ${fmt(s.raw)} | ${fmt(s.gzip)} |`);
}

// --- the stack: the Jina double, an embedded store with the 118 images, the proxy -------------------------------
function start(command, args, env, ready) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('exit', (c) => reject(new Error(`${command} exited with ${c}`)));
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = out.match(ready);
      if (m) { child.removeAllListeners('exit'); resolve({ child, url: m[1] }); }
    });
  });
}
const run = (args, env) => new Promise((resolve, reject) => {
  const child = spawn(polylens, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
  child.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`polylens ${args[0]} exited with ${c}`))));
});

const data = mkdtempSync(join(tmpdir(), 'polylens-bench-web-'));
const jina = await start(double, ['--assets', join(root, 'assets'), '--port', '0'], {}, /jina_double listening on (https?:\/\/\S+)/);
const env = {
  JINA_API_URL: `${jina.url}/v1/embeddings`,
  JINA_API_KEY: 'jina_test_double_key_00000000000000000000000000000000000000000000',
  POLYLENS_BACKEND: 'embedded', POLYLENS_DATA_DIR: data, POLYLENS_INDEX: 'bench-web', POLYLENS_RATE_LIMIT_PER_MINUTE: '0',
};
await run(['index', join(root, 'assets', 'images')], env);
const proxy = await start(polylens, ['serve', '--listen', '127.0.0.1:0', '--web-root', bundle], env,
                          /polylens listening on (http:\/\/\S+)/);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});

const state = (page) => page.evaluate(() => window.polylens.state());
async function until(page, predicate) {
  for (let i = 0; i < 1200; i++) {
    const s = await state(page);
    if (s && predicate(s)) return s;
    await page.waitForTimeout(50);
  }
  throw new Error('timed out');
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

try {
  // --- 2. time to first frame ---------------------------------------------------------------------------------
  const first = [], ready = [];
  for (let i = 0; i < sessions; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(proxy.url);
    await until(page, (s) => s.ready);
    const t = await page.evaluate(() => ({
      first: performance.getEntriesByName('polylens-first-frame')[0].startTime,
      now: performance.now(),
    }));
    first.push(t.first);
    ready.push(t.now);
    await context.close();
  }
  console.log(`\nTime to first frame, ${sessions} fresh contexts (ms from navigation start)\n`);
  console.log('| | median | min | max |');
  console.log('|---|--:|--:|--:|');
  console.log(`| first frame drawn | ${median(first).toFixed(0)} | ${Math.min(...first).toFixed(0)} | ${Math.max(...first).toFixed(0)} |`);

  // --- 3. frame time ------------------------------------------------------------------------------------------
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  let k = 12;
  await page.route('**/api/v1/search', (route) => {
    const body = JSON.parse(route.request().postData());
    route.continue({ postData: JSON.stringify({ ...body, k }) });
  });
  await page.goto(proxy.url);
  const s0 = await until(page, (s) => s.ready && s.fonts_loaded);

  async function measure() {
    const before = await state(page);
    const intervals = await page.evaluate((n) => new Promise((resolve) => {
      const times = [];
      const tick = (t) => { times.push(t); if (times.length <= n) requestAnimationFrame(tick); else resolve(times); };
      requestAnimationFrame(tick);
    }).then((times) => times.slice(1).map((t, i) => t - times[i])), frames);
    const after = await state(page);
    return { intervals, own: (after.frame_ms_total - before.frame_ms_total) / (after.frame - before.frame), hits: after.hits.length };
  }
  async function search(text) {
    const s = await state(page);
    await page.mouse.click(s.query_box.x + 40, s.query_box.y + s.query_box.h / 2);
    await until(page, (x) => x.query_focused);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
    await until(page, (x) => x.searches_answered > s.searches_answered && x.status === 'done' &&
                             x.thumbnails_loaded === x.hits.length);
    await page.waitForTimeout(500);  // the last thumbnails uploaded, the layout settled
  }
  const rows = [['empty page', await measure()]];
  await search('city at night');
  rows.push(['12 results (default k)', await measure()]);
  k = 100;
  await search('a photo');
  rows.push(['100 results (k=100)', await measure()]);
  console.log(`\nFrame time, ${frames} frames each, 1280 × 800, device pixel ratio 1\n`);
  console.log('| page | results | rAF interval median (ms) | p95 (ms) | frame function, mean (ms) |');
  console.log('|---|--:|--:|--:|--:|');
  for (const [name, m] of rows)
    console.log(`| ${name} | ${m.hits} | ${median(m.intervals).toFixed(1)} | ${pct(m.intervals, 0.95).toFixed(1)} | ${m.own.toFixed(2)} |`);
  void s0;
  await context.close();
} finally {
  await browser.close();
  proxy.child.kill('SIGTERM');
  jina.child.kill('SIGTERM');
  rmSync(data, { recursive: true, force: true });
}
