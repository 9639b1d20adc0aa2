/**
 * The emission backlog sweep: streams whose events may not all be published — typically those of an
 * owner that crashed between storing and publishing — are handed to their actors, which publish what
 * is missing (DESIGN §5). Runs shortly after start and then periodically; in a cluster every node
 * sweeps, and single activation makes concurrent sweeps of one stream harmless.
 */
import type { Logger } from 'pino';
import type { MessageLog } from '../../storage/store.ts';
import type { Actors } from '../im/actor-api.ts';
import { parseStream } from '../protocol/streams.ts';

export interface EmissionSweepOptions {
  readonly log: MessageLog;
  readonly actors: Actors;
  readonly logger: Logger;
  readonly firstAfterMs: number;
  readonly everyMs: number;
  /** Streams handled per sweep. */
  readonly batch: number;
}

export class EmissionSweep {
  readonly #o: EmissionSweepOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(o: EmissionSweepOptions) {
    this.#o = o;
  }

  start(): void {
    const tick = (): void => {
      this.#running = this.run().finally(() => {
        this.#running = undefined;
        if (this.#timer) this.#timer = setTimeout(tick, this.#o.everyMs).unref();
      });
    };
    this.#timer = setTimeout(tick, this.#o.firstAfterMs).unref();
  }

  /** One sweep; returns how many streams were handed to their actors. */
  async run(): Promise<number> {
    let streams: string[];
    try {
      streams = await this.#o.log.emissionBacklog(this.#o.batch);
    } catch (e) {
      this.#o.logger.warn({ err: e }, 'emission sweep could not read the backlog');
      return 0;
    }
    for (const id of streams) {
      const { kind, owner } = parseStream(id);
      try {
        if (kind === 'u') await this.#o.actors.inbox(owner).call({ op: 'flushEvents' });
        else if (kind === 'g') await this.#o.actors.group(owner).call({ op: 'flushEvents' });
        else await this.#o.actors.broadcast().call({ op: 'flushEvents' });
      } catch (e) {
        this.#o.logger.warn({ err: e, stream: id }, 'emission sweep: stream not flushed');
      }
    }
    return streams.length;
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
