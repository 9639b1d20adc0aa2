/**
 * One load step across all workers (offer a rate for a window, drain, merge the workers' reports)
 * and the rate ladder that finds the knee. An uncounted warm-up step comes first (JIT, caches,
 * connections, the store's first pages). Then the rate grows by `growth` per step until a step is
 * bad — p99 send→deliver above the bound, deliveries behind the offered rate, the clients unable
 * to offer the rate, errors, or no drain — and the last good step is the knee. When the start rate
 * is already bad (a slower machine), the ladder steps down the same grid until a rate holds, so
 * every machine gives a knee and a ratio.
 */
import { Histogram, type LatencySummary } from '../lib/histogram.ts';
import { CpuWindow, MainThreadSampler, type ThreadStates } from '../lib/proc-stats.ts';
import type { StepReport } from '../driver/protocol.ts';
import type { WorkerPool } from '../driver/worker-pool.ts';
import type { KneeRules } from '../scenarios.ts';
import type { QuietGate } from '../lib/quiet.ts';

/** A process is called CPU-bound at or above this share of one core. */
export const CPU_BOUND_PERCENT = 85;

/** Entries of a CPU record that are processes of the run (not machine totals). */
export const isProcess = (name: string): boolean => name !== 'machine' && name !== 'others' && name !== 'steal';

export interface StepFigures {
  readonly index: number;
  /** Messages per second offered by all workers together. */
  readonly rate: number;
  readonly offeredDeliveriesPerSec: number;
  readonly windowMs: number;
  readonly sent: number;
  readonly sentPerSec: number;
  readonly skipped: number;
  readonly acked: number;
  readonly failed: number;
  readonly firstError?: string;
  /** Deliveries received during the window, per second (the sustained delivery throughput). */
  readonly deliveredPerSec: number;
  readonly ack: LatencySummary;
  readonly delivery: LatencySummary;
  /** Percentile curve of send→deliver, [percentile, ms]. */
  readonly deliveryCurve: readonly [number, number][];
  /** CPU over the window, % of one core: per process (`server`, `worker0`, …, `bench`), `machine`, `others`, `steal`. */
  readonly cpu: Readonly<Record<string, number>>;
  readonly drained: boolean;
  readonly good: boolean;
  /** Why the step is not good (empty when good). */
  readonly reasons: readonly string[];
  /** Processes at or above CPU_BOUND_PERCENT during the window. */
  readonly cpuBound: readonly string[];
  /** Scheduler states of the server's main thread (its event loop) over the window. */
  readonly serverThread?: ThreadStates;
  /** Earlier runs of this rate that were bad while other tenants loaded the machine, and were repeated. */
  readonly spoiled?: readonly { readonly reasons: readonly string[]; readonly othersCpu: number }[];
  /** Bad, but other tenants loaded the machine in every attempt: the knee below it is only a lower bound. */
  readonly interfered?: boolean;
}

/** Other tenants' CPU (% of one core) above which a bad step does not count and is repeated. */
export const INTERFERENCE_PERCENT = 25;
const MAX_REPEATS = 3;
/** Longest wait for a quiet machine before one step. */
const STEP_QUIET_WAIT_S = 15;

/**
 * Runs a step after waiting for a quiet machine; a bad step during which other tenants used more
 * than INTERFERENCE_PERCENT of a core is repeated (at most MAX_REPEATS times), and the spoiled
 * attempts are kept on the result. Step indexes `index`..`index + MAX_REPEATS` are used; without a
 * quiet wait (quick runs) nothing is waited for or repeated.
 */
