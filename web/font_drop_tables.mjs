// Build step: copies a TrueType font without the tables named on the command line. NanumGothic (fonts-nanum) carries
// empty VTT source tables (TSI0-TSI5, the hinting editor's own data) that Chromium's font sanitiser (OTS) rejects
// ("TSI3: zero-length table"), so the FontFace would never load; browsers need none of them.
//   node font_drop_tables.mjs <in.ttf> <out.ttf> <tag-regexp>
import { readFileSync, writeFileSync } from 'node:fs';

const [source, output, pattern] = process.argv.slice(2);
if (!source || !output || !pattern) {
  console.error('usage: node font_drop_tables.mjs <in.ttf> <out.ttf> <tag-regexp>');
  process.exit(2);
}
const drop = new RegExp(`^(?:${pattern})$`);
const font = readFileSync(source);
const count = font.readUInt16BE(4);
const tables = [];
for (let i = 0; i < count; i++) {
  const at = 12 + 16 * i;
  const tag = font.toString('latin1', at, at + 4);
  const entry = { tag, checksum: font.readUInt32BE(at + 4), offset: font.readUInt32BE(at + 8), length: font.readUInt32BE(at + 12) };
  if (!drop.test(tag)) tables.push(entry);
}
const pad4 = (n) => (n + 3) & ~3;
const headerSize = 12 + 16 * tables.length;
const size = tables.reduce((n, t) => n + pad4(t.length), headerSize);
const out = Buffer.alloc(size);
out.writeUInt32BE(font.readUInt32BE(0), 0);  // sfnt version
out.writeUInt16BE(tables.length, 4);
const power = 2 ** Math.floor(Math.log2(tables.length));
out.writeUInt16BE(power * 16, 6);                      // searchRange
out.writeUInt16BE(Math.log2(power), 8);                // entrySelector
out.writeUInt16BE(tables.length * 16 - power * 16, 10);  // rangeShift
let offset = headerSize, headAt = -1;
tables.forEach((t, i) => {  // records stay sorted by tag, as they were
  const at = 12 + 16 * i;
  out.write(t.tag, at, 'latin1');
  out.writeUInt32BE(t.checksum, at + 4);
  out.writeUInt32BE(offset, at + 8);
  out.writeUInt32BE(t.length, at + 12);
  font.copy(out, offset, t.offset, t.offset + t.length);
  if (t.tag === 'head') headAt = offset;
  offset += pad4(t.length);
});
// head.checkSumAdjustment: 0xB1B0AFBA minus the whole file's checksum, computed with the field at 0.
if (headAt >= 0) {
  out.writeUInt32BE(0, headAt + 8);
  let sum = 0;
  for (let i = 0; i < out.length; i += 4) sum = (sum + out.readUInt32BE(i)) >>> 0;
  out.writeUInt32BE((0xB1B0AFBA - sum) >>> 0, headAt + 8);
}
writeFileSync(output, out);
