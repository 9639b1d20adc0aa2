/** Start-up of external dependencies: a bounded wait and one error type with a clear message. */

/** A dependency (store, Redis, Kafka) did not answer or refused at start. */
export class DependencyUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'DependencyUnavailableError';
  }
}

/**
 * Rejects with "<what>: no answer within <ms> ms" if `p` takes longer. The timer is deliberately
 * ref'd: a client library waiting between retries may hold no handle of its own, and an unref'd
 * timer would then let the event loop empty and the process exit 0 without a word.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
