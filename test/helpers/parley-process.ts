/**
 * Runs a real Parley server as a child process on a free port with its own data dir, as a user
 * would (`npm start`), and gives tests what they need to talk to it: REST calls as the admin,
 * UserSigs, client logins, and kill/restart for crash tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signUserSig } from '../../src/auth/user-sig.ts';
import { ParleyClient, type ParleyClientOptions } from '../../src/client/parley-client.ts';
import { dropKeyspace } from './services.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** The test process's env minus back-end selection: a server uses Cassandra, Redis or Kafka only when a test asks for it. */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(CASSANDRA_|KAFKA_|REDIS_|PARLEY_)/.test(key)) delete env[key];
  return env;
}

export type RestResponse = Record<string, unknown> & { ActionStatus: string; ErrorCode: number; ErrorInfo: string };

export interface ParleyProcessOptions {
  readonly env?: Record<string, string>;
  readonly dataDir?: string;
  /** A fixed port (a cluster node must know its public address before it starts); default: any free port. */
  readonly port?: number;
}

/** Servers started and not yet exited, across every ParleyProcess of this test file. */
const running = new Set<ChildProcess>();

/**
 * Kills the servers still running after a test file's own cleanup (a test that failed before it
 * stopped them), so none outlives the file and steals CPU from the next ones. Run by setup.ts.
 */
export async function killLeftoverServers(): Promise<void> {
  await Promise.all(
    [...running].map((child) => {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGKILL');
      return exited;
    }),
  );
}

export class ParleyProcess {
  readonly dataDir: string;
  #env: Record<string, string>;
  #child: ChildProcess | undefined;
  #port = 0;
  #output = '';
  readonly #ownsDataDir: boolean;

  private constructor(o: ParleyProcessOptions) {
    this.#ownsDataDir = o.dataDir === undefined;
    this.dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-test-'));
    this.#env = o.env ?? {};
    this.#port = o.port ?? 0;
  }

  static async start(o: ParleyProcessOptions = {}): Promise<ParleyProcess> {
    const p = new ParleyProcess(o);
    await p.#spawn();
    return p;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  /** Everything the server printed (stdout and stderr), for failure messages. */
  get output(): string {
    return this.#output;
  }

  /** The app identity: fixed by env (a cluster shares one), or generated into the data dir. */
  get identity(): { sdkAppId: number; secretKey: string } {
    if (this.#env.PARLEY_SDKAPPID && this.#env.PARLEY_SECRET_KEY) {
      return { sdkAppId: Number(this.#env.PARLEY_SDKAPPID), secretKey: this.#env.PARLEY_SECRET_KEY };
    }
    return JSON.parse(readFileSync(join(this.dataDir, 'app-identity.json'), 'utf8')) as { sdkAppId: number; secretKey: string };
  }

  /** The process id, for signals other than kill (SIGSTOP/SIGCONT). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Sends a signal without waiting (SIGSTOP, SIGCONT). */
  signal(signal: NodeJS.Signals): void {
    this.#child?.kill(signal);
  }

  async #spawn(): Promise<void> {
    this.#output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
      cwd: ROOT,
      env: {
        ...inheritedEnv(),
        PARLEY_PORT: this.#port ? String(this.#port) : '0',
        PARLEY_HOST: '127.0.0.1',
        PARLEY_DATA_DIR: this.dataDir,
        PARLEY_LOG_LEVEL: 'warn',
        ...this.#env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.stdout?.on('data', (d: Buffer) => (this.#output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.#output += d.toString()));
    this.#port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${this.#output}`)), 30_000);
      const check = (): void => {
        const m = /listening on port (\d+)/.exec(this.#output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout?.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${this.#output}`));
      });
    });
  }

  userSig(userId: string, o: { expire?: number; time?: number } = {}): string {
    const { sdkAppId, secretKey } = this.identity;
    return signUserSig({ sdkAppId, key: secretKey, identifier: userId, expire: o.expire, time: o.time });
  }

  /** Calls `v4/<service>/<command>` as the admin; `query` overrides URL parameters. */
  async rest(path: string, body: unknown, query: Record<string, string> = {}): Promise<RestResponse> {
    const params = new URLSearchParams({
      sdkappid: String(this.identity.sdkAppId),
      identifier: 'administrator',
      usersig: this.userSig('administrator'),
      random: String(Math.floor(Math.random() * 2 ** 32)),
      contenttype: 'json',
      ...query,
    });
    const res = await fetch(`${this.url}/v4/${path}?${params}`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return (await res.json()) as RestResponse;
  }

  async importAccounts(ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 100) {
      const r = await this.rest('im_open_login_svc/multiaccount_import', { Accounts: ids.slice(i, i + 100) });
      if (r.ErrorCode !== 0) throw new Error(`import failed: ${JSON.stringify(r)}`);
    }
  }

  login(userId: string, o: Partial<ParleyClientOptions> = {}): Promise<ParleyClient> {
    return ParleyClient.login({ endpoint: this.url, userId, userSig: this.userSig(userId), ...o });
  }

  /** Kills the process with `signal` and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await exited;
  }

  /** Starts the server again on the same port and data dir. */
  async restart(): Promise<void> {
    await this.kill('SIGKILL');
    await this.#spawn();
  }

  /** Stops the server cleanly and starts it again on the same port and data dir with `env` added (a shifted clock, say). */
  async restartWith(env: Record<string, string>): Promise<void> {
    await this.kill('SIGTERM');
    this.#env = { ...this.#env, ...env };
    await this.#spawn();
  }

  /** Stops the server; `keepKeyspace` when other nodes of a cluster still use it. */
  async stop(o: { keepKeyspace?: boolean } = {}): Promise<void> {
    await this.kill('SIGTERM');
    if (this.#ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
    const keyspace = this.#env.CASSANDRA_KEYSPACE;
    if (keyspace && !o.keepKeyspace) await dropKeyspace(keyspace).catch(() => undefined);
  }
}
