/**
 * Work that must finish before the server closes what it uses: an actor that passivates or is
 * disposed at shutdown records its stream's emission position in the store, after the store may
 * have been asked to close. Such work is tracked here, and shutdown drains it before closing the
 * store and the bus. Bounded by the actors closing at once; each entry leaves when it settles.
 */
export class InFlight {
  readonly #pending = new Set<Promise<unknown>>();

  /** Tracks `work` until it settles; its failure is its owner's to report. */
  track(work: Promise<unknown>): void {
    const p = work.catch(() => undefined).finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  /**
   * Resolves once everything tracked so far (and anything tracked meanwhile) has settled, or after
   * `maxMs` at the latest; answers whether everything settled. Shutdown must end even when a back
   * end hangs: what did not settle is repaired by the emission sweep on the next start.
   */
  async drain(maxMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), maxMs)));
    const settled = (async (): Promise<true> => {
      while (this.#pending.size > 0) await Promise.all([...this.#pending]);
      return true;
    })();
    try {
      return await Promise.race([settled, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  get size(): number {
    return this.#pending.size;
  }
}
