/**
 * Delivery integrity of a run: given what was sent (per receiving device and stream, the messages
 * it must get) and what each device received (per stream, SEQs and message ids in arrival order),
 * reports lost, duplicated, unexpected and out-of-order messages and SEQ gaps, per stream and in
 * total. Pure and synchronous; used by the bench after every scenario and meant for cluster tests.
 *
 * A "stream" here is one device's view of one Parley stream (`u:<user>`, `g:<group>`): the same
 * group stream seen by 500 devices is 500 streams. Expectations may share one `entries` array
 * (a group message is expected on every member's device), so a fan-out run costs one array, not
 * one per device.
 *
 * What is checked, per (device, stream):
 * - every required message arrives exactly once (`lost`, `duplicated`), and nothing arrives that
 *   was not expected there (`unexpected`, by message id);
 * - stored entries (SEQ > 0) arrive in SEQ order (`outOfOrder`) and each SEQ at most once
 *   (`duplicateSeqs`), whatever the entry (also notices and tips, which carry no message id);
 * - the SEQs received cover a contiguous range (`gaps`, `missingSeqs`): from `startAfter + 1` (or
 *   the first SEQ received) up to the highest of `head`, the acknowledged SEQs and the SEQs
 *   received;
 * - a message received at a SEQ other than the one the server acknowledged to its sender
 *   (`seqMismatches`).
 * Events with SEQ 0 (online-only entries, or a transport without SEQs such as the bare baseline)
 * are checked for loss and duplication only, by message id. A message sent as live only (`live`,
 * e.g. to an AVChatRoom) must moreover arrive with SEQ 0: a receipt of it at a SEQ, or a SEQ
 * acknowledged for it, counts as a `seqMismatches` (a live message must never be stored).
 */

/** A message id chosen by the sender, unique within a run. */
export type MessageId = string | number;

/** One message sent towards a stream, as its sender knows it. */
export interface SentEntry {
  readonly id: MessageId;
  /** SEQ the server acknowledged for this message in this stream; absent or 0 = not known. */
  readonly seq?: number;
  /** The send was not acknowledged (error, timeout): it may arrive, but need not; it must not arrive twice. */
  readonly unconfirmed?: boolean;
  /** Live only (never stored): must arrive with SEQ 0 and be acknowledged without a SEQ. */
  readonly live?: boolean;
}

/** What one device must receive on one stream. */
export interface ExpectedStream {
  readonly device: string;
  readonly stream: string;
  /** Messages the device must get here, each once; order is not prescribed (SEQ order is checked instead). */
  readonly entries: readonly SentEntry[];
  /** SEQs up to this one are not expected here (e.g. before the member joined); default: trust the first SEQ received. */
  readonly startAfter?: number;
  /** The device must have every SEQ up to this one (e.g. the stream's head when the run ended). */
  readonly head?: number;
}

/** What one device received on one stream, in arrival order, as two parallel arrays. */
export interface ObservedStream {
  readonly device: string;
  readonly stream: string;
  /** SEQ of each event; 0 for entries without a SEQ. */
  readonly seqs: ArrayLike<number>;
  /** Message id of each event; `undefined` for entries the run did not send (notices, tips). */
  readonly ids: ArrayLike<MessageId | undefined>;
}

/** An inclusive range of SEQs that never arrived. */
export interface SeqRange {
  readonly from: number;
  readonly to: number;
}

