/**
 * RelationStore on SQLite: friendships one row per direction, pending requests, blacklists, friend
 * groups and sequences, each change in one transaction (with its outbox rows).
 */
import type { Database, Statement } from 'better-sqlite3';
import {
  type BlacklistRecord,
  type FriendKey,
  type FriendRecord,
  type FriendRequestRecord,
  type OutboxRecord,
  type RelationChange,
  type RelationSequences,
  type RelationStore,
  pairKey,
} from '../store.ts';
import { INSERT_PENDING } from './schema.ts';

interface FriendRow {
  owner: string;
  friend: string;
  remark: string;
  groups: string;
  add_source: string;
  add_wording: string;
  add_time: number;
  custom: string;
}

interface RequestRow {
  from_user: string;
  to_user: string;
  add_type: FriendRequestRecord['addType'];
  remark: string;
  group_name: string;
  add_source: string;
  add_wording: string;
  time: number;
}

const toFriend = (r: FriendRow): FriendRecord => ({
  owner: r.owner,
  friend: r.friend,
  remark: r.remark,
  groups: JSON.parse(r.groups) as string[],
  addSource: r.add_source,
  addWording: r.add_wording,
  addTime: r.add_time,
  custom: JSON.parse(r.custom) as Record<string, string | number>,
});

const toRequest = (r: RequestRow): FriendRequestRecord => ({
  from: r.from_user,
  to: r.to_user,
  addType: r.add_type,
  remark: r.remark,
  groupName: r.group_name,
  addSource: r.add_source,
  addWording: r.add_wording,
  time: r.time,
});

const NO_SEQUENCES: RelationSequences = { standard: 0, custom: 0, groups: 0, blacklist: 0 };

export class SqliteRelationStore implements RelationStore {
  readonly #db: Database;
  readonly #sql: Record<string, Statement>;

