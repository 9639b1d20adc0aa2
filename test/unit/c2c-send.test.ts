import { describe, expect, it } from 'vitest';
import { c2cRetention, deliverBothSides, sendC2C } from '../../src/im/c2c/send.ts';
import { imError } from '../../src/protocol/errors.ts';
import { fakeContext, limits } from '../helpers/fake-im.ts';

const DAY = 86_400;
const body = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }];

describe('C2C retention', () => {
  it('keeps roaming history for the roaming retention whatever the MsgLifeTime, and offline delivery for the lifetime', () => {
    expect(c2cRetention(limits, 5, true)).toEqual({ receiver: { storeS: 30 * DAY, offlineS: 5 }, sender: { storeS: 30 * DAY, offlineS: 30 * DAY } });
    expect(c2cRetention(limits, undefined, true).receiver).toEqual({ storeS: 30 * DAY, offlineS: 7 * DAY });
    // Above 7 days MsgLifeTime clamps to the offline retention.
    expect(c2cRetention(limits, 30 * DAY, true).receiver.offlineS).toBe(7 * DAY);
    // sendmsg's MsgLifeTime 0: online devices only, still in roaming.
    expect(c2cRetention(limits, 0, true).receiver).toEqual({ storeS: 30 * DAY, offlineS: 0 });
  });

  it('stores nothing on either side for an online-only message that keeps no roaming (batchsendmsg 0, client onlineOnly)', () => {
    expect(c2cRetention(limits, 0, false)).toEqual({ receiver: { storeS: 0, offlineS: 0 }, sender: { storeS: 0, offlineS: 0 } });
  });
});

describe('C2C send', () => {
  const admin = { kind: 'admin', userId: 'administrator', clientIp: '10.0.0.1' } as const;

  it('sends as an App admin that has no account, keeping no sender copy', async () => {
    const { ctx, writes } = fakeContext({ accounts: ['bob'] });
    await sendC2C(ctx, admin, { from: 'administrator', to: 'bob', body, random: 1, roaming: true, senderSync: 'store' });
    expect(writes.map((w) => w.inbox)).toEqual(['bob']);
    expect(writes[0].message.origin).toEqual({ platform: 'RESTAPI', clientIp: '10.0.0.1' });
  });

  it('writes nothing when the sender or the receiver does not exist', async () => {
    const { ctx, writes } = fakeContext({ accounts: ['bob'] });
    await expect(sendC2C(ctx, admin, { from: 'ghost', to: 'bob', body, random: 1, roaming: true, senderSync: 'store' })).rejects.toMatchObject({ code: 90008 });
    await expect(sendC2C(ctx, admin, { from: 'bob', to: 'ghost', body, random: 1, roaming: true, senderSync: 'store' })).rejects.toMatchObject({ code: 90012 });
    expect(writes).toEqual([]);
  });

  it('retries the sender’s copy when its stream is moving, and writes the receiver’s copy once', async () => {
    const moving = () => imError('StreamUnavailable', { streamId: 'u:alice' });
    const { ctx, writes } = fakeContext({ accounts: ['alice', 'bob'], failures: { alice: [moving(), moving()] } });
    const out = await sendC2C(ctx, admin, { from: 'alice', to: 'bob', body, random: 1, roaming: true, senderSync: 'store' });
    expect(writes.map((w) => w.inbox)).toEqual(['bob', 'alice']);
    expect(out.seq).toBe(1);
  });

  it('answers the error when the sender’s copy keeps failing, so the caller’s retry completes it', async () => {
    const moving = () => imError('StreamUnavailable', { streamId: 'u:alice' });
    const { ctx, writes } = fakeContext({ accounts: ['alice', 'bob'], failures: { alice: [moving(), moving(), moving()] } });
    const msg = { kind: 'c2c', from: 'alice', to: 'bob', time: 1, msgKey: '1_1_1', msgSeq: 1, random: 1, body, flags: 0 } as const;
    await expect(deliverBothSides(ctx, msg, c2cRetention(limits, undefined, true), 'store')).rejects.toMatchObject({ code: 20005 });
    expect(writes.map((w) => w.inbox)).toEqual(['bob']);
  });
});
