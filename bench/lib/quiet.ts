/**
 * The bench machine may be shared (other services, other people's test suites). Measurements are
 * only taken when everything else on the box is quiet enough, and a step spoiled by other tenants
 * is run again (see scenarios/steps.ts).
 */
import { machineBusy } from './proc-stats.ts';

/** CPU of everything else (% of one core) below which the machine counts as quiet. */
export const QUIET_PERCENT = 30;

/** Waits until the machine uses under QUIET_PERCENT of a core (1 s windows), at most `maxWaitS`; returns the last reading and the wait. */
export async function waitForQuiet(maxWaitS: number): Promise<{ cpuPercent: number; waitedS: number }> {
  const t0 = performance.now();
  for (;;) {
    const busy = await machineBusy(maxWaitS > 0 ? 1000 : 300);
    const waitedS = Math.round((performance.now() - t0) / 1000);
    if (busy < QUIET_PERCENT || waitedS >= maxWaitS) return { cpuPercent: busy, waitedS };
  }
}
