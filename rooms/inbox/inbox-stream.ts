/**
 * The inbox stream `u:<userId>`: claimed on first write, appended through one StreamWriter, each
 * stored entry pushed to the user's devices after it committed. C2C messages are indexed by the
 * other side for roaming queries and deduplicated by (sender, receiver, random).
 */
import type { C2CChange, C2CChangeOutcome, C2CDeliverOptions, C2CDelivery } from '../../src/im/actor-api.ts';
import { findC2CCopy } from '../../src/im/c2c/find-copy.ts';
import { countsUnread } from '../../src/im/conversations/conversation-state.ts';
import { type ConversationChange, type ConversationChangeOutcome, planChange } from '../../src/im/conversations/change-conversation.ts';
import { type ContactChange, type ContactChangeOutcome, planContacts } from '../../src/im/conversations/change-contacts.ts';
import { imError } from '../../src/protocol/errors.ts';
import { entryOf, forClients } from '../../src/im/stream-page.ts';
import { type C2CChangeNotice, type C2CMessage, type Entry, FLAG_DELETED, FLAG_RECALLED, type InboxOnlyEntry, type StreamEvent } from '../../src/protocol/entries.ts';
import type { ParleyEvent } from '../../src/protocol/events.ts';
import { inboxStream } from '../../src/protocol/streams.ts';
import type { AppendEntry, MessageLog } from '../../storage/store.ts';
import type { Committed, StreamEmitter } from '../stream-emitter.ts';
import { StreamWriter } from '../stream-writer.ts';
import { ConversationBook } from './conversation-book.ts';

export interface InboxStreamOptions {
  readonly userId: string;
  readonly log: MessageLog;
  readonly now: () => number;
  readonly dedupWindowMs: number;
  readonly noticeRetentionS: number;
  /** Keep the user's conversation rows (PARLEY_CONVERSATIONS); off, the book stays empty and nothing is folded. */
  readonly conversations: boolean;
  /** Pushes a committed (or online-only) event to the user's devices, but `exceptDevice`. */
  readonly push: (event: StreamEvent, exceptDevice?: string) => void;
  /** The writer failed: the actor must passivate. */
  readonly onFatal: (e: unknown) => void;
  readonly onCommit?: (entries: number, seconds: number) => void;
  /** Publishes the stream's events. */
  readonly emitter: StreamEmitter;
}

const WRITER_LIMITS = { maxBatch: 256, maxQueue: 10_000 };

export class InboxStream {
  readonly #o: InboxStreamOptions;
  readonly streamId: string;
  #writer: Promise<StreamWriter> | undefined;
  #claimed: StreamWriter | undefined;
  #book: ConversationBook | undefined;
  #closed = false;
  /** Events were emitted through this inbox (a device came or went), so closing must see them published. */
  #emitted = false;
  /** The C2C unread total once each message or change of the batch being stored was folded, by SEQ, until it is published. */
  readonly #unreadAt = new Map<number, number>();
  /** The last conversation change queued: they run one at a time, each planned on the state its predecessor left. */
  #changes: Promise<unknown> = Promise.resolve();
  /** Imports being stored, by MsgSeq, MsgRandom and time; bounded by the calls in flight. */
  readonly #importing = new Map<string, Promise<C2CDelivery>>();

  constructor(o: InboxStreamOptions) {
    this.#o = o;
    this.streamId = inboxStream(o.userId);
  }

