/**
 * Periodic check that every actor active here is still the one the cluster routes to. A node that
 * was paused (or cut off) long enough is declared dead; its actors re-activate elsewhere while its
 * own instances keep running. Writes of such a stale instance already fail (the store fences them);
 * the audit also ends its sessions, so its devices reconnect to the live instance.
 */
import type { MatchMakerDriver } from '@colyseus/core';
import type { Logger } from 'pino';
import { CloseCode } from '../protocol/close-codes.ts';
import type { LocalActors } from './local-actors.ts';

export interface OwnershipAuditOptions {
  readonly nodeId: () => string;
  readonly everyMs: number;
  readonly log: Logger;
}

export class OwnershipAudit {
  readonly #driver: MatchMakerDriver;
  readonly #actors: LocalActors;
  readonly #o: OwnershipAuditOptions;
  /** Rooms found without a listing at the last audit; passivated if still missing at the next one. */
  #missing = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(driver: MatchMakerDriver, actors: LocalActors, o: OwnershipAuditOptions) {
    this.#driver = driver;
    this.#actors = actors;
    this.#o = o;
  }

  start(): void {
    this.#timer = setInterval(() => void this.run(), this.#o.everyMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One audit; returns how many actors were found stale and passivated. */
  async run(): Promise<number> {
    if (this.#running) return 0;
    this.#running = true;
    try {
      const ids = this.#actors.ids();
      const listings = ids.length > 0 ? await this.#driver.findByIds(ids) : new Map();
      const me = this.#o.nodeId();
      const missing = new Set<string>();
      let stale = 0;
      for (const id of ids) {
        const listing = listings.get(id);
        const moved = listing !== undefined && listing.processId !== me;
        if (!listing) missing.add(id);
        if (moved || (!listing && this.#missing.has(id))) {
          stale++;
          this.#o.log.warn({ roomId: id, owner: listing?.processId }, 'actor is no longer routed here; passivating');
          await this.#actors.get(id)?.passivate(CloseCode.ActorMoved);
        }
      }
      this.#missing = missing;
      return stale;
    } catch (e) {
      this.#o.log.warn({ err: e }, 'ownership audit failed');
      return 0;
    } finally {
      this.#running = false;
    }
  }
}
