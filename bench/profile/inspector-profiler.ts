/**
 * CPU profiles of a child process over exactly one load step, through the V8 inspector (the
 * server is started with `--inspect=127.0.0.1:0`): Profiler.start before the window,
 * Profiler.stop after it. The result is a standard `.cpuprofile` (as `node --cpu-prof` writes),
 * but covering the step only.
 */
import { WebSocket } from 'ws';
import type { CpuProfile } from './cpu-profile.ts';

interface CdpAnswer {
  readonly id?: number;
  readonly result?: unknown;
  readonly error?: { readonly message: string };
}

export class InspectorProfiler {
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (raw: Buffer) => {
      const m = JSON.parse(raw.toString()) as CdpAnswer;
      const p = m.id === undefined ? undefined : this.#pending.get(m.id);
      if (!p || m.id === undefined) return;
      this.#pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error.message));
      else p.resolve(m.result);
    });
  }

  static connect(url: string): Promise<InspectorProfiler> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('open', () => resolve(new InspectorProfiler(ws)));
      ws.once('error', reject);
    });
  }

  #send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Starts sampling every `intervalUs` microseconds. */
  async start(intervalUs = 500): Promise<void> {
    await this.#send('Profiler.enable');
    await this.#send('Profiler.setSamplingInterval', { interval: intervalUs });
    await this.#send('Profiler.start');
  }

  async stop(): Promise<CpuProfile> {
    const r = (await this.#send('Profiler.stop')) as { profile: CpuProfile };
    await this.#send('Profiler.disable');
    return r.profile;
  }

  close(): void {
    this.#ws.close();
  }
}
