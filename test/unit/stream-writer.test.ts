import { describe, expect, it } from 'vitest';
import { StreamWriter } from '../../rooms/stream-writer.ts';
import { openSqliteStore } from '../../storage/sqlite/sqlite-store.ts';
import type { AppendEntry, Store } from '../../storage/store.ts';

const store = (): Store => openSqliteStore({ file: ':memory:', synchronous: 'NORMAL', groupCommitMs: 0 });

const req = (text: string, idemKey?: string) => ({
  idemKey,
  make: (seq: number) => ({
    entry: { seq, time: Date.now(), payload: JSON.stringify(text), flags: 0, expiresAt: 0, idemKey, idemExpiresAt: idemKey ? Date.now() + 60_000 : undefined } satisfies AppendEntry,
    value: text,
  }),
});

async function writer(s: Store, streamId = 'g:w', onFatal: (e: unknown) => void = () => undefined): Promise<StreamWriter> {
  const claim = await s.messages.claimStream(streamId);
  return new StreamWriter(s.messages, claim, { dedupWindowMs: 60_000, maxBatch: 64, maxQueue: 1000, now: Date.now, onFatal });
}

describe('StreamWriter', () => {
  it('assigns consecutive SEQs to concurrent writes and commits them in that order', async () => {
    const s = store();
    const w = await writer(s);
    const outs = await Promise.all(Array.from({ length: 200 }, (_, i) => w.write(req(`m${i}`))));
    expect(outs.map((o) => o.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const rows = await s.messages.readEntries('g:w', 0, 500);
    expect(rows.map((r) => JSON.parse(r.payload))).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
    expect(w.durableSeq).toBe(200);
  });

  it('answers a repeated idempotency key with the original SEQ and entry, also after a re-claim', async () => {
    const s = store();
    const w = await writer(s);
    const first = await w.write(req('hello', 'k1'));
    const again = await w.write(req('hello again', 'k1'));
    expect(again).toMatchObject({ duplicate: true, seq: first.seq });
    expect(again.duplicate && again.original?.payload).toBe('"hello"');
    const [a, b] = await Promise.all([w.write(req('x', 'k2')), w.write(req('y', 'k2'))]);
    expect(b.seq).toBe(a.seq);
    w.close();
    const next = await writer(s);
    const afterClaim = await next.write(req('hello once more', 'k1'));
    expect(afterClaim).toMatchObject({ duplicate: true, seq: first.seq });
    expect((await s.messages.readEntries('g:w', 0, 10)).length).toBe(2);
  });

  it('dies when its claim is taken over: the stale write and everything queued fail, no SEQ is written twice', async () => {
    const s = store();
    let fatal: unknown;
    const stale = await writer(s, 'g:w', (e) => (fatal = e));
    await stale.write(req('a'));
    const owner = await writer(s);
    const results = await Promise.allSettled([stale.write(req('b')), stale.write(req('c'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(fatal).toBeDefined();
    await expect(stale.write(req('d'))).rejects.toThrow();
    expect((await owner.write(req('e'))).seq).toBe(2);
    expect((await s.messages.readEntries('g:w', 0, 10)).map((r) => JSON.parse(r.payload))).toEqual(['a', 'e']);
  });

  it('refuses writes beyond its queue bound at once', async () => {
    const s = store();
    const claim = await s.messages.claimStream('g:q');
    const w = new StreamWriter(s.messages, claim, { dedupWindowMs: 1000, maxBatch: 1, maxQueue: 2, now: Date.now, onFatal: () => undefined });
    const writes = Array.from({ length: 5 }, (_, i) => w.write(req(`q${i}`)));
    const settled = await Promise.allSettled(writes);
    expect(settled.filter((r) => r.status === 'rejected').length).toBeGreaterThan(0);
    const stored = await s.messages.readEntries('g:q', 0, 10);
    expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
  });
});
