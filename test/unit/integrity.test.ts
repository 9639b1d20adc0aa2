import { describe, expect, it } from 'vitest';
import {
  type ExpectedStream,
  type MessageId,
  type ObservedStream,
  type SentEntry,
  checkIntegrity,
  mergeIntegrity,
} from '../../bench/integrity.ts';

const sent = (...ids: number[]): SentEntry[] => ids.map((id) => ({ id }));
const acked = (...pairs: [id: number, seq: number][]): SentEntry[] => pairs.map(([id, seq]) => ({ id, seq }));

function expectOn(device: string, stream: string, entries: readonly SentEntry[], more: Partial<ExpectedStream> = {}): ExpectedStream {
  return { device, stream, entries, ...more };
}

/** Events as [seq, id] pairs in arrival order; id null = an entry the run did not send. */
function observed(device: string, stream: string, events: [seq: number, id: MessageId | null][]): ObservedStream {
  return { device, stream, seqs: events.map((e) => e[0]), ids: events.map((e) => e[1] ?? undefined) };
}

describe('checkIntegrity', () => {
  it('reports a clean run when every message arrives once, in SEQ order, without gaps', () => {
    const r = checkIntegrity([expectOn('bob', 'u:bob', acked([1, 1], [2, 2], [3, 3]))], [observed('bob', 'u:bob', [[1, 1], [2, 2], [3, 3]])]);
    expect(r.ok).toBe(true);
    expect(r.problems).toEqual([]);
    expect(r.totals).toMatchObject({ streams: 1, expected: 3, received: 3, lost: 0, missingSeqs: 0 });
  });

  it('counts a message that never arrived as lost, and its acknowledged SEQ as a gap', () => {
    const r = checkIntegrity([expectOn('bob', 'u:bob', acked([1, 1], [2, 2], [3, 3]))], [observed('bob', 'u:bob', [[1, 1], [3, 3]])]);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ device: 'bob', stream: 'u:bob', lost: 1, missingSeqs: 1, gaps: [{ from: 2, to: 2 }] });
    expect(r.problems[0].examples.lost).toEqual([2]);
  });

  it('finds a lost tail through the acknowledged SEQs even though the received SEQs look contiguous', () => {
    const r = checkIntegrity([expectOn('bob', 'u:bob', acked([1, 1], [2, 2], [3, 3], [4, 4]))], [observed('bob', 'u:bob', [[1, 1], [2, 2]])]);
    expect(r.totals).toMatchObject({ lost: 2, missingSeqs: 2 });
    expect(r.problems[0].gaps).toEqual([{ from: 3, to: 4 }]);
  });

  it('counts every extra receipt of a message as a duplicate, and the repeated SEQ too', () => {
    const r = checkIntegrity([expectOn('bob', 'u:bob', sent(7))], [observed('bob', 'u:bob', [[1, 7], [1, 7], [1, 7]])]);
    expect(r.totals).toMatchObject({ duplicated: 2, duplicateSeqs: 2, lost: 0, outOfOrder: 0 });
    expect(r.problems[0].examples.duplicated).toEqual([7, 7]);
  });

  it('flags a SEQ that arrives after a higher one as out of order, but not as a gap', () => {
    const r = checkIntegrity([expectOn('bob', 'u:bob', sent(1, 2, 3))], [observed('bob', 'u:bob', [[1, 1], [3, 3], [2, 2]])]);
    expect(r.totals).toMatchObject({ outOfOrder: 1, missingSeqs: 0, lost: 0 });
    expect(r.problems[0].examples.outOfOrder).toEqual([{ seq: 2, afterSeq: 3 }]);
  });

  it('reports a gap between received SEQs even when the missing entries were not sent by the run', () => {
    const r = checkIntegrity([], [observed('bob', 'u:bob', [[1, null], [2, null], [5, null]])]);
    expect(r.totals).toMatchObject({ missingSeqs: 2, lost: 0 });
    expect(r.problems[0].gaps).toEqual([{ from: 3, to: 4 }]);
  });

  it('checks the range from startAfter, so a stream that begins late is not a gap but a missing first SEQ is', () => {
    const fine = checkIntegrity([expectOn('m', 'g:x', sent(), { startAfter: 10 })], [observed('m', 'g:x', [[11, null], [12, null]])]);
    expect(fine.ok).toBe(true);
    const late = checkIntegrity([expectOn('m', 'g:x', sent(), { startAfter: 8 })], [observed('m', 'g:x', [[11, null]])]);
    expect(late.problems[0].gaps).toEqual([{ from: 9, to: 10 }]);
  });

  it('requires every SEQ up to the given head', () => {
    const r = checkIntegrity([expectOn('m', 'g:x', [], { head: 4 })], [observed('m', 'g:x', [[1, null], [2, null]])]);
    expect(r.problems[0]).toMatchObject({ missingSeqs: 2, gaps: [{ from: 3, to: 4 }] });
  });

  it('counts a message received on a stream that did not expect it as unexpected', () => {
    const r = checkIntegrity([expectOn('bob', 'u:bob', sent(1))], [observed('bob', 'u:bob', [[1, 1]]), observed('eve', 'u:eve', [[1, 1]])]);
    expect(r.totals).toMatchObject({ unexpected: 1, streams: 2 });
    expect(r.problems[0]).toMatchObject({ device: 'eve', unexpected: 1 });
  });

  it('reports a message that arrived at another SEQ than the one acknowledged to its sender', () => {
    const r = checkIntegrity([expectOn('m', 'g:x', acked([1, 1], [2, 2]))], [observed('m', 'g:x', [[1, 2], [2, 1]])]);
    expect(r.totals.seqMismatches).toBe(2);
    expect(r.problems[0].examples.seqMismatches[0]).toEqual({ id: 1, acknowledged: 1, received: 2 });
  });

  it('lets an unconfirmed send arrive or not, but never twice', () => {
    const maybe: SentEntry[] = [{ id: 1, unconfirmed: true }, { id: 2, unconfirmed: true }];
    const once = checkIntegrity([expectOn('bob', 'u:bob', maybe)], [observed('bob', 'u:bob', [[1, 1]])]);
    expect(once.ok).toBe(true);
    expect(once.totals.expected).toBe(0);
    const twice = checkIntegrity([expectOn('bob', 'u:bob', maybe)], [observed('bob', 'u:bob', [[1, 1], [1, 1]])]);
    expect(twice.totals.duplicated).toBe(1);
  });

  it('checks loss and duplication but no SEQ order for entries without a SEQ', () => {
    const r = checkIntegrity([expectOn('bob', 'echo', sent(1, 2, 3))], [observed('bob', 'echo', [[0, 3], [0, 1], [0, 1]])]);
    expect(r.totals).toMatchObject({ lost: 1, duplicated: 1, outOfOrder: 0, missingSeqs: 0, duplicateSeqs: 0 });
  });

  it('requires a live-only message (an AVChatRoom’s) to arrive at SEQ 0 and be acknowledged without one', () => {
    const live = (id: number, seq?: number): SentEntry => ({ id, live: true, ...(seq !== undefined ? { seq } : {}) });
    const clean = checkIntegrity([expectOn('bob', 'g:av', [live(1), live(2)])], [observed('bob', 'g:av', [[0, 1], [0, 2]])]);
    expect(clean.totals).toMatchObject({ lost: 0, duplicated: 0, seqMismatches: 0 });
    const stored = checkIntegrity([expectOn('bob', 'g:av', [live(1), live(2, 7)])], [observed('bob', 'g:av', [[0, 1], [5, 1], [0, 2]])]);
    expect(stored.totals).toMatchObject({ duplicated: 1, seqMismatches: 2 });
  });

  it('treats an expected stream that was never observed as wholly lost', () => {
    const r = checkIntegrity([expectOn('bob', 'u:bob', acked([1, 1], [2, 2]))], []);
    expect(r.problems[0]).toMatchObject({ received: 0, lost: 2, missingSeqs: 2 });
  });

  it('keeps devices apart when one shared entries array is expected on many streams', () => {
    const group = acked([1, 1], [2, 2]);
    const r = checkIntegrity(
      ['a', 'b', 'c'].map((d) => expectOn(d, 'g:x', group)),
      [observed('a', 'g:x', [[1, 1], [2, 2]]), observed('b', 'g:x', [[1, 1], [2, 2]]), observed('c', 'g:x', [[1, 1]])],
    );
    expect(r.totals).toMatchObject({ streams: 3, expected: 6, received: 5, lost: 1 });
    expect(r.problems.map((p) => p.device)).toEqual(['c']);
  });

  it('limits listed examples and problem streams while keeping exact counts', () => {
    const ids = Array.from({ length: 30 }, (_, i) => i + 1);
    const r = checkIntegrity(
      ['a', 'b', 'c'].map((d) => expectOn(d, 'u:x', sent(...ids))),
      [],
      { maxListed: 5, maxStreams: 2 },
    );
    expect(r.totals.lost).toBe(90);
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0].examples.lost).toHaveLength(5);
  });

  it('merges the reports of several workers into one with summed totals', () => {
    const clean = checkIntegrity([expectOn('a', 'u:a', sent(1))], [observed('a', 'u:a', [[1, 1]])]);
    const lossy = checkIntegrity([expectOn('b', 'u:b', sent(1))], []);
    const merged = mergeIntegrity([clean, lossy]);
    expect(merged.ok).toBe(false);
    expect(merged.totals).toMatchObject({ streams: 2, expected: 2, received: 1, lost: 1 });
    expect(merged.problems.map((p) => p.device)).toEqual(['b']);
  });
});
