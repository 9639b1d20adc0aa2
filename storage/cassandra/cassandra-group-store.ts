/**
 * GroupStore on Cassandra. The group row is only ever written by LWT (create, update, delete), so its
 * writes are ordered by Paxos and a delete never shadows a re-create; members and the user→groups
 * index are written together in logged batches (all or nothing, eventually). Groups are listed in
 * token order, and counted per type in `group_counts`.
 */
import { type GroupListPage, type GroupListQuery, type GroupRecord, type GroupSearchPage, type GroupSearchQuery, type GroupStore, type GroupType, type MemberRecord, type MemberRole, type MessageLog, type OutboxRecord, type UserGroupRecord, SEARCH_SCAN_LIMIT } from '../store.ts';
import { type Cql, type Row, big, isCasTimeout, num } from './cql.ts';
import { CassandraApplicationStore } from './cassandra-application-store.ts';

const toMember = (r: Row): MemberRecord => ({
  userId: r.get('user_id') as string,
  role: r.get('role') as MemberRole,
  joinedAt: num(r.get('joined_at')),
  joinSeq: num(r.get('join_seq')),
  profile: r.get('profile') as string,
});

/** ASCII letters in lower case, others as they are (what SQLite's lower() does, so both adapters match alike). */
const asciiLower = (s: string): string => s.replace(/[A-Z]+/g, (c) => c.toLowerCase());

