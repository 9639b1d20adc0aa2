/**
 * Runs the system under test as a child process, as test/helpers/parley-process.ts does for tests:
 * Parley itself (`src/main.ts`, fresh temp data dir, free port), the bare Colyseus baseline
 * (`bench/baseline/bare-server.ts`) or the peer, Centrifugo (bench/peer). Exposes the pid (the bench
 * reads its CPU and RSS from /proc) and, when asked, the V8 inspector URL used to profile one step.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { centrifugoLaunch } from '../peer/centrifugo-server.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

export type ServerKind = 'parley' | 'bare' | 'centrifugo';

export interface ServerOptions {
  readonly kind: ServerKind;
  /** Start with the V8 inspector on a free loopback port (for CPU profiles of single steps). */
  readonly inspect?: boolean;
  /** Extra environment for the child. */
  readonly env?: Readonly<Record<string, string>>;
  /** Leave out the bench's own environment (service addresses) except PATH: the child gets only `env`. */
  readonly isolated?: boolean;
  /** A fixed port (a cluster node must know its public address before it starts); default: any free port. */
  readonly port?: number;
}

export interface AppIdentity {
  readonly sdkAppId: number;
  readonly secretKey: string;
}

const START_TIMEOUT_MS = 30_000;

export class ServerProcess {
  readonly kind: ServerKind;
  readonly #dataDir: string | undefined;
  readonly #child: ChildProcess;
  /** The peer's secret (token key and API key); Parley's identity is read from its data dir. */
  readonly #secret: string | undefined;
  #output = '';
  #port = 0;

  private constructor(kind: ServerKind, child: ChildProcess, dataDir: string | undefined, secret?: string) {
    this.kind = kind;
    this.#child = child;
    this.#dataDir = dataDir;
    this.#secret = secret;
    child.stdout?.on('data', (d: Buffer) => this.#append(d));
    child.stderr?.on('data', (d: Buffer) => this.#append(d));
  }

  static async start(o: ServerOptions): Promise<ServerProcess> {
    if (o.kind === 'centrifugo') return ServerProcess.#startPeer();
    const dataDir = o.kind === 'parley' ? mkdtempSync(join(tmpdir(), 'parley-bench-')) : undefined;
    const entry = o.kind === 'parley' ? join(ROOT, 'src', 'main.ts') : join(ROOT, 'bench', 'baseline', 'bare-server.ts');
    const env: NodeJS.ProcessEnv = {
      ...(o.isolated ? { PATH: process.env.PATH } : process.env),
      PARLEY_PORT: String(o.port ?? 0),
      PARLEY_HOST: '127.0.0.1',
      ...(dataDir ? { PARLEY_DATA_DIR: dataDir } : {}),
      PARLEY_LOG_LEVEL: 'warn',
      // The ladders measure the engine, not Tencent's 40 messages a second per group (spec §5.6).
      PARLEY_GROUP_MSG_RATE: '1000000',
      // Nor Tencent's REST call rates (200 a second per command, 100 for account imports).
      PARLEY_REST_RATE: '0',
      // Nor client flood control: the ladders send far more than a user would, over few connections.
      PARLEY_CLIENT_OP_RATE: '0',
      PARLEY_CLIENT_SEND_RATE: '0',
      PARLEY_CLIENT_MAX_PENDING: '100000',
      ...o.env,
    };
    // Like the fresh data dir: on Cassandra each server starts on a keyspace of its own, or its
    // users would sync a previous run's messages (same user ids) and spoil the latencies.
    if (o.kind === 'parley' && env.CASSANDRA_CONTACT_POINTS) env.CASSANDRA_KEYSPACE = `parley_bench_${Date.now().toString(36)}`;
    const child = spawn(process.execPath, ['--import', 'tsx', ...(o.inspect ? ['--inspect=127.0.0.1:0'] : []), entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ServerProcess(o.kind, child, dataDir);
    await server.#waitForPort();
    return server;
  }

  static async #startPeer(): Promise<ServerProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'parley-bench-peer-'));
    const launch = await centrifugoLaunch(dir);
    const child = spawn(launch.command, [...launch.args], { cwd: dir, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ServerProcess('centrifugo', child, dir, launch.secret);
    server.#port = launch.port;
    await server.#waitForHealth();
    return server;
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get output(): string {
    return this.#output;
  }

  /** The inspector's WebSocket URL, if started with `inspect`. */
  get inspectorUrl(): string | undefined {
    return /Debugger listening on (ws:\/\/\S+)/.exec(this.#output)?.[1];
  }

  /** Parley's SDKAppID and key, as generated into its data dir. */
  get identity(): AppIdentity {
    if (this.#secret !== undefined) return { sdkAppId: 0, secretKey: this.#secret };
    if (!this.#dataDir) return { sdkAppId: 1400000000, secretKey: 'bare-server-has-no-key' };
    return JSON.parse(readFileSync(join(this.#dataDir, 'app-identity.json'), 'utf8')) as AppIdentity;
  }

  #append(d: Buffer): void {
    // Keep the head (start-up lines) and a bounded tail for error messages.
    this.#output = this.#output.length < 64_000 ? this.#output + d.toString() : this.#output.slice(0, 32_000) + d.toString().slice(-16_000);
  }

  #waitForPort(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.kind} server did not start:\n${this.#output}`)), START_TIMEOUT_MS);
      const check = (): void => {
        const m = /listening on port (\d+)/.exec(this.#output);
        if (!m) return;
        clearTimeout(timer);
        this.#port = Number(m[1]);
        resolve();
      };
      this.#child.stdout?.on('data', check);
      this.#child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.kind} server exited with ${code}:\n${this.#output}`));
      });
    });
  }

  /** Waits for the peer's /health to answer (it prints no port line). */
  async #waitForHealth(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.#child.exitCode !== null) throw new Error(`${this.kind} exited with ${this.#child.exitCode}:\n${this.#output}`);
      const up = await fetch(`${this.url}/health`).then((r) => r.ok, () => false);
      if (up) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.kind} did not start:\n${this.#output}`);
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and removes its data dir. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (this.#dataDir) rmSync(this.#dataDir, { recursive: true, force: true });
  }
}
