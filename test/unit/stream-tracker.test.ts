import { describe, expect, it } from 'vitest';
import { StreamTracker } from '../../src/client/stream-tracker.ts';
import type { StreamEvent } from '../../src/protocol/entries.ts';

const ev = (seq: number): StreamEvent => ({ stream: 'u:a', seq, entry: { kind: 'notice', notice: 'group.joined', groupId: 'g', groupSeq: seq, operator: 'x', time: seq } });

function tracker(cursor = 0) {
  const got: number[] = [];
  const t = new StreamTracker('u:a', cursor, (e) => got.push(e.seq));
  return { t, got };
}

describe('StreamTracker', () => {
  it('delivers consecutive live events at once', () => {
    const { t, got } = tracker();
    expect(t.live(ev(1))).toBe(false);
    expect(t.live(ev(2))).toBe(false);
    expect(got).toEqual([1, 2]);
    expect(t.cursor).toBe(2);
  });

  it('drops duplicates and events at or below the cursor', () => {
    const { t, got } = tracker(5);
    t.live(ev(5));
    t.live(ev(6));
    t.live(ev(6));
    expect(got).toEqual([6]);
  });

  it('holds events after a gap, asks for a pull, and delivers in order once the page fills the gap', () => {
    const { t, got } = tracker();
    t.live(ev(1));
    expect(t.live(ev(4))).toBe(true);
    expect(t.live(ev(5))).toBe(true);
    expect(got).toEqual([1]);
    t.page({ events: [ev(2), ev(3), ev(4)], through: 4, head: 5 });
    expect(got).toEqual([1, 2, 3, 4, 5]);
    expect(t.behind).toBe(false);
  });

  it('moves over SEQs that no longer exist when a page says so', () => {
    const { t, got } = tracker();
    t.live(ev(7));
    t.page({ events: [ev(6)], through: 6, head: 7 });
    expect(got).toEqual([6, 7]);
    expect(t.cursor).toBe(7);
  });

  it('delivers, in order, live events a page passes over without holding them (online-only broadcasts)', () => {
    const { t, got } = tracker(1);
    t.live(ev(5));
    t.live(ev(3));
    t.page({ events: [ev(4)], through: 6, head: 6 });
    expect(got).toEqual([3, 4, 5]);
    expect(t.cursor).toBe(6);
    t.live(ev(5));
    expect(got).toEqual([3, 4, 5]);
  });

  it('hands a sparse stream’s live events on at once, each once, without asking for a pull; a page brings what was missed', () => {
    const got: number[] = [];
    const t = new StreamTracker('b:all', 2, (e) => got.push(e.seq), { sparse: true });
    expect(t.live(ev(5))).toBe(false);
    expect(t.live(ev(3))).toBe(false);
    expect(t.live(ev(5))).toBe(false);
    expect(got).toEqual([5, 3]);
    expect(t.cursor).toBe(3);
    expect(t.behind).toBe(true);
    t.page({ events: [ev(4), ev(5), ev(7)], through: 8, head: 8 });
    expect(got).toEqual([5, 3, 4, 7]);
    expect(t.cursor).toBe(8);
    t.live(ev(7));
    t.live(ev(9));
    expect(got).toEqual([5, 3, 4, 7, 9]);
    expect(t.cursor).toBe(9);
  });

  it('passes online-only events (seq 0) straight through', () => {
    const { t, got } = tracker(3);
    expect(t.live(ev(0))).toBe(false);
    expect(got).toEqual([0]);
    expect(t.cursor).toBe(3);
  });

  it('is behind when the server head is ahead of the cursor', () => {
    const { t } = tracker(2);
    t.noteHead(9);
    expect(t.behind).toBe(true);
    t.page({ events: [], through: 9, head: 9 });
    expect(t.behind).toBe(false);
  });
});
