/**
 * The Store contract: every adapter (SQLite, Cassandra) runs this suite through
 * `runStoreContract({ name, create })`. A test an adapter cannot pass is skipped by name with a reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUSH_SHARDS, shardOf } from '../../src/im/broadcast/shards.ts';
import {
  type AppendEntry,
  type ApplicationPage,
  type ArchiveFileRecord,
  type FriendRecord,
  type FriendRequestRecord,
  type GroupApplicationRecord,
  type GroupListPage,
  type GroupType,
  StaleEpochError,
  type Store,
  pairKey,
} from '../../storage/store.ts';

export interface StoreContractOptions {
  readonly name: string;
  /** A store whose data does not collide with other runs (fresh file, fresh keyspace or unique ids). */
  readonly create: () => Promise<Store>;
  /** Why the whole suite cannot run here (e.g. the back end is not reachable); undefined = run. */
  readonly unavailable?: () => string | undefined;
  /** Removes what `create` made, after the store closed. */
  readonly destroy?: () => Promise<void>;
}

let streamCounter = 0;
/** A stream id unique to this run, so suites can share one back end. */
const freshStream = (kind = 'u'): string => `${kind}:contract-${process.pid}-${Date.now()}-${streamCounter++}`;

const entry = (seq: number, extra: Partial<AppendEntry> = {}): AppendEntry => ({
  seq,
  time: 1_700_000_000_000 + seq,
  payload: JSON.stringify({ n: seq }),
  flags: 0,
  expiresAt: 0,
  ...extra,
});

