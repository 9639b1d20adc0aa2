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
import { CPU_BOUND_PERCENT, isProcess } from '../scenarios/steps.ts';
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
  /** The peer (Centrifugo), for the scenarios it has a counterpart for, when asked. */
  readonly centrifugo?: Outcome<RateRun>;
}

/** What else was running on the (shared) machine before a run started. */
export interface Background {
  readonly run: string;
  /** Machine-wide CPU over a short window while the bench was idle, % of one core. */
  readonly cpuPercent: number;
  /** How long the bench waited for the machine to calm down. */
  readonly waitedS: number;
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
    /** CPU used by everything else on the machine just before each run. */
    readonly background: readonly Background[];
    /** Arguments that narrowed or changed the run (`--only`, `--set`, …); absent in older results. */
    readonly narrowedBy?: readonly string[];
  };
  readonly rate: Partial<Record<RateScenarioName, RateScenarioResult>>;
  readonly connect?: { readonly parley?: Outcome<ConnectRun>; readonly bare?: Outcome<ConnectRun> };
  readonly sync?: Outcome<SyncReport>;
}

/** The server's main thread running or blocked on I/O this share of the window counts as a saturated event loop. */
const LOOP_SATURATED_PERCENT = 90;

/**
 * What held a step back: the server's event loop (its CPU at or above CPU_BOUND_PERCENT of a core,
 * or its main thread running or blocked on disk for LOOP_SATURATED_PERCENT of the window), a load
 * worker at or above CPU_BOUND_PERCENT, or the machine's cores all busy (the processes then share
 * the CPU; `others` names what else ran on the box).
 */
export function limitedBy(s: StepFigures | undefined, cores: number): string {
  if (!s) return 'n/a';
  const c = s.cpu;
  const t = s.serverThread;
  const loopBusy = t ? t.running + t.ioWait : 0;
  const server = (c.server ?? 0) >= CPU_BOUND_PERCENT || loopBusy >= LOOP_SATURATED_PERCENT;
  const clients = Object.entries(c).filter(([k, v]) => isProcess(k) && k !== 'server' && v >= CPU_BOUND_PERCENT).map(([k]) => k);
  const machineFull = (c.machine ?? 0) >= cores * 90;
  const parts: string[] = [];
  if (server) parts.push(`server event loop (${c.server}% CPU${t ? `; main thread ${t.running}% running, ${t.ioWait}% blocked on disk I/O` : ''})`);
  if (clients.length) parts.push(`client CPU (${clients.map((k) => `${k} ${c[k]}%`).join(', ')})`);
  if (machineFull) parts.push(`machine CPU (${c.machine}% of ${cores * 100}%${(c.others ?? 0) >= 20 ? `, other tenants ${c.others}%` : ''})`);
  if (!parts.length) parts.push(`nothing saturated (server ${c.server ?? 0}% CPU${t ? `, main thread ${t.running}% running, ${t.ioWait}% on disk I/O` : ''}, machine ${c.machine ?? '?'}%)`);
  return parts.join(' + ');
}

/** The step a scenario is judged by when it has no knee: the first step, as a floor. */
export const headline = (r: RateRun | undefined): StepFigures | undefined => r?.ladder.knee ?? r?.ladder.steps[0];

/** Ratio a/b rounded to 2 decimals, undefined if either side is missing. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || b === 0) return undefined;
  return Math.round((a / b) * 100) / 100;
}
