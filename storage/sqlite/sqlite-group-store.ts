/**
 * GroupStore on SQLite: groups, their listing order, members, the user→groups index and a creation's
 * outbox rows, kept together in one transaction.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { GroupListPage, GroupListQuery, GroupRecord, GroupSearchPage, GroupSearchQuery, GroupStore, GroupType, MemberRecord, MemberRole, OutboxRecord, UserGroupRecord } from '../store.ts';
import { INSERT_PENDING } from './schema.ts';
import { SqliteApplicationStore } from './sqlite-application-store.ts';

interface GroupRow {
  group_id: string;
  type: GroupType;
  owner: string;
  created_at: number;
  profile: string;
}

interface MemberRow {
  user_id: string;
  role: MemberRole;
  joined_at: number;
  join_seq: number;
  profile: string;
}

interface ListingRow {
  pos: number;
  group_id: string;
  type: GroupType;
}

const toMember = (r: MemberRow): MemberRecord => ({
  userId: r.user_id,
  role: r.role,
  joinedAt: r.joined_at,
  joinSeq: r.join_seq,
  profile: r.profile,
});

/**
 * The groups searchGroups matches (parameters: a JSON array of types, the text): the name is read from
 * the profile itself, so no copy of it can lag a rename. A substring match cannot use a B-tree index
 * anyway; this legacy, rate-limited admin search scans the listing (an FTS5 trigram table kept by
 * triggers would be the step up if it ever needs to be fast).
 */
const SEARCH_FROM = `group_listing l JOIN groups g ON g.group_id = l.group_id
  WHERE l.type IN (SELECT value FROM json_each(?))
    AND json_type(g.profile, '$.name') = 'text'
    AND instr(lower(json_extract(g.profile, '$.name')), lower(?)) > 0`;

/** Applications to join (GroupApplicationStore) come from the base class. */
export class SqliteGroupStore extends SqliteApplicationStore implements GroupStore {
  readonly #db: Database;
  readonly #sql: Record<string, Statement>;

