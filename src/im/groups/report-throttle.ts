/** The in-memory throttle of a group's failure reports (group-reports.ts): one per key and window, counting those folded in. */

/** Keys tracked at most (error codes and `full`: a few in practice); past it the memory starts afresh. */
const MAX_KEYS = 64;

/** When each kind of report last went, and how many were folded since (in memory, per activation). */
export class ReportThrottle {
  readonly #last = new Map<string, { at: number; suppressed: number }>();

  /** How many reports of `key` were folded since the last one, when one is due at `now`; undefined (and counted) when not. */
  take(key: string, now: number, windowMs: number): number | undefined {
    const prev = this.#last.get(key);
    if (prev && now - prev.at < windowMs) {
      prev.suppressed++;
      return undefined;
    }
    if (!prev && this.#last.size >= MAX_KEYS) this.#last.clear();
    this.#last.set(key, { at: now, suppressed: 0 });
    return prev?.suppressed ?? 0;
  }
}