export async function runCleanStep(ctx: StepContext, index: number, rate: number): Promise<StepFigures> {
  const spoiled: { reasons: readonly string[]; othersCpu: number }[] = [];
  // Quick runs (no quiet wait) neither wait nor repeat: they must stay short.
  const repeats = ctx.quiet.waits ? MAX_REPEATS : 0;
  for (let attempt = 0; ; attempt++) {
    if (ctx.quiet.waits) await ctx.quiet.wait(STEP_QUIET_WAIT_S);
    const s = await runStep(ctx, index + attempt, rate);
    const others = s.cpu.others ?? 0;
    if (s.good || others <= INTERFERENCE_PERCENT) return spoiled.length ? { ...s, spoiled } : s;
    if (attempt >= repeats) return { ...s, spoiled, interfered: true };
    process.stdout.write(`    (step ${rate}/s spoiled: other tenants used ${others}% of a core; repeating)\n`);
    spoiled.push({ reasons: s.reasons, othersCpu: others });
  }
}

export interface StepContext {
  readonly pool: WorkerPool;
  readonly serverPid: number;
  readonly stepMs: number;
  readonly drainMs: number;
  /** Deliveries each message makes (1 for c2c, the online members for a group). */
  readonly deliveriesPerMessage: number;
  readonly p99BoundMs: number;
  readonly rules: KneeRules;
  /** Waits for a quiet machine before a step; a gate that never waits also disables repeats. */
  readonly quiet: QuietGate;
  /** Called around the window (e.g. to profile it). */
  readonly aroundWindow?: { start(): Promise<void>; stop(): Promise<void> };
}

export async function runStep(ctx: StepContext, index: number, rate: number): Promise<StepFigures> {
  const pids = new Map([['server', ctx.serverPid], ...ctx.pool.pids(), ['bench', process.pid]]);
  await ctx.aroundWindow?.start();
  const cpuWindow = new CpuWindow(pids);
  const thread = new MainThreadSampler(ctx.serverPid);
  let cpu: Record<string, number> = {};
  let serverThread: ThreadStates | undefined;
  const cpuTimer = setTimeout(() => {
    cpu = cpuWindow.read();
    serverThread = thread.stop();
  }, ctx.stepMs);
  const stopper = ctx.aroundWindow ? setTimeout(() => void ctx.aroundWindow?.stop(), ctx.stepMs) : undefined;
  const reports = await ctx.pool.all<'step'>(() => ({
    op: 'step',
    step: { index, rate: rate / ctx.pool.workers.length, durationMs: ctx.stepMs, drainTimeoutMs: ctx.drainMs },
  }));
  clearTimeout(cpuTimer);
  clearTimeout(stopper);
  if (Object.keys(cpu).length === 0) cpu = cpuWindow.read();
  serverThread ??= thread.stop();
  return { ...figures(ctx, index, rate, reports, cpu), serverThread };
}

function figures(ctx: StepContext, index: number, rate: number, reports: readonly StepReport[], cpu: Record<string, number>): StepFigures {
  const ack = new Histogram();
  const delivery = new Histogram();
  const sum = (f: (r: StepReport) => number): number => reports.reduce((a, r) => a + f(r), 0);
  for (const r of reports) {
    ack.merge(r.ack);
    delivery.merge(r.delivery);
  }
  const windowMs = Math.max(...reports.map((r) => r.windowMs));
  const secs = windowMs / 1000;
  const base = {
    index,
    rate,
    offeredDeliveriesPerSec: rate * ctx.deliveriesPerMessage,
    windowMs,
    sent: sum((r) => r.sent),
    sentPerSec: sum((r) => r.sent) / secs,
    skipped: sum((r) => r.skipped),
    acked: sum((r) => r.acked),
    failed: sum((r) => r.failed),
    firstError: reports.find((r) => r.firstError)?.firstError,
    deliveredPerSec: sum((r) => r.deliveredInWindow) / secs,
    ack: ack.summary(),
    delivery: delivery.summary(),
    deliveryCurve: delivery.curve(),
    cpu,
    drained: reports.every((r) => r.drained),
    cpuBound: Object.entries(cpu).filter(([name, pct]) => isProcess(name) && pct >= CPU_BOUND_PERCENT).map(([name]) => name),
  };
  const reasons = judge(ctx, base, sum((r) => r.offered));
  return { ...base, good: reasons.length === 0, reasons };
}

