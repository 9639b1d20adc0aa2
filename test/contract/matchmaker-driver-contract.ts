/**
 * The matchmaker driver contract — the placement port actor references rely on: one listing per
 * room id whatever the concurrency, lookups by id, and a process's listings removable as a whole.
 * Every driver (the in-process one, the Redis one of a cluster) runs it through
 * `runDriverContract({ name, create })`.
 */
import { type IRoomCache, type MatchMakerDriver, initializeRoomCache } from '@colyseus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export interface DriverContractOptions {
  readonly name: string;
  /** A driver whose listings no other run sees, acting as process `self`. */
  readonly create: (self: string) => Promise<{ driver: MatchMakerDriver; close: () => Promise<void> }>;
  readonly unavailable?: () => string | undefined;
}

const SELF = 'process-self';
let counter = 0;
export const listing = (roomId: string, processId = SELF): IRoomCache => initializeRoomCache({ roomId, name: 'group', processId, clients: 0, maxClients: 1 });
const freshId = (what: string): string => `${what}-${process.pid}-${counter++}`;

export function runDriverContract(o: DriverContractOptions): void {
  const reason = o.unavailable?.();
  describe.skipIf(reason !== undefined)(`matchmaker driver contract: ${o.name}${reason ? ` (skipped: ${reason})` : ''}`, () => {
    let driver: MatchMakerDriver;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ driver, close } = await o.create(SELF));
    });

    afterAll(async () => {
      await close();
    });

    it('lists a room once for concurrent inserts of one id: exactly one wins and its listing stays', async () => {
      const id = freshId('race');
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => driver.insert?.(listing(id, `p${i}`)) ?? driver.persist(listing(id, `p${i}`), true)));
      expect(outcomes.filter((won) => won)).toHaveLength(1);
      const winner = `p${outcomes.indexOf(true)}`;
      expect((await driver.findOne({ roomId: id }))?.processId).toBe(winner);
    });

    it('finds listings by id and says nothing of ids never listed', async () => {
      const [a, b, never] = [freshId('a'), freshId('b'), freshId('never')];
      await driver.persist(listing(a), true);
      await driver.persist(listing(b), true);
      const found = await driver.findByIds([a, never, b]);
      expect([...found.keys()].sort()).toEqual([a, b].sort());
      expect(await driver.has(a)).toBe(true);
      expect(await driver.has(never)).toBe(false);
      expect(await driver.findOne({ roomId: never })).toBeUndefined();
    });

    it('removes a listing of its own process', async () => {
      const id = freshId('own');
      await driver.persist(listing(id), true);
      expect(await driver.remove(id)).toBe(true);
      expect(await driver.has(id)).toBe(false);
    });

    it('cleans up every listing of one process and keeps the others’', async () => {
      const dead = freshId('dead-process');
      const theirs = [freshId('d1'), freshId('d2'), freshId('d3')];
      const mine = freshId('mine');
      for (const id of theirs) await driver.persist(listing(id, dead), true);
      await driver.persist(listing(mine), true);
      await driver.cleanup?.(dead);
      expect([...(await driver.findByIds([...theirs, mine])).keys()]).toEqual([mine]);
    });
  });
}
