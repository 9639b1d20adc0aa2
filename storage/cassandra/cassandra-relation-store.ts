/**
 * RelationStore on Cassandra: friends, blacklists, friend groups and sequences partitioned by owner,
 * pending requests stored twice (by requester and by peer); a change is one logged batch (chunked only
 * when large), then its outbox. Sequence parts (and the read marker of received requests, a part of
 * its own) carry their value as write timestamp, so the highest value wins without a read and a part
 * never goes down, whatever the writers' order.
 */
import {
  type BlacklistRecord,
  type FriendKey,
  type FriendRecord,
  type FriendRequestRecord,
  type MessageLog,
  type OutboxRecord,
  type RelationChange,
  type RelationSequences,
  type RelationStore,
  pairKey,
} from '../store.ts';
import { type Cql, type Row, num } from './cql.ts';

interface Write {
  readonly query: string;
  readonly params: unknown[];
}

/**
 * Bounds of one logged batch: statements, and bytes of bound values (Cassandra rejects batches over
 * `batch_size_fail_threshold`, 50 KiB by default). A change beyond them is written in several batches.
 */
const BATCH_STATEMENTS = 100;
const BATCH_BYTES = 32 * 1024;
/** Clustering keys in one `IN` read at most; more are read by parallel queries. */
const IN_KEYS = 100;
/** CQL's LIMIT is an int. */
const MAX_LIMIT = 2 ** 31 - 1;

const PARTS = ['standard', 'custom', 'groups', 'blacklist'] as const satisfies readonly (keyof RelationSequences)[];
/** The relation_sequences part holding a user's read marker of received friend requests (Unix ms). */
const REQUESTS_READ = 'requests_read';

const FRIEND_COLUMNS = 'owner, friend, remark, groups, add_source, add_wording, add_time, custom';
const REQUEST_COLUMNS = 'from_user, to_user, add_type, remark, group_name, add_source, add_wording, time';

const text = (r: Row, column: string): string => (r.get(column) as string | null) ?? '';
const json = <T>(r: Row, column: string, none: T): T => {
  const v = r.get(column) as string | null;
  return v ? (JSON.parse(v) as T) : none;
};

const toFriend = (r: Row): FriendRecord => ({
  owner: text(r, 'owner'),
  friend: text(r, 'friend'),
  remark: text(r, 'remark'),
  groups: json<string[]>(r, 'groups', []),
  addSource: text(r, 'add_source'),
  addWording: text(r, 'add_wording'),
  addTime: num(r.get('add_time')),
  custom: json<Record<string, string | number>>(r, 'custom', {}),
});

const toRequest = (r: Row): FriendRequestRecord => ({
  from: text(r, 'from_user'),
  to: text(r, 'to_user'),
  // Always written; a missing cell reads as Tencent's default type.
  addType: (r.get('add_type') as FriendRequestRecord['addType'] | null) ?? 'Add_Type_Both',
  remark: text(r, 'remark'),
  groupName: text(r, 'group_name'),
  addSource: text(r, 'add_source'),
  addWording: text(r, 'add_wording'),
  time: num(r.get('time')),
});

const toBlack = (r: Row): BlacklistRecord => ({ owner: text(r, 'owner'), target: text(r, 'target'), time: num(r.get('time')) });

/** The order both SQLite and Cassandra sort text in (UTF-8 bytes), which differs from JS `<` past the BMP. */
const utf8Order = (a: string, b: string): number => (a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b)));

/** The last item of each key: a key put twice in one change ends as its last put, as in SQLite. */
function lastByKey<T>(items: readonly T[] | undefined, key: (t: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const t of items ?? []) out.set(key(t), t);
  return out;
}

