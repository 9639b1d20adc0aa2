/**
 * Offline retention and roaming retention are separate clocks: MsgLifeTime bounds how long a
 * message waits for offline devices, never its roaming history. Time is moved with
 * PARLEY_CLOCK_OFFSET_MS across restarts on the same data, which every expiry rule must follow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { C2CMessage, StreamEvent } from '../../src/protocol/entries.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { text } from '../helpers/wait.ts';

const ROAM = { MaxCnt: 100, MinTime: 0, MaxTime: 4_000_000_000 };
const DAY_MS = 86_400_000;

describe.each(storeModes())('offline and roaming retention (%s store)', (mode) => {
  let server: ParleyProcess;

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: storeEnv(mode) });
    await server.importAccounts(['life_a', 'life_b']);
  });

  afterAll(async () => {
    await server.stop();
  });

  const send = (t: string, more: Record<string, unknown> = {}) =>
    server.rest('openim/sendmsg', { From_Account: 'life_a', To_Account: 'life_b', MsgRandom: Math.floor(Math.random() * 2 ** 32), MsgBody: text(t), ...more });
  const roamTexts = async (): Promise<string[]> => {
    const r = await server.rest('openim/admin_getroammsg', { Operator_Account: 'life_b', Peer_Account: 'life_a', ...ROAM });
    expect(r.ErrorCode).toBe(0);
    return (r.MsgList as { MsgBody: { MsgContent: { Text: string } }[] }[]).map((m) => m.MsgBody[0].MsgContent.Text);
  };
  /** What a device of life_b that was offline all along receives when it syncs now. */
  const syncedTexts = async (): Promise<string[]> => {
    const got: StreamEvent[] = [];
    const client = await server.login('life_b', { onEvent: (ev) => got.push(ev) });
    await client.sync();
    await client.close();
    return got.filter((ev) => ev.entry.kind === 'c2c').map((ev) => String((ev.entry as C2CMessage).body[0].MsgContent.Text));
  };

  it('keeps a short-lived message in roaming after its offline life, delivers it to no later device, and lets both end with the retention', async () => {
    expect(await send('short life', { MsgLifeTime: 5 })).toMatchObject({ ErrorCode: 0 });
    expect(await send('full life')).toMatchObject({ ErrorCode: 0 });
    expect(await send('online only, still roaming', { MsgLifeTime: 0 })).toMatchObject({ ErrorCode: 0 });
    const batch = await server.rest('openim/batchsendmsg', { From_Account: 'life_a', To_Account: ['life_b'], MsgRandom: 5, MsgLifeTime: 0, MsgBody: text('batch online only') });
    expect(batch).toMatchObject({ ErrorCode: 0 });

    // A minute later: the 5 s message is past its offline life, not its roaming life.
    await server.restartWith({ PARLEY_CLOCK_OFFSET_MS: String(60_000) });
    expect(await roamTexts()).toEqual(['online only, still roaming', 'full life', 'short life']);
    expect(await syncedTexts()).toEqual(['full life']);

    // Eight days later every retention (7 days by default) is over, by Parley's clock.
    await server.restartWith({ PARLEY_CLOCK_OFFSET_MS: String(8 * DAY_MS) });
    expect(await roamTexts()).toEqual([]);
    expect(await syncedTexts()).toEqual([]);
  });
});
