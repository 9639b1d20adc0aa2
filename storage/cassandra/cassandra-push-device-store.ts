/**
 * PushDeviceStore on Cassandra: `push_devices`, one partition per user. A touch is a conditional
 * update (IF EXISTS), so it never brings back a device removed meanwhile.
 */
import cassandra from 'cassandra-driver';
import type { PushDeviceRecord, PushDeviceStore } from '../store.ts';
import { PUSH_SHARDS } from '../../src/im/broadcast/shards.ts';
import { type Cql, type Row, num } from './cql.ts';

const COLS = 'user_id, device_id, platform, provider, target, settings, registered_at, last_active_at';

const toRecord = (r: Row): PushDeviceRecord => ({
  userId: r.get('user_id') as string,
  deviceId: r.get('device_id') as string,
  platform: r.get('platform') as string,
  provider: r.get('provider') as PushDeviceRecord['provider'],
  target: r.get('target') as string,
  settings: r.get('settings') as string,
  registeredAt: num(r.get('registered_at')),
  lastActiveAt: num(r.get('last_active_at')),
});

export class CassandraPushDeviceStore implements PushDeviceStore {
  readonly #cql: Cql;
  readonly #q: { put: string; remove: string; touch: string; list: string; owners: string };

  constructor(cql: Cql) {
    this.#cql = cql;
    const ks = cql.keyspace;
    this.#q = {
      put: `INSERT INTO ${ks}.push_devices (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      remove: `DELETE FROM ${ks}.push_devices WHERE user_id = ? AND device_id = ? IF EXISTS`,
      touch: `UPDATE ${ks}.push_devices SET last_active_at = ? WHERE user_id = ? AND device_id = ? IF EXISTS`,
      list: `SELECT ${COLS} FROM ${ks}.push_devices WHERE user_id = ?`,
      owners: `SELECT DISTINCT user_id FROM ${ks}.push_devices WHERE token(user_id) > ? AND token(user_id) <= ?`,
    };
  }

  async putDevice(d: PushDeviceRecord): Promise<void> {
    await this.#cql.run(this.#q.put, [d.userId, d.deviceId, d.platform, d.provider, d.target, d.settings, d.registeredAt, d.lastActiveAt], true);
  }

  async removeDevice(userId: string, deviceId: string): Promise<boolean> {
    const rs = await this.#cql.run(this.#q.remove, [userId, deviceId]);
    return rs.first()?.get('[applied]') === true;
  }

  async touchDevice(userId: string, deviceId: string, lastActiveAt: number): Promise<void> {
    await this.#cql.run(this.#q.touch, [lastActiveAt, userId, deviceId]);
  }

  /** A shard is a slice of the token ring (Murmur3: every token above -2^63); pages in token order, the cursor is the driver's paging state. */
  async deviceOwners(shard: number, cursor: string, limit: number): Promise<{ userIds: string[]; next: string }> {
    const { low, high } = tokenSlice(shard);
    const rs = await this.#cql.client.execute(this.#q.owners, [low, high], { prepare: true, consistency: this.#cql.options.consistency, fetchSize: limit, ...(cursor ? { pageState: cursor } : {}) });
    return { userIds: rs.rows.map((r) => r.get('user_id') as string), next: rs.pageState ?? '' };
  }

  async devicesOf(userIds: readonly string[]): Promise<PushDeviceRecord[]> {
    const perUser = await Promise.all(
      [...new Set(userIds)].sort().map(async (userId) => {
        const out: PushDeviceRecord[] = [];
        for await (const r of await this.#cql.paged(this.#q.list, [userId])) out.push(toRecord(r));
        return out;
      }),
    );
    return perUser.flat();
  }
}

const RING_LOW = -(2n ** 63n);
const RING_SPAN = 2n ** 64n - 1n;

/** Shard `shard`'s slice of the token ring: tokens above `low`, up to `high` (the last slice ends at the ring's top). */
function tokenSlice(shard: number): { low: cassandra.types.Long; high: cassandra.types.Long } {
  const at = (k: number): bigint => (k >= PUSH_SHARDS ? 2n ** 63n - 1n : RING_LOW + (RING_SPAN * BigInt(k)) / BigInt(PUSH_SHARDS));
  const long = (v: bigint) => cassandra.types.Long.fromString(v.toString());
  return { low: long(at(shard)), high: long(at(shard + 1)) };
}
