/**
 * The bench message payload, carried as a TIMCustomElem `Data` string (or the bare baseline's
 * `data`): step number, message id and the send time, padded to a fixed size. Latency is computed
 * by the receiver against the same clock when sender and receiver share a process.
 */

/** Milliseconds on the wall clock with sub-millisecond resolution (monotonic within a process). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export interface Payload {
  /** Index of the step (rate) the message was sent in. */
  readonly step: number;
  /** Message id, unique within a run: `worker * WORKER_ID_SPAN + counter`. */
  readonly id: number;
  /** Send time from `nowMs()`. */
  readonly sentAt: number;
}

/** Ids of one worker lie in [worker × span, (worker + 1) × span). */
export const WORKER_ID_SPAN = 1_000_000_000;

const PREFIX = 'pb|';

export function encodePayload(p: Payload, bytes: number): string {
  const head = `${PREFIX}${p.step}|${p.id}|${Math.round(p.sentAt * 1000)}|`;
  return head.length >= bytes ? head : head + 'x'.repeat(bytes - head.length);
}

/** Decodes a payload; undefined for any other string. */
export function decodePayload(data: unknown): Payload | undefined {
  if (typeof data !== 'string' || !data.startsWith(PREFIX)) return undefined;
  const a = data.indexOf('|', 3);
  const b = data.indexOf('|', a + 1);
  const c = data.indexOf('|', b + 1);
  if (a < 0 || b < 0 || c < 0) return undefined;
  return { step: Number(data.slice(3, a)), id: Number(data.slice(a + 1, b)), sentAt: Number(data.slice(b + 1, c)) / 1000 };
}

export const workerOfId = (id: number): number => Math.floor(id / WORKER_ID_SPAN);
