import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import type { C2CMessage, StreamEvent } from '../../src/protocol/entries.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { text, waitFor } from '../helpers/wait.ts';

const textOf = (ev: StreamEvent): string => ((ev.entry as C2CMessage).body[0].MsgContent as { Text: string }).Text;

describe.each(storeModes())('C2C between real clients (%s store)', (mode) => {
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: storeEnv(mode) });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  async function login(userId: string, platform: 'iOS' | 'Web' | 'Android' = 'Web'): Promise<ParleyClient> {
    const c = await server.login(userId, { platform });
    clients.push(c);
    return c;
  }

  it('delivers 1,000 messages to Bob exactly once and in order across a dropped connection, and syncs them to Alice’s other device', async () => {
    const alicePhone = await login('alice', 'iOS');
    const aliceWeb = await login('alice', 'Web');
    const bob = await login('bob', 'Android');

    const bobGot: string[] = [];
    const bobSeqs: number[] = [];
    bob.onEvent((ev) => {
      if (ev.entry.kind === 'c2c' && ev.entry.from === 'alice') {
        bobGot.push(textOf(ev));
        bobSeqs.push(ev.seq);
      }
    });
    const webGot: string[] = [];
    aliceWeb.onEvent((ev) => {
      if (ev.entry.kind === 'c2c' && ev.entry.to === 'bob') webGot.push(textOf(ev));
    });

    const N = 1000;
    const sent: string[] = [];
    for (let i = 0; i < N; i++) {
      if (i === 400) bob.dropConnection();
      const body = `m${i}`;
      const r = await alicePhone.sendC2C('bob', text(body));
      expect(r.seq).toBeGreaterThan(0);
      sent.push(body);
    }

    await waitFor(() => bobGot.length >= N, `Bob to receive ${N} messages (has ${bobGot.length})`, 30_000);
    expect(bobGot).toEqual(sent);
    expect(new Set(bobSeqs).size).toBe(N);
    expect(bobSeqs).toEqual([...bobSeqs].sort((a, b) => a - b));

    await aliceWeb.sync();
    await waitFor(() => webGot.length >= N, 'Alice’s web device to have every sent message');
    expect(webGot).toEqual(sent);
  });

  it('answers the sending device with its own copy instead of pushing it, and pushes it to the sender’s other devices', async () => {
    const kimPhone = await login('kim', 'iOS');
    const kimWeb = await login('kim', 'Web');
    const lee = await login('lee', 'Android');
    const toLee = (into: StreamEvent[]) => (ev: StreamEvent) => {
      if (ev.entry.kind === 'c2c' && ev.entry.to === 'lee') into.push(ev);
    };
    const [phoneGot, webGot, leeGot]: StreamEvent[][] = [[], [], []];
    kimPhone.onEvent(toLee(phoneGot));
    kimWeb.onEvent(toLee(webGot));
    lee.onEvent(toLee(leeGot));
    const deliveries = async (): Promise<number> => Number(/^parley_deliveries_total (\d+)/m.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]);

    const before = await deliveries();
    const answers = [];
    for (const body of ['k0', 'k1', 'k2']) {
      const r = await kimPhone.sendC2C('lee', text(body));
      expect(r.entry).toMatchObject({ kind: 'c2c', from: 'kim', to: 'lee', msgKey: r.msgKey, body: text(body) });
      // As the other devices get it: nothing the server keeps for itself.
      expect(r.entry && ('origin' in r.entry || 'offlineUntil' in r.entry)).toBe(false);
      answers.push([r.seq, body]);
    }
    await waitFor(() => webGot.length >= 3 && leeGot.length >= 3, 'Kim’s web device and Lee to have the three messages');
    // The sending device has each of its messages once, in its inbox's SEQ order, as its other device does.
    expect(phoneGot.map((e) => [e.seq, textOf(e)])).toEqual(answers);
    expect(webGot.map((e) => [e.seq, textOf(e)])).toEqual(answers);
    // Pushed to Lee and to Kim's web device only: two frames a message, not three.
    expect((await deliveries()) - before).toBe(6);
  });

  it('holds a send made just after its own socket dropped until the session is back, then sends it once', async () => {
    const hank = await login('hank');
    await server.importAccounts(['ivy']);
    hank.dropConnection();
    const r = await hank.sendC2C('ivy', text('after the drop'));
    expect(r.seq).toBeGreaterThan(0);
    const page = await hank.call('sync', { after: 0 });
    expect(page.events.filter((e) => e.entry.kind === 'c2c' && e.entry.to === 'ivy').map(textOf)).toEqual(['after the drop']);
  });

  it('closes a session whose socket just dropped without waiting for a leave no server can confirm', async () => {
    const jack = await server.login('jack');
    jack.dropConnection();
    await jack.close();
    expect(jack.state).toBe('closed');
    // It stays closed: the SDK's reconnection does not bring it back.
    await new Promise((r) => setTimeout(r, 1000));
    expect(jack.state).toBe('closed');
  }, 5000);

  it('delivers messages sent while the receiver was offline on its next login, by sync', async () => {
    const carol = await login('carol');
    await server.importAccounts(['dave']);
    for (let i = 0; i < 5; i++) await carol.sendC2C('dave', text(`offline ${i}`));
    const got: string[] = [];
    const dave = await server.login('dave', { onEvent: (ev) => ev.entry.kind === 'c2c' && got.push(textOf(ev)) });
    clients.push(dave);
    expect(got).toEqual(['offline 0', 'offline 1', 'offline 2', 'offline 3', 'offline 4']);
    expect(dave.cursors()['u:dave']).toBe(5);
  });

  it('treats a retried client send (same random) as the same message', async () => {
    const erin = await login('erin');
    await server.importAccounts(['frank']);
    const first = await erin.sendC2C('frank', text('once'), { random: 4242 });
    const again = await erin.sendC2C('frank', text('once'), { random: 4242 });
    expect(again.msgKey).toBe(first.msgKey);
    expect(again.seq).toBe(first.seq);
    const page = await erin.call('sync', { after: 0 });
    expect(page.events.filter((e) => e.entry.kind === 'c2c' && e.entry.to === 'frank')).toHaveLength(1);
  });

  it('does not store online-only messages', async () => {
    const gina = await login('gina');
    const hank = await login('hank');
    const live: StreamEvent[] = [];
    hank.onEvent((ev) => live.push(ev));
    const r = await gina.sendC2C('hank', text('ephemeral'), { onlineOnly: true });
    expect(r.seq).toBe(0);
    await waitFor(() => live.some((e) => e.seq === 0), 'the online-only message');
    const page = await hank.call('sync', { after: 0 });
    expect(page.events.some((e) => e.entry.kind === 'c2c' && textOf(e) === 'ephemeral')).toBe(false);
  });

  it('rejects a send to an unknown account with 90012 and stores nothing', async () => {
    const ivan = await login('ivan');
    await expect(ivan.sendC2C('nobody-here', text('x'))).rejects.toMatchObject({ code: 90012 });
    const page = await ivan.call('sync', { after: 0 });
    expect(page.events).toHaveLength(0);
  });
});
