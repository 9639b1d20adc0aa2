/** Logged-in clients that record what they receive, for tests that watch several users at once. */
import type { ParleyClient } from '../../src/client/parley-client.ts';
import type { StreamEvent } from '../../src/protocol/entries.ts';
import type { ParleyProcess } from './parley-process.ts';

/** A logged-in client and every event it received, in order. */
export interface Online {
  readonly c: ParleyClient;
  readonly events: StreamEvent[];
}

/** Imports `ids` on `server` and logs each in, recording its events; each client is added to `clients`, which the caller closes. */
export async function onlineUsers(server: ParleyProcess, clients: ParleyClient[], ids: readonly string[]): Promise<Online[]> {
  await server.importAccounts(ids);
  return Promise.all(
    ids.map(async (id) => {
      const events: StreamEvent[] = [];
      const c = await server.login(id, { onEvent: (ev) => events.push(ev) });
      clients.push(c);
      return { c, events };
    }),
  );
}
