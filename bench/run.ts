/**
 * `npm run bench [-- --quick] [--only=c2c,group-fanout,group-large,avchatroom,rest-sendmsg,rest-send_group_msg,connect,sync]
 * [--targets=parley,bare,centrifugo] [--no-profile] [--workers=N] [--set=connect.connections=5000 …]`: runs every scenario against Parley and the
 * bare Colyseus baseline (and, when asked, group fan-out against the peer, Centrifugo), each on a
 * fresh server child process, with the load in separate worker processes; writes JSON, Markdown and
 * SVG plots to bench/results (see bench/README.md).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetKind } from './driver/protocol.ts';
import { WorkerPool } from './driver/worker-pool.ts';
import { gitInfo, machineInfo } from './lib/machine.ts';
import { QUIET_PERCENT, QuietGate } from './lib/quiet.ts';
import { type Background, type BenchResult, type Outcome, type RateScenarioResult } from './report/result.ts';
import { writeResults } from './report/write-results.ts';
import { runConnect } from './scenarios/connect.ts';
import { type RunEnv, runRateScenario } from './scenarios/rate-scenario.ts';
import { type RateScenarioName, shapes } from './scenarios/shapes.ts';
import { runSync } from './scenarios/sync.ts';
import { type Mode, type ModeParams, scenarios } from './scenarios.ts';
import { ROOT } from './servers/server-process.ts';

const ALL = ['c2c', 'group-fanout', 'group-large', 'avchatroom', 'rest-sendmsg', 'rest-send_group_msg', 'connect', 'sync'] as const;

interface Args {
  readonly mode: Mode;
  readonly only: ReadonlySet<string>;
  readonly targets: readonly TargetKind[];
  readonly profile: boolean | undefined;
  readonly workers: number | undefined;
  /** `--set=path=value` overrides of scenario parameters, e.g. `connect.connections=5000`. */
  readonly overrides: readonly (readonly [string, number])[];
  /** The arguments that narrow or change a run (all but `--quick`); none for a run of record. */
  readonly narrowedBy: readonly string[];
}

const TARGETS: readonly TargetKind[] = ['parley', 'bare', 'centrifugo'];
/** Scenarios the peer has a counterpart for. */
const PEER_SCENARIOS: ReadonlySet<string> = new Set(['group-fanout']);

function parseTargets(v: string | undefined): TargetKind[] {
  const list = v?.split(',') ?? ['parley', 'bare'];
  const unknown = list.filter((t) => !(TARGETS as readonly string[]).includes(t));
  if (unknown.length) throw new Error(`unknown target(s) ${unknown.join(', ')}; choose from ${TARGETS.join(', ')}`);
  return list as TargetKind[];
}

