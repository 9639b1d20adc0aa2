/**
 * The bench machine may be shared (other services, other people's test suites). Measurements are
 * taken when everything else on the box is quiet enough, within a total waiting budget per run so
 * a busy box cannot stretch a run without bound; a step spoiled by other tenants is repeated (see
 * scenarios/steps.ts).
 */
import { machineBusy } from './proc-stats.ts';

/** CPU of everything else (% of one core) below which the machine counts as quiet. */
export const QUIET_PERCENT = 30;

export interface QuietReading {
  /** Machine-wide CPU over the last window, % of one core. */
  readonly cpuPercent: number;
  readonly waitedS: number;
}

export class QuietGate {
  #budgetS: number;
  readonly #enabled: boolean;

  /** `budgetS`: total seconds this run may spend waiting; 0 = never wait (measure the background only). */
  constructor(budgetS: number) {
    this.#budgetS = budgetS;
    this.#enabled = budgetS > 0;
  }

  /** Whether this run cares about a quiet machine at all (full runs), even once its budget is spent. */
  get waits(): boolean {
    return this.#enabled;
  }

  /** Waits until the machine uses under QUIET_PERCENT of a core (1 s windows), at most `maxWaitS` and the budget left. */
  async wait(maxWaitS: number): Promise<QuietReading> {
    const limit = Math.min(maxWaitS, this.#budgetS);
    const t0 = performance.now();
    for (;;) {
      const busy = await machineBusy(limit > 0 ? 1000 : 300);
      const waited = (performance.now() - t0) / 1000;
      if (busy < QUIET_PERCENT || waited >= limit) {
        this.#budgetS = Math.max(0, this.#budgetS - waited);
        return { cpuPercent: busy, waitedS: Math.round(waited) };
      }
    }
  }
}
