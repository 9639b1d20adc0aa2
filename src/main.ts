/** `npm start`: reads the config, starts Parley, prints how to reach it, stops cleanly on SIGTERM/SIGINT. */
// Colyseus reads the global WebSocket when a session resumes; Node 20 has none.
import './shims/node-websocket.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DependencyUnavailableError } from './ops/dependency.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  // Colyseus takes its inter-process timeout (seat reservations on another node, health checks) from
  // the environment when it is first imported; align it with Parley's call timeout before that.
  process.env.COLYSEUS_PRESENCE_SHORT_TIMEOUT = String(config.cluster.callTimeoutMs);
  const { startParley } = await import('./server.ts');
  const parley = await startParley(config);
  const host = config.server.publicAddress ?? `127.0.0.1:${parley.port}`;
  const admin = [...parley.identity.admins][0] ?? 'administrator';
  process.stdout.write(
    [
      `Parley is listening on port ${parley.port}`,
      `  SDKAppID:      ${parley.identity.sdkAppId}`,
      `  REST base URL: http://${host}/v4/<service>/<command>?sdkappid=${parley.identity.sdkAppId}&identifier=${admin}&usersig=<UserSig>&random=<u32>&contenttype=json`,
      `  admin UserSig: npx parley usersig ${admin}`,
      `  client login:  POST http://${host}/connect {"UserID","UserSig","Platform"}`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    parley.log.info({ signal }, 'shutting down');
    parley.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        parley.log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  const known = e instanceof ConfigError || e instanceof DependencyUnavailableError;
  process.stderr.write(known ? `parley: cannot start: ${(e as Error).message}\n` : `${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
