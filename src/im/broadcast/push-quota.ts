/**
 * The im_push quota (Tencent: 100 calls a day, at least 1 s apart; 90047, 90024), kept by the
 * broadcast actor, the one writer of `b:all`: the times of the pushes accepted in the last 24 hours,
 * loaded from the stream's tail on activation, so a restart or a move does not reset it.
 */
import { imError } from '../../protocol/errors.ts';

export const DAY_MS = 24 * 3600 * 1000;

export interface QuotaLimits {
  readonly perDay: number;
  readonly gapMs: number;
}

export class PushQuota {
  readonly #limits: QuotaLimits;
  /** Accepted pushes' times, ascending; at most `perDay` of them (older ones are dropped as time passes). */
  #times: number[];

  constructor(limits: QuotaLimits, acceptedAt: readonly number[]) {
    this.#limits = limits;
    this.#times = [...acceptedAt].sort((a, b) => a - b);
  }

  /** Refuses a push at `now` that would come too soon after the last (90024) or over the day's quota (90047). */
  check(now: number): void {
    this.#times = this.#times.filter((t) => t > now - DAY_MS);
    const last = this.#times.at(-1);
    if (last !== undefined && now - last < this.#limits.gapMs) throw imError('PushTooFrequent', { gapMs: this.#limits.gapMs, agoMs: Math.max(0, now - last) });
    if (this.#times.length >= this.#limits.perDay) {
      const first = this.#times[this.#times.length - this.#limits.perDay];
      throw imError('PushDailyQuota', { max: this.#limits.perDay, nextAt: new Date(first + DAY_MS).toISOString() });
    }
  }

  /** Counts a push accepted at `time`. */
  note(time: number): void {
    this.#times.push(time);
  }
}
