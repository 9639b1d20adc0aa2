/**
 * `npm run bench:cost -- [--targets=parley,bare] [--rate=1000] [--seconds=8] [--pairs=50] [--repeats=2] [--profile=file.cpuprofile]`:
 * what one C2C message costs the server, measured at a fixed rate below every target's knee, so the
 * figure is the work per message rather than a latency knee that moves with the machine's noise.
 * For each target it reports, per message sent (and acknowledged), the CPU of the server's main thread (the event
 * loop every socket shares), the CPU of the whole server process, and the write syscalls of the main
 * thread (socket frames, files), from the kernel's per-thread counters (/proc/<pid>/task/<pid>).
 * Targets alternate over the repeats, so a noisy minute spoils both alike; the report is each
 * target's median, and Parley's cost as a multiple of bare Colyseus's in the same run. On SQLite,
 * or on Cassandra when CASSANDRA_CONTACT_POINTS is set.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createTarget, type BenchClient, type Target } from '../driver/targets.ts';
import { InspectorProfiler } from '../profile/inspector-profiler.ts';
import { ServerProcess, type ServerKind } from '../servers/server-process.ts';

interface Counters {
  readonly mainCpuS: number;
  readonly processCpuS: number;
  readonly mainWrites: number;
}

interface Cost {
  readonly target: ServerKind;
  readonly sent: number;
  /** Entries the clients' SDKs handed on: on Parley also each sender's own copy (which comes in the answer). */
  readonly delivered: number;
  readonly mainUs: number;
  readonly processUs: number;
  readonly mainWrites: number;
  /** Parley's event-loop delay over the window (its /metrics), ms; undefined for bare. */
  readonly loopDelayP99Ms?: number;
  readonly loopDelayMaxMs?: number;
}

