/**
 * The inbox actor's conversation rows (src/im/conversations/conversation-state.ts) and conversation
 * groups and marks (contact-state.ts) in memory: loaded with the stream's claim, brought up to its
 * head from the entries after the stored `appliedSeq`, then changed by each batch the writer commits
 * (the changed rows go into that batch's append).
 */
import { type ContactGroupsState, type ContactMarkState, type ContactRow, GROUPS_KEY, NO_GROUPS, foldContactNotice, isContactKey, markKey } from '../../src/im/conversations/contact-state.ts';
import { type ConversationState, foldEntry } from '../../src/im/conversations/conversation-state.ts';
import type { Entry } from '../../src/protocol/entries.ts';
import type { MessageLog, ProjectionWrite } from '../../storage/store.ts';

const c2cUnread = (r: ConversationState | undefined): number => (r?.type === 'c2c' ? r.unread : 0);

/** Entries read per page while catching up after a crash. */
const REPLAY_PAGE = 500;

export class ConversationBook {
  readonly #me: string;
  readonly #rows = new Map<string, ConversationState>();
  /** The groups' row and the marks' rows, by projection key. */
  readonly #contacts = new Map<string, ContactRow>();
  /** Keys changed since the last write, to go with the next append. */
  readonly #dirty = new Set<string>();
  readonly #lookup = (key: string): ConversationState | undefined => this.#rows.get(key);
  readonly #contactLookup = (key: string): ContactRow | undefined => this.#contacts.get(key);
  /** The C2C rows' unread messages in all, kept as rows change. */
  #totalUnread = 0;

  private constructor(me: string) {
    this.#me = me;
  }

  /** Loads the stored rows and folds the entries after them, through `head`. */
  static async load(log: MessageLog, streamId: string, me: string, head: number): Promise<ConversationBook> {
    const book = new ConversationBook(me);
    const stored = await log.readProjection(streamId);
    for (const r of stored.rows) {
      if (isContactKey(r.key)) book.#contacts.set(r.key, JSON.parse(r.state) as ContactRow);
      else book.#set(r.key, JSON.parse(r.state) as ConversationState);
    }
    for (let after = stored.appliedSeq; after < head; ) {
      const rows = await log.readEntries(streamId, after, REPLAY_PAGE);
      if (rows.length === 0) break;
      for (const r of rows) book.apply(r.seq, JSON.parse(r.payload) as Entry);
      after = rows[rows.length - 1].seq;
    }
    return book;
  }

  /** Folds one entry of the inbox. */
  apply(seq: number, entry: Entry): void {
    if (entry.kind === 'contact') {
      for (const f of foldContactNotice(seq, entry, this.#contactLookup, () => this.marks())) {
        if (f.next) this.#contacts.set(f.key, f.next);
        else this.#contacts.delete(f.key);
        this.#dirty.add(f.key);
      }
      return;
    }
    const fold = foldEntry(this.#me, seq, entry, this.#lookup);
    if (!fold) return;
    this.#set(fold.key, fold.next);
    this.#dirty.add(fold.key);
  }

  /** The rows changed since the last call, to store with the entries through `appliedSeq`. */
  takeWrite(appliedSeq: number): ProjectionWrite {
    const rows = [...this.#dirty].map((key) => {
      const row = isContactKey(key) ? this.#contacts.get(key) : this.#rows.get(key);
      return { key, seq: row?.seq ?? appliedSeq, state: row ? JSON.stringify(row) : '' };
    });
    this.#dirty.clear();
    return { rows, appliedSeq };
  }

  #set(key: string, next: ConversationState | undefined): void {
    const before = this.#rows.get(key);
    this.#totalUnread += c2cUnread(next) - c2cUnread(before);
    if (next) this.#rows.set(key, next);
    else this.#rows.delete(key);
  }

  /** The user's C2C unread messages in all. */
  get totalUnread(): number {
    return this.#totalUnread;
  }

  get(key: string): ConversationState | undefined {
    return this.#rows.get(key);
  }

  /** Every row, the deleted ones included. */
  all(): IterableIterator<ConversationState> {
    return this.#rows.values();
  }

  /** The user's conversation groups. */
  groups(): ContactGroupsState {
    return (this.#contacts.get(GROUPS_KEY) as ContactGroupsState | undefined) ?? NO_GROUPS;
  }

  mark(conversationId: string): ContactMarkState | undefined {
    return this.#contacts.get(markKey(conversationId)) as ContactMarkState | undefined;
  }

  /** Every marked or grouped conversation's marks. */
  *marks(): IterableIterator<ContactMarkState> {
    for (const [key, row] of this.#contacts) if (key !== GROUPS_KEY) yield row as ContactMarkState;
  }

  /** How many conversations are marked or grouped. */
  get marked(): number {
    return this.#contacts.size - (this.#contacts.has(GROUPS_KEY) ? 1 : 0);
  }

  /** Forgets every row (the inbox's entries were dropped with its account). */
  clear(): void {
    this.#rows.clear();
    this.#contacts.clear();
    this.#totalUnread = 0;
    this.#dirty.clear();
  }
}
