// Calibrating the "strong match" thresholds from data (docs/match-thresholds.md): run the bundled query
// set through a running proxy, label every (query, hit) pair relevant or not from the tags, and pick per
// modality the score threshold that best separates the two (highest F1). Used by
// tools/calibrate_thresholds.mjs (the command) and tests/integration/match_thresholds.test.mjs (which
// checks that shared/match_thresholds.h still holds what the data gives).
//
// Relevance, as tests/lib/dataset.mjs and the Jina double define it:
//   text -> image:  an image is relevant to a concept's query when one of the concept's match_tags
//                   (queries.tsv, ';'-separated) is one of the image's tags (images.tsv, ','-separated),
//                   compared trimmed and lower-cased;
//   image -> image: two images are relevant to each other when they share at least one concept.
import { readdirSync } from 'node:fs';
import { loadQueries, loadImageTags, idOfFile } from '../tests/lib/dataset.mjs';

export const MAX_K = 100; // the API's limit on k; the collection may hold more images than that

// Queries nothing in assets/images is about, so every hit is irrelevant. Each of the 40 concepts of
// queries.tsv has a relevant image, so without these the text side would never see a query that should
// say "no strong match": made-up words, and subjects the photos do not show, in a few languages.
export const OFF_TOPIC_QUERIES = [
  'qwzx blorf', 'zzkv plomt trevash', 'vbnm ghjk', 'quarterly tax return spreadsheet', 'a violin concerto in D minor',
  'password reset email', 'Steuererklärung', 'налоговая декларация', '確定申告', 'إقرار ضريبي',
];

// ---- the dataset ---------------------------------------------------------------------------------

// {queries, files, idToFile, conceptsOf: {file: Set(concept)}, relevantFiles: {concept: Set(file)}}
export function loadDataset(assets) {
  const queries = loadQueries(assets);
  const tags = loadImageTags(assets);
  const files = readdirSync(`${assets}/images`).filter((f) => f in tags).sort();
  const idToFile = new Map(files.map((f) => [idOfFile(assets, f), f]));
  const conceptsOf = {};
  const relevantFiles = {};
  for (const q of queries) relevantFiles[q.concept] = new Set();
  for (const f of files) {
    conceptsOf[f] = new Set();
    for (const q of queries) {
      if (q.match_tags.some((t) => tags[f].includes(t))) {
        conceptsOf[f].add(q.concept);
        relevantFiles[q.concept].add(f);
      }
    }
  }
  return { queries, files, idToFile, conceptsOf, relevantFiles };
}

export function languagesOf(queries) {
  return Object.keys(queries[0]).filter((k) => k !== 'concept' && k !== 'match_tags');
}

const shareConcept = (a, b) => [...a].some((c) => b.has(c));

// ---- asking the proxy ----------------------------------------------------------------------------

// POST /api/v1/search, waiting out 429s (the proxy meters searches per client; Retry-After says how long).
export async function search(proxyUrl, body, attempts = 20) {
  for (let attempt = 1; ; attempt++) {
    const r = await fetch(`${proxyUrl}/api/v1/search`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const text = await r.text();
    if (r.status === 429 && attempt < attempts) {
      const wait = Number(r.headers.get('retry-after') ?? '1');
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, wait) * 1000));
      continue;
    }
    if (r.status !== 200) throw new Error(`search ${JSON.stringify(body).slice(0, 120)} answered ${r.status}: ${text}`);
    return JSON.parse(text);
  }
}

async function inParallel(jobs, concurrency) {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]();
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

// Runs every text query (concept x language) and every image's "more like this" at `dims`, and returns
// the scored pairs per modality: {text: [{score, relevant}], image: [...], missed: {text, image},
// unknownHits, queries: {text: [{concept, language, top, relevant}], image: [...]}, embedder}.
// A relevant image the top MAX_K did not reach counts as missed: a false negative at any threshold.
export async function collectScores({ proxyUrl, dataset, dims, languages, concurrency = 4, onProgress = () => {} }) {
  const k = Math.min(MAX_K, dataset.files.length);
  const out = { text: [], image: [], missed: { text: 0, image: 0 }, unknownHits: 0, queries: { text: [], image: [] }, embedder: null };
  const jobs = [];
  let done = 0;
  const total = dataset.queries.length * languages.length + OFF_TOPIC_QUERIES.length + dataset.files.length;

  for (const text of OFF_TOPIC_QUERIES) {
    jobs.push(async () => {
      const r = await search(proxyUrl, { text, k, dims });
      for (const hit of r.hits) {
        if (!dataset.idToFile.has(hit.id)) { out.unknownHits++; continue; }
        out.text.push({ score: hit.score, relevant: false });
      }
      out.queries.text.push({ concept: null, language: null, text, top: r.hits[0]?.score ?? -1, relevant: 0 });
      onProgress(++done, total);
    });
  }

  for (const q of dataset.queries) {
    for (const language of languages) {
      const text = q[language];
      if (!text) continue;
      jobs.push(async () => {
        const r = await search(proxyUrl, { text, k, dims });
        out.embedder ??= r.embedder;
        const relevant = dataset.relevantFiles[q.concept];
        let found = 0;
        for (const hit of r.hits) {
          const file = dataset.idToFile.get(hit.id);
          if (!file) { out.unknownHits++; continue; }
          const isRelevant = relevant.has(file);
          found += isRelevant;
          out.text.push({ score: hit.score, relevant: isRelevant });
        }
        out.missed.text += relevant.size - found;
        out.queries.text.push({ concept: q.concept, language, text, top: r.hits[0]?.score ?? -1, relevant: relevant.size });
        onProgress(++done, total);
      });
    }
  }
  for (const file of dataset.files) {
    const id = [...dataset.idToFile].find(([, f]) => f === file)[0];
    jobs.push(async () => {
      const r = await search(proxyUrl, { id, k: Math.min(k, dataset.files.length - 1), dims });
      const mine = dataset.conceptsOf[file];
      let found = 0;
      let relevantCount = 0;
      for (const other of dataset.files) if (other !== file && shareConcept(mine, dataset.conceptsOf[other])) relevantCount++;
      for (const hit of r.hits) {
        const other = dataset.idToFile.get(hit.id);
        if (!other) { out.unknownHits++; continue; }
        const isRelevant = shareConcept(mine, dataset.conceptsOf[other]);
        found += isRelevant;
        out.image.push({ score: hit.score, relevant: isRelevant });
      }
      out.missed.image += relevantCount - found;
      out.queries.image.push({ file, top: r.hits[0]?.score ?? -1, relevant: relevantCount });
      onProgress(++done, total);
    });
  }
  await inParallel(jobs, concurrency);
  return out;
}