/** Writes split into batches within the bounds, in order. */
function chunked(writes: readonly Write[]): Write[][] {
  const out: Write[][] = [];
  let batch: Write[] = [];
  let bytes = 0;
  for (const w of writes) {
    const size = w.params.reduce<number>((n, p) => n + (typeof p === 'string' ? Buffer.byteLength(p) : 8), 0);
    if (batch.length > 0 && (batch.length >= BATCH_STATEMENTS || bytes + size > BATCH_BYTES)) {
      out.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(w);
    bytes += size;
  }
  if (batch.length > 0) out.push(batch);
  return out;
}

export class CassandraRelationStore implements RelationStore {
  readonly #cql: Cql;
  readonly #q: Record<string, string>;
  /** Where outbox rows go: the message log's, which also puts the stream in the emission backlog. */
  readonly #outbox: Pick<MessageLog, 'addPending'>;

  constructor(cql: Cql, outbox: Pick<MessageLog, 'addPending'>) {
    this.#cql = cql;
    this.#outbox = outbox;
    const ks = cql.keyspace;
    const sent = `${ks}.friend_requests_by_requester`;
    const received = `${ks}.friend_requests_by_peer`;
    this.#q = {
      putFriend: `INSERT INTO ${ks}.friends (${FRIEND_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      removeFriend: `DELETE FROM ${ks}.friends WHERE owner = ? AND friend = ?`,
      friendsIn: `SELECT ${FRIEND_COLUMNS} FROM ${ks}.friends WHERE owner = ? AND friend IN ?`,
      friendCount: `SELECT count(*) FROM ${ks}.friends WHERE owner = ?`,
      friends: `SELECT ${FRIEND_COLUMNS} FROM ${ks}.friends WHERE owner = ? LIMIT ?`,
      putSent: `INSERT INTO ${sent} (${REQUEST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      putReceived: `INSERT INTO ${received} (${REQUEST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      removeSent: `DELETE FROM ${sent} WHERE from_user = ? AND to_user = ?`,
      removeReceived: `DELETE FROM ${received} WHERE to_user = ? AND from_user = ?`,
      sentIn: `SELECT ${REQUEST_COLUMNS} FROM ${sent} WHERE from_user = ? AND to_user IN ?`,
      sentCount: `SELECT count(*) FROM ${sent} WHERE from_user = ?`,
      sent: `SELECT ${REQUEST_COLUMNS} FROM ${sent} WHERE from_user = ?`,
      received: `SELECT ${REQUEST_COLUMNS} FROM ${received} WHERE to_user = ?`,
      receivedTimes: `SELECT time FROM ${received} WHERE to_user = ?`,
      readMarker: `SELECT value FROM ${ks}.relation_sequences WHERE owner = ? AND part = '${REQUESTS_READ}'`,
      putBlack: `INSERT INTO ${ks}.blacklist (owner, target, time) VALUES (?, ?, ?)`,
      removeBlack: `DELETE FROM ${ks}.blacklist WHERE owner = ? AND target = ?`,
      blackIn: `SELECT owner, target, time FROM ${ks}.blacklist WHERE owner = ? AND target IN ?`,
      blackCount: `SELECT count(*) FROM ${ks}.blacklist WHERE owner = ?`,
      blacklist: `SELECT owner, target, time FROM ${ks}.blacklist WHERE owner = ? LIMIT ?`,
      setGroups: `INSERT INTO ${ks}.friend_groups (owner, names) VALUES (?, ?)`,
      groups: `SELECT names FROM ${ks}.friend_groups WHERE owner = ?`,
      raise: `INSERT INTO ${ks}.relation_sequences (owner, part, value) VALUES (?, ?, ?) USING TIMESTAMP ?`,
      sequences: `SELECT part, value FROM ${ks}.relation_sequences WHERE owner = ?`,
    };
  }

  /**
   * One logged batch for the whole change when it fits the batch bounds; otherwise several, each
   * atomic on its own (all its writes land, eventually), sequences in the first: a crash between them
   * leaves a part raised over data it may not describe yet, so clients refetch rather than keep stale data.
   */
  async applyRelations(change: RelationChange, outbox?: OutboxRecord): Promise<void> {
    const writes = [...this.#sequenceWrites(change), ...this.#friendWrites(change), ...this.#requestWrites(change), ...this.#otherWrites(change)];
    for (const batch of chunked(writes)) {
      // Idempotent: whole-cell writes under one client timestamp, which the driver keeps on a retry.
      await this.#cql.client.batch(batch, { prepare: true, logged: true, consistency: this.#cql.options.consistency, isIdempotent: true });
    }
    if (outbox) await this.#outbox.addPending(outbox.streamId, outbox.events);
  }

  async friendsAmong(keys: readonly FriendKey[]): Promise<Map<string, FriendRecord>> {
    const rows = await this.#among(this.#q.friendsIn, keys.map((k) => [k.owner, k.friend]));
    return new Map(rows.map(toFriend).map((f) => [pairKey(f.owner, f.friend), f]));
  }

  async friendCount(owner: string): Promise<number> {
    return this.#count(this.#q.friendCount, owner);
  }

  async listFriends(owner: string, offset: number, limit: number): Promise<FriendRecord[]> {
    return (await this.#page(this.#q.friends, owner, offset, limit)).map(toFriend);
  }

  async requestsAmong(keys: readonly { readonly from: string; readonly to: string }[]): Promise<Map<string, FriendRequestRecord>> {
    const rows = await this.#among(this.#q.sentIn, keys.map((k) => [k.from, k.to]));
    return new Map(rows.map(toRequest).map((r) => [pairKey(r.from, r.to), r]));
  }

  /** The received partition is read whole (bounded by the pending-request limit) for its times: `received` and `unread` in one read. */
  async requestCounts(user: string): Promise<{ sent: number; received: number; unread: number }> {
    const [sent, times, marker] = await Promise.all([
      this.#count(this.#q.sentCount, user),
      this.#all(this.#q.receivedTimes, user),
      this.#cql.run(this.#q.readMarker, [user], true),
    ]);
    const readUpTo = num(marker.first()?.get('value'));
    return { sent, received: times.length, unread: times.filter((r) => num(r.get('time')) > readUpTo).length };
  }

  /** A part of relation_sequences, so it only grows the way the sequences do (write timestamp = value). */
  async markRequestsRead(user: string, upTo: number): Promise<void> {
    if (upTo > 0) await this.#cql.run(this.#q.raise, [user, REQUESTS_READ, upTo, upTo], true);
  }

  /** Both partitions of the user, read whole (each bounded by the pending-request limit), merged newest first. */
  async listRequests(user: string, offset: number, limit: number): Promise<FriendRequestRecord[]> {
    const [sent, received] = await Promise.all([this.#all(this.#q.sent, user), this.#all(this.#q.received, user)]);
    // A request to oneself would be in both partitions: keep it once.
    const all = [...new Map([...sent, ...received].map(toRequest).map((r) => [pairKey(r.from, r.to), r])).values()];
    all.sort((a, b) => b.time - a.time || utf8Order(a.from, b.from) || utf8Order(a.to, b.to));
    const start = Math.max(0, offset);
    return all.slice(start, start + Math.max(0, limit));
  }

  async blacklistedAmong(keys: readonly { readonly owner: string; readonly target: string }[]): Promise<Map<string, BlacklistRecord>> {
    const rows = await this.#among(this.#q.blackIn, keys.map((k) => [k.owner, k.target]));
    return new Map(rows.map(toBlack).map((b) => [pairKey(b.owner, b.target), b]));
  }

  async blacklistCount(owner: string): Promise<number> {
    return this.#count(this.#q.blackCount, owner);
  }

  async listBlacklist(owner: string, offset: number, limit: number): Promise<BlacklistRecord[]> {
    return (await this.#page(this.#q.blacklist, owner, offset, limit)).map(toBlack);
  }

  async friendGroups(owner: string): Promise<string[]> {
    const r = (await this.#cql.run(this.#q.groups, [owner], true)).first();
    return r ? json<string[]>(r, 'names', []) : [];
  }

  async relationSequences(owner: string): Promise<RelationSequences> {
    const out = { standard: 0, custom: 0, groups: 0, blacklist: 0 };
    for (const r of (await this.#cql.run(this.#q.sequences, [owner], true)).rows) {
      const part = r.get('part') as string | null;
      if (part !== null && (PARTS as readonly string[]).includes(part)) out[part as keyof RelationSequences] = num(r.get('value'));
    }
    return out;
  }

  /** Each part as its own row, written at timestamp = value: last-write-wins keeps the highest. 0 is the default, never written. */
  #sequenceWrites(c: RelationChange): Write[] {
    return (c.sequences ?? []).flatMap((s) =>
      PARTS.filter((p) => s.sequences[p] > 0).map((p) => ({ query: this.#q.raise, params: [s.owner, p, s.sequences[p], s.sequences[p]] })),
    );
  }

  // In one batch every write has the same timestamp, and a delete wins a tie with an insert: a key
  // both removed and put is only put (SQLite removes first, then puts), and the put replaces it whole.
  #friendWrites(c: RelationChange): Write[] {
    const puts = lastByKey(c.putFriends, (f) => pairKey(f.owner, f.friend));
    const removes = lastByKey(c.removeFriends, (f) => pairKey(f.owner, f.friend));
    return [
      ...[...removes].filter(([k]) => !puts.has(k)).map(([, f]) => ({ query: this.#q.removeFriend, params: [f.owner, f.friend] })),
      ...[...puts.values()].map((f) => ({
        query: this.#q.putFriend,
        params: [f.owner, f.friend, f.remark, JSON.stringify(f.groups), f.addSource, f.addWording, f.addTime, JSON.stringify(f.custom)],
      })),
    ];
  }

  /** Both copies of a request, side by side, so a chunk boundary rarely falls between them. */
  #requestWrites(c: RelationChange): Write[] {
    const puts = lastByKey(c.putRequests, (r) => pairKey(r.from, r.to));
    const removes = lastByKey(c.removeRequests, (r) => pairKey(r.from, r.to));
    const q = this.#q;
    return [
      ...[...removes].filter(([k]) => !puts.has(k)).flatMap(([, r]) => [
        { query: q.removeSent, params: [r.from, r.to] },
        { query: q.removeReceived, params: [r.to, r.from] },
      ]),
      ...[...puts.values()].flatMap((r) => {
        const fields = [r.addType, r.remark, r.groupName, r.addSource, r.addWording, r.time];
        return [
          { query: q.putSent, params: [r.from, r.to, ...fields] },
          { query: q.putReceived, params: [r.from, r.to, ...fields] },
        ];
      }),
    ];
  }

  /** Blacklist entries (a key both removed and put is only put, as for friends) and friend groups. */
  #otherWrites(c: RelationChange): Write[] {
    const puts = lastByKey(c.putBlacklist, (b) => pairKey(b.owner, b.target));
    const removes = lastByKey(c.removeBlacklist, (b) => pairKey(b.owner, b.target));
    return [
      ...[...removes].filter(([k]) => !puts.has(k)).map(([, b]) => ({ query: this.#q.removeBlack, params: [b.owner, b.target] })),
      ...[...puts.values()].map((b) => ({ query: this.#q.putBlack, params: [b.owner, b.target, b.time] })),
      ...[...lastByKey(c.friendGroups, (g) => g.owner).values()].map((g) => ({ query: this.#q.setGroups, params: [g.owner, JSON.stringify(g.names)] })),
    ];
  }

  /** Rows of `(partition, clustering)` pairs: one `IN` query per partition (and per IN_KEYS keys), in parallel. */
  async #among(query: string, pairs: readonly (readonly [string, string])[]): Promise<Row[]> {
    const byPartition = new Map<string, Set<string>>();
    for (const [p, c] of pairs) byPartition.set(p, (byPartition.get(p) ?? new Set()).add(c));
    const reads: Promise<Row[]>[] = [];
    for (const [p, set] of byPartition) {
      const keys = [...set];
      for (let i = 0; i < keys.length; i += IN_KEYS) reads.push(this.#cql.run(query, [p, keys.slice(i, i + IN_KEYS)], true).then((rs) => rs.rows));
    }
    return (await Promise.all(reads)).flat();
  }

  async #count(query: string, partition: string): Promise<number> {
    return num((await this.#cql.run(query, [partition], true)).first()?.get('count'));
  }

  /** Rows `offset` to `offset + limit` of a partition in clustering order, reading no further than them. */
  async #page(query: string, partition: string, offset: number, limit: number): Promise<Row[]> {
    const skip = Math.max(0, offset);
    if (limit <= 0) return [];
    const end = Math.min(skip + limit, MAX_LIMIT);
    const out: Row[] = [];
    let seen = 0;
    for await (const r of await this.#cql.paged(query, [partition, end], Math.min(end, 1000))) {
      if (seen++ < skip) continue;
      out.push(r);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Every row of a partition, page by page. */
  async #all(query: string, partition: string): Promise<Row[]> {
    const out: Row[] = [];
    for await (const r of await this.#cql.paged(query, [partition])) out.push(r);
    return out;
  }
}
