/**
 * Online status from real clients: `user.status` (Tencent's getUserStatus), and with
 * PARLEY_FRIEND_STATUS_PUSH a user's mutual friends online told live when the user's first device
 * connects and the last one leaves — a second device, or a non-friend, changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import type { StreamEvent, UserStatusNotice } from '../../src/protocol/entries.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { waitFor } from '../helpers/wait.ts';

const WEB = 'AddSource_Type_Web';
const statusOf = (events: StreamEvent[], userId: string): UserStatusNotice['status'][] =>
  events.flatMap((e) => (e.entry.kind === 'status' && e.entry.userId === userId ? [e.entry.status] : []));

describe('online status from clients (PARLEY_FRIEND_STATUS_PUSH on)', () => {
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];
  const login = async (userId: string, events: StreamEvent[] = [], platform: 'Web' | 'iOS' = 'Web') => {
    const c = await server.login(userId, { platform, onEvent: (e) => events.push(e) });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: { PARLEY_FRIEND_STATUS_PUSH: '1' } });
    await server.importAccounts(['fs_ann', 'fs_bob', 'fs_cat']);
    for (const [a, b] of [['fs_ann', 'fs_bob'], ['fs_bob', 'fs_ann']]) {
      expect((await server.rest('sns/friend_import', { From_Account: a, AddFriendItem: [{ To_Account: b, AddSource: WEB }] })).ErrorCode).toBe(0);
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  it('tells friends online when a user comes and goes, once per first and last device; strangers hear nothing', async () => {
    const bobSaw: StreamEvent[] = [];
    const catSaw: StreamEvent[] = [];
    const bob = await login('fs_bob', bobSaw);
    await login('fs_cat', catSaw);
    expect((await bob.userStatus(['fs_ann', 'fs_cat', 'fs_nobody'])).statuses).toEqual([
      { userId: 'fs_ann', status: 'Offline' },
      { userId: 'fs_cat', status: 'Online' },
    ]);

    const phone = await login('fs_ann', [], 'iOS');
    await waitFor(() => statusOf(bobSaw, 'fs_ann').length === 1, 'Bob to see Ann come online');
    const web = await login('fs_ann');
    expect((await bob.userStatus(['fs_ann'])).statuses).toEqual([{ userId: 'fs_ann', status: 'Online' }]);
    await phone.close();
    await web.close();
    await waitFor(() => statusOf(bobSaw, 'fs_ann').length === 2, 'Bob to see Ann go offline');
    expect(statusOf(bobSaw, 'fs_ann')).toEqual(['Online', 'Offline']);
    expect(statusOf(catSaw, 'fs_ann')).toEqual([]);
    expect((await bob.userStatus(['fs_ann'])).statuses).toEqual([{ userId: 'fs_ann', status: 'Offline' }]);
    expect((await bob.userStatus(['fs_nobody'])).errors).toEqual([{ userId: 'fs_nobody', code: 70107 }]);
  });
});
