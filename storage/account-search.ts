/**
 * What both adapters share for `AccountStore.searchAccounts`: the stored form of a search key, the
 * range of keys a prefix covers, the page cursor, and the assembly of a page from an adapter's scan.
 */
import { type AccountRecord, type AccountSearchPage, type AccountSearchQuery, BadCursorError, nickSearchKey } from './store.ts';

/**
 * `nickSearchKey` as the back ends store it: text goes to SQLite and Cassandra as UTF-8, where a
 * lone surrogate becomes U+FFFD, so keys are made well-formed before they are compared in JS.
 */
export const storedSearchKey = (nick: string): string => nickSearchKey(nick).toWellFormed();

/** A place in the order searches list accounts in: by search key, then user id (both by code point, as the back ends sort text). */
export interface SearchPosition {
  readonly key: string;
  readonly userId: string;
}

/** Code-point (= UTF-8 byte) order, which JS `<` (UTF-16 units) is not past the BMP. */
export const textOrder = (a: string, b: string): number => (a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b)));
const positionOrder = (a: SearchPosition, b: SearchPosition): number => textOrder(a.key, b.key) || textOrder(a.userId, b.userId);

/**
 * The least string above every string that starts with `prefix`: its last code point incremented
 * (U+10FFFF carried into the one before, the surrogate range skipped). Undefined when there is none
 * (a prefix of U+10FFFF only): then the range has no upper end.
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = [...prefix].map((c) => c.codePointAt(0) as number);
  while (points.length > 0) {
    const last = (points.pop() as number) + 1;
    if (last <= 0x10ffff) return String.fromCodePoint(...points, last === 0xd800 ? 0xe000 : last);
  }
  return undefined;
}

/**
 * The clock that stamps key changes and search starts: Unix µs from the store's ms clock, raised to
 * stay strictly increasing per store instance, so a search's start sorts between the changes this
 * instance made before it and those it makes after. (Across Cassandra nodes, only up to clock skew.)
 */
export class ChangeClock {
  readonly #now: () => number;
  #last = 0;

  constructor(now: () => number) {
    this.#now = now;
  }

  tick(): number {
    this.#last = Math.max(this.#last + 1, this.#now() * 1000);
    return this.#last;
  }
}

/** One scan of an adapter's nick index: accounts of `prefix` after `after`, in order. */
export interface SearchScan {
  readonly prefix: string;
  /** `prefixEnd(prefix)`: keys are below it. */
  readonly end: string | undefined;
  /** Exclusive; never before (prefix, ''). */
  readonly after: SearchPosition;
  /** The id matched exactly (listed first on the first page), never listed by prefix. */
  readonly exclude: string;
  /**
   * Skip accounts whose search key changed (renamed, created, made again) at or after this
   * `ChangeClock` tick; undefined on the first page. Set on later pages to the tick the first page
   * started at, so an account listed before a rename is not listed again under its new key.
   */
  readonly changedBefore: number | undefined;
  readonly limit: number;
}

export interface SearchHit {
  readonly account: AccountRecord;
  readonly position: SearchPosition;
}

/** What the cursor holds: where the previous page ended, and the `ChangeClock` tick the first page started at. */
interface Cursor extends SearchPosition {
  readonly startedAt: number;
}

const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify([c.key, c.userId, c.startedAt])).toString('base64url');

function decodeCursor(cursor: string): Cursor {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    v = undefined;
  }
  if (!Array.isArray(v) || v.length !== 3 || typeof v[0] !== 'string' || typeof v[1] !== 'string' || !Number.isSafeInteger(v[2])) {
    throw new BadCursorError();
  }
  return { key: v[0], userId: v[1], startedAt: v[2] as number };
}

/**
 * A page of `searchAccounts` from an adapter's exact-id lookup and index scan (the exact match
 * counts toward `limit`); `tick` is a `ChangeClock` tick taken for it. The cursor is base64url JSON `[key, userId, startedAt]`: the
 * last position listed (the prefix itself with user id '' when only the exact match was) and the
 * tick of the first page. One hit more than the page holds is scanned for, so `next` is '' exactly
 * when nothing follows.
 */
export async function searchPage(
  q: AccountSearchQuery,
  tick: number,
  exact: (userId: string) => Promise<AccountRecord | undefined>,
  scan: (s: SearchScan) => Promise<SearchHit[]>,
): Promise<AccountSearchPage> {
  if (q.keyword === '') throw new Error('searchAccounts: empty keyword');
  const prefix = storedSearchKey(q.keyword);
  const start: Cursor = { key: prefix, userId: '', startedAt: tick };
  const first = q.cursor === '';
  const cursor = first ? start : decodeCursor(q.cursor);
  const accounts: AccountRecord[] = [];
  const found = first ? await exact(q.keyword) : undefined;
  if (found) accounts.push(found);
  const want = q.limit - accounts.length;
  const after = positionOrder(cursor, start) < 0 ? start : cursor;
  const hits = await scan({ prefix, end: prefixEnd(prefix), after, exclude: q.keyword, changedBefore: first ? undefined : cursor.startedAt, limit: want + 1 });
  const listed = hits.slice(0, Math.max(0, want));
  accounts.push(...listed.map((h) => h.account));
  if (hits.length <= listed.length) return { accounts, next: '' };
  const last = listed.length > 0 ? listed[listed.length - 1].position : after;
  return { accounts, next: encodeCursor({ ...last, startedAt: cursor.startedAt }) };
}
