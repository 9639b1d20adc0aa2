/**
 * The plots of a run: per rate scenario, delivered vs offered throughput (Parley and the bare
 * baseline against the ideal line) and the send→deliver latency distribution at the knee; for
 * connect, login latency and a bar chart of the per-connection costs.
 */
import type { ConnectRun } from '../scenarios/connect.ts';
import type { RateRun } from '../scenarios/rate-scenario.ts';
import type { StepFigures } from '../scenarios/steps.ts';
import { type BenchResult, headline, ran } from './result.ts';
import { type Series, type Tick, barChart, lineChart } from './svg-chart.ts';

export interface Plot {
  /** File name suffix, e.g. `c2c-throughput`. */
  readonly name: string;
  readonly title: string;
  readonly svg: string;
}

/** Percentile p (0..100) → position on a tail-stretching axis: -log10(1 - p/100), max at 5. */
const tailX = (p: number): number => (p >= 100 ? 5 : Math.min(5, -Math.log10(1 - p / 100)));
const TAIL_TICKS: Tick[] = [
  { value: 0, label: 'p0' },
  { value: tailX(50), label: 'p50' },
  { value: 1, label: 'p90' },
  { value: 2, label: 'p99' },
  { value: 3, label: 'p99.9' },
  { value: 4, label: 'p99.99' },
  { value: 5, label: 'max' },
];

function latencySeries(name: string, curve: readonly (readonly [number, number])[] | undefined): Series[] {
  return curve && curve.length ? [{ name, points: curve.map(([p, ms]) => [tailX(p), Math.max(ms, 0.01)] as const) }] : [];
}

function throughputPlot(name: string, parley?: RateRun, bare?: RateRun, peer?: RateRun): Plot {
  const pts = (r: RateRun | undefined): [number, number][] =>
    [...(r?.ladder.steps ?? [])].sort((a, b) => a.offeredDeliveriesPerSec - b.offeredDeliveriesPerSec).map((s) => [s.offeredDeliveriesPerSec, Math.max(1, s.deliveredPerSec)]);
  const all = [...pts(parley), ...pts(bare), ...pts(peer)].map((p) => p[0]);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const series: Series[] = [
    { name: 'Parley', points: pts(parley) },
    { name: 'bare Colyseus', points: pts(bare) },
    ...(peer ? [{ name: 'Centrifugo (peer)', points: pts(peer) }] : []),
    ...(all.length ? [{ name: 'ideal (delivered = offered)', points: [[lo, lo], [hi, hi]] as [number, number][], dashed: true }] : []),
  ];
  return {
    name: `${name}-throughput`,
    title: `${name}: delivered vs offered`,
    svg: lineChart(series, {
      title: `${name}: delivered vs offered deliveries per second`,
      x: { label: 'offered deliveries/s', log: true },
      y: { label: 'delivered deliveries/s (during the step)', log: true },
    }),
  };
}

function latencyPlot(name: string, bound: number, parley?: RateRun, bare?: RateRun): Plot {
  const label = (who: string, s: StepFigures | undefined): string => `${who} @ ${s ? Math.round(s.rate) : '?'} msg/s`;
  const series: Series[] = [
    ...latencySeries(label('Parley knee', headline(parley)), headline(parley)?.deliveryCurve),
    ...(parley?.checks ?? []).flatMap((c) => latencySeries(label('Parley check', c), c.deliveryCurve)),
    ...latencySeries(label('bare knee', headline(bare)), headline(bare)?.deliveryCurve),
  ];
  return {
    name: `${name}-latency`,
    title: `${name}: send→deliver latency distribution`,
    svg: lineChart(series, {
      title: `${name}: send→deliver latency at the knee`,
      x: { label: 'percentile', ticks: TAIL_TICKS, min: 0, max: 5 },
      y: { label: 'latency, ms (log)', log: true },
      hLines: [{ y: bound, label: `p99 bound ${bound} ms` }],
    }),
  };
}

function connectPlots(parley?: ConnectRun, bare?: ConnectRun): Plot[] {
  const series: Series[] = [...latencySeries('Parley login', parley?.loginCurve), ...latencySeries('bare join', bare?.loginCurve)];
  const v = (r: ConnectRun | undefined, f: (r: ConnectRun) => number): number => (r ? f(r) : 0);
  const groups = [
    { label: 'connects/s', values: [v(parley, (r) => r.connectsPerSec), v(bare, (r) => r.connectsPerSec)] },
    { label: 'server KB RSS / conn', values: [v(parley, (r) => r.rssPerConnectionBytes / 1024), v(bare, (r) => r.rssPerConnectionBytes / 1024)] },
    { label: 'idle CPU µs / conn / s', values: [v(parley, (r) => r.idleCpuMicrosPerConnSec), v(bare, (r) => r.idleCpuMicrosPerConnSec)] },
  ];
  return [
    {
      name: 'connect-latency',
      title: 'connect: login latency distribution',
      svg: lineChart(series, { title: 'connect: login (/connect + join + sync) latency', x: { label: 'percentile', ticks: TAIL_TICKS, min: 0, max: 5 }, y: { label: 'ms (log)', log: true } }),
    },
    {
      name: 'connect-costs',
      title: 'connect: rate and per-connection costs',
      svg: barChart(['Parley', 'bare Colyseus'], groups, { title: 'connect: rate and per-connection costs (log scale)', x: { label: '' }, y: { label: 'value (log)', log: true } }),
    },
  ];
}

export function plotsOf(r: BenchResult): Plot[] {
  const plots: Plot[] = [];
  for (const [name, s] of Object.entries(r.rate)) {
    if (!s) continue;
    const parley = ran(s.parley);
    const bare = ran(s.bare);
    if (!parley && !bare) continue;
    plots.push(throughputPlot(name, parley, bare, ran(s.centrifugo)), latencyPlot(name, s.p99BoundMs, parley, bare));
  }
  const cp = ran(r.connect?.parley);
  const cb = ran(r.connect?.bare);
  if (cp || cb) plots.push(...connectPlots(cp, cb));
  return plots;
}