export interface StreamIntegrity {
  readonly device: string;
  readonly stream: string;
  /** Messages required here (unconfirmed sends excluded). */
  readonly expected: number;
  /** Events received here, of any kind. */
  readonly received: number;
  /** Required messages that never arrived. */
  readonly lost: number;
  /** Receipts of a message beyond its first (a message received three times counts 2). */
  readonly duplicated: number;
  /** Receipts of a message id that was not expected on this stream. */
  readonly unexpected: number;
  /** First receipts of a SEQ that arrived after a higher SEQ on this stream. */
  readonly outOfOrder: number;
  /** Receipts of a SEQ beyond its first (overlaps `duplicated` for the run's own messages). */
  readonly duplicateSeqs: number;
  /** SEQs inside the expected range that never arrived (the sum of `gaps`). */
  readonly missingSeqs: number;
  /** Messages that arrived at a SEQ other than the one acknowledged to the sender. */
  readonly seqMismatches: number;
  /** The missing SEQ ranges, in order; at most `maxListed`. */
  readonly gaps: readonly SeqRange[];
  /** Up to `maxListed` examples per problem, for a human to follow up. */
  readonly examples: IntegrityExamples;
}

export interface IntegrityExamples {
  readonly lost: readonly MessageId[];
  readonly duplicated: readonly MessageId[];
  readonly unexpected: readonly MessageId[];
  readonly outOfOrder: readonly { readonly seq: number; readonly afterSeq: number }[];
  readonly seqMismatches: readonly { readonly id: MessageId; readonly acknowledged: number; readonly received: number }[];
}

export interface IntegrityTotals {
  /** Streams checked (expected or observed). */
  readonly streams: number;
  readonly expected: number;
  readonly received: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly unexpected: number;
  readonly outOfOrder: number;
  readonly duplicateSeqs: number;
  readonly missingSeqs: number;
  readonly seqMismatches: number;
}

export interface IntegrityReport {
  /** True when every count in `totals` except `streams`, `expected` and `received` is zero. */
  readonly ok: boolean;
  readonly totals: IntegrityTotals;
  /** The streams with at least one problem, at most `maxStreams` of them (totals always count all). */
  readonly problems: readonly StreamIntegrity[];
}

export interface IntegrityOptions {
  /** Examples and gap ranges listed per stream; counts are always exact. Default 10. */
  readonly maxListed?: number;
  /** Problem streams listed in the report. Default 50. */
  readonly maxStreams?: number;
}

const PROBLEM_COUNTS = ['lost', 'duplicated', 'unexpected', 'outOfOrder', 'duplicateSeqs', 'missingSeqs', 'seqMismatches'] as const;

/** Checks a run; see the module comment for what each count means. */
export function checkIntegrity(
  expected: Iterable<ExpectedStream>,
  observed: Iterable<ObservedStream>,
  options: IntegrityOptions = {},
): IntegrityReport {
  const maxListed = options.maxListed ?? 10;
  const pairs = new Map<string, { exp?: ExpectedStream[]; obs?: ObservedStream[] }>();
  const slot = (device: string, stream: string) => {
    const key = `${device}\u0000${stream}`;
    let s = pairs.get(key);
    if (!s) pairs.set(key, (s = {}));
    return s;
  };
  for (const e of expected) (slot(e.device, e.stream).exp ??= []).push(e);
  for (const o of observed) (slot(o.device, o.stream).obs ??= []).push(o);
  const results: StreamIntegrity[] = [];
  for (const { exp, obs } of pairs.values()) results.push(checkStream(mergeExpected(exp), mergeObserved(obs), maxListed));
  return summarize(results, options.maxStreams ?? 50);
}

/** Combines reports of parts of one run (e.g. one per load worker) into one. */
export function mergeIntegrity(reports: readonly IntegrityReport[], options: IntegrityOptions = {}): IntegrityReport {
  const totals = emptyTotals();
  const problems: StreamIntegrity[] = [];
  for (const r of reports) {
    addTotals(totals, r.totals);
    problems.push(...r.problems);
  }
  return { ok: isClean(totals), totals, problems: problems.slice(0, options.maxStreams ?? 50) };
}

// ---- one stream ---------------------------------------------------------------------------------

interface Merged {
  readonly device: string;
  readonly stream: string;
  readonly entries: readonly (readonly SentEntry[])[];
  readonly startAfter?: number;
  readonly head: number;
}

