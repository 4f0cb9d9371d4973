#!/usr/bin/env node
// Calibrates the "strong match" thresholds against a running proxy and prints the numbers for
// docs/match-thresholds.md and shared/match_thresholds.h (or --json FILE for machines).
//
//   node tools/calibrate_thresholds.mjs --proxy http://127.0.0.1:8080 [--dims 1024,256]
//        [--languages en,es,...] [--concurrency 4] [--assets assets] [--json out.json]
//
// The proxy must serve an index holding assets/images (scripts/demo.sh does that: with JINA_API_KEY
// set against the real jina-clip-v2, otherwise against the Jina test double). Searches are metered:
// 429s are waited out, or start the proxy with POLYLENS_RATE_LIMIT_PER_MINUTE=0.
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrate } from './match_calibration.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = { proxy: 'http://127.0.0.1:8080', dims: '1024,256', assets: resolve(here, '../assets'), concurrency: '4' };
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  if (arg === '--help' || arg === '-h') {
    console.log('usage: node tools/calibrate_thresholds.mjs --proxy URL [--dims 1024,256] [--languages en,es] [--concurrency N] [--assets DIR] [--json FILE]');
    process.exit(0);
  }
  const m = arg.match(/^--([a-z]+)$/);
  if (!m || i + 1 >= process.argv.length) {
    console.error(`unknown argument '${arg}' (try --help)`);
    process.exit(2);
  }
  args[m[1]] = process.argv[++i];
}

const health = await (await fetch(`${args.proxy}/healthz`)).json();
const embedder = health.embedder ?? {};
console.log(`# Match thresholds from ${args.proxy}`);
console.log(`embedder: ${embedder.label || embedder.model}${embedder.stand_in ? ' (a stand-in: these numbers are for the test double only)' : ''}`);
console.log(`index: ${health.backend?.index} (${health.backend?.doc_count} documents), fields ${JSON.stringify(health.dims)}\n`);

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(3) : String(x));
const results = [];
for (const dims of args.dims.split(',').map(Number)) {
  const started = Date.now();
  const result = await calibrate({
    proxyUrl: args.proxy, assets: args.assets, dims, concurrency: Number(args.concurrency),
    languages: args.languages ? args.languages.split(',') : undefined,
    onProgress: (done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${dims} dims: ${done}/${total} searches`);
      else if (done === total) process.stderr.write(`${dims} dims: ${total} searches`);
    },
  });
  process.stderr.write(` (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  results.push(result);
  console.log(`## ${dims} dims (${result.languages} languages; hits outside assets/images ignored: ${result.unknown_hits})\n`);
  console.log('| modality | threshold (max F1) | F1 | precision | recall | gap | threshold at precision >= 0.95 (recall) | relevant scores min / p5 / p50 / p95 / max | irrelevant scores min / p5 / p50 / p95 / max | pairs relevant / irrelevant / missed | queries with a relevant image whose best hit is strong | queries with none that say "no strong match" |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const modality of ['text', 'image']) {
    const r = result[modality];
    const dist = (s) => [s.min, s.p5, s.p50, s.p95, s.max].map(fmt).join(' / ');
    const p95 = r.at_precision_95 ? `${fmt(r.at_precision_95.threshold)} (${fmt(r.at_precision_95.recall)})` : 'none';
    console.log(`| ${modality} → image | **${fmt(r.threshold)}** | ${fmt(r.f1)} | ${fmt(r.precision)} | ${fmt(r.recall)} | ${fmt(r.gap)} | ${p95} | ${dist(r.relevant)} | ${dist(r.irrelevant)} | ${r.relevant.n} / ${r.irrelevant.n} / ${r.missed} | ${r.found_something} of ${r.with_relevant} | ${r.said_no_match} of ${r.without_relevant} |`);
  }
  console.log('');
}
console.log('For shared/match_thresholds.h:');
for (const r of results) console.log(`  dims ${r.dims}: text_to_image = ${fmt(r.text.threshold)}f, image_to_image = ${fmt(r.image.threshold)}f`);
if (args.json) writeFileSync(args.json, JSON.stringify({ proxy: args.proxy, embedder, results }, null, 2));
