/** Feeds a stream writer's commits into the store metrics. */
import type { Metrics } from '../src/ops/metrics.ts';

export function commitObserver(metrics: Metrics, kind: 'u' | 'g' | 'b'): (entries: number, seconds: number) => void {
  const stored = metrics.entriesStored.labels(kind);
  return (entries, seconds) => {
    stored.inc(entries);
    metrics.storeAppend.observe(seconds);
    metrics.batchSize.observe(entries);
  };
}
