/**
 * Byte helpers for the k6 scripts (k6's JavaScript runtime has no Buffer and, depending on the
 * version, no TextEncoder): UTF-8 encode/decode and a growable byte writer.
 */

export function utf8Encode(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

export function utf8Decode(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; ) {
    const c = b[i++];
    let cp: number;
    if (c < 0x80) cp = c;
    else if (c < 0xe0) cp = ((c & 31) << 6) | (b[i++] & 63);
    else if (c < 0xf0) cp = ((c & 15) << 12) | ((b[i++] & 63) << 6) | (b[i++] & 63);
    else cp = ((c & 7) << 18) | ((b[i++] & 63) << 12) | ((b[i++] & 63) << 6) | (b[i++] & 63);
    s += String.fromCodePoint(cp);
  }
  return s;
}

/** Appends bytes; `bytes()` returns a compact copy. */
export class ByteWriter {
  #buf = new Uint8Array(256);
  #len = 0;

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  byte(b: number): this {
    this.#room(1);
    this.#buf[this.#len++] = b & 0xff;
    return this;
  }

  /** Writes `n` bytes of `v`, big-endian (msgpack) or little-endian (Colyseus varints). */
  uint(v: number, n: number, littleEndian: boolean): this {
    for (let i = 0; i < n; i++) {
      const shift = 8 * (littleEndian ? i : n - 1 - i);
      this.byte(Math.floor(v / 2 ** shift) & 0xff);
    }
    return this;
  }

  float64(v: number): this {
    const dv = new DataView(new ArrayBuffer(8));
    dv.setFloat64(0, v);
    for (let i = 0; i < 8; i++) this.byte(dv.getUint8(i));
    return this;
  }

  all(bytes: ArrayLike<number>): this {
    this.#room(bytes.length);
    for (let i = 0; i < bytes.length; i++) this.#buf[this.#len++] = bytes[i];
    return this;
  }

  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}
