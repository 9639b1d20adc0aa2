/**
 * Runs `work` over `items`, at most `limit` at a time, and settles once every item's work has;
 * rejects then with the first failure, if any (the other items' work still ran).
 */
export async function pooled<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  const results = await Promise.allSettled(runners);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
