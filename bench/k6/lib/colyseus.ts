/**
 * The slice of the Colyseus 0.18 wire protocol a Parley client needs, for k6 (read from
 * @colyseus/sdk Room.ts and @colyseus/core Room.ts/Protocol.ts):
 * - join: `POST /connect` answers a seat reservation; the socket goes to
 *   `ws://<publicAddress or host>/<processId>/<roomId>?sessionId=<sessionId>`; the server sends
 *   JOIN_ROOM (10) and waits for the client's one-byte JOIN_ROOM acknowledgement before it flushes
 *   pushes;
 * - ROOM_REQUEST (21): `[21][requestId][type][msgpack args]`, answered by ROOM_RESPONSE (22):
 *   `[22][requestId][status: 0 ok, 1 rejected, 2 error][msgpack result]`;
 * - ROOM_DATA (13): `[13][type][msgpack payload]`, e.g. Parley's `ev` pushes;
 * - ERROR (11) `[11][code][message]`, LEAVE_ROOM (12).
 * `requestId` and `type` use Colyseus' own number/string encoding: MessagePack type bytes, but
 * multi-byte integers little-endian.
 */
import { ByteWriter, utf8Decode, utf8Encode } from './bytes.ts';
import { type Packable, pack, unpack } from './msgpack.ts';

export const Protocol = { JOIN_ROOM: 10, ERROR: 11, LEAVE_ROOM: 12, ROOM_DATA: 13, ROOM_REQUEST: 21, ROOM_RESPONSE: 22 } as const;

export interface SeatReservation {
  readonly name: string;
  readonly roomId: string;
  readonly sessionId: string;
  readonly processId: string;
  readonly publicAddress?: string;
}

/** The WebSocket URL of a seat reservation, as @colyseus/sdk's Client.buildEndpoint builds it. */
export function roomUrl(httpBase: string, r: SeatReservation): string {
  const base = r.publicAddress ? `${httpBase.startsWith('https') ? 'wss' : 'ws'}://${r.publicAddress}` : httpBase.replace(/^http/, 'ws');
  return `${base}/${r.processId}/${r.roomId}?sessionId=${encodeURIComponent(r.sessionId)}`;
}

function colyseusNumber(w: ByteWriter, n: number): void {
  if (n < 0x80) w.byte(n);
  else if (n < 0x100) w.byte(0xcc).byte(n);
  else if (n < 0x10000) w.byte(0xcd).uint(n, 2, true);
  else w.byte(0xce).uint(n >>> 0, 4, true);
}

function colyseusString(w: ByteWriter, s: string): void {
  const b = utf8Encode(s);
  if (b.length < 32) w.byte(0xa0 | b.length);
  else if (b.length < 0x100) w.byte(0xd9).byte(b.length);
  else w.byte(0xda).uint(b.length, 2, true);
  w.all(b);
}

export const joinAck = (): ArrayBuffer => new Uint8Array([Protocol.JOIN_ROOM]).buffer as ArrayBuffer;

export function requestFrame(requestId: number, type: string, args: Packable): ArrayBuffer {
  const w = new ByteWriter().byte(Protocol.ROOM_REQUEST);
  colyseusNumber(w, requestId);
  colyseusString(w, type);
  pack(args, w);
  return w.bytes().buffer as ArrayBuffer;
}

function readNumber(b: Uint8Array, pos: { offset: number }): number {
  const t = b[pos.offset++];
  const le = (n: number): number => {
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + b[pos.offset + i];
    pos.offset += n;
    return v;
  };
  if (t < 0x80) return t;
  if (t === 0xcc) return le(1);
  if (t === 0xcd) return le(2);
  if (t === 0xce) return le(4);
  if (t === 0xcf) return le(8);
  throw new Error(`unexpected number prefix 0x${t.toString(16)}`);
}

function readString(b: Uint8Array, pos: { offset: number }): string {
  const t = b[pos.offset++];
  let n = 0;
  if (t >= 0xa0 && t < 0xc0) n = t & 31;
  else if (t === 0xd9) n = b[pos.offset++];
  else if (t === 0xda) n = b[pos.offset] + 256 * b[pos.offset + 1];
  if (t === 0xda) pos.offset += 2;
  pos.offset += n;
  return utf8Decode(b, pos.offset - n, pos.offset);
}

export type Frame =
  | { readonly kind: 'join' }
  | { readonly kind: 'response'; readonly requestId: number; readonly status: number; readonly payload: unknown }
  | { readonly kind: 'data'; readonly type: string; readonly payload: unknown }
  | { readonly kind: 'error'; readonly code: number; readonly message: string }
  | { readonly kind: 'leave' }
  | { readonly kind: 'other'; readonly code: number };

export function parseFrame(data: ArrayBuffer): Frame {
  const b = new Uint8Array(data);
  const pos = { offset: 1 };
  const code = b[0] & 0x1f;
  switch (code) {
    case Protocol.JOIN_ROOM:
      return { kind: 'join' };
    case Protocol.ROOM_RESPONSE: {
      const requestId = readNumber(b, pos);
      const status = b[pos.offset++];
      return { kind: 'response', requestId, status, payload: pos.offset < b.length ? unpack(b, pos) : undefined };
    }
    case Protocol.ROOM_DATA: {
      const t = b[pos.offset];
      const isString = (t > 0xa0 && t < 0xc0) || t === 0xd9 || t === 0xda || t === 0xdb;
      const type = isString ? readString(b, pos) : String(readNumber(b, pos));
      return { kind: 'data', type, payload: pos.offset < b.length ? unpack(b, pos) : undefined };
    }
    case Protocol.ERROR:
      return { kind: 'error', code: readNumber(b, pos), message: readString(b, pos) };
    case Protocol.LEAVE_ROOM:
      return { kind: 'leave' };
    default:
      return { kind: 'other', code };
  }
}
