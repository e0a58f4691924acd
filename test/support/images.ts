import { crc32, deflateSync } from 'node:zlib';

/** Real, decodable images made in code, so tests need no fixture files. */
export function makePng(width: number, height: number, seed = 0): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer): number => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      rows[row + 1 + x * 3] = (x * 255) / width;
      rows[row + 2 + x * 3] = (y * 255) / height;
      rows[row + 3 + x * 3] = (seed * 37) & 0xff;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG padded with an ancillary chunk to about `bytes` long: for upload-size tests. */
export function makeLargePng(bytes: number): Buffer {
  const base = makePng(64, 64);
  const filler = Buffer.alloc(Math.max(0, bytes - base.length - 12), 0x20);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(filler.length);
  // A private ancillary chunk ("zzTx") after IHDR; the CRC is not checked by probing readers.
  const chunk = Buffer.concat([len, Buffer.from('zzTx', 'latin1'), filler, Buffer.alloc(4)]);
  const ihdrEnd = 8 + 25;
  return Buffer.concat([base.subarray(0, ihdrEnd), chunk, base.subarray(ihdrEnd)]);
}

/** A baseline JPEG header (SOI, JFIF APP0, SOF0, EOI): enough for readers of dimensions, not a picture. */
export function makeJpegHeader(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

/** A lossless WebP (VP8L) header with the given size. */
export function makeWebpHeader(width: number, height: number): Buffer {
  const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14);
  const vp8l = Buffer.alloc(5);
  vp8l[0] = 0x2f;
  vp8l.writeUInt32LE(bits >>> 0, 1);
  const chunkHeader = Buffer.alloc(8);
  chunkHeader.write('VP8L', 0, 'latin1');
  chunkHeader.writeUInt32LE(vp8l.length, 4);
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), chunkHeader, vp8l, Buffer.alloc(8)]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

/** A real, decodable JPEG or WebP of the given size, encoded by libvips. */
export async function makeEncoded(format: 'jpeg' | 'webp', width: number, height: number): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp(makePng(width, height, 7))[format]().toBuffer();
}

/** The first `fraction` of a file, as an upload cut off mid-transfer would leave it. */
export function truncated(image: Buffer, fraction = 0.6): Buffer {
  return image.subarray(0, Math.floor(image.length * fraction));
}

/** A PNG whose compressed pixel data has been overwritten: headers intact, body undecodable. */
export function makeCorruptedPng(width: number, height: number): Buffer {
  const png = Buffer.from(makePng(width, height, 3));
  const idat = png.indexOf('IDAT', 0, 'latin1');
  for (let i = idat + 8; i < Math.min(png.length - 16, idat + 48); i++) png[i] = png[i]! ^ 0x5a;
  return png;
}

/** A valid PNG signature and header chunk followed by bytes that are not PNG at all. */
export function makePngHeaderWithGarbage(width: number, height: number): Buffer {
  return Buffer.concat([makePng(width, height).subarray(0, 33), Buffer.alloc(4096, 0x41)]);
}

/**
 * A decompression bomb: a few hundred bytes whose header declares width × height pixels,
 * all zeros, compressed by deflate to almost nothing.
 */
export function makePngBomb(width: number, height: number): Buffer {
  const png = makePng(64, 64);
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}
