/** Start-up of external dependencies: a bounded wait and one error type with a clear message. */

/** A dependency (store, Redis, Kafka) did not answer or refused at start. */
export class DependencyUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'DependencyUnavailableError';
  }
}

/** Rejects with "<what>: no answer within <ms> ms" if `p` takes longer. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
