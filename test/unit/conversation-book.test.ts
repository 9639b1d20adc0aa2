/**
 * The conversation rows as a fold over an inbox: what each entry does to its row, that an entry
 * folded twice counts once, and that a book loaded from a projection that lags the entries (a crash
 * between the append and the projection write) catches up from the stream.
 */
import { describe, expect, it } from 'vitest';
import { ConversationBook } from '../../rooms/inbox/conversation-book.ts';
import { type ConversationState, foldEntry } from '../../src/im/conversations/conversation-state.ts';
import type { C2CChangeNotice, C2CMessage, ConversationNotice, Entry } from '../../src/protocol/entries.ts';
import { openSqliteStore } from '../../storage/sqlite/sqlite-store.ts';

const ME = 'me';
const msg = (from: string, to: string, time: number, more: Partial<C2CMessage> = {}): C2CMessage => ({
  kind: 'c2c', from, to, time, msgKey: `1_${time}_${Math.floor(time / 1000)}`, msgSeq: 1, random: time, body: [], flags: 0, ...more,
});
const note = (change: ConversationNotice['change'], more: Partial<ConversationNotice> = {}): ConversationNotice => ({
  kind: 'conversation', change, conversationId: 'c2c_bob', time: 9_000, operator: ME, ...more,
});

/** Folds entries (SEQ 1, 2, …) into rows, as the inbox does. */
function foldAll(entries: readonly Entry[], rows = new Map<string, ConversationState>(), firstSeq = 1): Map<string, ConversationState> {
  entries.forEach((e, i) => {
    const f = foldEntry(ME, firstSeq + i, e, (k) => rows.get(k));
    if (!f) return;
    if (f.next) rows.set(f.key, f.next);
    else rows.delete(f.key);
  });
  return rows;
}

describe('conversation fold', () => {
  it('counts received messages, not sent, NoUnread or imported history; NoLastMsg keeps the last message', () => {
    const rows = foldAll([
      msg('bob', ME, 1_000),
      msg(ME, 'bob', 2_000),
      msg('bob', ME, 3_000, { noUnread: true }),
      msg('bob', ME, 4_000, { imported: 'history' }),
      msg('bob', ME, 5_000, { noLastMsg: true }),
    ]);
    expect(rows.get('c2c_bob')).toMatchObject({ type: 'c2c', peer: 'bob', unread: 2, lastSeq: 4, lastTime: 4_000, seq: 5 });
  });

  it('reads, pins, deletes; a message brings a deleted conversation back', () => {
    const rows = foldAll([msg('bob', ME, 1_000), msg('bob', ME, 2_000), note('read', { readSeq: 2, readTime: 2_500, unread: 0 }), note('pin')]);
    expect(rows.get('c2c_bob')).toMatchObject({ unread: 0, readSeq: 2, readTime: 2_500, pinnedAt: 9_000 });
    foldAll([note('delete'), msg('bob', ME, 10_000)], rows, 5);
    expect(rows.get('c2c_bob')).toMatchObject({ deleted: false, unread: 1, pinnedAt: 0, lastSeq: 6 });
  });

  it('lowers the count for a recalled unread message, not for one already read', () => {
    const recall = (seq: number): C2CChangeNotice => ({ kind: 'c2c.change', change: 'recall', from: 'bob', to: ME, msgKey: 'k', seq, operator: 'bob', time: 5_000, counted: true });
    const rows = foldAll([msg('bob', ME, 1_000), note('read', { readSeq: 1, unread: 0 }), msg('bob', ME, 2_000), recall(1), recall(3)]);
    expect(rows.get('c2c_bob')?.unread).toBe(0);
    expect(foldAll([msg('bob', ME, 1_000), recall(1)]).get('c2c_bob')?.unread).toBe(0);
  });

  it('skips an entry a row has folded already', () => {
    const rows = foldAll([msg('bob', ME, 1_000), msg('bob', ME, 2_000)]);
    foldAll([msg('bob', ME, 2_000)], rows, 2);
    expect(rows.get('c2c_bob')?.unread).toBe(2);
  });
});

describe('ConversationBook', () => {
  it('catches up from the entries after a projection that lags them', async () => {
    const store = openSqliteStore({ file: ':memory:', synchronous: 'NORMAL', groupCommitMs: 0 });
    const log = store.messages;
    const claim = await log.claimStream('u:me');
    const entry = (seq: number, e: Entry) => ({ seq, time: 1_000 * seq, payload: JSON.stringify(e), flags: 0, expiresAt: 0 });
    // The first append's projection was stored; the second's was lost (no projection written).
    const first = ConversationBook.load(log, 'u:me', ME, 0);
    const book = await first;
    book.apply(1, msg('bob', ME, 1_000));
    await log.appendEntries(claim, [entry(1, msg('bob', ME, 1_000))], book.takeWrite(1));
    await log.appendEntries(claim, [entry(2, msg('bob', ME, 2_000)), entry(3, msg('cat', ME, 3_000))]);

    const loaded = await ConversationBook.load(log, 'u:me', ME, 3);
    expect(loaded.get('c2c_bob')).toMatchObject({ unread: 2, lastSeq: 2 });
    expect(loaded.get('c2c_cat')).toMatchObject({ unread: 1, lastSeq: 3 });
    // The unread total counts the rows loaded and those caught up, and follows each fold.
    expect(loaded.totalUnread).toBe(3);
    loaded.apply(4, note('read', { conversationId: 'c2c_bob', readSeq: 2, unread: 0 }));
    expect(loaded.totalUnread).toBe(1);
    // What it caught up goes with the next append.
    expect(loaded.takeWrite(3).rows.map((r) => r.key).sort()).toEqual(['c2c_bob', 'c2c_cat']);
    await store.close();
  });
});
