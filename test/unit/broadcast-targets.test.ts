/**
 * The walk over the users a push targets (src/im/broadcast/targets.ts), on a real SQLite store:
 * every targeted user once over the shards, whatever the page size, read through the tag and
 * attribute indexes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BroadcastCondition } from '../../src/protocol/entries.ts';
import { TargetPages, type TargetPosition } from '../../src/im/broadcast/targets.ts';
import { PUSH_SHARDS, shardOf } from '../../src/im/broadcast/shards.ts';
import { openSqliteStore } from '../../storage/sqlite/sqlite-store.ts';

const store = openSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'parley-targets-')), 'store.db'), synchronous: 'NORMAL', groupCommitMs: 2 });
afterAll(() => store.close());

const users = Array.from({ length: 30 }, (_, i) => `u${String(i).padStart(2, '0')}`);
const setUp = (async () => {
  // u00..u29: `a` on even, `b` on multiples of 3, `c` on multiples of 5; slot 0 = i % 3, slot 1 = i % 2; devices on every fourth.
  await store.pushTargets.addTags(users.map((u, i) => ({ userId: u, tags: [...(i % 2 === 0 ? ['a'] : []), ...(i % 3 === 0 ? ['b'] : []), ...(i % 5 === 0 ? ['c'] : [])] })));
  await store.pushTargets.setAttrs(users.map((u, i) => ({ userId: u, attrs: { '0': String(i % 3), '1': String(i % 2) } })));
  for (const [i, u] of users.entries()) {
    if (i % 4 === 0) await store.pushDevices.putDevice({ userId: u, deviceId: 'p', platform: 'Android', provider: 'fcm', target: '{"token":"t"}', settings: '{}', registeredAt: 1, lastActiveAt: 1 });
  }
})();

async function walk(c: BroadcastCondition | undefined, limit: number): Promise<string[]> {
  await setUp;
  const out: string[] = [];
  for (let shard = 0; shard < PUSH_SHARDS; shard++) {
    const pages = new TargetPages(store.pushTargets, store.pushDevices, c, shard);
    for (let at: TargetPosition | undefined = { source: 0, after: '' }; at; ) {
      const page = await pages.page(at, limit);
      expect(page.userIds.every((u) => shardOf(u) === shard || c === undefined)).toBe(true);
      out.push(...page.userIds);
      at = page.next;
    }
  }
  return out;
}

const expected = (keep: (i: number) => boolean) => users.filter((_, i) => keep(i));

describe('TargetPages', () => {
  it.each([1, 4, 100])('walks every targeted user once (pages of %i)', async (limit) => {
    const sorted = async (c: BroadcastCondition | undefined) => (await walk(c, limit)).sort();
    expect(await sorted({ tagsOr: ['a', 'b', 'c'] })).toEqual(expected((i) => i % 2 === 0 || i % 3 === 0 || i % 5 === 0));
    expect(await sorted({ tagsAnd: ['a', 'b'] })).toEqual(expected((i) => i % 6 === 0));
    expect(await sorted({ tagsOr: ['b', 'c'], tagsAnd: ['a'] })).toEqual(expected((i) => i % 2 === 0 && (i % 3 === 0 || i % 5 === 0)));
    expect(await sorted({ attrsOr: { '0': '1', '1': '0' } })).toEqual(expected((i) => i % 3 === 1 || i % 2 === 0));
    expect(await sorted({ attrsAnd: { '0': '2', '1': '1' } })).toEqual(expected((i) => i % 3 === 2 && i % 2 === 1));
    expect(await sorted({ tagsOr: ['nobody'] })).toEqual([]);
    // Everyone: the users with push devices (the walk is for offline push).
    expect(await sorted(undefined)).toEqual(expected((i) => i % 4 === 0));
  });
});
