/**
 * The Markdown summary of a run: where Parley stands against the targets, each scenario's knee
 * with its bare-baseline ratio and what limited it, the step tables, connect and sync figures,
 * integrity, and the server profile findings.
 */
import type { IntegrityReport } from '../integrity.ts';
import { Histogram, type LatencySummary } from '../lib/histogram.ts';
import type { ProfileSummary } from '../profile/cpu-profile.ts';
import type { ConnectRun } from '../scenarios/connect.ts';
import type { RateRun } from '../scenarios/rate-scenario.ts';
import type { StepFigures } from '../scenarios/steps.ts';
import type { Plot } from './plots.ts';
import { type BenchResult, type Outcome, type RateScenarioResult, failed, headline, limitedBy, ran, ratio } from './result.ts';

const n0 = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : Math.round(x).toLocaleString('en-US'));
const ms = (x: number | undefined): string => (x === undefined ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const mb = (b: number | undefined): string => (b === undefined || !Number.isFinite(b) ? '–' : `${(b / 2 ** 20).toFixed(0)} MB`);
const pct = (r: number | undefined): string => (r === undefined ? '–' : `${Math.round(r * 100)} %`);
const lat = (l: LatencySummary | undefined): string => (l && l.count ? `${ms(l.p50)} / ${ms(l.p99)} / ${ms(l.max)}` : '–');
const yes = (ok: boolean | undefined): string => (ok === undefined ? '?' : ok ? '✅' : '❌');

function targets(r: BenchResult): string[] {
  const c2c = ran(r.rate.c2c?.parley);
  const check = c2c?.checks.find((c) => c.rate === 5000);
  const fan = ran(r.rate['group-fanout']?.parley);
  const fanBare = ran(r.rate['group-fanout']?.bare);
  const conn = ran(r.connect?.parley);
  const sync = ran(r.sync);
  const syncBest = sync ? Math.min(...sync.runs.flatMap((x) => x.ms)) : undefined;
  const fanKnee = fan?.ladder.knee?.deliveredPerSec;
  const fanRatio = ratio(fanKnee, fanBare?.ladder.knee?.deliveredPerSec);
  const connRss = conn ? conn.serverRssAfterBytes : undefined;
  const rssAt20k = conn ? conn.serverRssBeforeBytes + conn.rssPerConnectionBytes * 20_000 : undefined;
  return [
    '| target | goal | this run | met |',
    '|---|---|---|---|',
    `| C2C stored + delivered | ≥ 10,000 msg/s (knee) | ${n0(c2c?.ladder.knee?.deliveredPerSec)} msg/s | ${yes(c2c ? (c2c.ladder.knee?.deliveredPerSec ?? 0) >= 10_000 : undefined)} |`,
    `| C2C latency at 5,000 msg/s | p99 < 50 ms | ${check ? `p99 ${ms(check.delivery.p99)} ms, delivered ${n0(check.deliveredPerSec)}/s` : 'not run'} | ${yes(check ? check.delivery.p99 < 50 && check.good : undefined)} |`,
    `| group fan-out | ≥ 150,000 deliveries/s and ≥ 60 % of bare broadcast | ${n0(fanKnee)}/s, ${pct(fanRatio)} of bare | ${yes(fan ? (fanKnee ?? 0) >= 150_000 && (fanRatio ?? 0) >= 0.6 : undefined)} |`,
    `| idle connections per process | ≥ 20,000 with RSS < 1.5 GB | ${n0(conn?.connected)} connections, RSS ${mb(connRss)}${conn && conn.connected < 20_000 ? `; at 20,000 by the measured slope: ${mb(rssAt20k)}, idle CPU ${conn ? Math.round((conn.idleCpuMicrosPerConnSec * 20_000) / 1e4) : '–'} % of a core` : ''} | ${yes(conn ? conn.connected >= 20_000 && (connRss ?? Infinity) < 1.5 * 2 ** 30 : undefined)} |`,
    `| sync of 10,000 missed messages | < 1 s | ${sync ? `${n0(sync.messages)} messages in ${ms(syncBest)} ms (best)` : 'not run'} | ${yes(sync ? sync.messages >= 10_000 && (syncBest ?? Infinity) < 1000 : undefined)} |`,
  ];
}

function kneeRow(name: string, s: RateScenarioResult, cores: number): string {
  const p = ran(s.parley);
  const b = ran(s.bare);
  const pk = p?.ladder.knee;
  const bk = b?.ladder.knee;
  const cell = (o: Outcome<RateRun> | undefined, k: StepFigures | undefined): string =>
    failed(o)
      ? `failed: ${o.error.slice(0, 60)}`
      : k
        ? `${o?.ladder.firstBad?.interfered ? '≥ ' : ''}${n0(k.rate)} msg/s → ${n0(k.deliveredPerSec)} deliv/s, p99 ${ms(k.delivery.p99)} ms`
        : o
          ? 'below the lowest step'
          : 'not run';
  const limit = (r: RateRun | undefined): string => limitedBy(r?.ladder.firstBad ?? r?.ladder.steps.at(-1), cores);
  return `| ${name} | ${cell(s.parley, pk)} | ${cell(s.bare, bk)} | ${pct(ratio(pk?.deliveredPerSec, bk?.deliveredPerSec))} | ${limit(p)} | ${limit(b)} |`;
}

/** Parley against the peer (Centrifugo) where it ran: knees, ratio, and what limited the peer. */
function peerTable(r: BenchResult, cores: number): string[] {
  const rows = Object.entries(r.rate).flatMap(([name, s]) => {
    if (!s?.centrifugo) return [];
    const p = ran(s.parley)?.ladder.knee;
    const c = ran(s.centrifugo);
    const ck = c?.ladder.knee;
    const knee = (k: StepFigures | undefined): string => (k ? `${n0(k.rate)} msg/s → ${n0(k.deliveredPerSec)} deliv/s, p99 ${ms(k.delivery.p99)} ms` : '–');
    const peer = failed(s.centrifugo) ? `failed: ${s.centrifugo.error.slice(0, 60)}` : ck ? knee(ck) : 'below the lowest step';
    return [`| ${name} | ${knee(p)} | ${peer} | ${pct(ratio(p?.deliveredPerSec, ck?.deliveredPerSec))} | ${limitedBy(c?.ladder.firstBad ?? c?.ladder.steps.at(-1), cores)} |`];
  });
  if (rows.length === 0) return [];
  return [
    'The peer, Centrifugo v6.9.1 (Go, all cores; in-memory history of 1,000 per channel; published through its HTTP API), in the same run:',
    '',
    '| scenario | Parley knee | Centrifugo knee | Parley / peer | limited by (peer) |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ];
}

function stepTable(title: string, run: RateRun): string[] {
  const cpuNames = Object.keys(run.ladder.steps[0]?.cpu ?? {});
  const row = (kind: string, s: StepFigures): string =>
    `| ${kind} | ${n0(s.rate)} | ${n0(s.sentPerSec)} | ${n0(s.deliveredPerSec)} | ${lat(s.ack)} | ${ms(s.delivery.p50)} / ${ms(s.delivery.p90)} / ${ms(s.delivery.p99)} / ${ms(s.delivery.max)} | ${cpuNames.map((c) => `${s.cpu[c] ?? '–'}`).join(' / ')} | ${s.serverThread ? `${s.serverThread.running} / ${s.serverThread.ioWait}` : '–'} | ${s.good ? 'good' : s.reasons.join('; ')}${s.interfered ? ' — **inconclusive: other tenants loaded the machine in every attempt**' : ''}${s.spoiled?.length ? ` (after ${s.spoiled.length} run(s) spoiled by other tenants at ${s.spoiled.map((x) => `${x.othersCpu}%`).join(', ')} CPU)` : ''} |`;
  const rss = run.rssPerClient;
  return [
    `**${title}** — ${run.clients} clients, login p50/p99/max ${lat(run.login)} ms${rss ? `; server RSS ${mb(rss.beforeBytes)} → ${mb(rss.afterBytes)} over the logins, ${n0(rss.perClientBytes / 1024)} KB per client` : ''}`,
    '',
    `| step | offered msg/s | sent/s | delivered/s | ack p50/p99/max ms | deliver p50/p90/p99/max ms | CPU % ${cpuNames.join(' / ')} | server main thread % running / on disk I/O | verdict |`,
    '|---|---|---|---|---|---|---|---|---|',
    ...(run.ladder.warmUp ? [row('warm-up (not counted)', run.ladder.warmUp)] : []),
    ...run.ladder.steps.map((s) => row(s === run.ladder.knee ? '**knee**' : 'ladder', s)),
    ...run.checks.map((s) => row('check', s)),
    ...(run.profile ? [row('profiled', run.profile.step)] : []),
    '',
  ];
}

function rateSections(r: BenchResult, plots: readonly Plot[], files: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(r.rate)) {
    if (!s) continue;
    out.push(`### ${name}`, '', `${s.describe}; baseline: ${s.baseline}; p99 bound ${s.p99BoundMs} ms; ${s.deliveriesPerMessage} deliveries per message.`, '');
    for (const [who, o] of [['Parley', s.parley], ['bare Colyseus', s.bare], ['Centrifugo (peer)', s.centrifugo]] as const) {
      if (failed(o)) out.push(`**${who}** failed: \`${o.error}\``, '');
      else if (o) out.push(...stepTable(who, o));
    }
    for (const p of plots.filter((p) => p.name.startsWith(`${name}-`))) out.push(`![${p.title}](${files.get(p.name)})`, '');
  }
  return out;
}

function connectSection(parley: Outcome<ConnectRun> | undefined, bare: Outcome<ConnectRun> | undefined): string[] {
  const p = ran(parley);
  const b = ran(bare);
  const row = (label: string, f: (c: ConnectRun) => string, rat?: (c: ConnectRun) => number): string =>
    `| ${label} | ${p ? f(p) : failed(parley) ? 'failed' : '–'} | ${b ? f(b) : failed(bare) ? 'failed' : '–'} | ${rat ? pct(ratio(p && rat(p), b && rat(b))) : ''} |`;
  return [
    '| | Parley | bare Colyseus | Parley / bare |',
    '|---|---|---|---|',
    row('connections (requested)', (c) => `${n0(c.connected)} (${n0(c.requested)}), ${c.failures} failed`),
    row('ramp time', (c) => `${(c.rampMs / 1000).toFixed(1)} s`),
    row('connect rate', (c) => `${n0(c.connectsPerSec)}/s`, (c) => c.connectsPerSec),
    row('login p50 / p99 / max', (c) => `${lat(c.login)} ms`),
    row('server RSS before → after', (c) => `${mb(c.serverRssBeforeBytes)} → ${mb(c.serverRssAfterBytes)}${c.metricsRssBytes ? ` (/metrics: ${mb(c.metricsRssBytes)})` : ''}`),
    row('server RSS per connection', (c) => `${n0(c.rssPerConnectionBytes / 1024)} KB`, (c) => c.rssPerConnectionBytes),
    row(`idle server CPU (heartbeat), ${p?.idleSeconds ?? b?.idleSeconds ?? ''} s`, (c) => `${c.idleServerCpuPercent} % of a core`),
    row('idle CPU per connection', (c) => `${c.idleCpuMicrosPerConnSec.toFixed(2)} µs/s`, (c) => c.idleCpuMicrosPerConnSec),
    row('CPU during ramp', (c) => Object.entries(c.cpuDuringRamp).map(([k, v]) => `${k} ${v}%`).join(', ')),
    row('client RSS per connection', (c) => `${n0(c.workerRssPerConnectionBytes / 1024)} KB`),
    ...(failed(parley) ? ['', `Parley connect failed: \`${parley.error}\``] : []),
    ...(failed(bare) ? ['', `bare connect failed: \`${bare.error}\``] : []),
  ];
}

function syncSection(s: BenchResult['sync']): string[] {
  if (failed(s)) return [`failed: \`${s.error}\``];
  if (!s) return ['not run'];
  return [
    `${n0(s.messages)} messages sent through REST \`sendmsg\` while the user was offline (${(s.fillMs / 1000).toFixed(1)} s, ${n0(s.messages / (s.fillMs / 1000))} msg/s closed loop, ack p50/p99/max ${lat(Histogram.from(s.fillAck).summary())} ms, ${s.fillFailures} failed); then login with no cursors until every message was delivered:`,
    '',
    '| page size | login → all delivered, ms (each repeat) | received |',
    '|---|---|---|',
    ...s.runs.map((r) => `| ${r.pageSize} | ${r.ms.map(ms).join(', ')} | ${r.received.join(', ')} |`),
  ];
}

function integrityRows(r: BenchResult): string[] {
  const rows: [string, IntegrityReport | undefined][] = [];
  for (const [name, s] of Object.entries(r.rate)) {
    rows.push([`${name} / Parley`, ran(s?.parley)?.integrity], [`${name} / bare`, ran(s?.bare)?.integrity]);
    if (s?.centrifugo) rows.push([`${name} / Centrifugo`, ran(s.centrifugo)?.integrity]);
  }
  rows.push(['sync / Parley', ran(r.sync)?.integrity]);
  return [
    '| run | streams | expected | received | lost | duplicated | unexpected | out of order | missing SEQs | SEQ mismatches | ok |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows
      .filter(([, i]) => i)
      .map(([label, i]) => {
        const t = i!.totals;
        return `| ${label} | ${n0(t.streams)} | ${n0(t.expected)} | ${n0(t.received)} | ${t.lost} | ${t.duplicated} | ${t.unexpected} | ${t.outOfOrder} | ${t.missingSeqs} | ${t.seqMismatches} | ${yes(i!.ok)} |`;
      }),
  ];
}

function profileLines(title: string, file: string, summary: ProfileSummary): string[] {
  return [
    `**${title}** (server busy ${summary.busyPct} % of ${summary.durationMs} ms sampled; \`${file.split('/bench/').pop()}\`)`,
    '',
    `- by area: ${summary.byArea.slice(0, 8).map((a) => `${a.name} ${a.selfPct} %`).join(', ')}`,
    `- top functions (self time, % of busy): ${summary.topFunctions.slice(0, 10).map((f) => `\`${f.name}\` ${f.selfPct} %`).join(', ')}`,
    '',
  ];
}

function profileSection(r: BenchResult): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(r.rate)) {
    const p = ran(s?.parley)?.profile;
    if (p) out.push(...profileLines(`${name} at ${n0(p.rate)} msg/s`, p.file, p.summary));
  }
  for (const p of ran(r.connect?.parley)?.profiles ?? []) out.push(...profileLines(`connect, ${p.phase === 'ramp' ? 'the whole ramp' : 'holding the idle connections'}`, p.file, p.summary));
  return out.length ? out : ['no profile recorded (quick mode, or `--no-profile`)'];
}

export function markdownOf(r: BenchResult, plots: readonly Plot[], files: ReadonlyMap<string, string>): string {
  const m = r.meta;
  const cores = m.machine.cores;
  return [
    `# Parley benchmark — ${m.mode} run ${m.runId}`,
    '',
    ...(m.narrowedBy?.length ? [`Narrowed run (not a run of record): \`${m.narrowedBy.join(' ')}\`.`, ''] : []),
    `Machine: ${m.machine.cpuModel}, ${cores} cores, ${(m.machine.ramBytes / 2 ** 30).toFixed(0)} GB RAM, ${m.machine.os}, Node ${m.machine.node}, open-file limit ${m.machine.openFilesLimit ?? '?'}. ` +
      `Commit \`${m.git.commit.slice(0, 12)}\`${m.git.dirty ? ' (work tree had uncommitted changes)' : ''}; store ${m.store}. ` +
      `Server, ${m.workers} load-worker processes and the orchestrator share the machine. Steps of ${m.params.stepSeconds} s, rate ×${m.knee.growth} per step, ${m.payloadBytes}-byte payload. Run took ${m.durationS} s.`,
    '',
    `Background CPU of other tenants before each run (% of one core): ${m.background.map((b) => `${b.run} ${b.cpuPercent}${b.waitedS ? ` (waited ${b.waitedS} s)` : ''}`).join('; ')}.`,
    '',
    '## Targets',
    '',
    ...targets(r),
    '',
    '## Knees and baseline ratios',
    '',
    'Each ladder starts after one uncounted warm-up step at a lower rate. Knee = the highest step with p99 send→deliver under the bound, deliveries keeping up with the offered rate, clients able to offer it, no errors, and a drained backlog. Ratio = Parley deliveries/s at its knee ÷ bare Colyseus deliveries/s at its knee. When the start rate is already bad, the ladder steps down the same grid (up to 6 steps) until a rate holds. "Limited by" = what was saturated during the lowest bad step above the knee: the server\'s event loop (≥ 85 % of a core, or its main thread running or blocked on disk ≥ 90 % of the window), a load worker (≥ 85 %), or the whole machine. "≥" marks a knee whose next step was spoiled by other tenants\' CPU in every attempt (a lower bound).',
    '',
    '| scenario | Parley knee | bare knee | ratio | limited by (Parley) | limited by (bare) |',
    '|---|---|---|---|---|---|',
    ...Object.entries(r.rate).flatMap(([name, s]) => (s ? [kneeRow(name, s, cores)] : [])),
    '',
    ...peerTable(r, cores),
    ...rateSections(r, plots, files),
    '## Connect',
    '',
    ...connectSection(r.connect?.parley, r.connect?.bare),
    '',
    ...plots.filter((p) => p.name.startsWith('connect-')).flatMap((p) => [`![${p.title}](${files.get(p.name)})`, '']),
    '## Sync',
    '',
    ...syncSection(r.sync),
    '',
    '## Integrity (every message exactly once per receiving device, SEQs gap-free and in order)',
    '',
    ...integrityRows(r),
    '',
    '## Server CPU profiles (Parley: one step at the first bad rate per scenario; the connect ramp and idle hold)',
    '',
    ...profileSection(r),
    '',
  ].join('\n');
}
