/** PushDeviceStore on SQLite: `push_devices`, keyed by (user, device). */
import type { Database, Statement } from 'better-sqlite3';
import type { PushDeviceRecord, PushDeviceStore } from '../store.ts';
import { shardOf } from '../../src/im/broadcast/shards.ts';

interface Row {
  user_id: string;
  device_id: string;
  platform: string;
  provider: PushDeviceRecord['provider'];
  target: string;
  settings: string;
  registered_at: number;
  last_active_at: number;
}

const toRecord = (r: Row): PushDeviceRecord => ({
  userId: r.user_id,
  deviceId: r.device_id,
  platform: r.platform,
  provider: r.provider,
  target: r.target,
  settings: r.settings,
  registeredAt: r.registered_at,
  lastActiveAt: r.last_active_at,
});

export class SqlitePushDeviceStore implements PushDeviceStore {
  readonly #db: Database;
  readonly #put: Statement;
  readonly #remove: Statement;
  readonly #touch: Statement;
  readonly #owners: Statement<[string, number, number], { user_id: string }>;

  constructor(db: Database) {
    this.#db = db;
    this.#put = db.prepare(
      `INSERT OR REPLACE INTO push_devices (user_id, device_id, platform, provider, target, settings, registered_at, last_active_at)
       VALUES (@userId, @deviceId, @platform, @provider, @target, @settings, @registeredAt, @lastActiveAt)`,
    );
    this.#remove = db.prepare('DELETE FROM push_devices WHERE user_id = ? AND device_id = ?');
    this.#touch = db.prepare('UPDATE push_devices SET last_active_at = ? WHERE user_id = ? AND device_id = ?');
    db.function('parley_device_shard', { deterministic: true }, (userId: unknown) => shardOf(String(userId)));
    this.#owners = db.prepare('SELECT DISTINCT user_id FROM push_devices WHERE user_id > ? AND parley_device_shard(user_id) = ? ORDER BY user_id LIMIT ?');
  }

  /** A shard holds the users of that `shardOf`; pages by user id: the cursor is the last id of the page before. */
  async deviceOwners(shard: number, cursor: string, limit: number): Promise<{ userIds: string[]; next: string }> {
    const userIds = this.#owners.all(cursor, shard, limit).map((r) => r.user_id);
    return { userIds, next: userIds.length === limit ? userIds[limit - 1] : '' };
  }

  async putDevice(d: PushDeviceRecord): Promise<void> {
    this.#put.run({ ...d });
  }

  async removeDevice(userId: string, deviceId: string): Promise<boolean> {
    return this.#remove.run(userId, deviceId).changes > 0;
  }

  async touchDevice(userId: string, deviceId: string, lastActiveAt: number): Promise<void> {
    this.#touch.run(lastActiveAt, userId, deviceId);
  }

  async devicesOf(userIds: readonly string[]): Promise<PushDeviceRecord[]> {
    if (userIds.length === 0) return [];
    const ids = [...new Set(userIds)];
    const rows = this.#db.prepare(`SELECT * FROM push_devices WHERE user_id IN (${ids.map(() => '?').join(', ')}) ORDER BY user_id, device_id`).all(...ids) as Row[];
    return rows.map(toRecord);
  }
}
