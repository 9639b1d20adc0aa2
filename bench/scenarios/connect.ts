/**
 * The connect scenario: ramp to C idle connections (split over the workers, each logging in
 * `concurrency` at a time), then hold them. Reports the connect rate, the server's RSS growth per
 * connection (from /proc, cross-checked with Parley's /metrics), and the idle CPU the heartbeat
 * costs (server CPU over the hold period).
 */
import { Histogram, type LatencySummary } from '../lib/histogram.ts';
import { CpuWindow, rssBytes } from '../lib/proc-stats.ts';
import type { OpenResult, TargetKind } from '../driver/protocol.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ProfileSummary, summarizeProfile } from '../profile/cpu-profile.ts';
import { InspectorProfiler } from '../profile/inspector-profiler.ts';
import { ServerProcess } from '../servers/server-process.ts';
import type { RunEnv } from './rate-scenario.ts';

export interface ConnectProfile {
  readonly phase: 'ramp' | 'idle';
  readonly file: string;
  readonly summary: ProfileSummary;
}

export interface ConnectRun {
  readonly target: TargetKind;
  readonly requested: number;
  readonly connected: number;
  readonly failures: number;
  readonly firstError?: string;
  readonly rampMs: number;
  readonly connectsPerSec: number;
  readonly login: LatencySummary;
  readonly loginCurve: readonly [number, number][];
  readonly serverRssBeforeBytes: number;
  readonly serverRssAfterBytes: number;
  readonly rssPerConnectionBytes: number;
  /** Parley's own view (`/metrics`), if it exposes one. */
  readonly metricsRssBytes?: number;
  readonly idleSeconds: number;
  /** Server CPU while holding the idle connections, % of one core. */
  readonly idleServerCpuPercent: number;
  /** The same per connection: CPU microseconds per connection per second (heartbeat and timers). */
  readonly idleCpuMicrosPerConnSec: number;
  readonly cpuDuringRamp: Readonly<Record<string, number>>;
  readonly workerRssPerConnectionBytes: number;
  /** Parley server profiles of the whole ramp and of a few idle seconds after the idle measurement. */
  readonly profiles: readonly ConnectProfile[];
}

/** Profiles one phase of the connect run into `<run>-connect-<phase>.cpuprofile`. */
class PhaseProfiler {
  readonly profiles: ConnectProfile[] = [];
  readonly #env: RunEnv;
  readonly #profiler: InspectorProfiler | undefined;

  private constructor(env: RunEnv, profiler: InspectorProfiler | undefined) {
    this.#env = env;
    this.#profiler = profiler;
  }

  static async attach(env: RunEnv, server: ServerProcess): Promise<PhaseProfiler> {
    const url = server.inspectorUrl;
    return new PhaseProfiler(env, url ? await InspectorProfiler.connect(url) : undefined);
  }

  async run<T>(phase: ConnectProfile['phase'], f: () => Promise<T>): Promise<T> {
    if (!this.#profiler) return f();
    await this.#profiler.start(1000);
    const out = await f();
    const profile = await this.#profiler.stop();
    const file = join(this.#env.profileDir, `${this.#env.runId}-connect-${phase}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    this.profiles.push({ phase, file, summary: summarizeProfile(profile) });
    return out;
  }

  close(): void {
    this.#profiler?.close();
  }
}

const SETTLE_MS = 2000;

const sumRss = (list: readonly { rssBytes: number }[]): number => list.reduce((a, w) => a + w.rssBytes, 0);

async function metricsRss(url: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const m = /^parley_process_(?:process_)?resident_memory_bytes (\d+)/m.exec(text);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export async function runConnect(env: RunEnv, target: TargetKind): Promise<ConnectRun> {
  const p = env.params.connect;
  const profiling = env.params.profile && target === 'parley';
  const server = await ServerProcess.start({ kind: target, inspect: profiling });
  const profiler = profiling ? await PhaseProfiler.attach(env, server) : undefined;
  try {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const before = rssBytes(server.pid);
    const spec = { kind: target, endpoint: server.url, identity: server.identity, payloadBytes: env.payloadBytes };
    const workers = env.pool.workers.length;
    const users = Array.from({ length: p.connections }, (_, i) => `idle_${i}`);
    const workerRssBefore = await env.pool.all<'rss'>(() => ({ op: 'rss' }));
    const ramp = new CpuWindow(new Map([['server', server.pid], ...env.pool.pids()]));
    const t0 = performance.now();
    const rampUp = (): Promise<OpenResult[]> =>
      env.pool.all<'open'>((w) => ({
        op: 'open',
        target: spec,
        session: { kind: 'idle', users: users.filter((_, i) => i % workers === w.index), concurrency: Math.max(1, Math.round(p.concurrency / workers)) },
      }));
    const opened = profiler ? await profiler.run('ramp', rampUp) : await rampUp();
    const rampMs = performance.now() - t0;
    const cpuDuringRamp = ramp.read();
    const login = new Histogram();
    for (const o of opened) login.merge(o.login);
    const connected = opened.reduce((a, o) => a + o.clients, 0);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const idle = new CpuWindow(new Map([['server', server.pid]]));
    await new Promise((r) => setTimeout(r, p.idleSeconds * 1000));
    const idleCpu = idle.read().server;
    await profiler?.run('idle', () => new Promise((r) => setTimeout(r, Math.min(5, p.idleSeconds) * 1000)));
    const after = rssBytes(server.pid);
    const metricsRssBytes = target === 'parley' ? await metricsRss(server.url) : undefined;
    const workerRss = await env.pool.all<'rss'>(() => ({ op: 'rss' }));
    await env.pool.all<'close'>(() => ({ op: 'close' }));
    return {
      target,
      requested: p.connections,
      connected,
      failures: opened.reduce((a, o) => a + o.failures, 0),
      firstError: opened.find((o) => o.firstError)?.firstError,
      rampMs,
      connectsPerSec: connected / (rampMs / 1000),
      login: login.summary(),
      loginCurve: login.curve(),
      serverRssBeforeBytes: before,
      serverRssAfterBytes: after,
      rssPerConnectionBytes: connected ? (after - before) / connected : 0,
      metricsRssBytes,
      idleSeconds: p.idleSeconds,
      idleServerCpuPercent: idleCpu,
      idleCpuMicrosPerConnSec: connected ? ((idleCpu / 100) * 1e6) / connected : 0,
      cpuDuringRamp,
      workerRssPerConnectionBytes: connected ? (sumRss(workerRss) - sumRss(workerRssBefore)) / connected : 0,
      profiles: profiler?.profiles ?? [],
    };
  } catch (e) {
    await env.pool.all<'close'>(() => ({ op: 'close' })).catch(() => undefined);
    throw e;
  } finally {
    profiler?.close();
    await server.stop();
  }
}
