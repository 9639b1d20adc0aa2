/**
 * A small SVG line and bar chart writer for the bench plots (no dependencies): linear or log axes,
 * custom ticks, a legend, optional reference lines. Returns the SVG document as a string.
 */

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
}

export interface Tick {
  readonly value: number;
  readonly label: string;
}

export interface Axis {
  readonly label: string;
  readonly log?: boolean;
  /** Ticks to draw; default: about five nice ones. */
  readonly ticks?: readonly Tick[];
  readonly min?: number;
  readonly max?: number;
}

export interface ChartOptions {
  readonly title: string;
  readonly x: Axis;
  readonly y: Axis;
  readonly width?: number;
  readonly height?: number;
  /** Horizontal reference lines (e.g. the p99 bound). */
  readonly hLines?: readonly { readonly y: number; readonly label: string }[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#7f7f7f'];
const M = { left: 70, right: 20, top: 40, bottom: 50 };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (n: number): string => (Math.abs(n) >= 1e6 ? `${+(n / 1e6).toPrecision(3)}M` : Math.abs(n) >= 1e3 ? `${+(n / 1e3).toPrecision(3)}k` : `${+n.toPrecision(3)}`);

interface Scale {
  readonly map: (v: number) => number;
  readonly ticks: readonly Tick[];
}

function niceTicks(lo: number, hi: number, log: boolean): Tick[] {
  if (log) {
    const out: Tick[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        if (v >= lo && v <= hi) out.push({ value: v, label: fmt(v) });
      }
    }
    return out;
  }
  const step0 = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(step0 || 1));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: Tick[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push({ value: v, label: fmt(v) });
  return out;
}

function scale(axis: Axis, values: readonly number[], from: number, to: number): Scale {
  const positive = axis.log ? values.filter((v) => v > 0) : values;
  let lo = axis.min ?? Math.min(...positive, ...(axis.ticks ?? []).map((t) => t.value));
  let hi = axis.max ?? Math.max(...positive, ...(axis.ticks ?? []).map((t) => t.value));
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [axis.log ? 1 : 0, axis.log ? 10 : 1];
  if (!axis.log && axis.min === undefined) lo = Math.min(0, lo);
  if (hi <= lo) hi = axis.log ? lo * 10 : lo + 1;
  const t = axis.log ? Math.log10 : (v: number): number => v;
  const [a, b] = [t(lo), t(hi)];
  const map = (v: number): number => from + ((t(axis.log ? Math.max(v, lo) : v) - a) / (b - a)) * (to - from);
  return { map, ticks: axis.ticks ?? niceTicks(lo, hi, axis.log ?? false) };
}

function frame(o: ChartOptions, w: number, h: number, xs: Scale, ys: Scale): string[] {
  const out = [
    `<rect x="0" y="0" width="${w}" height="${h}" fill="white"/>`,
    `<text x="${w / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(o.title)}</text>`,
    `<text x="${w / 2}" y="${h - 10}" text-anchor="middle" font-size="12">${esc(o.x.label)}</text>`,
    `<text transform="translate(16,${h / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(o.y.label)}</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${w - M.left - M.right}" height="${h - M.top - M.bottom}" fill="none" stroke="#444"/>`,
  ];
  for (const t of xs.ticks) {
    const x = xs.map(t.value).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${M.top}" y2="${h - M.bottom}" stroke="#ddd"/>`);
    out.push(`<text x="${x}" y="${h - M.bottom + 15}" text-anchor="middle" font-size="11">${esc(t.label)}</text>`);
  }
  for (const t of ys.ticks) {
    const y = ys.map(t.value).toFixed(1);
    out.push(`<line x1="${M.left}" x2="${w - M.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11">${esc(t.label)}</text>`);
  }
  return out;
}

function legend(names: readonly string[], w: number): string[] {
  return names.map((n, i) => {
    const y = M.top + 14 + i * 16;
    // Top left: the throughput and latency curves rise to the right, so that corner stays clear.
    const x = M.left + 10;
    return `<rect x="${x}" y="${y - 8}" width="12" height="4" fill="${COLORS[i % COLORS.length]}"/><text x="${x + 18}" y="${y - 3}" font-size="11" dominant-baseline="middle">${esc(n)}</text>`;
  });
}

export function lineChart(series: readonly Series[], o: ChartOptions): string {
  const w = o.width ?? 720;
  const h = o.height ?? 420;
  const pts = series.flatMap((s) => s.points);
  const xs = scale(o.x, pts.map((p) => p[0]), M.left, w - M.right);
  const ys = scale(o.y, [...pts.map((p) => p[1]), ...(o.hLines ?? []).map((l) => l.y)], h - M.bottom, M.top);
  const out = frame(o, w, h, xs, ys);
  for (const l of o.hLines ?? []) {
    const y = ys.map(l.y).toFixed(1);
    out.push(`<line x1="${M.left}" x2="${w - M.right}" y1="${y}" y2="${y}" stroke="#888" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${M.left + 4}" y="${Number(y) - 4}" font-size="11" fill="#555">${esc(l.label)}</text>`);
  }
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    const d = s.points.map((p, k) => `${k ? 'L' : 'M'}${xs.map(p[0]).toFixed(1)},${ys.map(p[1]).toFixed(1)}`).join(' ');
    if (d) out.push(`<path d="${d}" fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
    for (const p of s.points) out.push(`<circle cx="${xs.map(p[0]).toFixed(1)}" cy="${ys.map(p[1]).toFixed(1)}" r="3" fill="${c}"/>`);
  });
  out.push(...legend(series.map((s) => s.name), w));
  return svg(w, h, out);
}

export interface BarGroup {
  readonly label: string;
  readonly values: readonly number[];
}

/** Grouped bars: one group per label, one bar per series name. */
export function barChart(names: readonly string[], groups: readonly BarGroup[], o: Omit<ChartOptions, 'x'> & { readonly x: { readonly label: string } }): string {
  const w = o.width ?? 720;
  const h = o.height ?? 420;
  const ticks = groups.map((g, i) => ({ value: i + 0.5, label: g.label }));
  const xs = scale({ label: o.x.label, ticks, min: 0, max: groups.length }, [], M.left, w - M.right);
  const ys = scale(o.y, groups.flatMap((g) => g.values), h - M.bottom, M.top);
  const out = frame({ ...o, x: { label: o.x.label } }, w, h, xs, ys);
  const slot = (w - M.left - M.right) / Math.max(1, groups.length);
  const bw = (slot * 0.7) / Math.max(1, names.length);
  groups.forEach((g, gi) => {
    g.values.forEach((v, si) => {
      const x = M.left + gi * slot + slot * 0.15 + si * bw;
      const y = ys.map(v);
      out.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${bw.toFixed(1)}" height="${Math.max(0, h - M.bottom - y).toFixed(1)}" fill="${COLORS[si % COLORS.length]}"/>`);
      out.push(`<text x="${(x + bw / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="10">${esc(fmt(v))}</text>`);
    });
  });
  out.push(...legend(names, w));
  return svg(w, h, out);
}

function svg(w: number, h: number, body: readonly string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif">\n${body.join('\n')}\n</svg>\n`;
}
