/**
 * CPU time and resident memory of a process, read from Linux /proc (the bench runs the server and
 * the load workers as separate processes and reports which of them was CPU-bound).
 */
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ); 100 on every mainstream Linux build. */
const CLK_TCK = 100;

/** User + system CPU seconds used so far by `pid` (all its threads); NaN if it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

/** Resident set size of `pid` in bytes (VmRSS); NaN if it is gone. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Machine-wide CPU counters from /proc/stat, in clock ticks summed over all cores. */
function machineTicks(): { busy: number; total: number; steal: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const total = user + nice + system + idle + iowait + irq + softirq + steal;
    return { busy: total - idle - iowait, total, steal };
  } catch {
    return { busy: Number.NaN, total: Number.NaN, steal: Number.NaN };
  }
}

/**
 * CPU use over a window, as a percentage of one core: each named process, plus `machine` (all
 * cores busy, including the kernel and other tenants), `others` (machine minus the named
 * processes: anything else running on the box, e.g. other services or test suites) and `steal`
 * (time the hypervisor gave to other VMs).
 */
export class CpuWindow {
  readonly #pids: ReadonlyMap<string, number>;
  readonly #start = new Map<string, number>();
  readonly #machine = machineTicks();
  #t0 = 0;

  constructor(pids: ReadonlyMap<string, number>) {
    this.#pids = pids;
    this.#t0 = performance.now();
    for (const [name, pid] of pids) this.#start.set(name, cpuSeconds(pid));
  }

  /** Percent of one core per entry since construction (200 = both cores of a 2-core box). */
  read(): Record<string, number> {
    const wall = (performance.now() - this.#t0) / 1000;
    const out: Record<string, number> = {};
    for (const [name, pid] of this.#pids) out[name] = round1(((cpuSeconds(pid) - (this.#start.get(name) ?? 0)) / wall) * 100);
    const m = machineTicks();
    out.machine = round1(((m.busy - this.#machine.busy) / CLK_TCK / wall) * 100);
    out.others = round1(Math.max(0, out.machine - Object.values(out).slice(0, this.#pids.size).reduce((a, v) => a + v, 0)));
    out.steal = round1(((m.steal - this.#machine.steal) / CLK_TCK / wall) * 100);
    return out;
  }
}

/** CPU of everything on the machine over `ms` milliseconds, % of one core. */
export async function machineBusy(ms: number): Promise<number> {
  const w = new CpuWindow(new Map());
  await new Promise((r) => setTimeout(r, ms));
  return w.read().machine;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Share of samples the main thread of a process spent in each scheduler state, percent. */
export interface ThreadStates {
  /** On a CPU or waiting for one (R). */
  readonly running: number;
  /** Blocked in uninterruptible I/O (D), e.g. a file write waiting for page writeback. */
  readonly ioWait: number;
  /** Sleeping (S), for Node mostly the event loop waiting in epoll: idle. */
  readonly sleeping: number;
  readonly samples: number;
}

/**
 * Samples the scheduler state of a process's main thread (its event loop, for Node) every few
 * milliseconds from /proc/<pid>/task/<pid>/stat. Tells a saturated event loop (running + ioWait
 * near 100 %) from an idle one, which CPU percentages alone cannot when the loop blocks on disk.
 */
export class MainThreadSampler {
  readonly #path: string;
  readonly #counts = { R: 0, D: 0, S: 0 };
  readonly #timer: NodeJS.Timeout;

  constructor(pid: number, everyMs = 4) {
    this.#path = `/proc/${pid}/task/${pid}/stat`;
    this.#timer = setInterval(() => this.#sample(), everyMs);
  }

  #sample(): void {
    try {
      const stat = readFileSync(this.#path, 'utf8');
      const state = stat.charAt(stat.lastIndexOf(')') + 2);
      if (state === 'R') this.#counts.R++;
      else if (state === 'D') this.#counts.D++;
      else this.#counts.S++;
    } catch {
      // the process is gone: nothing to sample
    }
  }

  stop(): ThreadStates {
    clearInterval(this.#timer);
    const n = this.#counts.R + this.#counts.D + this.#counts.S;
    const pct = (x: number): number => (n ? round1((x / n) * 100) : 0);
    return { running: pct(this.#counts.R), ioWait: pct(this.#counts.D), sleeping: pct(this.#counts.S), samples: n };
  }
}
