// PNG files made in the test, for the size limits: 8-bit greyscale (one byte per pixel), all black. And a
// decoder for the screenshots the browser tests look at (8-bit RGB or RGBA, not interlaced: what Chromium writes).
import { createDeflate, deflateSync, inflateSync } from 'node:zlib';
import { once } from 'node:events';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function pngFile(width, height, idat) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// An IHDR claiming width x height, with `rawBytes` of zeros (filter byte 0 and black pixels) deflated
// into its one IDAT. rawBytes = height * (width + 1) makes a complete image; fewer, a truncated one.
export function png(width, height, rawBytes) {
  return pngFile(width, height, deflateSync(Buffer.alloc(rawBytes)));
}

// A complete, valid black PNG of any size, deflated a megabyte at a time so the raw pixels (400 MB
// for 20000 x 20000) are never in memory at once. Zeros deflate about 1000:1.
export async function blackPng(width, height) {
  const deflate = createDeflate({ level: 9 });
  const chunks = [];
  deflate.on('data', (c) => chunks.push(c));
  const ended = once(deflate, 'end');
  const rowBytes = width + 1;
  const rowsPerWrite = Math.max(1, Math.floor((1 << 20) / rowBytes));
  const block = Buffer.alloc(rowBytes * rowsPerWrite);
  for (let y = 0; y < height; y += rowsPerWrite) {
    const rows = Math.min(rowsPerWrite, height - y);
    if (!deflate.write(rows === rowsPerWrite ? block : block.subarray(0, rows * rowBytes))) await once(deflate, 'drain');
  }
  deflate.end();
  await ended;
  return pngFile(width, height, Buffer.concat(chunks));
}

// Decodes an 8-bit RGB or RGBA, non-interlaced PNG (a Chromium screenshot) into {width, height, rgba}.
export function decodePng(file) {
  let offset = 8;
  let width = 0, height = 0, colorType = 0;
  const idat = [];
  while (offset < file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('ascii', offset + 4, offset + 8);
    const data = file.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      colorType = data[9];
      if (data[8] !== 8 || (colorType !== 2 && colorType !== 6) || data[12] !== 0)
        throw new Error(`decodePng: only 8-bit RGB or RGBA without interlacing (depth ${data[8]}, type ${colorType})`);
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    offset += 12 + length;
  }
  const channels = colorType === 6 ? 4 : 3;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[y * stride + x] = (line[x] + predictor) & 0xff;
    }
  }
  const rgba = Buffer.alloc(width * height * 4, 255);
  for (let i = 0; i < width * height; i++) {
    for (let k = 0; k < channels; k++) rgba[i * 4 + k] = pixels[i * channels + k];
  }
  return { width, height, rgba };
}