export function runStoreContract(o: StoreContractOptions): void {
  const reason = o.unavailable?.();
  describe.skipIf(reason !== undefined)(`Store contract: ${o.name}${reason ? ` (skipped: ${reason})` : ''}`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await o.create();
    });

    afterAll(async () => {
      await store?.close();
      await o.destroy?.();
    });

    describe('messages', () => {
      it('claims a new stream at SEQ 0 and a later claim gets a higher epoch', async () => {
        const s = freshStream();
        const a = await store.messages.claimStream(s);
        expect(a).toMatchObject({ streamId: s, lastSeq: 0 });
        const b = await store.messages.claimStream(s);
        expect(b.epoch).toBeGreaterThan(a.epoch);
      });

      it('appends entries and reads them back in order, after a SEQ and up to a limit', async () => {
        const s = freshStream();
        const claim = await store.messages.claimStream(s);
        await store.messages.appendEntries(claim, [entry(1), entry(2), entry(3)]);
        await store.messages.appendEntries(claim, [entry(4)]);
        expect((await store.messages.readEntries(s, 0, 10)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
        expect((await store.messages.readEntries(s, 2, 10)).map((e) => e.seq)).toEqual([3, 4]);
        expect((await store.messages.readEntries(s, 0, 2)).map((e) => e.seq)).toEqual([1, 2]);
        const [first] = await store.messages.readEntries(s, 0, 1);
        expect(first).toEqual({ seq: 1, time: 1_700_000_000_001, payload: '{"n":1}', flags: 0, expiresAt: 0 });
        expect((await store.messages.readEntriesBefore(s, 4, 2)).map((e) => e.seq)).toEqual([3, 2]);
      });

      it('commits concurrent appends of one claim in call order', async () => {
        const s = freshStream();
        const claim = await store.messages.claimStream(s);
        await Promise.all(Array.from({ length: 50 }, (_, i) => store.messages.appendEntries(claim, [entry(i + 1)])));
        expect((await store.messages.readEntries(s, 0, 100)).map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      });

      it('refuses an append from a stale claim and writes none of it', async () => {
        const s = freshStream();
        const old = await store.messages.claimStream(s);
        await store.messages.appendEntries(old, [entry(1)]);
        const current = await store.messages.claimStream(s);
        expect(current.lastSeq).toBe(1);
        await expect(store.messages.appendEntries(old, [entry(2), entry(3)])).rejects.toBeInstanceOf(StaleEpochError);
        expect((await store.messages.readEntries(s, 0, 10)).map((e) => e.seq)).toEqual([1]);
        await store.messages.appendEntries(current, [entry(2)]);
        expect((await store.messages.readEntries(s, 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
      });

      it('never overwrites a stored SEQ: an append reusing one fails as a whole', async () => {
        const s = freshStream();
        const claim = await store.messages.claimStream(s);
        await store.messages.appendEntries(claim, [entry(1, { payload: '"first"' })]);
        await expect(store.messages.appendEntries(claim, [entry(2), entry(1, { payload: '"second"' })])).rejects.toThrow();
        const rows = await store.messages.readEntries(s, 0, 10);
        expect(rows.map((r) => [r.seq, r.payload])).toEqual([[1, '"first"']]);
      });

      it('reports each stream’s head SEQ, 0 for unknown streams', async () => {
        const a = freshStream();
        const b = freshStream();
        const claim = await store.messages.claimStream(a);
        await store.messages.appendEntries(claim, [entry(1), entry(2)]);
        const heads = await store.messages.headSeqs([a, b]);
        expect(heads.get(a)).toBe(2);
        expect(heads.get(b)).toBe(0);
      });

      it('skips expired entries on read, but never lowers the SEQ a new claim continues from', async () => {
        const s = freshStream();
        const claim = await store.messages.claimStream(s);
        const past = Date.now() - 60_000;
        await store.messages.appendEntries(claim, [entry(1, { expiresAt: past }), entry(2, { expiresAt: past }), entry(3, { expiresAt: Date.now() + 3_600_000 })]);
        expect((await store.messages.readEntries(s, 0, 10)).map((e) => e.seq)).toEqual([3]);
        expect((await store.messages.claimStream(s)).lastSeq).toBe(3);
        expect((await store.messages.headSeqs([s])).get(s)).toBe(3);
      });

      it('finds idempotency keys within their window only', async () => {
        const s = freshStream();
        const claim = await store.messages.claimStream(s);
        await store.messages.appendEntries(claim, [
          entry(1, { idemKey: 'live', idemExpiresAt: Date.now() + 60_000 }),
          entry(2, { idemKey: 'old', idemExpiresAt: Date.now() - 1 }),
        ]);
        const found = await store.messages.findIdempotent(s, ['live', 'old', 'never']);
        expect([...found.entries()]).toEqual([['live', 1]]);
      });

      it('updates payload and flags of a stored entry in place', async () => {
        const s = freshStream();
        const claim = await store.messages.claimStream(s);
        await store.messages.appendEntries(claim, [entry(1)]);
        expect(await store.messages.updateEntry(s, 1, { flags: 8 })).toBe(true);
        expect(await store.messages.updateEntry(s, 1, { payload: '"edited"' })).toBe(true);
        const [row] = await store.messages.readEntries(s, 0, 1);
        expect(row).toMatchObject({ seq: 1, payload: '"edited"', flags: 8 });
        expect(await store.messages.updateEntry(s, 9, { flags: 8 })).toBe(false);
      });

      it('indexes entries by peer for conversation queries, newest first, with a time range and a continuation point', async () => {
        const s = freshStream();
        const claim = await store.messages.claimStream(s);
        await store.messages.appendEntries(claim, [
          entry(1, { peer: 'bob', time: 1000 }),
          entry(2, { peer: 'carol', time: 2000 }),
          entry(3, { peer: 'bob', time: 3000 }),
          entry(4, { peer: 'bob', time: 3000 }),
          entry(5, { peer: 'bob', time: 5000 }),
        ]);
        const q = { streamId: s, peer: 'bob', minTime: 0, maxTime: 10_000, limit: 10 };
        expect((await store.messages.readConversation(q)).map((e) => e.seq)).toEqual([5, 4, 3, 1]);
        expect((await store.messages.readConversation({ ...q, maxTime: 3000 })).map((e) => e.seq)).toEqual([4, 3, 1]);
        expect((await store.messages.readConversation({ ...q, minTime: 2000 })).map((e) => e.seq)).toEqual([5, 4, 3]);
        expect((await store.messages.readConversation({ ...q, before: { time: 3000, seq: 4 } })).map((e) => e.seq)).toEqual([3, 1]);
        expect((await store.messages.readConversation({ ...q, limit: 2 })).map((e) => e.seq)).toEqual([5, 4]);
      });

      it('drops entries through a SEQ with their roaming-index and idempotency rows, keeping the head and later entries', async () => {
        const s = freshStream();
        const claim = await store.messages.claimStream(s);
        const idem = (k: string) => ({ idemKey: k, idemExpiresAt: Date.now() + 60_000 });
        await store.messages.appendEntries(claim, [
          entry(1, { peer: 'bob', time: 1000, ...idem('k1') }),
          entry(2, { peer: 'carol', time: 2000 }),
          entry(3, { peer: 'bob', time: 3000, ...idem('k3') }),
          entry(4, { peer: 'bob', time: 4000, ...idem('k4') }),
        ]);
        await store.messages.dropEntries(s, 3);
        await store.messages.dropEntries(s, 3);
        expect((await store.messages.readEntries(s, 0, 10)).map((e) => e.seq)).toEqual([4]);
        expect((await store.messages.readEntriesBefore(s, 4, 10)).map((e) => e.seq)).toEqual([]);
        const q = { streamId: s, peer: 'bob', minTime: 0, maxTime: 10_000, limit: 10 };
        expect((await store.messages.readConversation(q)).map((e) => e.seq)).toEqual([4]);
        expect(await store.messages.readConversation({ ...q, peer: 'carol' })).toEqual([]);
        expect([...(await store.messages.findIdempotent(s, ['k1', 'k3', 'k4'])).entries()]).toEqual([['k4', 4]]);
        expect(await store.messages.updateEntry(s, 2, { flags: 8 })).toBe(false);
        expect((await store.messages.headSeqs([s])).get(s)).toBe(4);
        await store.messages.dropEntries(s, 4);
        expect(await store.messages.readEntries(s, 0, 10)).toEqual([]);
        const next = await store.messages.claimStream(s);
        expect(next.lastSeq).toBe(4);
        await store.messages.appendEntries(next, [entry(next.lastSeq + 1, { peer: 'bob', time: 5000 })]);
        expect((await store.messages.readEntries(s, 0, 10)).map((e) => e.seq)).toEqual([5]);
        expect((await store.messages.readConversation(q)).map((e) => e.seq)).toEqual([5]);
        expect((await store.messages.headSeqs([s])).get(s)).toBe(5);
      });

      it('drops entries across bucket boundaries of a long stream, and a drop of an unknown stream changes nothing', async () => {
        const s = freshStream();
        const claim = await store.messages.claimStream(s);
        const all = Array.from({ length: 2100 }, (_, i) => entry(i + 1, { peer: i % 2 === 0 ? 'bob' : undefined, time: 10_000 + i }));
        for (let i = 0; i < all.length; i += 100) await store.messages.appendEntries(claim, all.slice(i, i + 100));
        await store.messages.dropEntries(s, 2050);
        expect((await store.messages.readEntries(s, 0, 100)).map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 2051 + i));
        const conversation = await store.messages.readConversation({ streamId: s, peer: 'bob', minTime: 0, maxTime: 1e12, limit: 100 });
        expect(conversation.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => 2099 - 2 * i));
        expect((await store.messages.claimStream(s)).lastSeq).toBe(2100);
        await expect(store.messages.dropEntries(freshStream(), 10)).resolves.toBeUndefined();
      });

      describe('projection', () => {
        /** The stream's projection with its rows in key order (the port promises no order). */
        const projection = async (s: string) => {
          const p = await store.messages.readProjection(s);
          return { rows: [...p.rows].sort((a, b) => a.key.localeCompare(b.key)), appliedSeq: p.appliedSeq };
        };
        const row = (key: string, seq: number, state = JSON.stringify({ key, seq })) => ({ key, seq, state });

        it('reads an empty projection for a stream that has none', async () => {
          expect(await store.messages.readProjection(freshStream())).toEqual({ rows: [], appliedSeq: 0 });
          const s = freshStream();
          const claim = await store.messages.claimStream(s);
          await store.messages.appendEntries(claim, [entry(1)]);
          expect(await store.messages.readProjection(s)).toEqual({ rows: [], appliedSeq: 0 });
        });

        it('stores the rows an append hands in, with the SEQ they are folded through', async () => {
          const s = freshStream();
          const claim = await store.messages.claimStream(s);
          await store.messages.appendEntries(claim, [entry(1), entry(2)], { rows: [row('bob', 1), row('carol', 2)], appliedSeq: 2 });
          expect(await projection(s)).toEqual({ rows: [row('bob', 1), row('carol', 2)], appliedSeq: 2 });
        });

        it('replaces a row a later append hands in, removes one whose state is empty, and keeps the others', async () => {
          const s = freshStream();
          const claim = await store.messages.claimStream(s);
          await store.messages.appendEntries(claim, [entry(1), entry(2), entry(3)], { rows: [row('bob', 1), row('carol', 2), row('dave', 3)], appliedSeq: 3 });
          await store.messages.appendEntries(claim, [entry(4), entry(5)], { rows: [row('bob', 5, '{"unread":2}'), row('carol', 4, '')], appliedSeq: 5 });
          expect(await projection(s)).toEqual({ rows: [row('bob', 5, '{"unread":2}'), row('dave', 3)], appliedSeq: 5 });
          await store.messages.appendEntries(claim, [entry(6)], { rows: [], appliedSeq: 6 });
          expect(await projection(s)).toEqual({ rows: [row('bob', 5, '{"unread":2}'), row('dave', 3)], appliedSeq: 6 });
          await store.messages.appendEntries(claim, [entry(7)]);
          expect((await projection(s)).appliedSeq).toBe(6);
        });

        it('writes no projection with an append refused for a stale claim', async () => {
          const s = freshStream();
          const old = await store.messages.claimStream(s);
          await store.messages.appendEntries(old, [entry(1)], { rows: [row('bob', 1)], appliedSeq: 1 });
          const current = await store.messages.claimStream(s);
          await expect(
            store.messages.appendEntries(old, [entry(2)], { rows: [row('bob', 2, '{"stale":true}'), row('carol', 2)], appliedSeq: 2 }),
          ).rejects.toBeInstanceOf(StaleEpochError);
          expect(await projection(s)).toEqual({ rows: [row('bob', 1)], appliedSeq: 1 });
          await store.messages.appendEntries(current, [entry(2)], { rows: [row('dave', 2)], appliedSeq: 2 });
          expect(await projection(s)).toEqual({ rows: [row('bob', 1), row('dave', 2)], appliedSeq: 2 });
        });

        it('writes no projection with an append that fails', async () => {
          const s = freshStream();
          const claim = await store.messages.claimStream(s);
          await store.messages.appendEntries(claim, [entry(1)], { rows: [row('bob', 1)], appliedSeq: 1 });
          await expect(
            store.messages.appendEntries(claim, [entry(2), entry(1)], { rows: [row('bob', 2, ''), row('carol', 2)], appliedSeq: 2 }),
          ).rejects.toThrow();
          expect(await projection(s)).toEqual({ rows: [row('bob', 1)], appliedSeq: 1 });
        });

        it('drops the rows folded through a SEQ with the entries, keeps later ones, and moves appliedSeq to at least that SEQ', async () => {
          const s = freshStream();
          const claim = await store.messages.claimStream(s);
          await store.messages.appendEntries(claim, [entry(1), entry(2), entry(3)], { rows: [row('bob', 1), row('carol', 3)], appliedSeq: 3 });
          await store.messages.appendEntries(claim, [entry(4), entry(5)], { rows: [row('dave', 4), row('erin', 5)], appliedSeq: 5 });
          await store.messages.dropEntries(s, 4);
          await store.messages.dropEntries(s, 4);
          let p = await projection(s);
          expect(p.rows).toEqual([row('erin', 5)]);
          expect(p.appliedSeq).toBeGreaterThanOrEqual(4);
          await store.messages.appendEntries(claim, [entry(6)], { rows: [row('bob', 6)], appliedSeq: 6 });
          expect(await projection(s)).toEqual({ rows: [row('bob', 6), row('erin', 5)], appliedSeq: 6 });
          // Entries the projection lags behind: dropping them moves appliedSeq up to the SEQ dropped.
          await store.messages.appendEntries(claim, [entry(7), entry(8)]);
          await store.messages.dropEntries(s, 8);
          p = await projection(s);
          expect(p.rows).toEqual([]);
          expect(p.appliedSeq).toBeGreaterThanOrEqual(8);
          const next = await store.messages.claimStream(s);
          await store.messages.appendEntries(next, [entry(9)], { rows: [row('carol', 9)], appliedSeq: 9 });
          expect(await projection(s)).toEqual({ rows: [row('carol', 9)], appliedSeq: 9 });
        });
      });
    });

    describe('event emission bookkeeping', () => {
      it('tracks what was emitted, lists a lagging stream in the backlog, and releases it once caught up', async () => {
        const s = freshStream();
        const claim = await store.messages.claimStream(s);
        expect(await store.messages.emittedUpto(s)).toBe(0);
        await store.messages.appendEntries(claim, [entry(1), entry(2), entry(3)]);
        expect(await store.messages.emissionBacklog(10_000)).toContain(s);
        await store.messages.markEmitted(s, 2, false);
        expect(await store.messages.emittedUpto(s)).toBe(2);
        await store.messages.markEmitted(s, 1, false);
        expect(await store.messages.emittedUpto(s)).toBe(2);
        expect(await store.messages.emissionBacklog(10_000)).toContain(s);
        await store.messages.markEmitted(s, 3, true);
        expect(await store.messages.emittedUpto(s)).toBe(3);
        expect(await store.messages.emissionBacklog(10_000)).not.toContain(s);
      });

      it('keeps pending events with their stream until removed, once per id, listing the stream in the backlog meanwhile', async () => {
        const s = freshStream();
        await store.messages.addPending(s, [{ id: 'e1', payload: '{"n":1}' }, { id: 'e2', payload: '{"n":2}' }]);
        await store.messages.addPending(s, [{ id: 'e1', payload: '{"n":1}' }]);
        expect(await store.messages.emissionBacklog(10_000)).toContain(s);
        const pending = await store.messages.readPending(s, 10);
        expect(pending.sort((a, b) => a.id.localeCompare(b.id))).toEqual([{ id: 'e1', payload: '{"n":1}' }, { id: 'e2', payload: '{"n":2}' }]);
        expect(await store.messages.readPending(s, 1)).toHaveLength(1);
        await store.messages.removePending(s, ['e1', 'absent']);
        expect(await store.messages.readPending(s, 10)).toEqual([{ id: 'e2', payload: '{"n":2}' }]);
        expect(await store.messages.readPending(freshStream(), 10)).toEqual([]);
      });

      it('takes a stream with pending events out of the backlog once they are published and the stream is released', async () => {
        const s = freshStream();
        await store.messages.addPending(s, [{ id: 'e1', payload: '{}' }]);
        await store.messages.removePending(s, ['e1']);
        await store.messages.markEmitted(s, 0, true);
        expect(await store.messages.emissionBacklog(10_000)).not.toContain(s);
      });
    });

    describe('accounts', () => {
      it('records an import’s outbox events with the accounts', async () => {
        const id = `acct-outbox-${process.pid}-${Date.now()}`;
        const streamId = `u:${id}`;
        const imported = { id: `account:${id}`, payload: '{"type":"account.imported"}' };
        await store.accounts.importAccounts([{ userId: id }], 7, { streamId, events: [imported] });
        expect((await store.accounts.getAccounts([id])).has(id)).toBe(true);
        expect(await store.messages.readPending(streamId, 10)).toEqual([imported]);
        expect(await store.messages.emissionBacklog(10_000)).toContain(streamId);
      });

      it('imports accounts once, updates given fields, and finds only existing ones', async () => {
        const id = `acct-${process.pid}-${Date.now()}`;
        await store.accounts.importAccounts([{ userId: id, nick: 'N' }], 1000);
        await store.accounts.importAccounts([{ userId: id, faceUrl: 'F' }], 2000);
        const got = await store.accounts.getAccounts([id, `${id}-missing`]);
        expect([...got.keys()]).toEqual([id]);
        expect(got.get(id)).toEqual({ userId: id, nick: 'N', faceUrl: 'F', createdAt: 1000, sigNotBefore: 0, c2cMutedUntil: 0, groupMutedUntil: 0 });
      });

      it('revokes UserSigs before a time and never moves that time back', async () => {
        const id = `revoke-${process.pid}-${Date.now()}`;
        await store.accounts.importAccounts([{ userId: id }], 1);
        await store.accounts.revokeSigsBefore(id, 500);
        await store.accounts.revokeSigsBefore(id, 400);
        expect((await store.accounts.getAccounts([id])).get(id)?.sigNotBefore).toBe(500);
      });

      it('keeps an account’s global mutes, and sets none for an unknown id', async () => {
        const id = `mute-${process.pid}-${Date.now()}`;
        await store.accounts.importAccounts([{ userId: id }], 1);
        await store.accounts.setNoSpeaking(id, { c2cUntil: 5000, groupUntil: 0 });
        expect((await store.accounts.getAccounts([id])).get(id)).toMatchObject({ c2cMutedUntil: 5000, groupMutedUntil: 0 });
        await store.accounts.setNoSpeaking(id, { c2cUntil: 0, groupUntil: 4_294_967_295_000 });
        expect((await store.accounts.getAccounts([id])).get(id)).toMatchObject({ c2cMutedUntil: 0, groupMutedUntil: 4_294_967_295_000 });
        await store.accounts.setNoSpeaking(`${id}-ghost`, { c2cUntil: 1, groupUntil: 1 });
        expect((await store.accounts.getAccounts([`${id}-ghost`])).size).toBe(0);
      });

      it('sets profile fields tag by tag, keeping the others, with its outbox events; nick and face in the account', async () => {
        const id = `prof-${process.pid}-${Date.now()}`;
        const other = `${id}-other`;
        await store.accounts.importAccounts([{ userId: id, nick: 'N' }, { userId: other }], 1);
        const changed = { id: `profile:${id}:1`, payload: '{"type":"profile.changed"}' };
        await store.accounts.setProfile(id, { faceUrl: 'http://f', tags: new Map<string, string | number>([['Tag_Profile_IM_Gender', 'Gender_Type_Female'], ['Tag_Profile_IM_Level', 3]]) }, { streamId: `u:${id}`, events: [changed] });
        await store.accounts.setProfile(id, { nick: 'Nina', tags: new Map([['Tag_Profile_IM_Level', 4]]) });
        expect((await store.accounts.getAccounts([id])).get(id)).toMatchObject({ nick: 'Nina', faceUrl: 'http://f' });
        const tags = await store.accounts.getProfileTags([id, other, `${id}-missing`]);
        expect([...tags.keys()]).toEqual([id]);
        expect(Object.fromEntries(tags.get(id) ?? [])).toEqual({ Tag_Profile_IM_Gender: 'Gender_Type_Female', Tag_Profile_IM_Level: 4 });
        expect(await store.messages.readPending(`u:${id}`, 10)).toEqual([changed]);
      });

      describe('search and deletion', () => {
        const uniq = () => `${process.pid}x${Date.now()}x${streamCounter++}`;
        /** Full-width forms of ASCII letters and digits (NFKC maps them back). */
        const fullWidth = (s: string) => [...s].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
        const search = (keyword: string, limit = 100, cursor = '') => store.accounts.searchAccounts({ keyword, cursor, limit });
        const idsOf = (page: { accounts: readonly { userId: string }[] }) => page.accounts.map((a) => a.userId);
        /** Every page of a search from the first, asserting each page's size. */
        const searchAll = async (keyword: string, limit: number, between?: () => Promise<void>): Promise<string[][]> => {
          const pages: string[][] = [];
          for (let cursor = '', first = true; first || cursor !== ''; first = false) {
            const page = await search(keyword, limit, cursor);
            expect(page.accounts.length).toBeLessThanOrEqual(limit);
            if (page.next !== '') expect(page.accounts.length).toBeGreaterThan(0);
            pages.push(idsOf(page));
            cursor = page.next;
            if (first) await between?.();
            if (pages.length > 1000) throw new Error('searchAccounts never reached next ""');
          }
          return pages;
        };

        it('finds the account of the exact id first, then accounts by nick prefix in any case or width, by search key then id', async () => {
          const t = `srch${uniq()}`;
          await store.accounts.importAccounts([
            { userId: t, nick: `${t} zed` },
            { userId: `${t}-b`, nick: `${fullWidth(t.toUpperCase())}B` },
            { userId: `${t}-f`, nick: `${t}a` },
            { userId: `${t}-c`, nick: `${t.toUpperCase()}A` },
            { userId: `${t}-d`, nick: `x${t}` },
            { userId: `${t}-e` },
            { userId: `${t}-g`, nick: '' },
          ], 1);
          expect(await search(t)).toMatchObject({ next: '' });
          expect(idsOf(await search(t))).toEqual([t, `${t}-c`, `${t}-f`, `${t}-b`]);
          expect((await search(t)).accounts[1]).toEqual({ userId: `${t}-c`, nick: `${t.toUpperCase()}A`, faceUrl: '', createdAt: 1, sigNotBefore: 0, c2cMutedUntil: 0, groupMutedUntil: 0 });
          expect(idsOf(await search(fullWidth(t)))).toEqual([t, `${t}-c`, `${t}-f`, `${t}-b`]);
          expect(idsOf(await search(`${t.toUpperCase()}A`))).toEqual([`${t}-c`, `${t}-f`]);
          expect(idsOf(await search(`${t}-e`))).toEqual([`${t}-e`]);
          expect(await search(`${t}-none`)).toEqual({ accounts: [], next: '' });
          await expect(search('')).rejects.toThrow(/searchAccounts/);
        });

        it('pages a search with a small limit, listing each match once and in order, the exact id first', async () => {
          const t = `page${uniq()}`;
          const ids = Array.from({ length: 6 }, (_, i) => `${t}-${i}`);
          await store.accounts.importAccounts([{ userId: t, nick: `${t}3` }, ...ids.map((userId, i) => ({ userId, nick: `${t}${5 - i}` }))], 1);
          const expected = [t, ...[...ids].reverse()];
          for (const limit of [1, 2, 3]) {
            const pages = await searchAll(t, limit);
            expect(pages.flat()).toEqual(expected);
            expect(pages.length).toBe(Math.ceil(expected.length / limit));
          }
          expect((await searchAll(`${t}2`, 1)).flat()).toEqual([ids[3]]);
          await expect(search(t, 2, 'not a cursor')).rejects.toMatchObject({ name: 'BadCursorError' });
        });

        it('never lists an account twice when it is renamed past the cursor between pages', async () => {
          const t = `move${uniq()}`;
          const ids = Array.from({ length: 5 }, (_, i) => `${t}-${i}`);
          await store.accounts.importAccounts(ids.map((userId, i) => ({ userId, nick: `${t}${i}` })), 1);
          const pages = await searchAll(t, 2, async () => {
            await store.accounts.setProfile(ids[0], { nick: `${t}9`, tags: new Map() });
          });
          expect(pages[0]).toEqual([ids[0], ids[1]]);
          const listed = pages.flat();
          expect(new Set(listed).size).toBe(listed.length);
          for (const id of ids.slice(2)) expect(listed).toContain(id);
        });

        it('finds a renamed account by its new nick only, and a deleted one not at all', async () => {
          const t = `ren${uniq()}`;
          const [x, y] = [`${t}-x`, `${t}-y`];
          await store.accounts.importAccounts([{ userId: x, nick: `${t}old` }, { userId: y, nick: `${t}old` }], 1);
          await store.accounts.setProfile(x, { nick: `${t}new`, tags: new Map() });
          await store.accounts.importAccounts([{ userId: y, nick: `${t}other` }], 2);
          expect(idsOf(await search(`${t}old`))).toEqual([]);
          expect(idsOf(await search(`${t}new`))).toEqual([x]);
          expect(idsOf(await search(`${t}other`))).toEqual([y]);
          expect(idsOf(await search(t))).toEqual([x, y]);
          await store.accounts.setProfile(x, { faceUrl: 'http://f', tags: new Map() });
          expect(idsOf(await search(`${t}new`))).toEqual([x]);
          expect(await store.accounts.deleteAccount(x, 5_000)).toBe(true);
          expect(idsOf(await search(t))).toEqual([y]);
          expect(idsOf(await search(x))).toEqual([]);
        });

        it('deletes an account with its tags once, keeping its id’s sigNotBefore, raised to the deletion', async () => {
          const id = `del-${uniq()}`;
          await store.accounts.importAccounts([{ userId: id, nick: 'Old', faceUrl: 'http://old' }], 1);
          await store.accounts.setProfile(id, { tags: new Map<string, string | number>([['Tag_Profile_IM_Level', 3]]) });
          await store.accounts.setNoSpeaking(id, { c2cUntil: 9_000, groupUntil: 9_000 });
          await store.accounts.revokeSigsBefore(id, 900_000);
          expect(await store.accounts.sigNotBefore(id)).toBe(900_000);
          const deleted = { id: `account:${id}:deleted`, payload: '{"type":"account.deleted"}' };
          expect(await store.accounts.deleteAccount(id, 1_000_000_500, { streamId: `u:${id}`, events: [deleted] })).toBe(true);
          expect(await store.accounts.deleteAccount(id, 2_000_000_000, { streamId: `u:${id}`, events: [{ id: 'again', payload: '{}' }] })).toBe(false);
          expect(await store.accounts.deleteAccount(`${id}-missing`, 1)).toBe(false);
          expect(await store.messages.readPending(`u:${id}`, 10)).toEqual([deleted]);
          expect((await store.accounts.getAccounts([id])).size).toBe(0);
          expect((await store.accounts.getProfileTags([id])).size).toBe(0);
          expect(await store.accounts.sigNotBefore(id)).toBe(1_000_000);
          expect(await store.accounts.sigNotBefore(`${id}-missing`)).toBe(0);
          // A deleted account is unknown to the other writes.
          await store.accounts.setProfile(id, { nick: 'Ghost', faceUrl: 'http://ghost', tags: new Map([['Tag_Profile_IM_Level', 4]]) });
          await store.accounts.setNoSpeaking(id, { c2cUntil: 1, groupUntil: 1 });
          await store.accounts.revokeSigsBefore(id, 1_500_000);
          expect((await store.accounts.getAccounts([id])).size).toBe(0);
          expect((await store.accounts.getProfileTags([id])).size).toBe(0);
          expect(await store.accounts.sigNotBefore(id)).toBe(1_000_000);
          expect(idsOf(await search('Ghost'))).not.toContain(id);
        });

        it('makes a new account when a deleted id is imported again: fresh profile, no mutes or tags, sigNotBefore kept', async () => {
          const id = `again-${uniq()}`;
          const t = `agn${uniq()}`;
          await store.accounts.importAccounts([{ userId: id, nick: `${t}old`, faceUrl: 'http://old' }], 1);
          await store.accounts.setProfile(id, { tags: new Map<string, string | number>([['Tag_Profile_IM_Gender', 'Gender_Type_Male']]) });
          await store.accounts.setNoSpeaking(id, { c2cUntil: 9_000, groupUntil: 9_000 });
          expect(await store.accounts.deleteAccount(id, 1_000_000_999)).toBe(true);
          await store.accounts.importAccounts([{ userId: id }], 2_000_000_000_000);
          expect((await store.accounts.getAccounts([id])).get(id)).toEqual({
            userId: id, nick: '', faceUrl: '', createdAt: 2_000_000_000_000, sigNotBefore: 1_000_000, c2cMutedUntil: 0, groupMutedUntil: 0,
          });
          expect((await store.accounts.getProfileTags([id])).size).toBe(0);
          expect(idsOf(await search(t))).toEqual([]);
          await store.accounts.setProfile(id, { nick: `${t}new`, tags: new Map([['Tag_Profile_IM_Level', 2]]) });
          expect(idsOf(await search(t))).toEqual([id]);
          expect(Object.fromEntries((await store.accounts.getProfileTags([id])).get(id) ?? [])).toEqual({ Tag_Profile_IM_Level: 2 });
          expect(await store.accounts.deleteAccount(id, 1_000)).toBe(true);
          expect(await store.accounts.sigNotBefore(id)).toBe(1_000_000);
          await store.accounts.importAccounts([{ userId: id, nick: `${t}third`, faceUrl: 'http://3' }], 3);
          expect((await store.accounts.getAccounts([id])).get(id)).toMatchObject({ nick: `${t}third`, faceUrl: 'http://3', createdAt: 3, sigNotBefore: 1_000_000 });
          expect(idsOf(await search(`${t}third`))).toEqual([id]);
          expect(idsOf(await search(`${t}new`))).toEqual([]);
        });
      });
    });

    describe('groups', () => {
      const gid = () => `grp-${process.pid}-${Date.now()}-${streamCounter++}`;
      const member = (userId: string, role: 'Owner' | 'Admin' | 'Member' = 'Member') => ({ userId, role, joinedAt: 10, joinSeq: 0, profile: '{}' });
      const groupOf = (groupId: string, type: GroupType = 'Public') => ({ groupId, type, owner: `o-${groupId}`, createdAt: 5, profile: '{}' });
      /** Pages from the start to `next` 0 (asserting each page's size), and after the first page lets `between` change the store. */
      const listAll = async (q: { type?: GroupType; limit: number }, between?: (first: GroupListPage) => Promise<void>): Promise<GroupListPage[]> => {
        const pages: GroupListPage[] = [];
        for (let after = 0; pages.length === 0 || after !== 0; after = pages[pages.length - 1].next) {
          const page = await store.groups.listGroups({ ...q, after });
          expect(page.groups.length).toBeLessThanOrEqual(q.limit);
          expect(Number.isSafeInteger(page.next) && page.next >= 0).toBe(true);
          if (page.next !== 0) expect(page.groups.length).toBeGreaterThan(0);
          pages.push(page);
          if (pages.length === 1) await between?.(page);
          if (pages.length > 10_000) throw new Error('listGroups never reached next 0');
        }
        return pages;
      };
      const idsOf = (pages: readonly GroupListPage[]): string[] => pages.flatMap((p) => p.groups.map((g) => g.groupId));
      const countOf = (ids: readonly string[], id: string): number => ids.filter((x) => x === id).length;

      it('creates a group with its members once; a second create with the same id is refused and changes nothing', async () => {
        const id = gid();
        const group = { groupId: id, type: 'Public' as const, owner: 'o', createdAt: 5, profile: '{"name":"a"}' };
        expect(await store.groups.createGroup(group, [member('o', 'Owner'), member('m')])).toBe(true);
        expect(await store.groups.createGroup({ ...group, owner: 'x', profile: '{"name":"b"}' }, [member('x', 'Owner')])).toBe(false);
        expect(await store.groups.getGroup(id)).toEqual(group);
        expect((await store.groups.listMembers(id)).map((m) => m.userId).sort()).toEqual(['m', 'o']);
        expect(await store.groups.getGroup(`${id}-missing`)).toBeUndefined();
      });

      it('records a creation’s outbox events with the group, and none for a refused create', async () => {
        const id = gid();
        const streamId = `g:${id}`;
        const group = { groupId: id, type: 'Public' as const, owner: 'o', createdAt: 5, profile: '{}' };
        const created = { id: `${streamId}#created`, payload: '{"type":"group.created"}' };
        expect(await store.groups.createGroup(group, [member('o', 'Owner')], { streamId, events: [created] })).toBe(true);
        expect(await store.groups.createGroup(group, [member('o', 'Owner')], { streamId, events: [{ id: `${streamId}#again`, payload: '{}' }] })).toBe(false);
        expect(await store.messages.readPending(streamId, 10)).toEqual([created]);
        expect(await store.messages.emissionBacklog(10_000)).toContain(streamId);
      });

      it('records a dismissal’s outbox events with the delete, and none when there was no group', async () => {
        const id = gid();
        const streamId = `g:${id}`;
        await store.groups.createGroup({ groupId: id, type: 'Public', owner: 'o', createdAt: 5, profile: '{}' }, [member('o', 'Owner')]);
        const destroyed = { id: `${streamId}#destroyed`, payload: '{"type":"group.destroyed"}' };
        expect(await store.groups.deleteGroup(id, { streamId, events: [destroyed] })).toBe(true);
        expect(await store.groups.deleteGroup(id, { streamId, events: [{ id: `${streamId}#again`, payload: '{}' }] })).toBe(false);
        expect(await store.messages.readPending(streamId, 10)).toEqual([destroyed]);
        expect(await store.messages.emissionBacklog(10_000)).toContain(streamId);
      });

      it('keeps members and the user→groups index together', async () => {
        const id = gid();
        const user = `u-${id}`;
        await store.groups.createGroup({ groupId: id, type: 'Private', owner: 'o', createdAt: 5, profile: '{}' }, [member('o', 'Owner')]);
        await store.groups.putMembers(id, 'Private', [{ ...member(user), joinSeq: 7 }]);
        expect(await store.groups.getMember(id, user)).toEqual({ userId: user, role: 'Member', joinedAt: 10, joinSeq: 7, profile: '{}' });
        expect(await store.groups.groupsOfUser(user)).toEqual([{ groupId: id, type: 'Private', joinSeq: 7, joinedAt: 10 }]);
        await store.groups.removeMembers(id, [user, 'not-there']);
        expect(await store.groups.getMember(id, user)).toBeUndefined();
        expect(await store.groups.groupsOfUser(user)).toEqual([]);
      });

      it('updates owner and profile', async () => {
        const id = gid();
        await store.groups.createGroup({ groupId: id, type: 'Public', owner: 'o', createdAt: 5, profile: '{}' }, []);
        await store.groups.updateGroup(id, { profile: '{"name":"new"}' });
        await store.groups.updateGroup(id, { owner: 'p' });
        expect(await store.groups.getGroup(id)).toMatchObject({ owner: 'p', profile: '{"name":"new"}' });
      });

      it('deletes a group with its members and user→group rows, leaves its outbox, and finds none the second time', async () => {
        const id = gid();
        const [owner, user] = [`o-${id}`, `u-${id}`];
        const streamId = `g:${id}`;
        const created = { id: `${streamId}#created`, payload: '{}' };
        await store.groups.createGroup(groupOf(id), [member(owner, 'Owner'), member(user)], { streamId, events: [created] });
        const { total } = await store.groups.listGroups({ after: 0, limit: 1 });
        expect(await store.groups.deleteGroup(id)).toBe(true);
        expect(await store.groups.getGroup(id)).toBeUndefined();
        expect(await store.groups.listMembers(id)).toEqual([]);
        expect(await store.groups.getMember(id, user)).toBeUndefined();
        expect(await store.groups.groupsOfUser(owner)).toEqual([]);
        expect(await store.groups.groupsOfUser(user)).toEqual([]);
        expect(idsOf(await listAll({ limit: 100 }))).not.toContain(id);
        expect((await store.groups.listGroups({ after: 0, limit: 1 })).total).toBe(total - 1);
        expect(await store.messages.readPending(streamId, 10)).toEqual([created]);
        expect(await store.groups.deleteGroup(id)).toBe(false);
        expect(await store.groups.deleteGroup(`${id}-missing`)).toBe(false);
        expect((await store.groups.listGroups({ after: 0, limit: 1 })).total).toBe(total - 1);
      });

      it('deletes a group with more members than one batch holds', async () => {
        const id = gid();
        const users = Array.from({ length: 130 }, (_, i) => `u-${id}-${i}`);
        await store.groups.createGroup(groupOf(id), users.map((u) => member(u)));
        expect(await store.groups.deleteGroup(id)).toBe(true);
        expect(await store.groups.listMembers(id)).toEqual([]);
        for (const u of [users[0], users[64], users[129]]) expect(await store.groups.groupsOfUser(u)).toEqual([]);
      });

      it('creates a group again under the id of a deleted one, with only its new type and members', async () => {
        const id = gid();
        const [first, second] = [`u-${id}-1`, `u-${id}-2`];
        await store.groups.createGroup(groupOf(id, 'Public'), [member(first, 'Owner')]);
        expect(await store.groups.deleteGroup(id)).toBe(true);
        const again = { ...groupOf(id, 'Private'), owner: second, createdAt: 6 };
        expect(await store.groups.createGroup(again, [member(second, 'Owner')])).toBe(true);
        expect(await store.groups.getGroup(id)).toEqual(again);
        expect((await store.groups.listMembers(id)).map((m) => m.userId)).toEqual([second]);
        expect(await store.groups.groupsOfUser(first)).toEqual([]);
        expect(await store.groups.groupsOfUser(second)).toEqual([{ groupId: id, type: 'Private', joinSeq: 0, joinedAt: 10 }]);
        const listed = (await listAll({ limit: 100 })).flatMap((p) => p.groups).filter((g) => g.groupId === id);
        expect(listed).toEqual([{ groupId: id, type: 'Private' }]);
      });

      it('searches groups by a part of their name, of the asked types only, paged by offset with a total of every match', async () => {
        const tag = `Srch${process.pid}x${Date.now()}`;
        const named = (id: string, type: GroupType, name: string) => ({ ...groupOf(id, type), profile: JSON.stringify({ name, introduction: '' }) });
        const ids = Array.from({ length: 5 }, () => gid());
        await store.groups.createGroup(named(ids[0], 'Public', `alpha ${tag} one`), []);
        await store.groups.createGroup(named(ids[1], 'ChatRoom', `${tag.toLowerCase()}-two`), []);
        await store.groups.createGroup(named(ids[2], 'Private', `private ${tag}`), []);
        await store.groups.createGroup(named(ids[3], 'Community', `${tag.toUpperCase()}`), []);
        await store.groups.createGroup({ ...groupOf(ids[4], 'Public'), profile: JSON.stringify({ name: 'unrelated', introduction: tag }) }, []);
        const types: GroupType[] = ['Public', 'ChatRoom', 'AVChatRoom', 'Community'];
        const all = await store.groups.searchGroups({ text: tag, types, offset: 0, limit: 100 });
        expect(all.total).toBe(3);
        expect([...all.groupIds].sort()).toEqual([ids[0], ids[1], ids[3]].sort());
        const pages = [0, 1, 2, 3].map((offset) => store.groups.searchGroups({ text: tag, types, offset, limit: 1 }));
        const paged = await Promise.all(pages);
        expect(paged.map((p) => p.total)).toEqual([3, 3, 3, 3]);
        expect(paged.flatMap((p) => p.groupIds)).toEqual(all.groupIds);
        expect((await store.groups.searchGroups({ text: tag, types: ['Private'], offset: 0, limit: 10 })).groupIds).toEqual([ids[2]]);
        expect(await store.groups.searchGroups({ text: `${tag}-nothing`, types, offset: 0, limit: 10 })).toEqual({ groupIds: [], total: 0 });
        await expect(store.groups.searchGroups({ text: '', types, offset: 0, limit: 10 })).rejects.toThrow(/searchGroups/);
      });

      it('finds a group by its new name after a rename and no longer after it is deleted', async () => {
        const tag = `Ren${process.pid}x${Date.now()}`;
        const id = gid();
        const types: GroupType[] = ['Public'];
        await store.groups.createGroup({ ...groupOf(id, 'Public'), profile: JSON.stringify({ name: `old ${tag}` }) }, []);
        await store.groups.updateGroup(id, { profile: JSON.stringify({ name: `new ${tag}` }) });
        expect((await store.groups.searchGroups({ text: `old ${tag}`, types, offset: 0, limit: 10 })).total).toBe(0);
        expect((await store.groups.searchGroups({ text: `new ${tag}`, types, offset: 0, limit: 10 })).groupIds).toEqual([id]);
        await store.groups.deleteGroup(id);
        expect((await store.groups.searchGroups({ text: tag, types, offset: 0, limit: 10 })).total).toBe(0);
      });

      it('lists every group once across small pages, in a stable order, of one type when asked, with a total unaffected by paging', async () => {
        const before = await store.groups.listGroups({ after: 0, limit: 1 });
        const communitiesBefore = await store.groups.listGroups({ type: 'Community', after: 0, limit: 1 });
        const chatRooms = Array.from({ length: 4 }, () => gid());
        const communities = Array.from({ length: 3 }, () => gid());
        for (const id of chatRooms) await store.groups.createGroup(groupOf(id, 'ChatRoom'), []);
        for (const id of communities) await store.groups.createGroup(groupOf(id, 'Community'), []);

        const pages = await listAll({ limit: 2 });
        const ids = idsOf(pages);
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of [...chatRooms, ...communities]) expect(countOf(ids, id)).toBe(1);
        for (const p of pages) expect(p.total).toBe(before.total + 7);
        expect(pages[pages.length - 1].next).toBe(0);
        expect(idsOf(await listAll({ limit: 3 }))).toEqual(ids);

        const typed = await listAll({ type: 'Community', limit: 1 });
        const typedIds = idsOf(typed);
        expect(typed.flatMap((p) => p.groups).every((g) => g.type === 'Community')).toBe(true);
        expect(new Set(typedIds).size).toBe(typedIds.length);
        for (const id of communities) expect(countOf(typedIds, id)).toBe(1);
        for (const id of chatRooms) expect(typedIds).not.toContain(id);
        for (const p of typed) expect(p.total).toBe(communitiesBefore.total + 3);
        expect(typedIds).toEqual(ids.filter((id) => typedIds.includes(id)));
        const all = await store.groups.listGroups({ after: 0, limit: 10_000 });
        expect(all.next).toBe(0);
        expect(all.groups.map((g) => g.groupId)).toEqual(ids);
      });

      it('returns a group created between pages once if it sorts after the cursor, and never one deleted before its page', async () => {
        const ours = Array.from({ length: 6 }, () => gid());
        const doomed = gid();
        for (const id of [...ours, doomed]) await store.groups.createGroup(groupOf(id, 'Public'), []);
        const added = Array.from({ length: 4 }, () => gid());
        let firstPage: readonly string[] = [];
        let deleted = 0;
        const pages = await listAll({ limit: 2 }, async (first) => {
          firstPage = first.groups.map((g) => g.groupId);
          // Groups already listed go away (except the cursor's own): later pages must not shift.
          for (const id of [...ours, doomed]) if (firstPage.includes(id) && id !== firstPage[firstPage.length - 1]) deleted += Number(await store.groups.deleteGroup(id));
          if (!firstPage.includes(doomed)) deleted += Number(await store.groups.deleteGroup(doomed));
          for (const id of added) await store.groups.createGroup(groupOf(id, 'Public'), []);
        });
        const ids = idsOf(pages);
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ours) expect(countOf(ids, id)).toBe(1);
        if (!firstPage.includes(doomed)) expect(ids).not.toContain(doomed);
        const after = idsOf(await listAll({ limit: 100 }));
        const cursor = after.indexOf(firstPage[firstPage.length - 1]);
        expect(cursor).toBeGreaterThanOrEqual(0);
        for (const id of added) expect(countOf(ids, id)).toBe(after.indexOf(id) > cursor ? 1 : 0);
        for (const p of pages.slice(1)) expect(p.total).toBe(pages[0].total - deleted + added.length);
      });
    });

    describe('group applications', () => {
      const uniq = () => `${process.pid}-${Date.now()}-${streamCounter++}`;
      const app = (groupId: string, applicant: string, time: number, message = 'hi'): GroupApplicationRecord => ({
        groupId, groupType: 'Public', applicant, inviter: '', message, time, state: 'pending', handler: '', handledMessage: '', handledAt: 0,
      });
      /** The time the lists are read at, and how long decided applications stay listed unless a test says otherwise. */
      const NOW = 10_000;
      const KEEP = 3_600_000;
      const keys = (p: ApplicationPage) => p.applications.map((a) => `${a.groupId}/${a.applicant}`);

      it('keeps one application per group and applicant, seen by its managers and the applicant, and by no one dropped when it is made again', async () => {
        const u = uniq();
        const [g, owner, admin, ann] = [`g-${u}`, `own-${u}`, `adm-${u}`, `ann-${u}`];
        await store.groups.putApplication(app(g, ann, 100, 'first'), [owner, admin]);
        expect(await store.groups.getApplication(g, ann)).toMatchObject({ message: 'first', time: 100, state: 'pending', handler: '' });
        for (const viewer of [owner, admin, ann]) expect(keys(await store.groups.applicationsFor(viewer, 0, 10, NOW))).toEqual([`${g}/${ann}`]);
        await store.groups.putApplication(app(g, ann, 200, 'again'), [owner]);
        expect(await store.groups.getApplication(g, ann)).toMatchObject({ message: 'again', time: 200 });
        expect((await store.groups.applicationsFor(owner, 0, 10, NOW)).applications.map((a) => a.message)).toEqual(['again']);
        expect((await store.groups.applicationsFor(admin, 0, 10, NOW)).total).toBe(0);
        expect(await store.groups.getApplication(g, `nobody-${u}`)).toBeUndefined();
      });

      it('decides a pending application once: a second decision, or one of no application, changes nothing', async () => {
        const u = uniq();
        const [g, owner, ann] = [`g-${u}`, `own-${u}`, `ann-${u}`];
        await store.groups.putApplication(app(g, ann, 100), [owner]);
        expect(await store.groups.decideApplication(g, ann, { state: 'accepted', handler: owner, handledMessage: 'welcome', handledAt: 150, keepUntil: 150 + KEEP })).toBe(true);
        expect(await store.groups.decideApplication(g, ann, { state: 'refused', handler: owner, handledMessage: 'no', handledAt: 160, keepUntil: 160 + KEEP })).toBe(false);
        expect(await store.groups.decideApplication(g, `nobody-${u}`, { state: 'refused', handler: owner, handledMessage: '', handledAt: 160, keepUntil: 160 + KEEP })).toBe(false);
        const expected = { state: 'accepted', handler: owner, handledMessage: 'welcome', handledAt: 150 };
        expect(await store.groups.getApplication(g, ann)).toMatchObject(expected);
        expect((await store.groups.applicationsFor(ann, 0, 10, NOW)).applications[0]).toMatchObject(expected);
        // Applying again after a decision starts a new, pending application.
        await store.groups.putApplication(app(g, ann, 300), [owner]);
        expect(await store.groups.getApplication(g, ann)).toMatchObject({ state: 'pending', handler: '', handledAt: 0 });
      });

      it('pages a user’s applications newest first, counting as unread the pending ones of others after the read marker', async () => {
        const u = uniq();
        const owner = `own-${u}`;
        const ann = `ann-${u}`;
        await store.groups.putApplication(app(`g1-${u}`, ann, 100), [owner]);
        await store.groups.putApplication(app(`g2-${u}`, `bob-${u}`, 300), [owner]);
        await store.groups.putApplication(app(`g2-${u}`, `cat-${u}`, 200), [owner]);
        await store.groups.putApplication(app(`g3-${u}`, owner, 400), [`other-${u}`]);
        const first = await store.groups.applicationsFor(owner, 0, 2, NOW);
        expect(keys(first)).toEqual([`g3-${u}/${owner}`, `g2-${u}/bob-${u}`]);
        expect(first).toMatchObject({ total: 4, unread: 3, readUpTo: 0 });
        expect(keys(await store.groups.applicationsFor(owner, 2, 2, NOW))).toEqual([`g2-${u}/cat-${u}`, `g1-${u}/${ann}`]);
        await store.groups.markApplicationsRead(owner, 200);
        expect(await store.groups.applicationsFor(owner, 0, 1, NOW)).toMatchObject({ unread: 1, readUpTo: 200 });
        await store.groups.decideApplication(`g2-${u}`, `bob-${u}`, { state: 'refused', handler: owner, handledMessage: '', handledAt: 500, keepUntil: 500 + KEEP });
        expect((await store.groups.applicationsFor(owner, 0, 1, NOW)).unread).toBe(0);
      });

      it('shows an invitation awaiting approval to the managers and its inviter, not the invitee, and counts it unread for the managers only', async () => {
        const u = uniq();
        const [g, owner, inviter, invitee] = [`g-${u}`, `own-${u}`, `inv-${u}`, `new-${u}`];
        await store.groups.putApplication({ ...app(g, invitee, 100, 'she is nice'), inviter }, [owner]);
        expect(await store.groups.getApplication(g, invitee)).toMatchObject({ applicant: invitee, inviter, message: 'she is nice', state: 'pending' });
        expect(keys(await store.groups.applicationsFor(owner, 0, 10, NOW))).toEqual([`${g}/${invitee}`]);
        expect(await store.groups.applicationsFor(owner, 0, 10, NOW)).toMatchObject({ total: 1, unread: 1 });
        expect(await store.groups.applicationsFor(inviter, 0, 10, NOW)).toMatchObject({ total: 1, unread: 0 });
        expect((await store.groups.applicationsFor(invitee, 0, 10, NOW)).total).toBe(0);
        // The invitee applying of their own replaces the invitation: the inviter no longer sees it.
        await store.groups.putApplication(app(g, invitee, 200, 'me too'), [owner]);
        expect(await store.groups.getApplication(g, invitee)).toMatchObject({ inviter: '', message: 'me too' });
        expect((await store.groups.applicationsFor(inviter, 0, 10, NOW)).total).toBe(0);
        expect((await store.groups.applicationsFor(invitee, 0, 10, NOW)).total).toBe(1);
      });

      it('lists a decided application until its keepUntil, a pending one however old', async () => {
        const u = uniq();
        const [g, owner, ann, bob] = [`g-${u}`, `own-${u}`, `ann-${u}`, `bob-${u}`];
        await store.groups.putApplication(app(g, ann, 100), [owner]);
        await store.groups.putApplication(app(g, bob, 110), [owner]);
        await store.groups.decideApplication(g, ann, { state: 'refused', handler: owner, handledMessage: '', handledAt: 500, keepUntil: 500 + KEEP });
        const at = (now: number) => store.groups.applicationsFor(owner, 0, 10, now);
        expect(keys(await at(500 + KEEP - 1))).toEqual([`${g}/${bob}`, `${g}/${ann}`]);
        expect(await at(500 + KEEP)).toMatchObject({ total: 1, unread: 1 });
        expect(keys(await at(500 + KEEP))).toEqual([`${g}/${bob}`]);
        expect(keys(await at(500 + 100 * KEEP))).toEqual([`${g}/${bob}`]);
        expect((await store.groups.applicationsFor(ann, 0, 10, 500 + KEEP)).total).toBe(0);
      });

      it('moves a read marker forward only', async () => {
        const u = `reader-${uniq()}`;
        await store.groups.markApplicationsRead(u, 500);
        await store.groups.markApplicationsRead(u, 400);
        expect((await store.groups.applicationsFor(u, 0, 1, NOW)).readUpTo).toBe(500);
        await store.groups.markApplicationsRead(u, 600);
        expect((await store.groups.applicationsFor(u, 0, 1, NOW)).readUpTo).toBe(600);
      });
    });

    describe('relations', () => {
      const uniq = () => `${process.pid}-${Date.now()}-${streamCounter++}`;
      const friend = (owner: string, f: string, addTime = 100, extra: Partial<FriendRecord> = {}): FriendRecord => ({
        owner, friend: f, remark: '', groups: [], addSource: 'AddSource_Type_Web', addWording: '', addTime, custom: {}, ...extra,
      });
      const request = (from: string, to: string, time: number): FriendRequestRecord => ({
        from, to, addType: 'Add_Type_Both', remark: 'r', groupName: '', addSource: 'AddSource_Type_Web', addWording: 'hi', time,
      });

      it('keeps friendships one direction per row, with their fields, read by the pairs asked for and paged by friend id', async () => {
        const u = uniq();
        const [ann, bob, cat] = [`ann-${u}`, `bob-${u}`, `cat-${u}`];
        const full = friend(ann, bob, 100, { remark: 'Bobby', groups: ['work', 'chess'], custom: { Tag_SNS_Custom_Since: 2019, Tag_SNS_Custom_Note: 'n' } });
        await store.relations.applyRelations({ putFriends: [full, friend(ann, cat), friend(bob, ann)] });
        const got = await store.relations.friendsAmong([{ owner: ann, friend: bob }, { owner: cat, friend: ann }, { owner: bob, friend: ann }]);
        expect([...got.keys()].sort()).toEqual([pairKey(ann, bob), pairKey(bob, ann)].sort());
        expect(got.get(pairKey(ann, bob))).toEqual(full);
        expect(await store.relations.friendCount(ann)).toBe(2);
        expect(await store.relations.friendCount(cat)).toBe(0);
        expect((await store.relations.listFriends(ann, 0, 1)).map((f) => f.friend)).toEqual([bob]);
        expect((await store.relations.listFriends(ann, 1, 10)).map((f) => f.friend)).toEqual([cat]);
        await store.relations.applyRelations({ removeFriends: [{ owner: ann, friend: bob }], putFriends: [{ ...friend(ann, cat), remark: 'Kitty' }] });
        expect((await store.relations.listFriends(ann, 0, 10)).map((f) => [f.friend, f.remark])).toEqual([[cat, 'Kitty']]);
        expect((await store.relations.friendsAmong([{ owner: bob, friend: ann }])).size).toBe(1);
      });

      it('keeps pending requests by requester and peer, counted and listed newest first for both', async () => {
        const u = uniq();
        const [ann, bob, cat] = [`ann-${u}`, `bob-${u}`, `cat-${u}`];
        await store.relations.applyRelations({ putRequests: [request(ann, bob, 100), request(cat, ann, 200), request(cat, bob, 300)] });
        expect(await store.relations.requestCounts(ann)).toEqual({ sent: 1, received: 1, unread: 1 });
        expect(await store.relations.requestCounts(bob)).toEqual({ sent: 0, received: 2, unread: 2 });
        expect((await store.relations.listRequests(ann, 0, 10)).map((r) => `${r.from}>${r.to}`)).toEqual([`${cat}>${ann}`, `${ann}>${bob}`]);
        expect((await store.relations.listRequests(bob, 1, 10)).map((r) => r.from)).toEqual([ann]);
        const got = await store.relations.requestsAmong([{ from: ann, to: bob }, { from: bob, to: ann }]);
        expect([...got.keys()]).toEqual([pairKey(ann, bob)]);
        expect(got.get(pairKey(ann, bob))).toEqual(request(ann, bob, 100));
        await store.relations.applyRelations({ removeRequests: [{ from: cat, to: bob }], putRequests: [{ ...request(ann, bob, 400), addWording: 'again' }] });
        expect(await store.relations.requestCounts(bob)).toEqual({ sent: 0, received: 1, unread: 1 });
        expect((await store.relations.listRequests(bob, 0, 10)).map((r) => [r.from, r.addWording])).toEqual([[ann, 'again']]);
      });

      it('counts as unread the received requests made after the read marker, which never moves back', async () => {
        const u = uniq();
        const [ann, bob, cat, dan] = [`ann-${u}`, `bob-${u}`, `cat-${u}`, `dan-${u}`];
        await store.relations.applyRelations({ putRequests: [request(bob, ann, 100), request(cat, ann, 200), request(dan, ann, 300), request(ann, bob, 400)] });
        expect(await store.relations.requestCounts(ann)).toEqual({ sent: 1, received: 3, unread: 3 });
        await store.relations.markRequestsRead(ann, 200);
        expect(await store.relations.requestCounts(ann)).toEqual({ sent: 1, received: 3, unread: 1 });
        await store.relations.markRequestsRead(ann, 100);
        expect((await store.relations.requestCounts(ann)).unread).toBe(1);
        expect((await store.relations.requestCounts(bob)).unread).toBe(1);
        // A request made again later is unread again; one removed is not counted.
        await store.relations.applyRelations({ putRequests: [request(bob, ann, 500)], removeRequests: [{ from: dan, to: ann }] });
        expect(await store.relations.requestCounts(ann)).toEqual({ sent: 1, received: 2, unread: 1 });
        await store.relations.markRequestsRead(ann, 500);
        expect((await store.relations.requestCounts(ann)).unread).toBe(0);
        await store.relations.markRequestsRead(ann, 300);
        expect((await store.relations.requestCounts(ann)).unread).toBe(0);
        expect(await store.relations.relationSequences(ann)).toEqual({ standard: 0, custom: 0, groups: 0, blacklist: 0 });
      });

      it('keeps blacklists per owner, friend groups in order, and sequences that never go down', async () => {
        const u = uniq();
        const [ann, bob, cat] = [`ann-${u}`, `bob-${u}`, `cat-${u}`];
        await store.relations.applyRelations({ putBlacklist: [{ owner: ann, target: cat, time: 5 }, { owner: ann, target: bob, time: 6 }] });
        expect(await store.relations.blacklistCount(ann)).toBe(2);
        expect(await store.relations.listBlacklist(ann, 0, 10)).toEqual([{ owner: ann, target: bob, time: 6 }, { owner: ann, target: cat, time: 5 }]);
        expect([...(await store.relations.blacklistedAmong([{ owner: ann, target: bob }, { owner: bob, target: ann }])).keys()]).toEqual([pairKey(ann, bob)]);
        await store.relations.applyRelations({ removeBlacklist: [{ owner: ann, target: bob }] });
        expect((await store.relations.listBlacklist(ann, 0, 10)).map((b) => b.target)).toEqual([cat]);

        expect(await store.relations.friendGroups(ann)).toEqual([]);
        await store.relations.applyRelations({ friendGroups: [{ owner: ann, names: ['work', 'chess'] }] });
        await store.relations.applyRelations({ friendGroups: [{ owner: ann, names: ['chess', 'work', 'family'] }] });
        expect(await store.relations.friendGroups(ann)).toEqual(['chess', 'work', 'family']);

        expect(await store.relations.relationSequences(ann)).toEqual({ standard: 0, custom: 0, groups: 0, blacklist: 0 });
        await store.relations.applyRelations({ sequences: [{ owner: ann, sequences: { standard: 3, custom: 1, groups: 2, blacklist: 5 } }] });
        await store.relations.applyRelations({ sequences: [{ owner: ann, sequences: { standard: 2, custom: 4, groups: 2, blacklist: 5 } }] });
        expect(await store.relations.relationSequences(ann)).toEqual({ standard: 3, custom: 4, groups: 2, blacklist: 5 });
      });

      it('records a change’s outbox events with it', async () => {
        const u = uniq();
        const streamId = `u:ann-${u}`;
        const added = { id: `friend:${u}`, payload: '{"type":"friend.added"}' };
        await store.relations.applyRelations({ putFriends: [friend(`ann-${u}`, `bob-${u}`)] }, { streamId, events: [added] });
        expect(await store.messages.readPending(streamId, 10)).toEqual([added]);
      });
    });

    describe('group read receipts', () => {
      it('keeps who read which message, once per reader, by SEQ then reader', async () => {
        const g = `@TGS#rc-${process.pid}-${Date.now()}-${streamCounter++}`;
        await store.receipts.addReceipts(g, [{ seq: 7, userId: 'bob', time: 1_000 }, { seq: 7, userId: 'amy', time: 1_001 }, { seq: 9, userId: 'amy', time: 1_002 }], 3600);
        await store.receipts.addReceipts(g, [{ seq: 7, userId: 'bob', time: 1_000 }], 3600);
        expect(await store.receipts.receiptsOf(g, [9, 7, 8])).toEqual([
          { seq: 7, userId: 'amy', time: 1_001 },
          { seq: 7, userId: 'bob', time: 1_000 },
          { seq: 9, userId: 'amy', time: 1_002 },
        ]);
        expect(await store.receipts.receiptsOf(`${g}-other`, [7])).toEqual([]);
        expect(await store.receipts.receiptsOf(g, [])).toEqual([]);
      });
    });

    describe('push devices', () => {
      it('keeps one registration per user and device: replaced, touched, removed', async () => {
        const u = `pd-${process.pid}-${Date.now()}-${streamCounter++}`;
        const phone = { userId: u, deviceId: 'phone', platform: 'iOS', provider: 'apns' as const, target: '{"token":"ab"}', settings: '{}', registeredAt: 1_000, lastActiveAt: 1_000 };
        const tab = { ...phone, deviceId: 'tab', platform: 'Web', provider: 'webpush' as const, target: '{"endpoint":"https://p.example/1"}' };
        await store.pushDevices.putDevice(phone);
        await store.pushDevices.putDevice(tab);
        await store.pushDevices.putDevice({ ...phone, target: '{"token":"cd"}', registeredAt: 2_000, lastActiveAt: 2_000 });
        await store.pushDevices.touchDevice(u, 'tab', 5_000);
        await store.pushDevices.touchDevice(u, 'never-registered', 5_000);
        expect(await store.pushDevices.devicesOf([u, `${u}-other`])).toEqual([
          { ...phone, target: '{"token":"cd"}', registeredAt: 2_000, lastActiveAt: 2_000 },
          { ...tab, lastActiveAt: 5_000 },
        ]);
        expect(await store.pushDevices.removeDevice(u, 'tab')).toBe(true);
        expect(await store.pushDevices.removeDevice(u, 'tab')).toBe(false);
        await store.pushDevices.touchDevice(u, 'tab', 6_000);
        expect((await store.pushDevices.devicesOf([u])).map((d) => d.deviceId)).toEqual(['phone']);
        expect(await store.pushDevices.devicesOf([])).toEqual([]);
      });

      it('pages through the users with devices, shard by shard, each once', async () => {
        const u = `po-${process.pid}-${Date.now()}-${streamCounter++}`;
        const owners = ['amy', 'ben', 'cat'].map((n) => `${u}-${n}`);
        const device = (userId: string, deviceId: string) => ({ userId, deviceId, platform: 'Android', provider: 'fcm' as const, target: '{"token":"t"}', settings: '{}', registeredAt: 1, lastActiveAt: 1 });
        for (const o of owners) await store.pushDevices.putDevice(device(o, 'phone'));
        await store.pushDevices.putDevice(device(owners[1], 'tablet'));
        const seen: string[] = [];
        for (let shard = 0; shard < PUSH_SHARDS; shard++) {
          let cursor = '';
          do {
            const page = await store.pushDevices.deviceOwners(shard, cursor, 2);
            expect(page.userIds.length).toBeLessThanOrEqual(2);
            seen.push(...page.userIds);
            cursor = page.next;
          } while (cursor !== '');
        }
        expect(seen.filter((id) => id.startsWith(u)).sort()).toEqual(owners);
        expect(new Set(seen).size).toBe(seen.length);
      });
    });

    describe('status subscriptions', () => {
      it('reads subscriptions by subscriber, oldest first, and by target; renews and removes them', async () => {
        const u = `ss-${process.pid}-${Date.now()}-${streamCounter++}`;
        const [amy, ben, cat, dan] = ['amy', 'ben', 'cat', 'dan'].map((n) => `${u}-${n}`);
        await store.statusSubscriptions.subscribe(amy, [cat, dan], 1_000);
        await store.statusSubscriptions.subscribe(ben, [cat], 1_500);
        await store.statusSubscriptions.subscribe(amy, [ben], 2_000);
        await store.statusSubscriptions.subscribe(amy, [cat], 3_000);
        expect(await store.statusSubscriptions.subscriptionsOf(amy)).toEqual([
          { target: dan, time: 1_000 },
          { target: ben, time: 2_000 },
          { target: cat, time: 3_000 },
        ]);
        expect(await store.statusSubscriptions.subscribersOf(cat)).toEqual([amy, ben]);
        await store.statusSubscriptions.unsubscribe(amy, [cat, `${u}-never`]);
        expect(await store.statusSubscriptions.subscribersOf(cat)).toEqual([ben]);
        expect((await store.statusSubscriptions.subscriptionsOf(amy)).map((s) => s.target)).toEqual([dan, ben]);
        await store.statusSubscriptions.subscribe(amy, [], 4_000);
        await store.statusSubscriptions.unsubscribe(amy, []);
        expect(await store.statusSubscriptions.subscriptionsOf(`${u}-nobody`)).toEqual([]);
        expect(await store.statusSubscriptions.subscribersOf(`${u}-nobody`)).toEqual([]);
      });
    });

    describe('push targets (attributes and tags)', () => {
      /** `n` ids of one shard (ascending), so a shard's pages can be checked; and the shard. */
      const sameShard = (prefix: string, n: number): { ids: string[]; shard: number } => {
        const byShard = new Map<number, string[]>();
        for (let k = 0; ; k++) {
          const id = `${prefix}-${k}`;
          const list = byShard.get(shardOf(id)) ?? [];
          list.push(id);
          byShard.set(shardOf(id), list);
          if (list.length === n) return { ids: list.sort(), shard: shardOf(id) };
        }
      };
      const otherShards = (shard: number) => Array.from({ length: PUSH_SHARDS }, (_, k) => k).filter((k) => k !== shard);

      it('names attribute slots, keeps values by slot per user, and finds the users holding a value', async () => {
        const u = `pt-${process.pid}-${Date.now()}-${streamCounter++}`;
        const { ids: [amy, ben, cat], shard } = sameShard(u, 3);
        // Values unique to this run: other runs share the store.
        const [f, m, paris] = ['f', 'm', 'paris'].map((v) => `${u}-${v}`);
        await store.pushTargets.setAttrNames(new Map([['0', `${u}-sex`], ['1', `${u}-city`]]));
        await store.pushTargets.setAttrNames(new Map([['1', `${u}-town`]]));
        const names = await store.pushTargets.attrNames();
        expect([names.get('0'), names.get('1')]).toEqual([`${u}-sex`, `${u}-town`]);
        await store.pushTargets.setAttrs([
          { userId: amy, attrs: { '0': f, '1': paris } },
          { userId: ben, attrs: { '0': m } },
          { userId: cat, attrs: { '0': f } },
        ]);
        await store.pushTargets.setAttrs([{ userId: ben, attrs: { '1': paris } }, { userId: cat, attrs: { '0': m } }]);
        const attrs = await store.pushTargets.attrsOf([amy, ben, cat, `${u}-nobody`]);
        expect(Object.fromEntries(attrs)).toEqual({ [amy]: { '0': f, '1': paris }, [ben]: { '0': m, '1': paris }, [cat]: { '0': m } });
        expect(await store.pushTargets.usersWithAttr('1', paris, shard, '', 10)).toEqual([amy, ben]);
        expect(await store.pushTargets.usersWithAttr('0', m, shard, '', 1)).toEqual([ben]);
        expect(await store.pushTargets.usersWithAttr('0', m, shard, ben, 10)).toEqual([cat]);
        expect(await store.pushTargets.usersWithAttr('0', f, shard, '', 10)).toEqual([amy]);
        for (const k of otherShards(shard)) expect(await store.pushTargets.usersWithAttr('1', paris, k, '', 10)).toEqual([]);
        await store.pushTargets.removeAttrs([{ userId: amy, slots: ['1', '7'] }, { userId: `${u}-nobody`, slots: ['0'] }]);
        expect(Object.fromEntries(await store.pushTargets.attrsOf([amy]))).toEqual({ [amy]: { '0': f } });
        expect(await store.pushTargets.usersWithAttr('1', paris, shard, '', 10)).toEqual([ben]);
        await store.pushTargets.setAttrs([]);
        await store.pushTargets.removeAttrs([]);
        expect((await store.pushTargets.attrsOf([])).size).toBe(0);
      });

      it('adds, lists and removes tags per user, and finds the users holding a tag in id order, by shard', async () => {
        const u = `pt-${process.pid}-${Date.now()}-${streamCounter++}`;
        const { ids: [amy, ben, cat], shard } = sameShard(u, 3);
        const [vip, beta, eu] = ['vip', 'beta', 'eu'].map((t) => `${u}-${t}`);
        await store.pushTargets.addTags([
          { userId: amy, tags: [vip, eu] },
          { userId: ben, tags: [vip] },
          { userId: cat, tags: [beta, vip] },
        ]);
        await store.pushTargets.addTags([{ userId: amy, tags: [vip, beta] }]);
        expect(Object.fromEntries(await store.pushTargets.tagsOf([amy, ben, cat, `${u}-nobody`]))).toEqual({
          [amy]: [beta, eu, vip].sort(),
          [ben]: [vip],
          [cat]: [beta, vip].sort(),
        });
        expect(await store.pushTargets.usersWithTag(vip, shard, '', 10)).toEqual([amy, ben, cat]);
        expect(await store.pushTargets.usersWithTag(vip, shard, amy, 1)).toEqual([ben]);
        for (const k of otherShards(shard)) expect(await store.pushTargets.usersWithTag(vip, k, '', 10)).toEqual([]);
        await store.pushTargets.removeTags([{ userId: amy, tags: [vip, `${u}-never`] }]);
        await store.pushTargets.removeAllTags([cat, `${u}-nobody`]);
        expect(await store.pushTargets.usersWithTag(vip, shard, '', 10)).toEqual([ben]);
        expect(await store.pushTargets.usersWithTag(beta, shard, '', 10)).toEqual([amy]);
        expect(Object.fromEntries(await store.pushTargets.tagsOf([amy, cat]))).toEqual({ [amy]: [beta, eu].sort() });
        await store.pushTargets.addTags([]);
        await store.pushTargets.removeTags([]);
        await store.pushTargets.removeAllTags([]);
      });

      it('records and replaces the progress of a push task', async () => {
        const task = `task-${process.pid}-${Date.now()}-${streamCounter++}`;
        const now = Date.now();
        expect(await store.pushTargets.taskProgress(task)).toBeUndefined();
        await store.pushTargets.putTaskProgress(task, { state: 'running', startedAt: now, candidates: 40, checked: 0, online: 0 }, now);
        expect(await store.pushTargets.taskProgress(task)).toEqual({ state: 'running', startedAt: now, candidates: 40, checked: 0, online: 0 });
        await store.pushTargets.putTaskProgress(task, { state: 'done', startedAt: now, finishedAt: now + 5, candidates: 40, checked: 40, online: 12 }, now + 5);
        expect(await store.pushTargets.taskProgress(task)).toEqual({ state: 'done', startedAt: now, finishedAt: now + 5, candidates: 40, checked: 40, online: 12 });
        expect(await store.pushTargets.taskProgress(`${task}-other`)).toBeUndefined();
      });
    });

    describe('archive catalogue', () => {
      const H = 3_600_000;
      // Hours far from real ones and unique to this run, so the suite never meets other data.
      const base = (Math.floor(Date.now() / H) + 100_000 + (process.pid % 1000) * 100) * H;
      const file = (chatType: 'C2C' | 'Group', hour: number, name: string, extra: Partial<ArchiveFileRecord> = {}): ArchiveFileRecord => ({
        chatType,
        hour,
        file: name,
        baseUrl: 'http://10.0.0.1:2567',
        fileSize: 1234,
        fileMd5: 'a'.repeat(32),
        gzipSize: 321,
        gzipMd5: 'b'.repeat(32),
        ...extra,
      });

      it('lists the files of one chat type and hour from every node, by file name', async () => {
        const hour = base + 10 * H;
        const b = file('C2C', hour, `C2C-${hour}-nodeb-0.json.gz`, { baseUrl: 'http://10.0.0.2:2567', fileSize: 2 ** 40 });
        const a = file('C2C', hour, `C2C-${hour}-nodea-0.json.gz`);
        await store.archive.recordFile(b);
        await store.archive.recordFile(a);
        await store.archive.recordFile(file('Group', hour, `Group-${hour}-nodea-0.json.gz`));
        await store.archive.recordFile(file('C2C', hour + H, `C2C-${hour + H}-nodea-0.json.gz`));
        expect(await store.archive.listFiles('C2C', hour)).toEqual([a, b]);
        expect((await store.archive.listFiles('Group', hour)).map((f) => f.file)).toEqual([`Group-${hour}-nodea-0.json.gz`]);
        expect(await store.archive.listFiles('Group', hour + 2 * H)).toEqual([]);
      });

      it('replaces a file recorded again under the same name', async () => {
        const hour = base + 20 * H;
        await store.archive.recordFile(file('Group', hour, 'same.json.gz'));
        await store.archive.recordFile(file('Group', hour, 'same.json.gz', { fileSize: 99, fileMd5: 'c'.repeat(32) }));
        expect(await store.archive.listFiles('Group', hour)).toEqual([file('Group', hour, 'same.json.gz', { fileSize: 99, fileMd5: 'c'.repeat(32) })]);
      });

      it('forgets the files of hours before a time, of both chat types, and keeps the rest', async () => {
        const old = base - 50 * H;
        await store.archive.recordFile(file('C2C', old, 'old-c2c-1.json.gz'));
        await store.archive.recordFile(file('C2C', old, 'old-c2c-2.json.gz'));
        await store.archive.recordFile(file('Group', old + H, 'old-group.json.gz'));
        await store.archive.recordFile(file('Group', old + 2 * H, 'kept.json.gz'));
        expect(await store.archive.deleteBefore(old + 2 * H)).toBe(3);
        expect(await store.archive.listFiles('C2C', old)).toEqual([]);
        expect(await store.archive.listFiles('Group', old + H)).toEqual([]);
        expect((await store.archive.listFiles('Group', old + 2 * H)).map((f) => f.file)).toEqual(['kept.json.gz']);
        expect((await store.archive.listFiles('C2C', base + 10 * H)).length).toBe(2);
      });
    });

    it('answers a ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
