/** The orchestrator's side of the load workers: forks them and calls them over IPC. */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { RequestEnvelope, ResponseEnvelope, WorkerRequest, WorkerResults } from './protocol.ts';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class LoadWorker {
  readonly index: number;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(index: number) {
    this.index = index;
    this.#child = fork(join(import.meta.dirname, 'worker.ts'), [String(index)], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (m: ResponseEnvelope) => {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`worker ${index}: ${m.error}`));
    });
    this.#child.on('exit', (code) => {
      for (const p of this.#pending.values()) p.reject(new Error(`worker ${index} exited with ${code}`));
      this.#pending.clear();
    });
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  call<K extends WorkerRequest['op']>(request: Extract<WorkerRequest, { op: K }>): Promise<WorkerResults[K]> {
    const id = this.#nextId++;
    return new Promise<WorkerResults[K]>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.send({ id, request } satisfies RequestEnvelope);
    });
  }

  stop(): void {
    if (this.#child.connected) this.#child.disconnect();
  }
}

export class WorkerPool {
  readonly workers: readonly LoadWorker[];

  constructor(count: number) {
    this.workers = Array.from({ length: count }, (_, i) => new LoadWorker(i));
  }

  /** Calls every worker with its own request (built from its index) and waits for all. */
  all<K extends WorkerRequest['op']>(build: (w: LoadWorker) => Extract<WorkerRequest, { op: K }>): Promise<WorkerResults[K][]> {
    return Promise.all(this.workers.map((w) => w.call<K>(build(w))));
  }

  pids(): Map<string, number> {
    return new Map(this.workers.map((w) => [`worker${w.index}`, w.pid]));
  }

  stop(): void {
    for (const w of this.workers) w.stop();
  }
}
