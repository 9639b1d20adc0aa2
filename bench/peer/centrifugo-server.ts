/**
 * Building and configuring the peer server: Centrifugo v6.9.1, built once from the Go module proxy
 * into ~/.cache/parley-bench/bin (`go install`, a few minutes the first time), configured for the
 * fan-out comparison: one channel namespace with a 1,000-entry in-memory history, clients that may
 * subscribe without a channel token, the HTTP API keyed with the run's secret.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CENTRIFUGO_MODULE = 'github.com/centrifugal/centrifugo/v6@v6.9.1';
const BIN_DIR = join(homedir(), '.cache', 'parley-bench', 'bin');

/** The Centrifugo binary, built if missing; throws with go's output when it cannot be built. */
export function centrifugoBinary(): string {
  const bin = join(BIN_DIR, 'centrifugo');
  if (existsSync(bin)) return bin;
  mkdirSync(BIN_DIR, { recursive: true });
  process.stdout.write(`  building ${CENTRIFUGO_MODULE} (once, into ${BIN_DIR})\n`);
  execFileSync('go', ['install', CENTRIFUGO_MODULE], { env: { ...process.env, GOBIN: BIN_DIR }, stdio: ['ignore', 'inherit', 'inherit'] });
  return bin;
}

/** A port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface CentrifugoLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly port: number;
  /** Signs connection tokens and keys the HTTP API. */
  readonly secret: string;
}

/** Writes the config into `dir` and says how to start the server on a free port. */
export async function centrifugoLaunch(dir: string): Promise<CentrifugoLaunch> {
  const port = await freePort();
  const secret = randomBytes(16).toString('hex');
  const config = {
    client: { token: { hmac_secret_key: secret }, allowed_origins: ['*'] },
    http_api: { key: secret },
    http_server: { address: '127.0.0.1', port },
    channel: { without_namespace: { allow_subscribe_for_client: true, history_size: 1000, history_ttl: '300s' } },
    health: { enabled: true },
    log: { level: 'error' },
    usage_stats: { disabled: true },
  };
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return { command: centrifugoBinary(), args: ['--config', file], port, secret };
}
