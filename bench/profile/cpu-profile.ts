/**
 * Reading a V8 `.cpuprofile`: self time per function and per area of the code (a package, Node
 * internals, Parley's own folders, GC), for the findings the server engineers act on.
 */

/** The parts of the V8 CPU profile format used here. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly hitCount?: number;
  }[];
  readonly samples: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface SelfTime {
  readonly name: string;
  readonly selfMs: number;
  /** Share of the busy (non-idle) time, percent. */
  readonly selfPct: number;
}

export interface ProfileSummary {
  readonly durationMs: number;
  readonly samples: number;
  /** Share of the window the process was busy (not idle), percent. */
  readonly busyPct: number;
  readonly topFunctions: readonly SelfTime[];
  readonly byArea: readonly SelfTime[];
}

const PARLEY_DIRS = ['src', 'rooms', 'storage', 'bench'];

function shortUrl(url: string): string {
  const i = url.lastIndexOf('/node_modules/');
  if (i >= 0) return url.slice(i + '/node_modules/'.length);
  const m = /\/(src|rooms|storage|bench)\/.*/.exec(url);
  return m ? m[0].slice(1) : url;
}

/** The package, Node internals, a Parley folder, or a V8 pseudo-frame. */
export function areaOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const i = url.lastIndexOf('/node_modules/');
  if (i >= 0) {
    const parts = url.slice(i + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  for (const dir of PARLEY_DIRS) if (url.includes(`/${dir}/`)) return `parley ${dir}/${/\/(?:src|rooms|storage|bench)\/([^/]+)/.exec(url)?.[1] ?? ''}`;
  return 'other';
}

function rank(m: Map<string, number>, busy: number, msPerSample: number, top: number): SelfTime[] {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, n]) => ({ name, selfMs: Math.round(n * msPerSample), selfPct: Math.round((n / Math.max(1, busy)) * 1000) / 10 }));
}

export function summarizeProfile(p: CpuProfile, top = 20): ProfileSummary {
  const byNode = new Map(p.nodes.map((n) => [n.id, n]));
  const hits = new Map<number, number>();
  for (const id of p.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  let idle = 0;
  for (const [id, n] of hits) {
    const f = byNode.get(id)?.callFrame;
    if (!f) continue;
    if (f.functionName === '(idle)') {
      idle += n;
      continue;
    }
    const fn = f.url ? `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}` : f.functionName;
    fns.set(fn, (fns.get(fn) ?? 0) + n);
    const area = areaOf(f.functionName, f.url);
    areas.set(area, (areas.get(area) ?? 0) + n);
  }
  const durationMs = (p.endTime - p.startTime) / 1000;
  const samples = p.samples.length;
  const msPerSample = samples ? durationMs / samples : 0;
  const busy = samples - idle;
  return {
    durationMs: Math.round(durationMs),
    samples,
    busyPct: samples ? Math.round((busy / samples) * 1000) / 10 : 0,
    topFunctions: rank(fns, busy, msPerSample, top),
    byArea: rank(areas, busy, msPerSample, top),
  };
}
