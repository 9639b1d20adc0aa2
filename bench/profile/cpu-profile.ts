/**
 * Reading a V8 `.cpuprofile`: self time per function and per area of the code (a package, Node
 * internals, Parley's own folders, GC), for the findings the server engineers act on. Native
 * frames (a SQLite statement's `run`, a socket's `writev`) are named with their nearest JavaScript
 * caller and counted in the caller's area, since that is where the cost is decided.
 */

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

/** The parts of the V8 CPU profile format used here. */
export interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: CallFrame; readonly children?: readonly number[] }[];
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
  /** Share of the samples in which the process was busy (not idle), percent. */
  readonly busyPct: number;
  readonly topFunctions: readonly SelfTime[];
  readonly byArea: readonly SelfTime[];
}

const PARLEY_DIR = /\/(src|rooms|storage|bench)\/([^/]+)/;

function shortUrl(url: string): string {
  const i = url.lastIndexOf('/node_modules/');
  if (i >= 0) return url.slice(i + '/node_modules/'.length);
  const m = /\/(src|rooms|storage|bench)\/.*/.exec(url);
  return m ? m[0].slice(1) : url;
}

/** The package, Node internals, a Parley folder, or a V8 pseudo-frame such as `(garbage collector)`. */
export function areaOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const i = url.lastIndexOf('/node_modules/');
  if (i >= 0) {
    const parts = url.slice(i + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const m = PARLEY_DIR.exec(url);
  return m ? `parley ${m[1]}/${m[2]}` : 'other';
}

const frameName = (f: CallFrame): string => `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`;

/** Name and area of a sampled node: JS frames as themselves, native frames through their nearest JS caller. */
function attribute(id: number, byId: Map<number, CpuProfile['nodes'][number]>, parent: Map<number, number>): { name: string; area: string } {
  const f = byId.get(id)!.callFrame;
  if (f.url || f.functionName.startsWith('(')) return { name: f.url ? frameName(f) : f.functionName, area: areaOf(f.functionName, f.url) };
  for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
    const pf = byId.get(p)!.callFrame;
    if (pf.url) return { name: `${f.functionName} (native) ← ${frameName(pf)}`, area: areaOf(pf.functionName, pf.url) };
  }
  return { name: `${f.functionName} (native)`, area: '(native)' };
}

function rank(m: Map<string, number>, busy: number, msPerSample: number, top: number): SelfTime[] {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, n]) => ({ name, selfMs: Math.round(n * msPerSample), selfPct: Math.round((n / Math.max(1, busy)) * 1000) / 10 }));
}

export function summarizeProfile(p: CpuProfile, top = 20): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hits = new Map<number, number>();
  for (const id of p.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  let idle = 0;
  for (const [id, n] of hits) {
    if (!byId.has(id)) continue;
    if (byId.get(id)!.callFrame.functionName === '(idle)') {
      idle += n;
      continue;
    }
    const { name, area } = attribute(id, byId, parent);
    fns.set(name, (fns.get(name) ?? 0) + n);
    areas.set(area, (areas.get(area) ?? 0) + n);
  }
  const durationMs = (p.endTime - p.startTime) / 1000;
  const samples = p.samples.length;
  const busy = samples - idle;
  return {
    durationMs: Math.round(durationMs),
    samples,
    busyPct: samples ? Math.round((busy / samples) * 1000) / 10 : 0,
    topFunctions: rank(fns, busy, samples ? durationMs / samples : 0, top),
    byArea: rank(areas, busy, samples ? durationMs / samples : 0, top),
  };
}
