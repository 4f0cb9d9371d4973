// Times image preparation for upload (shrink to 512 px on the long side, encode JPEG q90) in ONE headless
// Chromium run, three ways side by side:
//   browser  createImageBitmap(blob, {resizeWidth, resizeHeight, resizeQuality: 'high'}) drawn on an
//            OffscreenCanvas, convertToBlob('image/jpeg', 0.9): the browser's own native code
//   naive    stb_image + stb_image_resize v1 + stb_image_write, compiled to WebAssembly
//   product  shared/ image_prepare, compiled to WebAssembly as the web client ships it
// plus the intermediate pipelines of bench/image_pipeline/image_bench.cpp, to show what each lever buys.
// The test images are made in the page from a bundled photo (see makeImages), so nothing large is committed.
//
//   node bench/image_pipeline.mjs <folder with image_bench{,_scalar}.{js,wasm}> [iterations]
// bench/image_pipeline.sh builds the modules and calls this. Not a test: prints tables, asserts nothing.
import { createServer } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../tests/lib/browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const moduleDir = resolve(process.argv[2] ?? join(here, '../build-web/bench/image_pipeline'));
const iterations = Number(process.argv[3] ?? 9);
const imagesDir = join(here, '../assets/images');
const photo = join(imagesDir, 'wp25-botany-flowers.jpg');
const assetJpegs = readdirSync(imagesDir).filter((f) => /\.jpe?g$/i.test(f)).sort();