  constructor(db: Database) {
    this.#db = db;
    this.#sql = {
      putFriend: db.prepare(
        `INSERT OR REPLACE INTO friends (owner, friend, remark, groups, add_source, add_wording, add_time, custom) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      removeFriend: db.prepare('DELETE FROM friends WHERE owner = ? AND friend = ?'),
      getFriend: db.prepare('SELECT * FROM friends WHERE owner = ? AND friend = ?'),
      friendCount: db.prepare('SELECT count(*) FROM friends WHERE owner = ?').pluck(),
      listFriends: db.prepare('SELECT * FROM friends WHERE owner = ? ORDER BY friend LIMIT ? OFFSET ?'),
      putRequest: db.prepare(
        `INSERT OR REPLACE INTO friend_requests (from_user, to_user, add_type, remark, group_name, add_source, add_wording, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      removeRequest: db.prepare('DELETE FROM friend_requests WHERE from_user = ? AND to_user = ?'),
      getRequest: db.prepare('SELECT * FROM friend_requests WHERE from_user = ? AND to_user = ?'),
      sentCount: db.prepare('SELECT count(*) FROM friend_requests WHERE from_user = ?').pluck(),
      receivedCount: db.prepare('SELECT count(*) FROM friend_requests WHERE to_user = ?').pluck(),
      unreadCount: db.prepare(
        'SELECT count(*) FROM friend_requests WHERE to_user = @user AND time > coalesce((SELECT read_upto FROM friend_request_reads WHERE user_id = @user), 0)',
      ).pluck(),
      markRead: db.prepare(
        'INSERT INTO friend_request_reads (user_id, read_upto) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET read_upto = max(read_upto, excluded.read_upto)',
      ),
      listRequests: db.prepare(
        'SELECT * FROM friend_requests WHERE from_user = ? OR to_user = ? ORDER BY time DESC, from_user, to_user LIMIT ? OFFSET ?',
      ),
      putBlack: db.prepare('INSERT OR REPLACE INTO blacklist (owner, target, time) VALUES (?, ?, ?)'),
      removeBlack: db.prepare('DELETE FROM blacklist WHERE owner = ? AND target = ?'),
      getBlack: db.prepare('SELECT * FROM blacklist WHERE owner = ? AND target = ?'),
      blackCount: db.prepare('SELECT count(*) FROM blacklist WHERE owner = ?').pluck(),
      listBlack: db.prepare('SELECT * FROM blacklist WHERE owner = ? ORDER BY target LIMIT ? OFFSET ?'),
      setGroups: db.prepare('INSERT INTO friend_groups (owner, names) VALUES (?, ?) ON CONFLICT (owner) DO UPDATE SET names = excluded.names'),
      getGroups: db.prepare('SELECT names FROM friend_groups WHERE owner = ?').pluck(),
      raise: db.prepare(
        `INSERT INTO relation_sequences (owner, standard, custom, groups, blacklist) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (owner) DO UPDATE SET standard = max(standard, excluded.standard), custom = max(custom, excluded.custom),
           groups = max(groups, excluded.groups), blacklist = max(blacklist, excluded.blacklist)`,
      ),
      getSequences: db.prepare('SELECT standard, custom, groups, blacklist FROM relation_sequences WHERE owner = ?'),
      addPending: db.prepare(INSERT_PENDING),
    };
  }

  async applyRelations(c: RelationChange, outbox?: OutboxRecord): Promise<void> {
    const q = this.#sql;
    this.#db.transaction(() => {
      for (const f of c.removeFriends ?? []) q.removeFriend.run(f.owner, f.friend);
      for (const f of c.putFriends ?? []) q.putFriend.run(f.owner, f.friend, f.remark, JSON.stringify(f.groups), f.addSource, f.addWording, f.addTime, JSON.stringify(f.custom));
      for (const r of c.removeRequests ?? []) q.removeRequest.run(r.from, r.to);
      for (const r of c.putRequests ?? []) q.putRequest.run(r.from, r.to, r.addType, r.remark, r.groupName, r.addSource, r.addWording, r.time);
      for (const b of c.removeBlacklist ?? []) q.removeBlack.run(b.owner, b.target);
      for (const b of c.putBlacklist ?? []) q.putBlack.run(b.owner, b.target, b.time);
      for (const g of c.friendGroups ?? []) q.setGroups.run(g.owner, JSON.stringify(g.names));
      for (const s of c.sequences ?? []) q.raise.run(s.owner, s.sequences.standard, s.sequences.custom, s.sequences.groups, s.sequences.blacklist);
      if (outbox) for (const e of outbox.events) q.addPending.run(outbox.streamId, e.id, e.payload);
    })();
  }

  async friendsAmong(keys: readonly FriendKey[]): Promise<Map<string, FriendRecord>> {
    const out = new Map<string, FriendRecord>();
    for (const k of keys) {
      const r = this.#sql.getFriend.get(k.owner, k.friend) as FriendRow | undefined;
      if (r) out.set(pairKey(k.owner, k.friend), toFriend(r));
    }
    return out;
  }

  async friendCount(owner: string): Promise<number> {
    return this.#sql.friendCount.get(owner) as number;
  }

  async listFriends(owner: string, offset: number, limit: number): Promise<FriendRecord[]> {
    return (this.#sql.listFriends.all(owner, limit, offset) as FriendRow[]).map(toFriend);
  }

  async requestsAmong(keys: readonly { readonly from: string; readonly to: string }[]): Promise<Map<string, FriendRequestRecord>> {
    const out = new Map<string, FriendRequestRecord>();
    for (const k of keys) {
      const r = this.#sql.getRequest.get(k.from, k.to) as RequestRow | undefined;
      if (r) out.set(pairKey(k.from, k.to), toRequest(r));
    }
    return out;
  }

  async requestCounts(user: string): Promise<{ sent: number; received: number; unread: number }> {
    return {
      sent: this.#sql.sentCount.get(user) as number,
      received: this.#sql.receivedCount.get(user) as number,
      unread: this.#sql.unreadCount.get({ user }) as number,
    };
  }

  async markRequestsRead(user: string, upTo: number): Promise<void> {
    this.#sql.markRead.run(user, upTo);
  }

  async listRequests(user: string, offset: number, limit: number): Promise<FriendRequestRecord[]> {
    return (this.#sql.listRequests.all(user, user, limit, offset) as RequestRow[]).map(toRequest);
  }

  async blacklistedAmong(keys: readonly { readonly owner: string; readonly target: string }[]): Promise<Map<string, BlacklistRecord>> {
    const out = new Map<string, BlacklistRecord>();
    for (const k of keys) {
      const r = this.#sql.getBlack.get(k.owner, k.target) as BlacklistRecord | undefined;
      if (r) out.set(pairKey(k.owner, k.target), { owner: r.owner, target: r.target, time: r.time });
    }
    return out;
  }

  async blacklistCount(owner: string): Promise<number> {
    return this.#sql.blackCount.get(owner) as number;
  }

  async listBlacklist(owner: string, offset: number, limit: number): Promise<BlacklistRecord[]> {
    return (this.#sql.listBlack.all(owner, limit, offset) as BlacklistRecord[]).map((r) => ({ owner: r.owner, target: r.target, time: r.time }));
  }

  async friendGroups(owner: string): Promise<string[]> {
    const names = this.#sql.getGroups.get(owner) as string | undefined;
    return names ? (JSON.parse(names) as string[]) : [];
  }

  async relationSequences(owner: string): Promise<RelationSequences> {
    return (this.#sql.getSequences.get(owner) as RelationSequences | undefined) ?? NO_SEQUENCES;
  }
}