/** Reads Parley's event-loop delay gauges; each scrape restarts prom-client's histogram, so a scrape before the window resets it. */
async function loopDelay(url: string): Promise<{ p99: number; max: number } | undefined> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text(), () => '');
  const gauge = (name: string): number => Number(new RegExp(`^parley_process_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN) * 1000;
  return text ? { p99: gauge('p99'), max: gauge('max') } : undefined;
}

const CLK_TCK = 100;

function ticks(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

function counters(pid: number): Counters {
  const io = readFileSync(`/proc/${pid}/task/${pid}/io`, 'utf8');
  return {
    mainCpuS: ticks(`/proc/${pid}/task/${pid}/stat`),
    processCpuS: ticks(`/proc/${pid}/stat`),
    mainWrites: Number(/syscw:\s+(\d+)/.exec(io)?.[1] ?? Number.NaN),
  };
}

function arg(name: string, fallback: string): string {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
}

/**
 * With CASSANDRA_CONTACT_POINTS set, Parley runs on Cassandra (ServerProcess gives it a keyspace of
 * its own); no other service's variables reach it: the probe measures the store, not Kafka or Redis.
 */
function cassandraEnv(): Record<string, string> {
  const e = process.env;
  if (!e.CASSANDRA_CONTACT_POINTS) return {};
  return { CASSANDRA_CONTACT_POINTS: e.CASSANDRA_CONTACT_POINTS, ...(e.CASSANDRA_LOCAL_DC ? { CASSANDRA_LOCAL_DC: e.CASSANDRA_LOCAL_DC } : {}) };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sends `rate` messages a second for `seconds`, round-robin over the senders; resolves once all are acknowledged. */
async function paced(senders: readonly BenchClient[], rate: number, seconds: number, payload: string, nextRandom: () => number): Promise<number> {
  const tickMs = 10;
  const perTick = rate / (1000 / tickMs);
  const inFlight: Promise<unknown>[] = [];
  let owed = 0;
  let sent = 0;
  let i = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    owed += perTick;
    for (; owed >= 1; owed--, sent++) inFlight.push(senders[i++ % senders.length].send(payload, nextRandom()));
    await sleep(tickMs);
  }
  await Promise.all(inFlight);
  return sent;
}

async function measure(kind: ServerKind, o: { rate: number; seconds: number; pairs: number; profile?: string }): Promise<Cost> {
  const profiling = o.profile !== undefined && kind === 'parley';
  const server = await ServerProcess.start({ kind, isolated: true, env: kind === 'parley' ? cassandraEnv() : {}, inspect: profiling });
  try {
    const payload = 'x'.repeat(100);
    const target: Target = createTarget({ kind, endpoint: server.url, identity: kind === 'parley' ? server.identity : { sdkAppId: 0, secretKey: '' }, payloadBytes: 100 });
    let delivered = 0;
    const clients: BenchClient[] = [];
    for (let p = 0; p < o.pairs; p++) {
      const [a, b] = [`cost_a${p}`, `cost_b${p}`];
      clients.push(await target.login(a, { kind: 'c2c', peer: b }, () => delivered++));
      clients.push(await target.login(b, { kind: 'c2c', peer: a }, () => delivered++));
    }
    let random = 1;
    // Uncounted warm-up: JIT, actors activated, streams claimed.
    await paced(clients, o.rate, 2, payload, () => random++);
    await sleep(500);
    const profiler = profiling && server.inspectorUrl ? await InspectorProfiler.connect(server.inspectorUrl) : undefined;
    await profiler?.start();
    if (kind === 'parley') await loopDelay(server.url);
    const before = counters(server.pid);
    const deliveredBefore = delivered;
    const n = await paced(clients, o.rate, o.seconds, payload, () => random++);
    await sleep(300);
    const after = counters(server.pid);
    const delay = kind === 'parley' ? await loopDelay(server.url) : undefined;
    if (profiler && o.profile) writeFileSync(o.profile, JSON.stringify(await profiler.stop()));
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    return {
      target: kind,
      sent: n,
      delivered: delivered - deliveredBefore,
      mainUs: ((after.mainCpuS - before.mainCpuS) / n) * 1e6,
      processUs: ((after.processCpuS - before.processCpuS) / n) * 1e6,
      mainWrites: (after.mainWrites - before.mainWrites) / n,
      loopDelayP99Ms: delay?.p99,
      loopDelayMaxMs: delay?.max,
    };
  } finally {
    await server.stop();
  }
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const targets = arg('targets', 'parley,bare').split(',') as ServerKind[];
  const o = { rate: Number(arg('rate', '1000')), seconds: Number(arg('seconds', '8')), pairs: Number(arg('pairs', '50')), profile: process.argv.find((a) => a.startsWith('--profile='))?.slice(10) };
  const repeats = Number(arg('repeats', '2'));
  const runs: Cost[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const t of targets) {
      const c = await measure(t, o);
      runs.push(c);
      process.stdout.write(`${t}: ${c.sent} sent, ${c.delivered} entries received | main thread ${c.mainUs.toFixed(0)} µs/msg, ${c.mainWrites.toFixed(2)} writes/msg | process ${c.processUs.toFixed(0)} µs/msg${c.loopDelayP99Ms !== undefined ? ` | loop delay p99 ${c.loopDelayP99Ms.toFixed(1)} ms, max ${c.loopDelayMaxMs?.toFixed(1)} ms` : ''}\n`);
    }
  }
  const of = (t: ServerKind, k: 'mainUs' | 'processUs' | 'mainWrites'): number => median(runs.filter((c) => c.target === t).map((c) => c[k]));
  process.stdout.write(`\nC2C at ${o.rate} msg/s, ${o.pairs} pairs, median of ${repeats}:\n`);
  for (const t of targets) process.stdout.write(`  ${t.padEnd(7)} main ${of(t, 'mainUs').toFixed(0).padStart(5)} µs/msg  process ${of(t, 'processUs').toFixed(0).padStart(5)} µs/msg  main writes ${of(t, 'mainWrites').toFixed(2)}/msg\n`);
  if (targets.includes('parley') && targets.includes('bare')) process.stdout.write(`  parley/bare main-thread cost: ${(of('parley', 'mainUs') / of('bare', 'mainUs')).toFixed(1)}×\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
