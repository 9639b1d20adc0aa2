/**
 * PushTargetStore on Cassandra: `push_attr_names` (the app's attribute names, one partition),
 * `user_push_attrs` (a partition per user) with its index `push_attr_index` (a partition per slot,
 * value and shard), and `user_push_tags` (a partition per user) with its index `push_tag_index` (a
 * partition per tag and shard: a tag of a million users is 16 partitions, walked in parallel). A user's rows and their index rows are written together in logged batches, so
 * neither table keeps a value or tag the other lost; attribute writes and removals read the user's
 * values first, to delete the index rows of the values they leave.
 */
import type { PushTargetStore, PushTaskProgress, UserAttrs, UserTags } from '../store.ts';
import type { Cql } from './cql.ts';
import { shardOf } from '../../src/im/broadcast/shards.ts';

/** Statements per logged batch (a user's statements are kept in one batch while they fit). */
const BATCH = 100;

/** The partition key of push_attr_names. */
const APP = 'app';

/** Task progress is kept this long after its last change, seconds (the row's TTL). */
const TASK_KEEP_S = 30 * 24 * 3600;

interface Statement {
  query: string;
  params: unknown[];
}

export class CassandraPushTargetStore implements PushTargetStore {
  readonly #cql: Cql;
  readonly #q: {
    putName: string;
    names: string;
    putAttr: string;
    putAttrBack: string;
    dropAttr: string;
    dropAttrBack: string;
    attrs: string;
    withAttr: string;
    withAttrAfter: string;
    putTag: string;
    putTagBack: string;
    dropTag: string;
    dropTagBack: string;
    tags: string;
    withTag: string;
    withTagAfter: string;
    putTask: string;
    task: string;
  };

  constructor(cql: Cql) {
    this.#cql = cql;
    const ks = cql.keyspace;
    this.#q = {
      putName: `INSERT INTO ${ks}.push_attr_names (app, slot, name) VALUES (?, ?, ?)`,
      names: `SELECT slot, name FROM ${ks}.push_attr_names WHERE app = ?`,
      putAttr: `INSERT INTO ${ks}.user_push_attrs (user_id, slot, value) VALUES (?, ?, ?)`,
      putAttrBack: `INSERT INTO ${ks}.push_attr_index (slot, value, shard, user_id) VALUES (?, ?, ?, ?)`,
      dropAttr: `DELETE FROM ${ks}.user_push_attrs WHERE user_id = ? AND slot = ?`,
      dropAttrBack: `DELETE FROM ${ks}.push_attr_index WHERE slot = ? AND value = ? AND shard = ? AND user_id = ?`,
      attrs: `SELECT slot, value FROM ${ks}.user_push_attrs WHERE user_id = ?`,
      withAttr: `SELECT user_id FROM ${ks}.push_attr_index WHERE slot = ? AND value = ? AND shard = ? LIMIT ?`,
      withAttrAfter: `SELECT user_id FROM ${ks}.push_attr_index WHERE slot = ? AND value = ? AND shard = ? AND user_id > ? LIMIT ?`,
      putTag: `INSERT INTO ${ks}.user_push_tags (user_id, tag) VALUES (?, ?)`,
      putTagBack: `INSERT INTO ${ks}.push_tag_index (tag, shard, user_id) VALUES (?, ?, ?)`,
      dropTag: `DELETE FROM ${ks}.user_push_tags WHERE user_id = ? AND tag = ?`,
      dropTagBack: `DELETE FROM ${ks}.push_tag_index WHERE tag = ? AND shard = ? AND user_id = ?`,
      tags: `SELECT tag FROM ${ks}.user_push_tags WHERE user_id = ?`,
      withTag: `SELECT user_id FROM ${ks}.push_tag_index WHERE tag = ? AND shard = ? LIMIT ?`,
      withTagAfter: `SELECT user_id FROM ${ks}.push_tag_index WHERE tag = ? AND shard = ? AND user_id > ? LIMIT ?`,
      putTask: `INSERT INTO ${ks}.push_tasks (task_id, progress) VALUES (?, ?) USING TTL ${TASK_KEEP_S}`,
      task: `SELECT progress FROM ${ks}.push_tasks WHERE task_id = ?`,
    };
  }

  async attrNames(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for await (const r of await this.#cql.paged(this.#q.names, [APP])) out.set(r.get('slot') as string, r.get('name') as string);
    return out;
  }

  async setAttrNames(names: ReadonlyMap<string, string>): Promise<void> {
    await this.#batch([[...names].map(([slot, name]) => ({ query: this.#q.putName, params: [APP, slot, name] }))]);
  }

  /**
   * A user given more than once gets the slots of all, the later winning. A slot that changes value
   * loses its index row under the old value in the batch that writes the new one; one keeping its
   * value is written again (a delete of the same row in the batch would win over the insert).
   */
  async setAttrs(items: readonly UserAttrs[]): Promise<void> {
    const wanted = new Map<string, Record<string, string>>();
    for (const { userId, attrs } of items) wanted.set(userId, { ...wanted.get(userId), ...attrs });
    for (const [userId, attrs] of wanted) if (Object.keys(attrs).length === 0) wanted.delete(userId);
    if (wanted.size === 0) return;
    const current = await this.attrsOf([...wanted.keys()]);
    await this.#batch(
      [...wanted].map(([userId, attrs]) => {
        const had = current.get(userId) ?? {};
        return Object.entries(attrs).flatMap(([slot, value]): Statement[] => [
          ...(Object.hasOwn(had, slot) && had[slot] !== value ? [{ query: this.#q.dropAttrBack, params: [slot, had[slot], shardOf(userId), userId] }] : []),
          { query: this.#q.putAttr, params: [userId, slot, value] },
          { query: this.#q.putAttrBack, params: [slot, value, shardOf(userId), userId] },
        ]);
      }),
    );
  }

  async attrsOf(userIds: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const perUser = await Promise.all(
      [...new Set(userIds)].map(async (userId) => {
        const attrs: Record<string, string> = {};
        let any = false;
        for await (const r of await this.#cql.paged(this.#q.attrs, [userId])) {
          attrs[r.get('slot') as string] = r.get('value') as string;
          any = true;
        }
        return [userId, any ? attrs : undefined] as const;
      }),
    );
    const out = new Map<string, Record<string, string>>();
    for (const [userId, attrs] of perUser) if (attrs) out.set(userId, attrs);
    return out;
  }

  /** Only the slots the user holds are deleted, with the index row of the value each holds. */
  async removeAttrs(items: readonly { readonly userId: string; readonly slots: readonly string[] }[]): Promise<void> {
    const wanted = new Map<string, Set<string>>();
    for (const { userId, slots } of items) for (const slot of slots) wanted.set(userId, (wanted.get(userId) ?? new Set()).add(slot));
    if (wanted.size === 0) return;
    const current = await this.attrsOf([...wanted.keys()]);
    await this.#batch(
      [...wanted].map(([userId, slots]) => {
        const had = current.get(userId) ?? {};
        return [...slots]
          .filter((slot) => Object.hasOwn(had, slot))
          .flatMap((slot): Statement[] => [
            { query: this.#q.dropAttr, params: [userId, slot] },
            { query: this.#q.dropAttrBack, params: [slot, had[slot], shardOf(userId), userId] },
          ]);
      }),
    );
  }

  async addTags(items: readonly UserTags[]): Promise<void> {
    await this.#batch(
      items.map(({ userId, tags }) =>
        [...new Set(tags)].flatMap((tag): Statement[] => [
          { query: this.#q.putTag, params: [userId, tag] },
          { query: this.#q.putTagBack, params: [tag, shardOf(userId), userId] },
        ]),
      ),
    );
  }

  /** Each user's tags come in clustering order: ascending. */
  async tagsOf(userIds: readonly string[]): Promise<Map<string, string[]>> {
    const perUser = await Promise.all(
      [...new Set(userIds)].map(async (userId) => {
        const tags: string[] = [];
        for await (const r of await this.#cql.paged(this.#q.tags, [userId])) tags.push(r.get('tag') as string);
        return [userId, tags] as const;
      }),
    );
    const out = new Map<string, string[]>();
    for (const [userId, tags] of perUser) if (tags.length > 0) out.set(userId, tags);
    return out;
  }

  async removeTags(items: readonly UserTags[]): Promise<void> {
    await this.#batch(items.map(({ userId, tags }) => this.#dropTags(userId, tags)));
  }

  /** Reads each user's tags, to delete their index rows with them. */
  async removeAllTags(userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    const current = await this.tagsOf(userIds);
    await this.#batch([...current].map(([userId, tags]) => this.#dropTags(userId, tags)));
  }

  async usersWithTag(tag: string, shard: number, after: string, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    return after === ''
      ? this.#userIds(this.#q.withTag, [tag, shard, limit], limit)
      : this.#userIds(this.#q.withTagAfter, [tag, shard, after, limit], limit);
  }

  async usersWithAttr(slot: string, value: string, shard: number, after: string, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    return after === ''
      ? this.#userIds(this.#q.withAttr, [slot, value, shard, limit], limit)
      : this.#userIds(this.#q.withAttrAfter, [slot, value, shard, after, limit], limit);
  }

  async putTaskProgress(taskId: string, progress: PushTaskProgress): Promise<void> {
    await this.#cql.run(this.#q.putTask, [taskId, JSON.stringify(progress)], true);
  }

  async taskProgress(taskId: string): Promise<PushTaskProgress | undefined> {
    const row = (await this.#cql.run(this.#q.task, [taskId], true)).first();
    return row ? (JSON.parse(row.get('progress') as string) as PushTaskProgress) : undefined;
  }

  #dropTags(userId: string, tags: readonly string[]): Statement[] {
    return [...new Set(tags)].flatMap((tag): Statement[] => [
      { query: this.#q.dropTag, params: [userId, tag] },
      { query: this.#q.dropTagBack, params: [tag, shardOf(userId), userId] },
    ]);
  }

  async #userIds(query: string, params: unknown[], limit: number): Promise<string[]> {
    const out: string[] = [];
    for await (const r of await this.#cql.paged(query, params, Math.min(limit, 1000))) out.push(r.get('user_id') as string);
    return out;
  }

  /**
   * Runs the statements in logged batches of at most BATCH, each group (one user's) whole in one
   * batch unless it alone holds more than BATCH.
   */
  async #batch(groups: Statement[][]): Promise<void> {
    const batches: Statement[][] = [];
    let open: Statement[] = [];
    for (const group of groups) {
      if (open.length > 0 && open.length + group.length > BATCH) {
        batches.push(open);
        open = [];
      }
      for (let i = 0; i < group.length; i += BATCH) {
        const part = group.slice(i, i + BATCH);
        if (open.length + part.length > BATCH) {
          batches.push(open);
          open = [];
        }
        open.push(...part);
      }
    }
    if (open.length > 0) batches.push(open);
    const o = this.#cql.options;
    for (const queries of batches) {
      await this.#cql.client.batch(queries, { prepare: true, logged: true, consistency: o.consistency, isIdempotent: true });
    }
  }
}
