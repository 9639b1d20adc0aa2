/** PushDeviceStore on SQLite: `push_devices`, keyed by (user, device). */
import type { Database, Statement } from 'better-sqlite3';
import type { PushDeviceRecord, PushDeviceStore } from '../store.ts';

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

  constructor(db: Database) {
    this.#db = db;
    this.#put = db.prepare(
      `INSERT OR REPLACE INTO push_devices (user_id, device_id, platform, provider, target, settings, registered_at, last_active_at)
       VALUES (@userId, @deviceId, @platform, @provider, @target, @settings, @registeredAt, @lastActiveAt)`,
    );
    this.#remove = db.prepare('DELETE FROM push_devices WHERE user_id = ? AND device_id = ?');
    this.#touch = db.prepare('UPDATE push_devices SET last_active_at = ? WHERE user_id = ? AND device_id = ?');
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
