/**
 * Open-loop pacing: fires sends at a fixed rate whatever the answers do, so a slow server shows up
 * as latency and backlog instead of silently lowering the offered load. Fires the deficit on each
 * timer tick (about 1 ms), so high rates go out in small bursts.
 */

export interface PaceResult {
  /** Sends due over the window at the requested rate. */
  readonly offered: number;
  readonly fired: number;
  /** Sends not fired because `maxInFlight` were outstanding. */
  readonly skipped: number;
  readonly windowMs: number;
}

export interface PaceOptions {
  /** Sends per second. */
  readonly rate: number;
  readonly durationMs: number;
  /** Outstanding sends above which new ones are skipped (counted, not queued). */
  readonly maxInFlight: number;
  readonly inFlight: () => number;
  /** Starts one send; must not block. */
  readonly fire: () => void;
}

export function pace(o: PaceOptions): Promise<PaceResult> {
  const start = performance.now();
  let due = 0;
  let fired = 0;
  let skipped = 0;
  return new Promise((resolve) => {
    const tick = (): void => {
      const elapsed = Math.min(performance.now() - start, o.durationMs);
      const target = Math.floor((o.rate * elapsed) / 1000);
      for (; due < target; due++) {
        if (o.inFlight() >= o.maxInFlight) skipped++;
        else {
          o.fire();
          fired++;
        }
      }
      if (elapsed >= o.durationMs) resolve({ offered: due, fired, skipped, windowMs: performance.now() - start });
      else setTimeout(tick, 1);
    };
    tick();
  });
}
