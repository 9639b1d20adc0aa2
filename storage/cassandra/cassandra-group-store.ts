/**
 * GroupStore on Cassandra. A group is created with an LWT on its row; members and the
 * user→groups index are written together in logged batches (all or nothing, eventually).
 */
import type { GroupRecord, GroupStore, GroupType, MemberRecord, MemberRole, MessageLog, OutboxRecord, UserGroupRecord } from '../store.ts';
import { type Cql, type Row, isCasTimeout, num } from './cql.ts';

const toMember = (r: Row): MemberRecord => ({
  userId: r.get('user_id') as string,
  role: r.get('role') as MemberRole,
  joinedAt: num(r.get('joined_at')),
  joinSeq: num(r.get('join_seq')),
  profile: r.get('profile') as string,
});

export class CassandraGroupStore implements GroupStore {
  readonly #cql: Cql;
  readonly #q: Record<string, string>;

  /** Where outbox rows go: the message log's, which also puts the stream in the emission backlog. */
  readonly #outbox: Pick<MessageLog, 'addPending'>;

  constructor(cql: Cql, outbox: Pick<MessageLog, 'addPending'>) {
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
    };
  }

  async createGroup(group: GroupRecord, members: readonly MemberRecord[], outbox?: OutboxRecord): Promise<boolean> {
    if (!(await this.#insertIfAbsent(group))) return false;
    // An LWT shares no batch: a crash right after it leaves the group without members and events (issue 13).
    await Promise.all([this.putMembers(group.groupId, group.type, members), outbox ? this.#outbox.addPending(outbox.streamId, outbox.events) : undefined]);
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

  /** Logged batches of at most 100 statements (Cassandra warns on large batches). */
  async #batch(queries: { query: string; params: unknown[] }[]): Promise<void> {
    for (let i = 0; i < queries.length; i += 100) {
      await this.#cql.client.batch(queries.slice(i, i + 100), { prepare: true, logged: true, consistency: this.#cql.options.consistency });
    }
  }
}
