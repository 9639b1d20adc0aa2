/**
 * zlib without compression, for UserSig v2 inside k6 (which has no zlib): RFC 1950 header, RFC
 * 1951 "stored" blocks (BTYPE 00, at most 65,535 bytes each), Adler-32 trailer. Any inflater —
 * Parley's `inflateSync` included — reads it like compressed data.
 */

export function adler32(data: ArrayLike<number>): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; i++) {
    a = (a + data[i]) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

export function zlibStored(data: ArrayLike<number>): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + data.length + blocks * 5 + 4);
  // CMF 0x78 (deflate, 32 KiB window), FLG 0x01: (0x78 * 256 + 0x01) % 31 === 0, no dictionary.
  out[0] = 0x78;
  out[1] = 0x01;
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535;
    const len = Math.min(65535, data.length - start);
    out[o++] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE = 00 (stored)
    out[o++] = len & 0xff;
    out[o++] = len >> 8;
    out[o++] = ~len & 0xff;
    out[o++] = (~len >> 8) & 0xff;
    for (let i = 0; i < len; i++) out[o++] = data[start + i];
  }
  const sum = adler32(data);
  out[o++] = sum >>> 24;
  out[o++] = (sum >>> 16) & 0xff;
  out[o++] = (sum >>> 8) & 0xff;
  out[o++] = sum & 0xff;
  return out;
}

/** Tencent's URL-safe base64 variant: `+`→`*`, `/`→`-`, `=`→`_`. */
export const tencentBase64 = (std: string): string => std.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
