/**
 * Runs one rate-driven shape against one target: a fresh server, the shape's preparation, logins
 * on every worker, the ladder to the knee, the check steps, optionally one profiled step at the
 * first bad rate (Parley), then the integrity check over all workers' logs.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type IntegrityReport, mergeIntegrity } from '../integrity.ts';
import { Histogram, type LatencySummary } from '../lib/histogram.ts';
import type { QuietGate } from '../lib/quiet.ts';
import { rssBytes } from '../lib/proc-stats.ts';
import type { TargetKind } from '../driver/protocol.ts';
import type { WorkerPool } from '../driver/worker-pool.ts';
import { type ProfileSummary, summarizeProfile } from '../profile/cpu-profile.ts';
import { InspectorProfiler } from '../profile/inspector-profiler.ts';
import { RestClient } from '../servers/rest-client.ts';
import { ServerProcess } from '../servers/server-process.ts';
import type { KneeRules, ModeParams } from '../scenarios.ts';
import type { Shape } from './shapes.ts';
import { type LadderResult, type StepContext, type StepFigures, describeStep, runCleanStep, runLadder, runStep } from './steps.ts';

export interface RunEnv {
  readonly pool: WorkerPool;
  readonly params: ModeParams;
  readonly rules: KneeRules;
  readonly payloadBytes: number;
  /** Where `.cpuprofile` files go, and the prefix of their names. */
  readonly profileDir: string;
  readonly runId: string;
  /** Waits for a quiet machine before steps, within the run's budget. */
  readonly quiet: QuietGate;
}

export interface ProfileResult {
  readonly rate: number;
  readonly file: string;
  readonly step: StepFigures;
  readonly summary: ProfileSummary;
}

export interface RateRun {
  readonly target: TargetKind;
  readonly clients: number;
  readonly loginFailures: number;
  readonly login: LatencySummary;
  readonly checks: readonly StepFigures[];
  readonly ladder: LadderResult;
  readonly profile?: ProfileResult;
  readonly integrity: IntegrityReport;
  readonly serverRssBytes: number;
  /**
   * Shapes with `rssPerClient` (avchatroom): the server's RSS after preparation and after every
   * client logged in (and joined), and the growth per client.
   */
  readonly rssPerClient?: { readonly beforeBytes: number; readonly afterBytes: number; readonly perClientBytes: number };
}

/** Pause before reading RSS around the logins, so the reading is not of a burst in flight. */
const RSS_SETTLE_MS = 2000;
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, RSS_SETTLE_MS));

export async function runRateScenario(env: RunEnv, shape: Shape, target: TargetKind): Promise<RateRun> {
  const profiling = env.params.profile && target === 'parley';
  const server = await ServerProcess.start({ kind: target, inspect: profiling });
  const rest = target === 'parley' ? new RestClient(server.url, server.identity) : undefined;
  try {
    const sessions = await shape.prepare(target, rest, env.pool.workers.length);
    const spec = { kind: target, endpoint: server.url, identity: server.identity, payloadBytes: env.payloadBytes };
    const rssBefore = shape.rssPerClient ? (await settle(), rssBytes(server.pid)) : 0;
    const opened = await env.pool.all<'open'>((w) => ({ op: 'open', target: spec, session: sessions[w.index] }));
    const rssAfter = shape.rssPerClient ? (await settle(), rssBytes(server.pid)) : 0;
    const login = new Histogram();
    for (const o of opened) login.merge(o.login);
    const failures = opened.reduce((a, o) => a + o.failures, 0);
    const clients = opened.reduce((a, o) => a + o.clients, 0);
    const rssPerClient = shape.rssPerClient ? { beforeBytes: rssBefore, afterBytes: rssAfter, perClientBytes: clients ? (rssAfter - rssBefore) / clients : 0 } : undefined;
    if (rssPerClient) process.stdout.write(`    server RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MB over ${clients} logins: ${(rssPerClient.perClientBytes / 1024).toFixed(1)} KB per client\n`);
    if (failures > 0) throw new Error(`${failures} logins failed: ${opened.find((o) => o.firstError)?.firstError}`);
    const ctx: StepContext = {
      pool: env.pool,
      serverPid: server.pid,
      stepMs: env.params.stepSeconds * 1000,
      drainMs: env.params.drainTimeoutSeconds * 1000,
      deliveriesPerMessage: shape.deliveriesPerMessage,
      p99BoundMs: shape.p99BoundMs,
      rules: env.rules,
      quiet: env.quiet,
    };
    // The ladder runs first, on a fresh server: a check step far past the knee leaves a backlog, a
    // long WAL and garbage behind it, which would otherwise spoil the ladder's first steps.
    const ladder = await runLadder(ctx, shape.startRate, env.params.maxSteps, 1);
    const checks: StepFigures[] = [];
    for (const [i, rate] of shape.checkRates.entries()) {
      const s = await runCleanStep(ctx, 1000 + 10 * i, rate);
      process.stdout.write(`    check ${rate}/s: ${describeStep(s)}\n`);
      checks.push(s);
    }
    const profile = profiling ? await profileStep(env, ctx, server, shape, ladder) : undefined;
    const integrity = await checkAll(env.pool);
    await env.pool.all<'close'>(() => ({ op: 'close' }));
    return {
      target,
      clients,
      loginFailures: failures,
      login: login.summary(),
      checks,
      ladder,
      profile,
      integrity,
      serverRssBytes: rssBytes(server.pid),
      ...(rssPerClient ? { rssPerClient } : {}),
    };
  } catch (e) {
    await env.pool.all<'close'>(() => ({ op: 'close' })).catch(() => undefined);
    throw e;
  } finally {
    rest?.close();
    await server.stop();
  }
}

/** Collects every worker's sends, then has each worker check its own devices against all of them. */
export async function checkAll(pool: WorkerPool): Promise<IntegrityReport> {
  const logs = await pool.all<'sentLog'>(() => ({ op: 'sentLog' }));
  const reports = await pool.all<'integrity'>(() => ({ op: 'integrity', logs }));
  return mergeIntegrity(reports);
}

/** One more step at the rate that broke the ladder (or one growth step above the last), profiled. */
async function profileStep(env: RunEnv, ctx: StepContext, server: ServerProcess, shape: Shape, ladder: LadderResult): Promise<ProfileResult | undefined> {
  const url = server.inspectorUrl;
  if (!url) return undefined;
  const last = ladder.steps.at(-1);
  const rate = ladder.firstBad?.rate ?? Math.round((last?.rate ?? shape.startRate) * env.rules.growth);
  const profiler = await InspectorProfiler.connect(url);
  let profile: Awaited<ReturnType<InspectorProfiler['stop']>> | undefined;
  try {
    const step = await runStep({ ...ctx, aroundWindow: { start: () => profiler.start(), stop: async () => void (profile = await profiler.stop()) } }, 900, rate);
    for (let i = 0; i < 100 && !profile; i++) await new Promise((r) => setTimeout(r, 50));
    if (!profile) return undefined;
    const file = join(env.profileDir, `${env.runId}-${shape.name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    process.stdout.write(`    profiled ${rate}/s: ${describeStep(step)}\n`);
    return { rate, file, step, summary: summarizeProfile(profile) };
  } finally {
    profiler.close();
  }
}