  constructor(db: Database) {
    super(db);
    this.#db = db;
    this.#sql = {
      insertGroup: db.prepare(
        'INSERT OR IGNORE INTO groups (group_id, type, owner, created_at, profile) VALUES (?, ?, ?, ?, ?)',
      ),
      getGroup: db.prepare('SELECT * FROM groups WHERE group_id = ?'),
      updateGroup: db.prepare(
        'UPDATE groups SET owner = coalesce(?, owner), profile = coalesce(?, profile) WHERE group_id = ?',
      ),
      putMember: db.prepare(
        `INSERT OR REPLACE INTO members (group_id, user_id, role, joined_at, join_seq, profile) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      putUserGroup: db.prepare(
        'INSERT OR REPLACE INTO user_groups (user_id, group_id, type, join_seq, joined_at) VALUES (?, ?, ?, ?, ?)',
      ),
      delMember: db.prepare('DELETE FROM members WHERE group_id = ? AND user_id = ?'),
      delUserGroup: db.prepare('DELETE FROM user_groups WHERE user_id = ? AND group_id = ?'),
      listMembers: db.prepare('SELECT * FROM members WHERE group_id = ? ORDER BY joined_at, user_id'),
      getMember: db.prepare('SELECT * FROM members WHERE group_id = ? AND user_id = ?'),
      addPending: db.prepare(INSERT_PENDING),
      groupsOfUser: db.prepare('SELECT * FROM user_groups WHERE user_id = ? ORDER BY joined_at, group_id'),
      list: db.prepare('INSERT INTO group_listing (group_id, type) VALUES (?, ?)'),
      unlist: db.prepare('DELETE FROM group_listing WHERE group_id = ?'),
      // Before the members go: user_groups is keyed by user, so its rows are found through them.
      delGroupUsers: db.prepare('DELETE FROM user_groups WHERE user_id IN (SELECT user_id FROM members WHERE group_id = ?) AND group_id = ?'),
      delGroupMembers: db.prepare('DELETE FROM members WHERE group_id = ?'),
      delGroup: db.prepare('DELETE FROM groups WHERE group_id = ?'),
      page: db.prepare('SELECT pos, group_id, type FROM group_listing WHERE pos > ? ORDER BY pos LIMIT ?'),
      pageOfType: db.prepare('SELECT pos, group_id, type FROM group_listing WHERE type = ? AND pos > ? ORDER BY pos LIMIT ?'),
      count: db.prepare('SELECT count(*) FROM group_listing').pluck(),
      countOfType: db.prepare('SELECT count(*) FROM group_listing WHERE type = ?').pluck(),
      search: db.prepare(`SELECT l.group_id FROM ${SEARCH_FROM} ORDER BY l.pos LIMIT ? OFFSET ?`).pluck(),
      searchCount: db.prepare(`SELECT count(*) FROM ${SEARCH_FROM}`).pluck(),
    };
  }

  async createGroup(group: GroupRecord, members: readonly MemberRecord[], outbox?: OutboxRecord): Promise<boolean> {
    return this.#db.transaction(() => {
      const r = this.#sql.insertGroup.run(group.groupId, group.type, group.owner, group.createdAt, group.profile);
      if (r.changes === 0) return false;
      this.#sql.list.run(group.groupId, group.type);
      this.#putMembers(group.groupId, group.type, members);
      if (outbox) for (const e of outbox.events) this.#sql.addPending.run(outbox.streamId, e.id, e.payload);
      return true;
    })();
  }

  async getGroup(groupId: string): Promise<GroupRecord | undefined> {
    const r = this.#sql.getGroup.get(groupId) as GroupRow | undefined;
    return r && { groupId: r.group_id, type: r.type, owner: r.owner, createdAt: r.created_at, profile: r.profile };
  }

  async updateGroup(groupId: string, patch: { owner?: string; profile?: string }): Promise<void> {
    this.#sql.updateGroup.run(patch.owner ?? null, patch.profile ?? null, groupId);
  }

  async listMembers(groupId: string): Promise<MemberRecord[]> {
    return (this.#sql.listMembers.all(groupId) as MemberRow[]).map(toMember);
  }

  async getMember(groupId: string, userId: string): Promise<MemberRecord | undefined> {
    const r = this.#sql.getMember.get(groupId, userId) as MemberRow | undefined;
    return r && toMember(r);
  }

  async putMembers(groupId: string, type: GroupType, members: readonly MemberRecord[]): Promise<void> {
    this.#db.transaction(() => this.#putMembers(groupId, type, members))();
  }

  #putMembers(groupId: string, type: GroupType, members: readonly MemberRecord[]): void {
    for (const m of members) {
      this.#sql.putMember.run(groupId, m.userId, m.role, m.joinedAt, m.joinSeq, m.profile);
      this.#sql.putUserGroup.run(m.userId, groupId, type, m.joinSeq, m.joinedAt);
    }
  }

  async removeMembers(groupId: string, userIds: readonly string[]): Promise<void> {
    this.#db.transaction(() => {
      for (const u of userIds) {
        this.#sql.delMember.run(groupId, u);
        this.#sql.delUserGroup.run(u, groupId);
      }
    })();
  }

  async groupsOfUser(userId: string): Promise<UserGroupRecord[]> {
    const rows = this.#sql.groupsOfUser.all(userId) as { group_id: string; type: GroupType; join_seq: number; joined_at: number }[];
    return rows.map((r) => ({ groupId: r.group_id, type: r.type, joinSeq: r.join_seq, joinedAt: r.joined_at }));
  }

  async deleteGroup(groupId: string, outbox?: OutboxRecord): Promise<boolean> {
    return this.#db.transaction(() => {
      this.#sql.delGroupUsers.run(groupId, groupId);
      this.#sql.delGroupMembers.run(groupId);
      this.#sql.unlist.run(groupId);
      const deleted = this.#sql.delGroup.run(groupId).changes > 0;
      if (deleted && outbox) for (const e of outbox.events) this.#sql.addPending.run(outbox.streamId, e.id, e.payload);
      return deleted;
    })();
  }

  /** Pages by `group_listing.pos`: the cursor is the last position returned; one more row is read to tell whether a page follows. */
  async listGroups(q: GroupListQuery): Promise<GroupListPage> {
    if (!Number.isSafeInteger(q.after) || q.after < 0 || !Number.isSafeInteger(q.limit) || q.limit < 1) throw new RangeError(`listGroups: after ${q.after}, limit ${q.limit}`);
    const rows = (q.type === undefined ? this.#sql.page.all(q.after, q.limit + 1) : this.#sql.pageOfType.all(q.type, q.after, q.limit + 1)) as ListingRow[];
    const page = rows.slice(0, q.limit);
    const total = (q.type === undefined ? this.#sql.count.get() : this.#sql.countOfType.get(q.type)) as number;
    return {
      groups: page.map((r) => ({ groupId: r.group_id, type: r.type })),
      next: rows.length > q.limit ? page[page.length - 1].pos : 0,
      total,
    };
  }

  async searchGroups(q: GroupSearchQuery): Promise<GroupSearchPage> {
    if (q.text === '' || !Number.isSafeInteger(q.offset) || q.offset < 0 || !Number.isSafeInteger(q.limit) || q.limit < 1) throw new RangeError(`searchGroups: offset ${q.offset}, limit ${q.limit}`);
    const types = JSON.stringify(q.types);
    return {
      groupIds: this.#sql.search.all(types, q.text, q.limit, q.offset) as string[],
      total: this.#sql.searchCount.get(types, q.text) as number,
    };
  }
}
