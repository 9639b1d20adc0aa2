/**
 * Flood control of one user's devices (issue 19 item 2): each device may issue `opRate` operations a
 * second (bursts of `opBurst`) with at most `maxPending` unanswered, and the user, all devices
 * together, `sendRate` message sends a second (bursts of `sendBurst`). A refused operation gets
 * 60018 at once and costs the server nothing more; a device refused `closeAfter` times in a row is
 * closed with SlowDown, which tells the SDK to wait before it logs in again. A rate of 0 is no
 * limit. Limits are per inbox
 * actor, so one user's flood never queues behind another user's work.
 */
import type { Client } from '@colyseus/core';
import { TokenBucket } from '../../src/ops/token-bucket.ts';

export interface FloodLimits {
  readonly opRate: number;
  readonly opBurst: number;
  readonly sendRate: number;
  readonly sendBurst: number;
  readonly maxPending: number;
  /** Refusals in a row after which the device is closed. */
  readonly closeAfter: number;
}

/** Operations that send a message (counted against the user's send rate too). */
const SENDS = new Set(['c2c.send', 'group.send']);

interface DeviceState {
  readonly ops: TokenBucket;
  pending: number;
  refusedInARow: number;
}

export type Admission = 'ok' | 'refused' | 'close';

export class FloodGuard {
  readonly #limits: FloodLimits;
  readonly #now: () => number;
  readonly #devices = new WeakMap<Client, DeviceState>();
  #sends: TokenBucket | undefined;

  constructor(limits: FloodLimits, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Whether `client` may run `op` now; 'ok' counts it pending until `done`. */
  admit(client: Client, op: string): Admission {
    const now = this.#now();
    const l = this.#limits;
    let d = this.#devices.get(client);
    if (!d) this.#devices.set(client, (d = { ops: new TokenBucket(l.opRate, l.opBurst, now), pending: 0, refusedInARow: 0 }));
    const sends = SENDS.has(op) && l.sendRate > 0 ? (this.#sends ??= new TokenBucket(l.sendRate, l.sendBurst, now)) : undefined;
    const ok = d.pending < l.maxPending && (l.opRate === 0 || d.ops.take(now)) && (sends === undefined || sends.take(now));
    if (ok) {
      d.pending++;
      d.refusedInARow = 0;
      return 'ok';
    }
    d.refusedInARow++;
    return d.refusedInARow >= l.closeAfter ? 'close' : 'refused';
  }

  /** An admitted operation was answered. */
  done(client: Client): void {
    const d = this.#devices.get(client);
    if (d && d.pending > 0) d.pending--;
  }
}
