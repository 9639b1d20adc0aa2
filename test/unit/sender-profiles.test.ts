/** The node's reading of senders' message profile fields: one store read per sender and window, synchronous hits. */
import { describe, expect, it } from 'vitest';
import type { AccountRecord, AccountStore, ProfileTagValue } from '../../storage/store.ts';
import { NO_SENDER_PROFILE, SenderProfiles } from '../../src/im/profiles/sender-profiles.ts';

const NICK = 'Tag_Profile_IM_Nick';
const IMAGE = 'Tag_Profile_IM_Image';
const VIP = 'Tag_Profile_Custom_Vip';

function accounts(records: Record<string, { nick: string; faceUrl: string; tags?: Record<string, ProfileTagValue> }>) {
  const reads = { accounts: 0, tags: 0 };
  const store = {
    getAccounts: async (ids: readonly string[]) => {
      reads.accounts++;
      const out = new Map<string, AccountRecord>();
      for (const id of ids) {
        const r = records[id];
        if (r) out.set(id, { userId: id, nick: r.nick, faceUrl: r.faceUrl, createdAt: 0, sigNotBefore: 0, c2cMutedUntil: 0, groupMutedUntil: 0 });
      }
      return out;
    },
    getProfileTags: async (ids: readonly string[]) => {
      reads.tags++;
      return new Map(ids.filter((id) => records[id]?.tags).map((id) => [id, new Map(Object.entries(records[id].tags ?? {}))]));
    },
  } as unknown as AccountStore;
  return { store, reads, records };
}

describe('SenderProfiles', () => {
  it('reads a sender once per window, answers hits synchronously, and reads again after forget or the window', async () => {
    let now = 1_000;
    const { store, reads, records } = accounts({ ann: { nick: 'Ann', faceUrl: '' } });
    const profiles = new SenderProfiles(store, { tags: [NICK, IMAGE], now: () => now, ttlMs: 5_000 });
    expect(profiles.peek('ann')).toBeUndefined();
    expect(await profiles.load('ann')).toEqual({ [NICK]: 'Ann' });
    expect(profiles.peek('ann')).toEqual({ [NICK]: 'Ann' });
    expect(reads).toEqual({ accounts: 1, tags: 0 });
    records.ann.nick = 'Annie';
    expect(profiles.peek('ann')).toEqual({ [NICK]: 'Ann' });
    profiles.forget('ann');
    expect((profiles.peek('ann') ?? (await profiles.load('ann')))).toEqual({ [NICK]: 'Annie' });
    records.ann.faceUrl = 'http://x/a.png';
    now += 5_001;
    expect(profiles.peek('ann')).toBeUndefined();
    expect((profiles.peek('ann') ?? (await profiles.load('ann')))).toEqual({ [NICK]: 'Annie', [IMAGE]: 'http://x/a.png' });
    expect(reads.accounts).toBe(3);
  });

  it('carries only the selected tags, reads tags only when one is selected, and nothing for an admin without an account', async () => {
    const { store, reads } = accounts({ bob: { nick: 'Bob', faceUrl: 'f', tags: { [VIP]: 'gold', Tag_Profile_IM_Level: 3 } } });
    const withVip = new SenderProfiles(store, { tags: [NICK, VIP], now: () => 0, ttlMs: 1 });
    expect(await withVip.load('bob')).toEqual({ [NICK]: 'Bob', [VIP]: 'gold' });
    expect(reads.tags).toBe(1);
    expect(await withVip.load('administrator')).toBe(NO_SENDER_PROFILE);
    const none = new SenderProfiles(store, { tags: [], now: () => 0, ttlMs: 1 });
    expect(none.peek('bob')).toBe(NO_SENDER_PROFILE);
  });
});