function mergeExpected(list: ExpectedStream[] | undefined): Merged | undefined {
  if (!list) return undefined;
  const starts = list.map((e) => e.startAfter).filter((s): s is number => s !== undefined);
  return {
    device: list[0].device,
    stream: list[0].stream,
    entries: list.map((e) => e.entries),
    startAfter: starts.length > 0 ? Math.min(...starts) : undefined,
    head: Math.max(0, ...list.map((e) => e.head ?? 0)),
  };
}

function mergeObserved(list: ObservedStream[] | undefined): ObservedStream | undefined {
  if (!list || list.length === 1) return list?.[0];
  const seqs: number[] = [];
  const ids: (MessageId | undefined)[] = [];
  for (const o of list) {
    for (let i = 0; i < o.seqs.length; i++) {
      seqs.push(o.seqs[i]);
      ids.push(o.ids[i]);
    }
  }
  return { device: list[0].device, stream: list[0].stream, seqs, ids };
}

class Examples<T> {
  readonly items: T[] = [];
  count = 0;
  constructor(readonly max: number) {}
  add(item: T): void {
    if (this.count++ < this.max) this.items.push(item);
  }
}

/** The first SEQ each message id arrived at, the highest, and how often it arrived. */
interface Receipt {
  count: number;
  readonly firstSeq: number;
  maxSeq: number;
}

function checkStream(exp: Merged | undefined, obs: ObservedStream | undefined, maxListed: number): StreamIntegrity {
  const device = exp?.device ?? obs?.device ?? '';
  const stream = exp?.stream ?? obs?.stream ?? '';
  const order = checkOrder(obs, maxListed);
  const byId = countReceipts(obs);
  const ids = checkIds(exp, byId, maxListed);
  const gaps = findGaps(order.seen, exp?.startAfter, Math.max(exp?.head ?? 0, ids.maxAckedSeq, order.maxSeq), ids.minAckedSeq, maxListed);
  return {
    device,
    stream,
    expected: ids.required,
    received: obs?.seqs.length ?? 0,
    lost: ids.lost.count,
    duplicated: ids.duplicated.count,
    unexpected: ids.unexpected.count,
    outOfOrder: order.outOfOrder.count,
    duplicateSeqs: order.duplicateSeqs,
    missingSeqs: gaps.missing,
    seqMismatches: ids.mismatches.count,
    gaps: gaps.ranges,
    examples: {
      lost: ids.lost.items,
      duplicated: ids.duplicated.items,
      unexpected: ids.unexpected.items,
      outOfOrder: order.outOfOrder.items,
      seqMismatches: ids.mismatches.items,
    },
  };
}

function countReceipts(obs: ObservedStream | undefined): Map<MessageId, Receipt> {
  const byId = new Map<MessageId, Receipt>();
  if (!obs) return byId;
  for (let i = 0; i < obs.ids.length; i++) {
    const id = obs.ids[i];
    if (id === undefined) continue;
    const r = byId.get(id);
    if (r) {
      r.count++;
      if (obs.seqs[i] > r.maxSeq) r.maxSeq = obs.seqs[i];
    } else byId.set(id, { count: 1, firstSeq: obs.seqs[i], maxSeq: obs.seqs[i] });
  }
  return byId;
}

function checkOrder(obs: ObservedStream | undefined, maxListed: number) {
  const seen = new Set<number>();
  const outOfOrder = new Examples<{ seq: number; afterSeq: number }>(maxListed);
  let duplicateSeqs = 0;
  let maxSeq = 0;
  for (let i = 0; i < (obs?.seqs.length ?? 0); i++) {
    const seq = obs!.seqs[i];
    if (seq <= 0) continue;
    if (seen.has(seq)) {
      duplicateSeqs++;
      continue;
    }
    seen.add(seq);
    if (seq < maxSeq) outOfOrder.add({ seq, afterSeq: maxSeq });
    else maxSeq = seq;
  }
  return { seen, outOfOrder, duplicateSeqs, maxSeq };
}

