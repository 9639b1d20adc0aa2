/**
 * The shape of one bench run's results (`bench/results/<run>-<mode>.json`) and the derived
 * figures: baseline ratios, what limited each scenario, and where the run stands against the
 * performance targets.
 */
import type { SyncReport } from '../driver/protocol.ts';
import type { GitInfo, MachineInfo } from '../lib/machine.ts';
import type { ConnectRun } from '../scenarios/connect.ts';
import type { RateRun } from '../scenarios/rate-scenario.ts';
import type { RateScenarioName } from '../scenarios/shapes.ts';
import type { StepFigures } from '../scenarios/steps.ts';
import { CPU_BOUND_PERCENT } from '../scenarios/steps.ts';
import type { KneeRules, Mode, ModeParams } from '../scenarios.ts';

/** A scenario that threw: what it said. */
export interface Failed {
  readonly error: string;
}

export type Outcome<T> = T | Failed;

export const failed = <T>(o: Outcome<T> | undefined): o is Failed => o !== undefined && typeof (o as Failed).error === 'string';
export const ran = <T>(o: Outcome<T> | undefined): T | undefined => (o === undefined || failed(o) ? undefined : o);

export interface RateScenarioResult {
  readonly describe: string;
  readonly baseline: string;
  readonly deliveriesPerMessage: number;
  readonly p99BoundMs: number;
  readonly parley?: Outcome<RateRun>;
  readonly bare?: Outcome<RateRun>;
}

export interface BenchResult {
  readonly meta: {
    readonly runId: string;
    readonly mode: Mode;
    readonly startedAt: string;
    readonly durationS: number;
    readonly machine: MachineInfo;
    readonly git: GitInfo;
    /** Which Parley store ran (from the environment the bench inherited). */
    readonly store: string;
    readonly params: ModeParams;
    readonly knee: KneeRules;
    readonly payloadBytes: number;
    readonly workers: number;
  };
  readonly rate: Partial<Record<RateScenarioName, RateScenarioResult>>;
  readonly connect?: { readonly parley?: Outcome<ConnectRun>; readonly bare?: Outcome<ConnectRun> };
  readonly sync?: Outcome<SyncReport>;
}

/** What held a step back, from the CPU of each process over its window. */
export function limitedBy(s: StepFigures | undefined, cores: number): string {
  if (!s) return 'n/a';
  const server = (s.cpu.server ?? 0) >= CPU_BOUND_PERCENT;
  const clients = Object.entries(s.cpu).filter(([k, v]) => k !== 'server' && v >= CPU_BOUND_PERCENT).map(([k]) => k);
  const total = Object.values(s.cpu).reduce((a, v) => a + v, 0);
  const parts: string[] = [];
  if (server) parts.push(`server CPU (${s.cpu.server}%)`);
  if (clients.length) parts.push(`client CPU (${clients.map((c) => `${c} ${s.cpu[c]}%`).join(', ')})`);
  if (!server && !clients.length) parts.push(total >= cores * 90 ? `machine CPU (${Math.round(total)}% of ${cores * 100}%)` : `neither process CPU-bound (server ${s.cpu.server ?? 0}%): latency or I/O`);
  return parts.join(' and ');
}

/** The step a scenario is judged by when it has no knee: the first step, as a floor. */
export const headline = (r: RateRun | undefined): StepFigures | undefined => r?.ladder.knee ?? r?.ladder.steps[0];

/** Ratio a/b rounded to 2 decimals, undefined if either side is missing. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || b === 0) return undefined;
  return Math.round((a / b) * 100) / 100;
}