function judge(ctx: StepContext, s: Omit<StepFigures, 'good' | 'reasons'>, offered: number): string[] {
  const r = ctx.rules;
  const reasons: string[] = [];
  const p99 = s.delivery.count > 0 ? s.delivery.p99 : s.ack.p99;
  if (p99 > ctx.p99BoundMs) reasons.push(`p99 ${p99.toFixed(1)} ms > ${ctx.p99BoundMs} ms`);
  if (s.sent < r.sentFraction * offered) reasons.push(`clients sent ${s.sent} of ${offered} due`);
  if (s.failed > r.maxErrorFraction * Math.max(1, s.sent)) reasons.push(`${s.failed} sends failed (${s.firstError ?? ''})`);
  if (s.deliveredPerSec < r.deliveredFraction * s.offeredDeliveriesPerSec) {
    reasons.push(`delivered ${Math.round(s.deliveredPerSec)}/s of ${Math.round(s.offeredDeliveriesPerSec)}/s offered`);
  }
  if (!s.drained) reasons.push('backlog did not drain');
  return reasons;
}

export interface LadderResult {
  /** The uncounted warm-up step before the ladder. */
  readonly warmUp?: StepFigures;
  readonly steps: readonly StepFigures[];
  /** The last good step; undefined if even the first was bad. */
  readonly knee?: StepFigures;
  /** The lowest bad step above the knee (what saturated there is what limits); undefined if it ran out of steps while good. */
  readonly firstBad?: StepFigures;
}

/** How far below the start rate the ladder may step down, in growth steps (1.5^6 ≈ 11×). */
export const MAX_STEPS_DOWN = 6;
/** The warm-up's rate, in growth steps below the start rate. */
const WARM_UP_STEPS_DOWN = 2;

export async function runLadder(ctx: StepContext, startRate: number, maxSteps: number, firstIndex: number): Promise<LadderResult> {
  const growth = ctx.rules.growth;
  const steps: StepFigures[] = [];
  let index = firstIndex;
  const step = async (rate: number): Promise<StepFigures> => {
    const s = await runCleanStep(ctx, index, Math.round(rate));
    index += MAX_REPEATS + 1;
    steps.push(s);
    process.stdout.write(`    step ${Math.round(rate)}/s: ${describeStep(s)}\n`);
    return s;
  };
  const warmRate = Math.max(1, Math.round(startRate / growth ** WARM_UP_STEPS_DOWN));
  const warmUp = await runStep(ctx, index, warmRate);
  index += 1;
  process.stdout.write(`    warm-up ${warmRate}/s (not counted): ${describeStep(warmUp)}\n`);
  let rate = startRate;
  const first = await step(rate);
  if (!first.good) {
    for (let down = 1; down <= Math.min(MAX_STEPS_DOWN, maxSteps) && rate / growth >= 1; down++) {
      rate /= growth;
      const s = await step(rate);
      if (s.good) return { warmUp, steps, knee: s, firstBad: steps.at(-2) };
    }
    return { warmUp, steps, firstBad: steps.at(-1) };
  }
  for (let i = 1; i < maxSteps; i++) {
    rate *= growth;
    const s = await step(rate);
    if (!s.good) return { warmUp, steps, knee: steps.at(-2), firstBad: s };
  }
  return { warmUp, steps, knee: steps.at(-1) };
}

export function describeStep(s: StepFigures): string {
  const cpu = Object.entries(s.cpu).map(([k, v]) => `${k} ${v}%`).join(' ');
  const loop = s.serverThread ? ` | server loop ${s.serverThread.running}% running ${s.serverThread.ioWait}% disk` : '';
  return `sent ${Math.round(s.sentPerSec)}/s delivered ${Math.round(s.deliveredPerSec)}/s p50 ${s.delivery.p50.toFixed(1)} p99 ${s.delivery.p99.toFixed(1)} ms | ${cpu}${loop}${s.good ? '' : ` | BAD: ${s.reasons.join('; ')}`}`;
}