function parseArgs(argv: readonly string[]): Args {
  const value = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = value('only')?.split(',') ?? [...ALL];
  const unknown = only.filter((s) => !(ALL as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; choose from ${ALL.join(', ')}`);
  return {
    mode: argv.includes('--quick') ? 'quick' : 'full',
    only: new Set(only),
    targets: parseTargets(value('targets')),
    profile: argv.includes('--no-profile') ? false : undefined,
    workers: value('workers') ? Number(value('workers')) : undefined,
    overrides: argv
      .filter((a) => a.startsWith('--set='))
      .map((a) => {
        const [path, v] = a.slice('--set='.length).split('=');
        if (!path || !Number.isFinite(Number(v))) throw new Error(`--set needs path=number, got ${a}`);
        return [path, Number(v)] as const;
      }),
    narrowedBy: argv.filter((a) => a !== '--quick'),
  };
}

/** Applies `--set` overrides to a copy of the mode's parameters (numbers only). */
function withOverrides(params: ModeParams, overrides: Args['overrides']): ModeParams {
  const copy = structuredClone(params) as unknown as Record<string, unknown>;
  for (const [path, v] of overrides) {
    const keys = path.split('.');
    const last = keys.pop()!;
    let node = copy;
    for (const k of keys) {
      if (typeof node[k] !== 'object' || node[k] === null) throw new Error(`--set: no parameter group ${k} in ${path}`);
      node = node[k] as Record<string, unknown>;
    }
    if (typeof node[last] !== 'number') throw new Error(`--set: ${path} is not a numeric parameter`);
    node[last] = v;
  }
  return copy as unknown as ModeParams;
}

const runIdOf = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

const background: Background[] = [];
/** Full runs wait at most this long for a quiet machine before a scenario, and this long in all. */
const SCENARIO_QUIET_WAIT_S = 30;
const RUN_QUIET_BUDGET_S = 240;
let quiet = new QuietGate(0);

/** Runs one scenario on one target once the machine is quiet; a failure is recorded, not thrown. */
async function attempt<T>(label: string, f: () => Promise<T>): Promise<Outcome<T>> {
  const reading = await quiet.wait(SCENARIO_QUIET_WAIT_S);
  background.push({ run: label, ...reading });
  if (reading.cpuPercent >= QUIET_PERCENT) process.stdout.write(`  (machine busy ${reading.cpuPercent}% of a core before ${label}; measuring anyway)\n`);
  const t0 = performance.now();
  process.stdout.write(`  ${label}\n`);
  try {
    const r = await f();
    process.stdout.write(`  ${label}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    return r;
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    process.stdout.write(`  ${label}: FAILED ${error}\n`);
    return { error };
  }
}

async function runAll(args: Args, env: RunEnv): Promise<Pick<BenchResult, 'rate' | 'connect' | 'sync'>> {
  const rate: Partial<Record<RateScenarioName, RateScenarioResult>> = {};
  for (const shape of shapes(env.params)) {
    if (!args.only.has(shape.name)) continue;
    process.stdout.write(`${shape.name}: ${shape.describe}\n`);
    const runs: Partial<Record<TargetKind, Outcome<Awaited<ReturnType<typeof runRateScenario>>>>> = {};
    for (const t of args.targets) {
      if (t === 'centrifugo' && !PEER_SCENARIOS.has(shape.name)) continue;
      runs[t] = await attempt(`${shape.name} on ${t}`, () => runRateScenario(env, shape, t));
    }
    rate[shape.name] = { describe: shape.describe, baseline: shape.baseline, deliveriesPerMessage: shape.deliveriesPerMessage, p99BoundMs: shape.p99BoundMs, ...runs };
  }
  let connect: BenchResult['connect'];
  if (args.only.has('connect')) {
    process.stdout.write(`connect: ramp to ${env.params.connect.connections} idle connections\n`);
    const runs: Partial<Record<TargetKind, Outcome<Awaited<ReturnType<typeof runConnect>>>>> = {};
    for (const t of args.targets) if (t !== 'centrifugo') runs[t] = await attempt(`connect on ${t}`, () => runConnect(env, t));
    connect = runs;
  }
  let sync: BenchResult['sync'];
  if (args.only.has('sync') && args.targets.includes('parley')) {
    process.stdout.write(`sync: ${env.params.sync.messages} messages missed while offline\n`);
    sync = await attempt('sync on parley', () => runSync(env));
  }
  return { rate, connect, sync };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const base = scenarios[args.mode];
  const params: ModeParams = withOverrides({ ...base, profile: args.profile ?? base.profile, workers: args.workers ?? base.workers }, args.overrides);
  const started = new Date();
  const runId = runIdOf(started);
  const resultsDir = join(ROOT, 'bench', 'results');
  const profileDir = join(resultsDir, 'profiles');
  mkdirSync(profileDir, { recursive: true });
  const git = gitInfo(ROOT);
  process.stdout.write(`bench ${args.mode} run ${runId} (${params.workers} load workers, commit ${git.commit.slice(0, 10)}${git.dirty ? ', dirty' : ''})\n`);
  quiet = new QuietGate(args.mode === 'quick' ? 0 : RUN_QUIET_BUDGET_S);
  const pool = new WorkerPool(params.workers);
  try {
    const env: RunEnv = { pool, params, rules: scenarios.knee, payloadBytes: scenarios.payloadBytes, profileDir, runId, quiet };
    const results = await runAll(args, env);
    const result: BenchResult = {
      meta: {
        runId,
        mode: args.mode,
        startedAt: started.toISOString(),
        durationS: Math.round((Date.now() - started.getTime()) / 1000),
        machine: machineInfo(),
        git,
        store: process.env.CASSANDRA_CONTACT_POINTS ? 'cassandra' : 'sqlite',
        params,
        knee: scenarios.knee,
        payloadBytes: scenarios.payloadBytes,
        workers: params.workers,
        background,
        narrowedBy: args.narrowedBy,
      },
      ...results,
    };
    const files = writeResults(resultsDir, result);
    process.stdout.write(`wrote ${files.join(', ')}\n`);
  } finally {
    pool.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
