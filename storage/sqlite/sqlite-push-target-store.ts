/**
 * PushTargetStore on SQLite: `push_attr_names` (slot → name), `user_push_attrs` (user, slot → value,
 * indexed by slot and value) and `user_push_tags` (user, tag, indexed by tag), so the users holding a
 * value or a tag are read from an index in id order.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { PushTargetStore, PushTaskProgress, UserAttrs, UserTags } from '../store.ts';
import { shardOf } from '../../src/im/broadcast/shards.ts';

/** Task progress is kept this long after its last change, ms. */
const TASK_KEEP_MS = 30 * 24 * 3600 * 1000;

export class SqlitePushTargetStore implements PushTargetStore {
  readonly #names: Statement<[], { slot: string; name: string }>;
  readonly #setNames: (names: ReadonlyMap<string, string>) => void;
  readonly #setAttrs: (items: readonly UserAttrs[]) => void;
  readonly #attrsOf: Statement<[string], { slot: string; value: string }>;
  readonly #removeAttrs: (items: readonly { readonly userId: string; readonly slots: readonly string[] }[]) => void;
  readonly #addTags: (items: readonly UserTags[]) => void;
  readonly #tagsOf: Statement<[string], { tag: string }>;
  readonly #removeTags: (items: readonly UserTags[]) => void;
  readonly #removeAllTags: (userIds: readonly string[]) => void;
  readonly #withTag: Statement<[string, string, number, number], { user_id: string }>;
  readonly #withAttr: Statement<[string, string, string, number, number], { user_id: string }>;
  readonly #putTask: Statement<[string, string, number]>;
  readonly #task: Statement<[string], { progress: string }>;
  readonly #purgeTasks: Statement<[number]>;

  constructor(db: Database) {
    const putName = db.prepare('INSERT OR REPLACE INTO push_attr_names (slot, name) VALUES (?, ?)');
    const putAttr = db.prepare('INSERT OR REPLACE INTO user_push_attrs (user_id, slot, value) VALUES (?, ?, ?)');
    const dropAttr = db.prepare('DELETE FROM user_push_attrs WHERE user_id = ? AND slot = ?');
    const putTag = db.prepare('INSERT OR IGNORE INTO user_push_tags (user_id, tag) VALUES (?, ?)');
    const dropTag = db.prepare('DELETE FROM user_push_tags WHERE user_id = ? AND tag = ?');
    const dropTags = db.prepare('DELETE FROM user_push_tags WHERE user_id = ?');
    this.#names = db.prepare('SELECT slot, name FROM push_attr_names ORDER BY slot');
    this.#setNames = db.transaction((names: ReadonlyMap<string, string>) => {
      for (const [slot, name] of names) putName.run(slot, name);
    });
    this.#setAttrs = db.transaction((items: readonly UserAttrs[]) => {
      for (const i of items) for (const [slot, value] of Object.entries(i.attrs)) putAttr.run(i.userId, slot, value);
    });
    this.#attrsOf = db.prepare('SELECT slot, value FROM user_push_attrs WHERE user_id = ? ORDER BY slot');
    this.#removeAttrs = db.transaction((items: readonly { readonly userId: string; readonly slots: readonly string[] }[]) => {
      for (const i of items) for (const slot of i.slots) dropAttr.run(i.userId, slot);
    });
    this.#addTags = db.transaction((items: readonly UserTags[]) => {
      for (const i of items) for (const tag of i.tags) putTag.run(i.userId, tag);
    });
    this.#tagsOf = db.prepare('SELECT tag FROM user_push_tags WHERE user_id = ? ORDER BY tag');
    this.#removeTags = db.transaction((items: readonly UserTags[]) => {
      for (const i of items) for (const tag of i.tags) dropTag.run(i.userId, tag);
    });
    this.#removeAllTags = db.transaction((userIds: readonly string[]) => {
      for (const u of userIds) dropTags.run(u);
    });
    // A shard's users are picked out of the tag's (or value's) index range: one process reads every shard here.
    db.function('parley_shard', { deterministic: true }, (userId: unknown) => shardOf(String(userId)));
    this.#withTag = db.prepare('SELECT user_id FROM user_push_tags WHERE tag = ? AND user_id > ? AND parley_shard(user_id) = ? ORDER BY user_id LIMIT ?');
    this.#withAttr = db.prepare('SELECT user_id FROM user_push_attrs WHERE slot = ? AND value = ? AND user_id > ? AND parley_shard(user_id) = ? ORDER BY user_id LIMIT ?');
    this.#putTask = db.prepare('INSERT OR REPLACE INTO push_tasks (task_id, progress, updated) VALUES (?, ?, ?)');
    this.#task = db.prepare('SELECT progress FROM push_tasks WHERE task_id = ?');
    this.#purgeTasks = db.prepare('DELETE FROM push_tasks WHERE updated <= ?');
  }

  async attrNames(): Promise<Map<string, string>> {
    return new Map(this.#names.all().map((r) => [r.slot, r.name]));
  }

  async setAttrNames(names: ReadonlyMap<string, string>): Promise<void> {
    this.#setNames(names);
  }

  async setAttrs(items: readonly UserAttrs[]): Promise<void> {
    this.#setAttrs(items);
  }

  async attrsOf(userIds: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    for (const u of userIds) {
      const rows = this.#attrsOf.all(u);
      if (rows.length > 0) out.set(u, Object.fromEntries(rows.map((r) => [r.slot, r.value])));
    }
    return out;
  }

  async removeAttrs(items: readonly { readonly userId: string; readonly slots: readonly string[] }[]): Promise<void> {
    this.#removeAttrs(items);
  }

  async addTags(items: readonly UserTags[]): Promise<void> {
    this.#addTags(items);
  }

  async tagsOf(userIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const u of userIds) {
      const tags = this.#tagsOf.all(u).map((r) => r.tag);
      if (tags.length > 0) out.set(u, tags);
    }
    return out;
  }

  async removeTags(items: readonly UserTags[]): Promise<void> {
    this.#removeTags(items);
  }

  async removeAllTags(userIds: readonly string[]): Promise<void> {
    this.#removeAllTags(userIds);
  }

  async usersWithTag(tag: string, shard: number, after: string, limit: number): Promise<string[]> {
    return this.#withTag.all(tag, after, shard, limit).map((r) => r.user_id);
  }

  async usersWithAttr(slot: string, value: string, shard: number, after: string, limit: number): Promise<string[]> {
    return this.#withAttr.all(slot, value, after, shard, limit).map((r) => r.user_id);
  }

  /** Also forgets tasks past their keeping time (a few a day at most: tasks are rate limited). */
  async putTaskProgress(taskId: string, progress: PushTaskProgress, now: number): Promise<void> {
    this.#purgeTasks.run(now - TASK_KEEP_MS);
    this.#putTask.run(taskId, JSON.stringify(progress), now);
  }

  async taskProgress(taskId: string): Promise<PushTaskProgress | undefined> {
    const row = this.#task.get(taskId);
    return row ? (JSON.parse(row.progress) as PushTaskProgress) : undefined;
  }
}