// ---- picking the threshold -----------------------------------------------------------------------

// The threshold with the highest F1 over the pairs (a hit at or above it is "strong"), counting
// relevant images outside the top k as false negatives. Among equally good thresholds the one in the
// widest gap between neighbouring scores wins, at the gap's middle: the most room on both sides.
export function pickThreshold(pairs, missed = 0) {
  const sorted = [...pairs].sort((a, b) => b.score - a.score);
  const positives = sorted.filter((p) => p.relevant).length + missed;
  let tp = 0, fp = 0;
  let best = null;
  for (let i = 0; i < sorted.length; i++) {
    sorted[i].relevant ? tp++ : fp++;
    const next = sorted[i + 1];
    if (next && next.score === sorted[i].score) continue; // a threshold cannot split equal scores
    const lower = next ? next.score : -1;
    const gap = sorted[i].score - lower;
    const f1 = (2 * tp) / (2 * tp + fp + (positives - tp));
    const candidate = { threshold: (sorted[i].score + lower) / 2, f1, precision: tp / (tp + fp), recall: positives ? tp / positives : 0, gap, tp, fp };
    if (!best || f1 > best.f1 + 1e-12 || (Math.abs(f1 - best.f1) <= 1e-12 && gap > best.gap)) best = candidate;
  }
  return best;
}

// How a given threshold does on the pairs: {f1, precision, recall}.
export function scoreThreshold(pairs, threshold, missed = 0) {
  let tp = 0, fp = 0, positives = missed;
  for (const p of pairs) {
    if (p.relevant) positives++;
    if (p.score >= threshold) p.relevant ? tp++ : fp++;
  }
  return { f1: (2 * tp) / (2 * tp + fp + (positives - tp)), precision: tp + fp ? tp / (tp + fp) : 1, recall: positives ? tp / positives : 0 };
}

// The lowest threshold whose precision is at least `precision` (the most recall at that precision).
export function thresholdAtPrecision(pairs, precision, missed = 0) {
  const sorted = [...pairs].sort((a, b) => b.score - a.score);
  const positives = sorted.filter((p) => p.relevant).length + missed;
  let tp = 0, fp = 0;
  let best = null;
  for (let i = 0; i < sorted.length; i++) {
    sorted[i].relevant ? tp++ : fp++;
    const next = sorted[i + 1];
    if (next && next.score === sorted[i].score) continue;
    if (tp / (tp + fp) >= precision) {
      const lower = next ? next.score : -1;
      best = { threshold: (sorted[i].score + lower) / 2, precision: tp / (tp + fp), recall: positives ? tp / positives : 0 };
    }
  }
  return best;
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))));
  return sorted[at];
}

// Everything the report shows for one modality at one dims.
export function summarise(pairs, missed, queries, threshold) {
  const relevant = pairs.filter((p) => p.relevant).map((p) => p.score);
  const irrelevant = pairs.filter((p) => !p.relevant).map((p) => p.score);
  const stats = (v) => ({ n: v.length, min: Math.min(...v), p5: percentile(v, 5), p50: percentile(v, 50), p95: percentile(v, 95), max: Math.max(...v) });
  const withRelevant = queries.filter((q) => q.relevant > 0);
  const withoutRelevant = queries.filter((q) => q.relevant === 0);
  return {
    relevant: stats(relevant),
    irrelevant: stats(irrelevant),
    missed,
    queries: queries.length,
    // Queries with something relevant in the collection whose best hit is strong, and queries with
    // nothing relevant that correctly say "no strong match".
    found_something: withRelevant.filter((q) => q.top >= threshold).length,
    with_relevant: withRelevant.length,
    said_no_match: withoutRelevant.filter((q) => q.top < threshold).length,
    without_relevant: withoutRelevant.length,
  };
}

// Calibrates both modalities at one dims: {dims, text: {...}, image: {...}, embedder, scores} (scores: the
// labelled pairs themselves, {text, image, missed}).
export async function calibrate({ proxyUrl, assets, dims, languages, concurrency, onProgress }) {
  const dataset = loadDataset(assets);
  const langs = languages ?? languagesOf(dataset.queries);
  const scores = await collectScores({ proxyUrl, dataset, dims, languages: langs, concurrency, onProgress });
  const result = { dims, embedder: scores.embedder, unknown_hits: scores.unknownHits, languages: langs.length };
  Object.defineProperty(result, 'scores', { value: scores, enumerable: false }); // not in the JSON report
  for (const modality of ['text', 'image']) {
    const best = pickThreshold(scores[modality], scores.missed[modality]);
    result[modality] = {
      ...best,
      at_precision_95: thresholdAtPrecision(scores[modality], 0.95, scores.missed[modality]),
      ...summarise(scores[modality], scores.missed[modality], scores.queries[modality], best.threshold),
    };
  }
  return result;
}
