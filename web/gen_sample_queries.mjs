// Build step: turns assets/queries.tsv (one concept per row, one language per column) into a C++ table for the
// language chips (web/language_chips.cpp), so the page needs no request for them.
//   node gen_sample_queries.mjs <queries.tsv> <out.inc>
import { readFileSync, writeFileSync } from 'node:fs';

const [source, output] = process.argv.slice(2);
if (!source || !output) {
  console.error('usage: node gen_sample_queries.mjs <queries.tsv> <out.inc>');
  process.exit(2);
}
const rows = readFileSync(source, 'utf8').split('\n').filter((line) => line.trim() !== '')
  .map((line) => line.split('\t').map((cell) => cell.trim()));
const [header, ...concepts] = rows;
if (header[0] !== 'concept' || header[1] !== 'match_tags') throw new Error(`${source}: unexpected header ${header}`);
for (const row of concepts) {
  if (row.length !== header.length)
    throw new Error(`${source}: concept ${row[0]} has ${row.length} columns, not ${header.length}`);
}
const literal = (s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const languages = header.slice(2);
const lines = [
  `// Generated from assets/queries.tsv by web/gen_sample_queries.mjs at build time: do not edit.`,
  `constexpr int sample_concept_count = ${concepts.length};`,
  `constexpr int sample_language_count = ${languages.length};`,
  `constexpr const char* sample_languages[sample_language_count] = {${languages.map(literal).join(', ')}};`,
  `constexpr const char* sample_concepts[sample_concept_count] = {${concepts.map((r) => literal(r[0])).join(', ')}};`,
  `// [language][concept]`,
  `constexpr const char* sample_queries[sample_language_count][sample_concept_count] = {`,
  ...languages.map((lang, l) => `  {${concepts.map((r) => literal(r[l + 2])).join(', ')}},  // ${lang}`),
  `};`,
  ``,
];
writeFileSync(output, lines.join('\n'));
