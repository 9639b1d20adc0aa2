/**
 * The accounts_by_nick table (see schema.cql): an account's row under its search key, written and
 * deleted at the account's revision as write timestamp, and read by prefix in search order. Rows
 * are hints: whoever reads them checks each against the account.
 */
import type { SearchPosition } from '../account-search.ts';
import type { Cql } from './cql.ts';

/** The partition of a key: its first code point. */
const initialOf = (key: string): string => String.fromCodePoint(key.codePointAt(0) as number);

export class CassandraNickIndex {
  readonly #cql: Cql;
  readonly #q: Record<string, string>;

  constructor(cql: Cql) {
    this.#cql = cql;
    const table = `${cql.keyspace}.accounts_by_nick`;
    this.#q = {
      put: `INSERT INTO ${table} (initial, nick_key, user_id) VALUES (?, ?, ?) USING TIMESTAMP ?`,
      remove: `DELETE FROM ${table} USING TIMESTAMP ? WHERE initial = ? AND nick_key = ? AND user_id = ?`,
      // A multi-column start bound cannot be combined with another on nick_key: the caller keeps `after` at or past the prefix.
      range: `SELECT nick_key, user_id FROM ${table} WHERE initial = ? AND (nick_key, user_id) > (?, ?) AND nick_key < ? LIMIT ?`,
      rangeUnbounded: `SELECT nick_key, user_id FROM ${table} WHERE initial = ? AND (nick_key, user_id) > (?, ?) LIMIT ?`,
    };
  }

  /** The row of `userId` under `key` (none for ''), at `revision` (µs). */
  async put(userId: string, key: string, revision: number): Promise<void> {
    if (key !== '') await this.#cql.run(this.#q.put, [initialOf(key), key, userId, revision], true);
  }

  /** Deletes that row as of `revision`: a put at a later revision stays. */
  async remove(userId: string, key: string, revision: number): Promise<void> {
    if (key !== '') await this.#cql.run(this.#q.remove, [revision, initialOf(key), key, userId], true);
  }

  /** Up to `limit` rows after `after` whose keys start with `prefix` (non-empty; `end` = prefixEnd(prefix)), in order. */
  async range(prefix: string, end: string | undefined, after: SearchPosition, limit: number): Promise<SearchPosition[]> {
    const from = [initialOf(prefix), after.key, after.userId];
    const rs = end === undefined
      ? await this.#cql.run(this.#q.rangeUnbounded, [...from, limit], true)
      : await this.#cql.run(this.#q.range, [...from, end, limit], true);
    return rs.rows.map((r) => ({ key: r.get('nick_key') as string, userId: r.get('user_id') as string }));
  }
}
