// The bundled dataset as the tests see it: queries.tsv (concepts in 22 languages) and images.tsv.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

function readTsv(path) {
  const [header, ...rows] = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const names = header.split('\t');
  return rows.map((row) => Object.fromEntries(row.split('\t').map((cell, i) => [names[i], cell.trim()])));
}

// [{concept, match_tags: [...], en, es, ...}]
export function loadQueries(assets) {
  return readTsv(`${assets}/queries.tsv`).map((q) => ({
    ...q,
    match_tags: q.match_tags.split(';').map((t) => t.trim().toLowerCase()),
  }));
}

// {file: [lower-case tags]}
export function loadImageTags(assets) {
  return Object.fromEntries(
    readTsv(`${assets}/images.tsv`).map((r) => [r.file, r.tags.split(',').map((t) => t.trim().toLowerCase())]),
  );
}

// The document id the indexer gives a file: the first 128 bits of its SHA-256.
export function idOfFile(assets, file) {
  return createHash('sha256').update(readFileSync(`${assets}/images/${file}`)).digest('hex').slice(0, 32);
}