  #getWriter(): Promise<StreamWriter> {
    this.#writer ??= this.#o.log.claimStream(this.streamId).then(async (claim) => {
      const book = this.#o.conversations ? await ConversationBook.load(this.#o.log, this.streamId, this.#o.userId, claim.lastSeq) : undefined;
      const w = new StreamWriter(this.#o.log, claim, {
        ...WRITER_LIMITS,
        dedupWindowMs: this.#o.dedupWindowMs,
        now: this.#o.now,
        onFatal: this.#o.onFatal,
        onCommit: this.#o.onCommit,
        onCommitted: (items) => this.#o.emitter.committed(items.map((i): Committed => this.#committed(i.seq, i.value as Entry))),
        project: book
          ? (items) => {
              for (const i of items) {
                const entry = i.value as Entry;
                book.apply(i.seq, entry);
                if (entry.kind === 'c2c' || entry.kind === 'c2c.change') this.#unreadAt.set(i.seq, book.totalUnread);
              }
              return book.takeWrite(items[items.length - 1].seq);
            }
          : undefined,
      });
      if (this.#closed) w.close();
      this.#book = book;
      this.#claimed = w;
      void this.#o.emitter.catchUp(claim.lastSeq);
      return w;
    });
    this.#writer.catch(() => (this.#writer = undefined));
    return this.#writer;
  }

  async deliverC2C(msg: C2CMessage, opts: C2CDeliverOptions): Promise<C2CDelivery> {
    if (opts.imported) return this.#deliverImported(msg, opts);
    return this.#deliver(msg, opts);
  }

  /**
   * An imported message is stored once, however often and however late it is imported again: the
   * conversation's copies in its second are looked up first, and one import of a key runs at a time.
   */
  #deliverImported(msg: C2CMessage, opts: C2CDeliverOptions): Promise<C2CDelivery> {
    const key = `${msg.msgSeq}_${msg.random}_${msg.time}`;
    const running = this.#importing.get(key);
    if (running) return running.then((d) => ({ ...d, duplicate: true }));
    const delivery = (async (): Promise<C2CDelivery> => {
      const peer = msg.from === this.#o.userId ? msg.to : msg.from;
      const same = await findC2CCopy(this.#o.log, this.streamId, peer, Math.floor(msg.time / 1000), (m) => m.msgSeq === msg.msgSeq && m.random === msg.random && m.time === msg.time);
      if (same) return { seq: same.seq, message: JSON.parse(same.payload) as C2CMessage, duplicate: true };
      return this.#deliver(msg, opts);
    })();
    this.#importing.set(key, delivery);
    return delivery.finally(() => this.#importing.delete(key));
  }

  async #deliver(msg: C2CMessage, opts: C2CDeliverOptions): Promise<C2CDelivery> {
    if (opts.storeS === 0) {
      if (opts.pushLive) this.#o.push({ stream: this.streamId, seq: 0, entry: forClients(msg) }, opts.exceptDevice);
      return { seq: 0, message: msg, duplicate: false };
    }
    const peer = msg.from === this.#o.userId ? msg.to : msg.from;
    const stored: C2CMessage = opts.offlineS < opts.storeS ? { ...msg, offlineUntil: msg.time + opts.offlineS * 1000 } : msg;
    const payload = JSON.stringify(stored);
    const writer = await this.#getWriter();
    // Imports are deduplicated by their time instead (#deliverImported): two may share a random.
    const idemKey = opts.imported ? undefined : `c2c:${msg.from}>${msg.to}:${msg.random}`;
    const out = await writer.write({
      idemKey,
      make: (seq): { entry: AppendEntry; value: C2CMessage } => ({
        entry: {
          seq,
          time: msg.time,
          payload,
          flags: msg.flags,
          expiresAt: msg.time + opts.storeS * 1000,
          peer,
          ...(idemKey ? { idemKey, idemExpiresAt: msg.time + opts.dedupWindowS * 1000 } : {}),
        },
        value: msg,
      }),
    });
    if (out.duplicate) {
      const original = out.original ? (entryOf(out.original) as C2CMessage) : msg;
      return { seq: out.seq, message: original, duplicate: true };
    }
    if (opts.pushLive) this.#o.push({ stream: this.streamId, seq: out.seq, entry: forClients(msg) }, opts.exceptDevice);
    return { seq: out.seq, message: msg, duplicate: false };
  }

  async appendNotice(notice: InboxOnlyEntry): Promise<{ seq: number }> {
    const writer = await this.#getWriter();
    const entry: Entry = notice;
    const payload = JSON.stringify(entry);
    const out = await writer.write({
      make: (seq) => ({
        entry: { seq, time: notice.time, payload, flags: 0, expiresAt: notice.time + this.#o.noticeRetentionS * 1000 },
        value: entry,
      }),
    });
    if (!out.duplicate) this.#o.push({ stream: this.streamId, seq: out.seq, entry: forClients(entry) });
    return { seq: out.seq };
  }

  /**
   * Recalls, modifies or deletes the C2C message `change.msgKey` of this inbox: its row is found
   * through the roaming index (the other side, the MsgKey's second), updated in place (recall: flags
   * 8; delete: flags 16, this inbox only; modify: the new body and custom data), and a `c2c.change`
   * notice appended, which devices sync and the emitter turns into the receiver's event. A copy
   * deleted here is missing for every later change.
   */
  async changeC2C(change: C2CChange, second: number, now: number): Promise<C2CChangeOutcome> {
    const me = this.#o.userId;
    const peer = change.from === me ? change.to : change.from;
    const row = await findC2CCopy(this.#o.log, this.streamId, peer, second, (m) => {
      if (m.msgKey !== change.msgKey) return false;
      // A user deletes what they sent or received alike.
      return (m.from === change.from && m.to === change.to) || (change.change === 'delete' && m.from === change.to && m.to === change.from);
    });
    if (!row || (row.flags & FLAG_DELETED) !== 0) return { outcome: 'missing' };
    const stored = JSON.parse(row.payload) as C2CMessage;
    if (change.change === 'delete') {
      await this.#o.log.updateEntry(this.streamId, row.seq, { flags: row.flags | FLAG_DELETED });
    } else if ((row.flags & FLAG_RECALLED) !== 0) {
      return { outcome: 'recalled' };
    } else if (change.change === 'recall') {
      await this.#o.log.updateEntry(this.streamId, row.seq, { flags: row.flags | FLAG_RECALLED });
    } else {
      const modified: C2CMessage = { ...stored, body: change.body ?? stored.body, cloudCustomData: change.cloudCustomData ?? stored.cloudCustomData };
      await this.#o.log.updateEntry(this.streamId, row.seq, { payload: JSON.stringify(modified) });
    }
    const notice: C2CChangeNotice = {
      kind: 'c2c.change',
      change: change.change,
      from: change.from,
      to: change.to,
      msgKey: change.msgKey,
      seq: row.seq,
      operator: change.operator,
      time: now,
      ...(change.body ? { body: change.body } : {}),
      ...(change.cloudCustomData !== undefined ? { cloudCustomData: change.cloudCustomData } : {}),
      origin: change.origin,
      ...(change.change !== 'modify' && countsUnread(me, stored) ? { counted: true as const } : {}),
    };
    await this.appendNotice(notice);
    return { outcome: 'changed', seq: row.seq };
  }

  #committed(seq: number, entry: Entry): Committed {
    const unread = this.#unreadAt.get(seq);
    if (unread === undefined) return { seq, entry };
    this.#unreadAt.delete(seq);
    return { seq, entry, unread };
  }

  /** The user's conversation rows, once the stream is claimed (they are loaded with the claim); undefined where the app keeps none. */
  async conversations(): Promise<ConversationBook | undefined> {
    await this.#getWriter();
    return this.#book;
  }

  /** Applies a change to one conversation (change-conversation.ts): its notice is appended, and so folded, before the answer. */
  changeConversation(change: ConversationChange, now: number): Promise<ConversationChangeOutcome> {
    return this.#oneAtATime(() => this.#changeConversation(change, now));
  }

  async #changeConversation(change: ConversationChange, now: number): Promise<ConversationChangeOutcome> {
    const book = await this.conversations();
    if (!book) return { changed: false, unreadBefore: 0, unread: 0, readTime: 0 };
    let totalUnread = 0;
    let pinned = 0;
    for (const r of book.all()) {
      if (r.type === 'c2c') totalUnread += r.unread;
      if (r.pinnedAt > 0 && !r.deleted) pinned++;
    }
    const side = { me: this.#o.userId, streamId: this.streamId, log: this.#o.log, row: book.get(change.conversationId), totalUnread, pinned, now };
    const { notice, outcome } = await planChange(side, change);
    if (notice) await this.appendNotice(notice);
    return outcome;
  }

  /**
   * Applies a change to the conversation groups or marks (change-contacts.ts): its notice is
   * appended, and so folded, before the answer. They are part of the conversation list: an app
   * that keeps none (PARLEY_CONVERSATIONS off) has none to change.
   */
  changeContacts(change: ContactChange, operator: string, now: number): Promise<ContactChangeOutcome> {
    return this.#oneAtATime(async () => {
      const book = await this.conversations();
      if (!book) throw imError('ContactInvalidParam', { detail: 'this app keeps no conversation list (PARLEY_CONVERSATIONS is off), so no conversation groups or marks' });
      const side = { me: this.#o.userId, groups: book.groups(), mark: (id: string) => book.mark(id), marked: book.marked, now, operator };
      const { notice, outcome } = planContacts(side, change);
      if (notice) await this.appendNotice(notice);
      return outcome;
    });
  }

  /** Runs `fn` after every change queued before it has been stored (or failed). */
  #oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#changes.then(fn);
    this.#changes = run.catch(() => undefined);
    return run;
  }

  /** Records events of this user that are not inbox entries (state changes); published at least once. */
  emit(events: readonly ParleyEvent[]): Promise<void> {
    this.#emitted = true;
    return this.#o.emitter.emit(events);
  }

  /** Whether nothing is being written (safe to passivate). */
  get idle(): boolean {
    return this.#writer === undefined || (this.#claimed?.idle ?? false);
  }

  /** Publishes whatever events of this inbox may be missing (after a crash of its previous owner). */
  async flushEvents(): Promise<void> {
    const head = this.#claimed?.durableSeq ?? (await this.#o.log.headSeqs([this.streamId])).get(this.streamId) ?? 0;
    await this.#o.emitter.catchUp(head);
    if (!this.#claimed) await this.#o.emitter.settle(head);
  }

  /**
   * Deletes every entry of the stream committed or queued so far (the account was deleted). The
   * head stays with the store, so a later account of the same id continues after it: no SEQ is reused.
   */
  async dropAll(): Promise<void> {
    const writer = await this.#getWriter();
    await writer.settled();
    await this.#o.log.dropEntries(this.streamId, writer.durableSeq);
    this.#book?.clear();
  }

  /** The highest committed SEQ, once the stream was claimed. */
  get head(): number | undefined {
    return this.#claimed?.durableSeq;
  }

  /** Stops writing; resolves once the stream's events are published and their position recorded. */
  async close(): Promise<void> {
    this.#closed = true;
    const w = await this.#writer?.catch(() => undefined);
    if (w) {
      w.close();
      await this.#o.emitter.settle(w.durableSeq);
    } else if (this.#emitted) {
      // Never written, but emitted: publish what is recorded and release the stream from the backlog.
      await this.flushEvents();
    }
  }
}