/** The `name` string of a profile's JSON, undefined when it has none (or the text is not JSON). */
function profileName(profile: string): string | undefined {
  try {
    const name = (JSON.parse(profile) as { name?: unknown } | null)?.name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Every group type, each a row of `group_counts` (a Record, so a new type is a compile error until counted). */
const COUNTED_TYPES = Object.keys({ Private: 1, Public: 1, ChatRoom: 1, AVChatRoom: 1, Community: 1 } satisfies Record<GroupType, 1>);

/**
 * listGroups' cursor. A Murmur3 token (−2^63 … 2^63−1) does not fit a JS number, so tokens are taken
 * in slots of 2^12: slot = (token + 2^63) >> 12, 0 … 2^52−1. Cursor 0 is the start, cursor c ≥ 1
 * resumes at the first token of slot c−1, so every cursor is ≤ 2^52 + 1 < Number.MAX_SAFE_INTEGER.
 * A page ends only where the slot changes (see `cutPage`), so resuming at the next slot skips nothing
 * the page did not return and repeats nothing it did.
 */
const SLOT_BITS = 12n;
const TOKEN_OFFSET = 2n ** 63n;
const slotOf = (token: bigint): bigint => (token + TOKEN_OFFSET) >> SLOT_BITS;
const cursorAfter = (slot: bigint): number => Number(slot + 2n);
/** The first token cursor `after` resumes at; undefined past the last slot. */
function startToken(after: number): bigint | undefined {
  if (after === 0) return -TOKEN_OFFSET;
  const token = ((BigInt(after) - 1n) << SLOT_BITS) - TOKEN_OFFSET;
  return token < TOKEN_OFFSET ? token : undefined;
}

/** A group as the listing reads it, with its token's slot. */
interface ListedGroup {
  readonly groupId: string;
  readonly type: GroupType;
  readonly slot: bigint;
}

/**
 * The page within `rows`: groups in token order, read to the table's end or until more than `limit`
 * with the last in a new slot. The page is the most rows up to `limit` that end where a slot ends or,
 * when more than `limit` share the first slot, that whole slot; `next` is 0 when no row follows it.
 */
function cutPage(rows: readonly ListedGroup[], limit: number): { readonly page: readonly ListedGroup[]; readonly next: number } {
  if (rows.length <= limit) return { page: rows, next: 0 };
  const sameSlot = (i: number): boolean => rows[i - 1].slot === rows[i].slot;
  let end = limit;
  while (end > 0 && sameSlot(end)) end--;
  if (end === 0) {
    end = limit;
    while (end < rows.length && sameSlot(end)) end++;
  }
  return { page: rows.slice(0, end), next: end < rows.length ? cursorAfter(rows[end - 1].slot) : 0 };
}

/** Applications to join (GroupApplicationStore) come from the base class. */
export class CassandraGroupStore extends CassandraApplicationStore implements GroupStore {
  readonly #cql: Cql;
  readonly #q: Record<string, string>;

  /** Where outbox rows go: the message log's, which also puts the stream in the emission backlog. */
  readonly #outbox: Pick<MessageLog, 'addPending'>;

  constructor(cql: Cql, outbox: Pick<MessageLog, 'addPending'>) {
    super(cql);
    this.#cql = cql;
    this.#outbox = outbox;
    const ks = cql.keyspace;
    this.#q = {
      create: `INSERT INTO ${ks}.groups (group_id, type, owner, created_at, profile) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS`,
      get: `SELECT group_id, type, owner, created_at, profile FROM ${ks}.groups WHERE group_id = ?`,
      owner: `UPDATE ${ks}.groups SET owner = ? WHERE group_id = ? IF EXISTS`,
      profile: `UPDATE ${ks}.groups SET profile = ? WHERE group_id = ? IF EXISTS`,
      putMember: `INSERT INTO ${ks}.members (group_id, user_id, role, joined_at, join_seq, profile) VALUES (?, ?, ?, ?, ?, ?)`,
      putUserGroup: `INSERT INTO ${ks}.user_groups (user_id, group_id, type, join_seq, joined_at) VALUES (?, ?, ?, ?, ?)`,
      delMember: `DELETE FROM ${ks}.members WHERE group_id = ? AND user_id = ?`,
      delUserGroup: `DELETE FROM ${ks}.user_groups WHERE user_id = ? AND group_id = ?`,
      list: `SELECT user_id, role, joined_at, join_seq, profile FROM ${ks}.members WHERE group_id = ?`,
      member: `SELECT user_id, role, joined_at, join_seq, profile FROM ${ks}.members WHERE group_id = ? AND user_id = ?`,
      ofUser: `SELECT group_id, type, join_seq, joined_at FROM ${ks}.user_groups WHERE user_id = ?`,
      memberIds: `SELECT user_id FROM ${ks}.members WHERE group_id = ?`,
      delMembers: `DELETE FROM ${ks}.members WHERE group_id = ?`,
      delGroup: `DELETE FROM ${ks}.groups WHERE group_id = ? IF EXISTS`,
      scan: `SELECT group_id, type, token(group_id) AS t FROM ${ks}.groups WHERE token(group_id) >= ?`,
      searchScan: `SELECT group_id, type, profile FROM ${ks}.groups`,
      count: `UPDATE ${ks}.group_counts SET groups = groups + ? WHERE type = ?`,
      counts: `SELECT groups FROM ${ks}.group_counts WHERE type IN ?`,
    };
  }

  async createGroup(group: GroupRecord, members: readonly MemberRecord[], outbox?: OutboxRecord): Promise<boolean> {
    if (!(await this.#insertIfAbsent(group))) return false;
    // An LWT shares no batch: a crash right after it leaves the group without members, events and its count (issue 13).
    await Promise.all([
      this.putMembers(group.groupId, group.type, members),
      outbox ? this.#outbox.addPending(outbox.streamId, outbox.events) : undefined,
      this.#count(group.type, 1),
    ]);
    return true;
  }

  /**
   * The conditional insert of the group row. A Paxos round that timed out may still have applied:
   * a serial read settles it, and the row is ours exactly when it holds what we wrote.
   */
  async #insertIfAbsent(group: GroupRecord): Promise<boolean> {
    const params = [group.groupId, group.type, group.owner, group.createdAt, group.profile];
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.#cql.run(this.#q.create, params)).wasApplied();
      } catch (e) {
        if (!isCasTimeout(e)) throw e;
        const row = (await this.#cql.readSerial(this.#q.get, [group.groupId])).first();
        if (row) return num(row.get('created_at')) === group.createdAt && row.get('profile') === group.profile;
        // Settled as not applied: nothing of ours is there, so the insert can be tried again.
        if (attempt >= 3) throw e;
      }
    }
  }

  async getGroup(groupId: string): Promise<GroupRecord | undefined> {
    const r = (await this.#cql.run(this.#q.get, [groupId], true)).first();
    return r ? { groupId, type: r.get('type') as GroupType, owner: r.get('owner') as string, createdAt: num(r.get('created_at')), profile: r.get('profile') as string } : undefined;
  }

  async updateGroup(groupId: string, patch: { owner?: string; profile?: string }): Promise<void> {
    if (patch.owner !== undefined) await this.#cql.run(this.#q.owner, [patch.owner, groupId]);
    if (patch.profile !== undefined) await this.#cql.run(this.#q.profile, [patch.profile, groupId]);
  }

  async listMembers(groupId: string): Promise<MemberRecord[]> {
    const rows: MemberRecord[] = [];
    // Paged: large groups exceed one page of results.
    for await (const r of await this.#cql.paged(this.#q.list, [groupId])) rows.push(toMember(r));
    return rows.sort((a, b) => a.joinedAt - b.joinedAt || (a.userId < b.userId ? -1 : 1));
  }

  async getMember(groupId: string, userId: string): Promise<MemberRecord | undefined> {
    const r = (await this.#cql.run(this.#q.member, [groupId, userId], true)).first();
    return r ? toMember(r) : undefined;
  }

  async putMembers(groupId: string, type: GroupType, members: readonly MemberRecord[]): Promise<void> {
    if (members.length === 0) return;
    const queries = members.flatMap((m) => [
      { query: this.#q.putMember, params: [groupId, m.userId, m.role, m.joinedAt, m.joinSeq, m.profile] },
      { query: this.#q.putUserGroup, params: [m.userId, groupId, type, m.joinSeq, m.joinedAt] },
    ]);
    await this.#batch(queries);
  }

  async removeMembers(groupId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.#batch(userIds.flatMap((u) => [
      { query: this.#q.delMember, params: [groupId, u] },
      { query: this.#q.delUserGroup, params: [u, groupId] },
    ]));
  }

  async groupsOfUser(userId: string): Promise<UserGroupRecord[]> {
    const rows: UserGroupRecord[] = [];
    for await (const row of await this.#cql.paged(this.#q.ofUser, [userId])) {
      rows.push({ groupId: row.get('group_id') as string, type: row.get('type') as GroupType, joinSeq: num(row.get('join_seq')), joinedAt: num(row.get('joined_at')) });
    }
    return rows.sort((a, b) => a.joinedAt - b.joinedAt || (a.groupId < b.groupId ? -1 : 1));
  }

  /**
   * Members first, the group row last (its LWT shares no batch with other partitions): the user→group
   * rows, then the members partition with the last batch, so a retry after a crash still finds every
   * member to unindex. A delete that loses the group row's LWT (to a concurrent one) returns false.
   */
  async deleteGroup(groupId: string, outbox?: OutboxRecord): Promise<boolean> {
    const group = await this.getGroup(groupId);
    if (!group) return false;
    const users: string[] = [];
    for await (const r of await this.#cql.paged(this.#q.memberIds, [groupId])) users.push(r.get('user_id') as string);
    await this.#batch([
      ...users.map((u) => ({ query: this.#q.delUserGroup, params: [u, groupId] })),
      { query: this.#q.delMembers, params: [groupId] },
    ]);
    if (!(await this.#deleteIfPresent(groupId))) return false;
    // As in createGroup: the LWT shares no batch, so a crash right after it loses the dismissal's events (issue 13).
    await Promise.all([outbox ? this.#outbox.addPending(outbox.streamId, outbox.events) : undefined, this.#count(group.type, -1)]);
    return true;
  }

  /** Like `#insertIfAbsent`: a timed-out round is settled by a serial read, and the row gone means it applied. */
  async #deleteIfPresent(groupId: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.#cql.run(this.#q.delGroup, [groupId])).wasApplied();
      } catch (e) {
        if (!isCasTimeout(e)) throw e;
        if (!(await this.#cql.readSerial(this.#q.get, [groupId])).first()) return true;
        if (attempt >= 3) throw e;
      }
    }
  }

  /**
   * Reads `groups` in token order from the cursor's slot, keeping the rows of the asked type, until the
   * page is full and the slot changes or the table ends. A page reads its rows and, with a type, the rows
   * of other types between them (most of the table when the type is rare: the rate-limited admin listing
   * pays for that rather than every create paying for a second index). `total` is read from `group_counts`.
   */
  async listGroups(q: GroupListQuery): Promise<GroupListPage> {
    if (!Number.isSafeInteger(q.after) || q.after < 0 || !Number.isSafeInteger(q.limit) || q.limit < 1) throw new RangeError(`listGroups: after ${q.after}, limit ${q.limit}`);
    const [read, total] = await Promise.all([this.#readPage(q), this.#total(q.type)]);
    return { groups: read.page.map((g) => ({ groupId: g.groupId, type: g.type })), next: read.next, total };
  }

  async #readPage(q: GroupListQuery): Promise<ReturnType<typeof cutPage>> {
    const from = startToken(q.after);
    if (from === undefined) return { page: [], next: 0 };
    const rows: ListedGroup[] = [];
    const fetchSize = q.type === undefined ? Math.min(q.limit + 1, 1000) : 1000;
    for await (const r of await this.#cql.paged(this.#q.scan, [from.toString()], fetchSize)) {
      const type = r.get('type') as GroupType;
      if (q.type !== undefined && type !== q.type) continue;
      rows.push({ groupId: r.get('group_id') as string, type, slot: slotOf(big(r.get('t'))) });
      if (rows.length > q.limit && rows[rows.length - 2].slot !== rows[rows.length - 1].slot) break;
    }
    return cutPage(rows, q.limit);
  }

  /**
   * Cassandra has no substring match: this legacy, rate-limited admin search (Tencent allows it 100/s per
   * app, we expect far less) reads `groups` in token order and filters in the process, at most
   * SEARCH_SCAN_LIMIT rows, rather than make every create and rename keep a name-token table. The name is
   * read from the profile the actor writes, so no copy of it can drift.
   */
  async searchGroups(q: GroupSearchQuery): Promise<GroupSearchPage> {
    if (q.text === '' || !Number.isSafeInteger(q.offset) || q.offset < 0 || !Number.isSafeInteger(q.limit) || q.limit < 1) throw new RangeError(`searchGroups: offset ${q.offset}, limit ${q.limit}`);
    const text = asciiLower(q.text);
    const types = new Set<string>(q.types);
    const groupIds: string[] = [];
    let total = 0;
    let scanned = 0;
    for await (const r of await this.#cql.paged(this.#q.searchScan, [], 1000)) {
      if (++scanned > SEARCH_SCAN_LIMIT) break;
      if (!types.has(r.get('type') as string)) continue;
      const name = profileName(r.get('profile') as string);
      if (name === undefined || !asciiLower(name).includes(text)) continue;
      if (total >= q.offset && groupIds.length < q.limit) groupIds.push(r.get('group_id') as string);
      total++;
    }
    return { groupIds, total };
  }

  /**
   * Counters move after the conditional write on `groups` that applied, never on a refused or repeated
   * create or delete; they are not idempotent, so they are sent once and not retried. A crash or timeout
   * between the two leaves the count off by one (a negative count reads as 0): the price of a total that
   * costs one read of a few rows instead of a scan of every group.
   */
  async #count(type: GroupType, delta: 1 | -1): Promise<void> {
    await this.#cql.run(this.#q.count, [delta, type]);
  }

  async #total(type: GroupType | undefined): Promise<number> {
    const rs = await this.#cql.run(this.#q.counts, [type === undefined ? COUNTED_TYPES : [type]], true);
    return rs.rows.reduce((n, r) => n + Math.max(0, num(r.get('groups'))), 0);
  }

  /** Logged batches of at most 100 statements (Cassandra warns on large batches). */
  async #batch(queries: { query: string; params: unknown[] }[]): Promise<void> {
    for (let i = 0; i < queries.length; i += 100) {
      await this.#cql.client.batch(queries.slice(i, i + 100), { prepare: true, logged: true, consistency: this.#cql.options.consistency });
    }
  }
}
