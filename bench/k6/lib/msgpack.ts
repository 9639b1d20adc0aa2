/**
 * Minimal MessagePack for the k6 WebSocket script: what Parley's client protocol carries (nil,
 * booleans, numbers, strings, arrays, maps; bin and ext — msgpackr's `undefined` — decode as
 * null/undefined). Multi-byte
 * numbers are big-endian, as the MessagePack spec says (unlike Colyseus' own frame varints).
 */
import { ByteWriter, utf8Decode, utf8Encode } from './bytes.ts';

export type Packable = null | boolean | number | string | readonly Packable[] | { readonly [k: string]: Packable | undefined };

function packNumber(w: ByteWriter, n: number): void {
  if (!Number.isInteger(n) || Math.abs(n) > Number.MAX_SAFE_INTEGER) w.byte(0xcb).float64(n);
  else if (n >= 0 && n < 0x80) w.byte(n);
  else if (n < 0 && n >= -32) w.byte(0xe0 | (n + 32));
  else if (n >= 0 && n <= 0xffffffff) w.byte(n < 0x100 ? 0xcc : n < 0x10000 ? 0xcd : 0xce).uint(n, n < 0x100 ? 1 : n < 0x10000 ? 2 : 4, false);
  else if (n < 0 && n >= -0x80000000) w.byte(0xd2).uint(n >>> 0, 4, false);
  else w.byte(0xcb).float64(n);
}

function packString(w: ByteWriter, s: string): void {
  const b = utf8Encode(s);
  if (b.length < 32) w.byte(0xa0 | b.length);
  else if (b.length < 0x100) w.byte(0xd9).byte(b.length);
  else if (b.length < 0x10000) w.byte(0xda).uint(b.length, 2, false);
  else w.byte(0xdb).uint(b.length, 4, false);
  w.all(b);
}

function header(w: ByteWriter, n: number, fix: number, b16: number): void {
  if (n < 16) w.byte(fix | n);
  else if (n < 0x10000) w.byte(b16).uint(n, 2, false);
  else w.byte(b16 + 1).uint(n, 4, false);
}

export function pack(v: Packable, w = new ByteWriter()): ByteWriter {
  if (v === null) w.byte(0xc0);
  else if (typeof v === 'boolean') w.byte(v ? 0xc3 : 0xc2);
  else if (typeof v === 'number') packNumber(w, v);
  else if (typeof v === 'string') packString(w, v);
  else if (Array.isArray(v)) {
    header(w, v.length, 0x90, 0xdc);
    for (const x of v as readonly Packable[]) pack(x, w);
  } else {
    const entries = Object.entries(v as { [k: string]: Packable | undefined }).filter(([, x]) => x !== undefined) as [string, Packable][];
    header(w, entries.length, 0x80, 0xde);
    for (const [k, x] of entries) {
      packString(w, k);
      pack(x, w);
    }
  }
  return w;
}

/** Decodes one value at `pos.offset` and advances it. */
export function unpack(b: Uint8Array, pos: { offset: number }): unknown {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const t = b[pos.offset++];
  const take = (n: number): number => ((pos.offset += n), pos.offset - n);
  const str = (n: number): string => utf8Decode(b, take(n), pos.offset);
  const arr = (n: number): unknown[] => Array.from({ length: n }, () => unpack(b, pos));
  const map = (n: number): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) o[String(unpack(b, pos))] = unpack(b, pos);
    return o;
  };
  if (t < 0x80) return t;
  if (t < 0x90) return map(t & 15);
  if (t < 0xa0) return arr(t & 15);
  if (t < 0xc0) return str(t & 31);
  if (t >= 0xe0) return t - 256;
  switch (t) {
    case 0xc0: return null;
    case 0xc2: return false;
    case 0xc3: return true;
    case 0xc4: return take(dv.getUint8(take(1))), null;
    case 0xc5: return take(dv.getUint16(take(2))), null;
    case 0xc6: return take(dv.getUint32(take(4))), null;
    // ext: msgpackr writes `undefined` as fixext 1 (type 0); other extensions are skipped too.
    case 0xc7: return take(1 + dv.getUint8(take(1))), undefined;
    case 0xc8: return take(1 + dv.getUint16(take(2))), undefined;
    case 0xc9: return take(1 + dv.getUint32(take(4))), undefined;
    case 0xd4: return take(2), undefined;
    case 0xd5: return take(3), undefined;
    case 0xd6: return take(5), undefined;
    case 0xd7: return take(9), undefined;
    case 0xd8: return take(17), undefined;
    case 0xca: return dv.getFloat32(take(4));
    case 0xcb: return dv.getFloat64(take(8));
    case 0xcc: return dv.getUint8(take(1));
    case 0xcd: return dv.getUint16(take(2));
    case 0xce: return dv.getUint32(take(4));
    case 0xcf: return dv.getUint32(take(4)) * 2 ** 32 + dv.getUint32(take(4));
    case 0xd0: return dv.getInt8(take(1));
    case 0xd1: return dv.getInt16(take(2));
    case 0xd2: return dv.getInt32(take(4));
    case 0xd3: return dv.getInt32(take(4)) * 2 ** 32 + dv.getUint32(take(4));
    case 0xd9: return str(dv.getUint8(take(1)));
    case 0xda: return str(dv.getUint16(take(2)));
    case 0xdb: return str(dv.getUint32(take(4)));
    case 0xdc: return arr(dv.getUint16(take(2)));
    case 0xdd: return arr(dv.getUint32(take(4)));
    case 0xde: return map(dv.getUint16(take(2)));
    case 0xdf: return map(dv.getUint32(take(4)));
    default: throw new Error(`msgpack type 0x${t.toString(16)} not supported`);
  }
}
