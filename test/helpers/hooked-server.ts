/**
 * The set-up most client tests share: a Parley server calling back to a local webhook, the clients
 * the test logs in, all started in `beforeAll` and closed in `afterAll` (registered by this call).
 */
import { afterAll, beforeAll } from 'vitest';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import { type Online, onlineUsers } from './online.ts';
import { ParleyProcess } from './parley-process.ts';
import { Webhook } from './webhook.ts';

export interface HookedServer {
  readonly server: ParleyProcess;
  readonly hook: Webhook;
  /** Clients to close at the end; `online` adds its own. */
  readonly clients: ParleyClient[];
  /** Imports `ids` and logs each in, recording what it receives. */
  online(...ids: string[]): Promise<Online[]>;
}

export function hookedServer(env: Record<string, string>): HookedServer {
  let server: ParleyProcess | undefined;
  let hook: Webhook | undefined;
  const clients: ParleyClient[] = [];
  beforeAll(async () => {
    hook = await Webhook.start();
    server = await ParleyProcess.start({ env: { ...env, PARLEY_CALLBACK_URL: hook.url } });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.stop();
    await hook?.close();
  });
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('hookedServer: used before beforeAll ran');
    return v;
  };
  return {
    get server() {
      return started(server);
    },
    get hook() {
      return started(hook);
    },
    clients,
    online: (...ids) => onlineUsers(started(server), clients, ids),
  };
}

/** admin_getroammsg's MsgList of `operator`'s conversation with `peer`, newest first (up to 100). */
export async function roamingOf(server: ParleyProcess, operator: string, peer: string): Promise<{ From_Account: string; MsgKey: string; MsgFlagBits: number; MsgTimeStamp: number; MsgSeq: number; MsgBody: unknown; CloudCustomData: string }[]> {
  const r = await server.rest('openim/admin_getroammsg', { Operator_Account: operator, Peer_Account: peer, MaxCnt: 100, MinTime: 0, MaxTime: Math.floor(Date.now() / 1000) + 600 });
  return (r.MsgList ?? []) as never;
}
