/**
 * Tiny image files for upload tests: real headers with the given size
 * (enough for readers of dimensions; the pixel data is not valid).
 * @module
 */

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A PNG of `width`×`height` (signature, IHDR, an empty IDAT, IEND), padded to `pad` bytes. */
export function png(
  width: number,
  height: number,
  pad = 0,
): Uint8Array<ArrayBuffer> {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", new Uint8Array(Math.max(0, pad))),
    chunk("IEND", new Uint8Array()),
  ];
  const size = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** A GIF header of `width`×`height`. */
export function gif(width: number, height: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(32);
  out.set(new TextEncoder().encode("GIF89a"));
  new DataView(out.buffer).setUint16(6, width, true);
  new DataView(out.buffer).setUint16(8, height, true);
  out[31] = 0x3b;
  return out;
}
