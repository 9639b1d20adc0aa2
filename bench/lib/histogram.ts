/**
 * A latency histogram with logarithmic buckets (2 % wide, 1 µs to ~2 minutes), cheap to record
 * into on the hot path and mergeable across processes (workers send snapshots over IPC).
 * Percentiles report the upper edge of their bucket, capped at the exact maximum, so they
 * overstate by at most 2 %.
 */

const MIN_MS = 0.001;
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
/** Buckets beyond the last (over ~2 minutes) are clamped into it. */
const BUCKETS = 960;

/** Serialisable form: only non-empty buckets, as [index, count] pairs. */
export interface HistogramSnapshot {
  readonly buckets: readonly (readonly [number, number])[];
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

/** Latency figures in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

function bucketOf(ms: number): number {
  if (ms <= MIN_MS) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / LOG_GROWTH));
}

const upperEdge = (bucket: number): number => MIN_MS * GROWTH ** bucket;

export class Histogram {
  readonly #counts = new Float64Array(BUCKETS);
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = 0;

  static from(s: HistogramSnapshot): Histogram {
    const h = new Histogram();
    h.merge(s);
    return h;
  }

  get count(): number {
    return this.#count;
  }

  record(ms: number): void {
    const v = ms > 0 ? ms : 0;
    this.#counts[bucketOf(v)]++;
    this.#count++;
    this.#sum += v;
    if (v < this.#min) this.#min = v;
    if (v > this.#max) this.#max = v;
  }

  merge(s: HistogramSnapshot | Histogram): void {
    const snap = s instanceof Histogram ? s.snapshot() : s;
    for (const [i, n] of snap.buckets) this.#counts[i] += n;
    this.#count += snap.count;
    this.#sum += snap.sum;
    if (snap.count > 0) {
      this.#min = Math.min(this.#min, snap.min);
      this.#max = Math.max(this.#max, snap.max);
    }
  }

  /** The latency below which a fraction `q` (0..1) of the samples fall; 0 when empty. */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i];
      if (seen >= rank) return Math.min(upperEdge(i), this.#max);
    }
    return this.#max;
  }

  summary(): LatencySummary {
    return {
      count: this.#count,
      mean: this.#count ? this.#sum / this.#count : 0,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      p999: this.quantile(0.999),
      max: this.#max,
    };
  }

  /** Points of the percentile curve for plotting: [percentile, ms], denser towards the tail. */
  curve(): [number, number][] {
    const qs = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9999];
    return this.#count === 0 ? [] : [...qs.map((q): [number, number] => [q * 100, this.quantile(q)]), [100, this.#max]];
  }

  snapshot(): HistogramSnapshot {
    const buckets: [number, number][] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.#counts[i] > 0) buckets.push([i, this.#counts[i]]);
    return { buckets, count: this.#count, sum: this.#sum, min: this.#count ? this.#min : 0, max: this.#max };
  }
}
