/**
 * Exactly-once, in-order delivery of one stream's events on the client. Live events arrive
 * at-least-once and may skip SEQs (a dropped connection, a push racing a page); the tracker hands
 * each SEQ to the app once, in order, buffers what arrives early, and asks for a pull when it sees a
 * gap. Pages from the server advance the cursor over SEQs that no longer exist (expired).
 *
 * A sparse stream (the broadcast stream `b:all`, where a user is targeted by some pushes only) has
 * gaps by design: its live events are handed on at once, each SEQ once, and never start a pull; the
 * cursor stays where pages (a sync) brought it, or where live events carried it on without a gap, so
 * a later sync still brings what a dropped connection missed.
 */
import type { StreamPage } from '../protocol/client-ops.ts';
import type { StreamEvent } from '../protocol/entries.ts';

export type Deliver = (event: StreamEvent) => void;

/** Events buffered ahead of a gap, per stream; beyond it the oldest buffered are dropped (a pull refetches them). */
const MAX_BUFFERED = 10_000;

export class StreamTracker {
  readonly stream: string;
  #cursor: number;
  /** Known highest SEQ on the server (from pages and live events). */
  #head: number;
  readonly #early = new Map<number, StreamEvent>();
  readonly #deliver: Deliver;
  /** Sparse streams: SEQs above the cursor already handed on (live). */
  readonly #seen: Set<number> | undefined;

  constructor(stream: string, cursor: number, deliver: Deliver, o: { readonly sparse?: boolean } = {}) {
    this.stream = stream;
    this.#cursor = cursor;
    this.#head = cursor;
    this.#deliver = deliver;
    this.#seen = o.sparse ? new Set() : undefined;
  }

  /** The last SEQ handed to the app (or skipped as gone). */
  get cursor(): number {
    return this.#cursor;
  }

  /** Whether SEQs between the cursor and what the server has are still missing. */
  get behind(): boolean {
    return this.#head > this.#cursor;
  }

  /** A live event. Returns true if a gap was seen and the caller should pull. */
  live(event: StreamEvent): boolean {
    if (event.seq === 0) {
      this.#deliver(event);
      return false;
    }
    if (event.seq <= this.#cursor) return false;
    if (event.seq > this.#head) this.#head = event.seq;
    if (this.#seen) {
      if (this.#seen.has(event.seq)) return false;
      this.#seen.add(event.seq);
      this.#deliver(event);
      this.#skipSeen();
      return false;
    }
    if (event.seq === this.#cursor + 1) {
      this.#advance(event);
      this.#drain();
      return this.behind;
    }
    if (this.#early.size >= MAX_BUFFERED) this.#early.delete(Math.min(...this.#early.keys()));
    this.#early.set(event.seq, event);
    return true;
  }

  /**
   * Applies a pulled page: delivers its events, then moves the cursor over `through`. Events that
   * came live ahead of the page but that it leaves out (entries a page never holds: the broadcast
   * stream's online-only pushes) are delivered too, in SEQ order with the page's.
   */
  page(p: StreamPage): void {
    const paged = new Set<number>();
    const due: StreamEvent[] = [];
    for (const ev of p.events) {
      if (ev.seq <= this.#cursor || this.#seen?.has(ev.seq)) continue;
      paged.add(ev.seq);
      due.push(ev);
    }
    for (const [seq, ev] of this.#early) {
      if (seq > p.through) continue;
      this.#early.delete(seq);
      if (seq > this.#cursor && !paged.has(seq)) due.push(ev);
    }
    due.sort((a, b) => a.seq - b.seq);
    for (const ev of due) this.#advance(ev);
    if (p.through > this.#cursor) this.#cursor = p.through;
    if (p.head > this.#head) this.#head = p.head;
    this.#skipSeen();
    this.#drain();
  }

  /** Sparse streams: forgets what the cursor passed, and moves it over SEQs handed on just after it. */
  #skipSeen(): void {
    const seen = this.#seen;
    if (!seen) return;
    for (const seq of seen) if (seq <= this.#cursor) seen.delete(seq);
    while (seen.delete(this.#cursor + 1)) this.#cursor++;
  }

  /** Tells the tracker the server's head (e.g. from the group list) so `behind` reflects it. */
  noteHead(head: number): void {
    if (head > this.#head) this.#head = head;
  }

  #advance(event: StreamEvent): void {
    this.#cursor = event.seq;
    this.#deliver(event);
  }

  #drain(): void {
    for (let next = this.#early.get(this.#cursor + 1); next; next = this.#early.get(this.#cursor + 1)) {
      this.#early.delete(next.seq);
      this.#advance(next);
    }
  }
}
