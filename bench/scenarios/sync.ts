/**
 * The sync scenario (Parley only; the bare baseline stores nothing to sync): a fresh server, the
 * offline user's inbox filled through REST, then timed logins with full sync, run in worker 0.
 */
import type { SyncReport } from '../driver/protocol.ts';
import { RestClient } from '../servers/rest-client.ts';
import { ServerProcess } from '../servers/server-process.ts';
import type { RunEnv } from './rate-scenario.ts';

export async function runSync(env: RunEnv): Promise<SyncReport> {
  const p = env.params.sync;
  const server = await ServerProcess.start({ kind: 'parley' });
  const rest = new RestClient(server.url, server.identity);
  try {
    const user = 'sync_user';
    const senders = Array.from({ length: p.senders }, (_, i) => `sync_s${i}`);
    await rest.ok('im_open_login_svc/multiaccount_import', { Accounts: [user, ...senders] });
    const spec = { kind: 'parley' as const, endpoint: server.url, identity: server.identity, payloadBytes: env.payloadBytes };
    return await env.pool.workers[0].call<'sync'>({
      op: 'sync',
      target: spec,
      sync: { user, senders, messages: p.messages, restConcurrency: p.restConcurrency, repeats: p.repeats, pageSizes: p.pageSizes },
    });
  } finally {
    rest.close();
    await server.stop();
  }
}
