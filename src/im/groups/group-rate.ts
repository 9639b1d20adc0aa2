/**
 * Per-group message rate control (spec §5.6): at most `rate` messages a second per group, all
 * senders together, counted in one-second windows. Messages are admitted as they come, so lower
 * priorities give way before the window is full: Low and Lowest take only the first 80 % of a
 * window, Normal the first 90 %, High all of it; beyond the rate everything is dropped. A dropped
 * message is not stored or delivered, and its sender is told it was sent (MsgDropReason MsgFreqCtrl).
 * Held in the group's actor (one per group in the cluster), in memory: a new activation starts afresh.
 */
import type { MsgPriority } from '../../protocol/entries.ts';

/** Share of a window each priority may fill. */
const SHARE: Readonly<Record<MsgPriority, number>> = { High: 1, Normal: 0.9, Low: 0.8, Lowest: 0.8 };

export class GroupRate {
  readonly #rate: number;
  #window = -1;
  #count = 0;

  constructor(rate: number) {
    this.#rate = rate;
  }

  /** Messages a second. */
  get rate(): number {
    return this.#rate;
  }

  /** Whether a message of `priority` sent at `now` (Unix ms) is admitted; an admitted one is counted. */
  admit(priority: MsgPriority, now: number): boolean {
    const window = Math.floor(now / 1000);
    if (window !== this.#window) {
      this.#window = window;
      this.#count = 0;
    }
    // At least one message a window for every priority, whatever the rate.
    const cap = Math.max(1, Math.floor(this.#rate * SHARE[priority]));
    if (this.#count >= cap) return false;
    this.#count++;
    return true;
  }
}