function checkIds(exp: Merged | undefined, byId: Map<MessageId, Receipt>, maxListed: number) {
  const lost = new Examples<MessageId>(maxListed);
  const duplicated = new Examples<MessageId>(maxListed);
  const unexpected = new Examples<MessageId>(maxListed);
  const mismatches = new Examples<{ id: MessageId; acknowledged: number; received: number }>(maxListed);
  const known = new Set<MessageId>();
  let required = 0;
  let maxAckedSeq = 0;
  let minAckedSeq = Infinity;
  for (const entries of exp?.entries ?? []) {
    for (const e of entries) {
      if (known.has(e.id)) continue;
      known.add(e.id);
      const r = byId.get(e.id);
      if (!e.unconfirmed) required++;
      if (e.seq && !e.unconfirmed) {
        maxAckedSeq = Math.max(maxAckedSeq, e.seq);
        minAckedSeq = Math.min(minAckedSeq, e.seq);
      }
      if (!r) {
        if (!e.unconfirmed) lost.add(e.id);
        continue;
      }
      for (let extra = 1; extra < r.count; extra++) duplicated.add(e.id);
      if (e.live) {
        if (r.maxSeq > 0 || (e.seq ?? 0) > 0) mismatches.add({ id: e.id, acknowledged: e.seq ?? 0, received: r.maxSeq });
      } else if (e.seq && r.firstSeq > 0 && r.firstSeq !== e.seq) mismatches.add({ id: e.id, acknowledged: e.seq, received: r.firstSeq });
    }
  }
  for (const [id, r] of byId) {
    if (!known.has(id)) for (let n = 0; n < r.count; n++) unexpected.add(id);
  }
  return { required, lost, duplicated, unexpected, mismatches, maxAckedSeq, minAckedSeq };
}

function findGaps(seen: Set<number>, startAfter: number | undefined, hi: number, minAcked: number, maxListed: number) {
  const ranges: SeqRange[] = [];
  let missing = 0;
  if (hi <= 0) return { ranges, missing };
  let lo = startAfter !== undefined ? startAfter + 1 : Math.min(minAcked, ...lowest(seen));
  if (!Number.isFinite(lo)) return { ranges, missing };
  const sorted = [...seen].filter((s) => s >= lo && s <= hi).sort((a, b) => a - b);
  for (const s of [...sorted, hi + 1]) {
    if (s > lo) {
      missing += s - lo;
      if (ranges.length < maxListed) ranges.push({ from: lo, to: s - 1 });
    }
    lo = s + 1;
  }
  return { ranges, missing };
}

/** The smallest element as a one-element list (empty for an empty set), without spreading a large set. */
function lowest(seen: Set<number>): number[] {
  let min = Infinity;
  for (const s of seen) if (s < min) min = s;
  return Number.isFinite(min) ? [min] : [];
}

// ---- totals -------------------------------------------------------------------------------------

function emptyTotals(): { -readonly [K in keyof IntegrityTotals]: number } {
  return { streams: 0, expected: 0, received: 0, lost: 0, duplicated: 0, unexpected: 0, outOfOrder: 0, duplicateSeqs: 0, missingSeqs: 0, seqMismatches: 0 };
}

function addTotals(into: { -readonly [K in keyof IntegrityTotals]: number }, add: IntegrityTotals): void {
  for (const k of Object.keys(into) as (keyof IntegrityTotals)[]) into[k] += add[k];
}

function isClean(t: IntegrityTotals): boolean {
  return PROBLEM_COUNTS.every((k) => t[k] === 0);
}

function summarize(results: readonly StreamIntegrity[], maxStreams: number): IntegrityReport {
  const totals = emptyTotals();
  const problems: StreamIntegrity[] = [];
  for (const r of results) {
    addTotals(totals, { ...r, streams: 1 });
    if (problems.length < maxStreams && PROBLEM_COUNTS.some((k) => r[k] > 0)) problems.push(r);
  }
  return { ok: isClean(totals), totals, problems };
}