// ---- A static server for the page, the modules and the photos ---------------------------------------
const files = {
  '/': ['text/html', Buffer.from('<!doctype html><meta charset="utf-8"><title>image pipeline bench</title>')],
  '/image_bench.js': ['text/javascript', readFileSync(join(moduleDir, 'image_bench.js'))],
  '/image_bench.wasm': ['application/wasm', readFileSync(join(moduleDir, 'image_bench.wasm'))],
  '/image_bench_scalar.js': ['text/javascript', readFileSync(join(moduleDir, 'image_bench_scalar.js'))],
  '/image_bench_scalar.wasm': ['application/wasm', readFileSync(join(moduleDir, 'image_bench_scalar.wasm'))],
  '/photo.jpg': ['image/jpeg', readFileSync(photo)],
  '/favicon.ico': ['image/x-icon', Buffer.alloc(0)],
};
for (const f of assetJpegs) files[`/assets/${f}`] = ['image/jpeg', readFileSync(join(imagesDir, f))];
const server = createServer((req, res) => {
  const file = files[req.url];
  if (!file) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

// ---- In the page -----------------------------------------------------------------------------------
// Everything below runs in Chromium: make the images, then time each path on each image.
async function runInPage({ iterations, longSide, quality, assetJpegs }) {
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const simd = await createImageBench();
  const scalar = await createImageBenchScalar();
  const names = (m) => Array.from({ length: m._bench_pipeline_count() }, (_, i) => m.UTF8ToString(m._bench_pipeline_name(i)));

  // A 12 MP photo: a bundled photo cropped to 4:3, scaled to 4000x3000, plus seeded noise so that the
  // JPEG carries a camera's fine detail and compresses like one (a few MB at quality 92).
  async function makeImages() {
    const src = await createImageBitmap(await (await fetch('/photo.jpg')).blob());
    const W = 4000, H = 3000;
    const canvas = new OffscreenCanvas(W, H);
    const g = canvas.getContext('2d', { willReadFrequently: true });
    g.imageSmoothingQuality = 'high';
    const sh = Math.min(src.height, (src.width * 3) / 4), sw = (sh * 4) / 3;
    g.drawImage(src, (src.width - sw) / 2, (src.height - sh) / 2, sw, sh, 0, 0, W, H);
    const data = g.getImageData(0, 0, W, H);
    // The PNG: the same photo kept to 6 bits per channel, or it would not fit the 8 MiB upload cap
    // (limits::max_image_bytes): 12 MP photos as PNG are 10 MB and more.
    const posterised = new ImageData(data.data.map((v) => v & 0xfc), W, H);
    g.putImageData(posterised, 0, 0);
    const png = await canvas.convertToBlob({ type: 'image/png' });
    // Grain of a given strength, the same every run (a seeded generator). The file size, and with it the
    // entropy decoding that no DCT scaling can skip, grows with the grain.
    async function grainyJpeg(strength) {
      let seed = 12345;
      const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
      const grainy = new ImageData(new Uint8ClampedArray(data.data), W, H);
      const px = grainy.data;
      for (let i = 0; i < px.length; i += 4) {
        const n = (rand() + rand() + rand() - 1.5) * strength;  // luma-ish grain
        for (let c = 0; c < 3; ++c) px[i + c] += n + (rand() - 0.5) * (strength / 3);  // Uint8ClampedArray clamps
      }
      g.putImageData(grainy, 0, 0);
      return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
    }
    return [
      { name: `JPEG ${W}x${H}, strong grain`, blob: await grainyJpeg(12), width: W, height: H, all: true },
      { name: `PNG ${W}x${H}`, blob: png, width: W, height: H, all: true },
      { name: `JPEG ${W}x${H}, light grain`, blob: await grainyJpeg(4), width: W, height: H, all: false },
    ];
  }

  // The browser is told the target size; a real client would first have to learn the image's size.
  async function browserPath(image) {
    const scale = longSide / Math.max(image.width, image.height);
    const w = Math.max(1, Math.round(image.width * scale)), h = Math.max(1, Math.round(image.height * scale));
    const t0 = performance.now();
    const bitmap = await createImageBitmap(image.blob, { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
    const canvas = new OffscreenCanvas(w, h);
    canvas.getContext('2d').drawImage(bitmap, 0, 0);
    bitmap.close();
    const out = await canvas.convertToBlob({ type: 'image/jpeg', quality: quality / 100 });
    return { ms: performance.now() - t0, bytes: out.size };
  }

  // The bytes start in JS memory, as a dropped file's would: copying them into the module is timed.
  function wasmPath(m, id, image) {
    const t0 = performance.now();
    const n = image.bytes.length;
    const ptr = m._malloc(n);
    m.HEAPU8.set(image.bytes, ptr);
    const size = m._bench_run(id, ptr, n);
    m._free(ptr);
    const ms = performance.now() - t0;
    if (size < 0) throw new Error(`pipeline ${id}: ${m.UTF8ToString(m._bench_last_error())}`);
    const at = m._bench_stage_ms() / 8;
    return { ms, bytes: size, stages: Array.from(m.HEAPF64.subarray(at, at + 3)) };
  }

  function psnr(m, id, image) {
    const ptr = m._malloc(image.bytes.length);
    m.HEAPU8.set(image.bytes, ptr);
    const db = m._bench_psnr(id, ptr, image.bytes.length);
    m._free(ptr);
    return db;
  }

  // Every path: the browser's, each pipeline of the SIMD module, and "before" and "product" again
  // without SIMD.
  const paths = [{ label: 'browser', run: browserPath }];
  names(simd).forEach((name, id) => paths.push({
    label: name, only: simd._bench_pipeline_only(id),  // 0 every image, 1 JPEGs, 2 PNGs
    run: (image) => wasmPath(simd, id, image), psnr: (image) => psnr(simd, id, image),
  }));
  names(scalar).forEach((name, id) => ['before', 'product'].includes(name) && paths.push({
    label: `${name}, no SIMD`, run: (image) => wasmPath(scalar, id, image), psnr: (image) => psnr(scalar, id, image),
  }));

  const images = await makeImages();
  for (const image of images) image.bytes = new Uint8Array(await image.blob.arrayBuffer());
  const results = [];
  for (const image of images) {
    const jpeg = image.name.startsWith('JPEG');
    const headline = ['browser', 'naive', 'before', 'product', 'libjpeg scaled'];
    const mine = paths.filter((p) => (!p.only || p.only === (jpeg ? 1 : 2)) && (image.all || headline.includes(p.label)));
    const runs = mine.map(() => []);
    for (const p of mine) await p.run(image);  // warm-up: first decode, memory growth, JIT tiers
    for (let it = 0; it < iterations; ++it) {  // interleaved, so machine noise spreads over every path
      for (let i = 0; i < mine.length; ++i) runs[i].push(await mine[i].run(image));
    }
    // The ratio to the browser is taken within each iteration, then its median: paths timed moments apart
    // share the machine's load, which on a shared machine moves more than the paths differ.
    const rows = mine.map((p, i) => ({
      path: p.label,
      median: median(runs[i].map((r) => r.ms)),
      ratio: median(runs[i].map((r, it) => r.ms / runs[0][it].ms)),
      min: Math.min(...runs[i].map((r) => r.ms)),
      outBytes: runs[i][0].bytes,
      stages: runs[i][0].stages ? [0, 1, 2].map((s) => median(runs[i].map((r) => r.stages[s]))) : null,
      psnr: p.psnr ? p.psnr(image) : null,
    }));
    results.push({ image: image.name, inBytes: image.bytes.length, rows });
  }
  // Quality on real photos: every bundled JPEG through image_prepare's decode and fit (and through the
  // scaled decode that covers the whole target, image_prepare's choice before the 97% rule, and the one to
  // >= 2x the target, the better-quality alternative), against the full-decode path ("before"), by PSNR
  // of the 512-px image before encoding.
  const qualityPaths = ['product', 'libjpeg scaled', 'libjpeg scaled to >= 2x the target'];
  const assets = [];
  for (const file of assetJpegs) {
    const bytes = new Uint8Array(await (await fetch(`/assets/${file}`)).arrayBuffer());
    assets.push({ file, db: qualityPaths.map((name) => psnr(simd, names(simd).indexOf(name), { bytes })) });
  }

  // The smallest valid module using a SIMD instruction (as in wasm-feature-detect).
  const simdModule = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0,
                                     65, 0, 253, 15, 253, 98, 11]);
  return { results, assets, qualityPaths, userAgent: navigator.userAgent, simd: WebAssembly.validate(simdModule) };
}

// ---- Run and print ---------------------------------------------------------------------------------
const browser = await launchBrowser();
let out;
try {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.goto(`${origin}/`);
  await page.addScriptTag({ url: '/image_bench.js' });
  await page.addScriptTag({ url: '/image_bench_scalar.js' });
  out = await page.evaluate(runInPage, { iterations, longSide: 512, quality: 90, assetJpegs });
  if (problems.length) throw new Error(`the page reported: ${problems.join('; ')}`);
} finally {
  await browser.close();
  server.close();
}

const fmt = (x, d = 1) => (x == null || Number.isNaN(x) ? '' : x === Infinity ? 'identical' : x.toFixed(d));
console.log(`Chromium: ${out.userAgent.match(/Chrome\/[\d.]+/)?.[0]}; WebAssembly SIMD: ${out.simd ? 'yes' : 'no'}; ` +
            `${iterations} iterations after one warm-up, median and fastest wall time per path`);
for (const { image, inBytes, rows } of out.results) {
  console.log(`\n${image}, ${(inBytes / 1e6).toFixed(2)} MB -> 512 px JPEG q90`);
  console.log('| path | median ms | fastest ms | ÷ browser (median of per-iteration ratios) | decode ms | resize ms | encode ms | PSNR dB vs full decode | output bytes |');
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of rows) {
    const [d, f, e] = r.stages ?? [];
    const staged = r.stages && r.stages.some((s) => s > 0);
    console.log(`| ${r.path} | ${fmt(r.median)} | ${fmt(r.min)} | ${fmt(r.ratio, 2)} | ` +
                `${staged ? fmt(d) : ''} | ${staged ? fmt(f) : ''} | ${staged ? fmt(e) : ''} | ${fmt(r.psnr)} | ${r.outBytes} |`);
  }
}

// Photos already at or under 512 px are decoded at full size by both paths, by libjpeg and stb_image:
// they differ only in IDCT and chroma upsampling.
console.log(`\nQuality on the ${out.assets.length} bundled JPEGs: the 512-px image against the full-decode path ("before")`);
console.log('| path | photos | PSNR dB: worst | 10th percentile | median | worst photo | identical | no PSNR |');
console.log('|---|--:|--:|--:|--:|---|--:|--:|');
out.qualityPaths.forEach((path, i) => {
  const all = out.assets.map((a) => ({ file: a.file, db: a.db[i] }));
  const compared = all.filter((a) => a.db !== Infinity && a.db > 0).sort((a, b) => a.db - b.db);
  const pick = (q) => compared[Math.min(compared.length - 1, Math.floor(q * compared.length))].db;
  const failed = all.filter((a) => a.db < 0).map((a) => a.file);
  console.log(`| ${path} | ${compared.length} | ${fmt(pick(0))} | ${fmt(pick(0.1))} | ${fmt(pick(0.5))} | ` +
              `${compared[0].file} | ${all.filter((a) => a.db === Infinity).length} | ${failed.join(', ') || 0} |`);
});
