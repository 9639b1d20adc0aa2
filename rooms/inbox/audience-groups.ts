/**
 * The AVChatRooms a user joined as audience from their devices, as their inbox remembers them (in
 * memory): when the user's last device leaves, or the inbox passivates, the user leaves each one
 * (`leaveAudience` through `actors.group(id)`, wherever that actor runs). A group that no longer
 * has them, or no longer exists, ignores the call. While the user is in any, the inbox joins each
 * again every `rejoinMs` (Tencent's audience heartbeat is 20 s): an audience lives only in its group
 * actor's memory, so an actor that moved to another node (or restarted) regains it within one
 * period, without waiting for the clients to reconnect. A group that refuses the join again
 * (dismissed, closed by DisableApply, full) is forgotten.
 */
import type { Logger } from 'pino';
import type { Actors } from '../../src/im/actor-api.ts';
import type { Caller } from '../../src/im/caller.ts';
import { isImError } from '../../src/protocol/errors.ts';
import { type JoinGroupResult, Op } from '../../src/protocol/client-ops.ts';

/** Audiences remembered per user; joining one more leaves the one joined longest ago. */
export const MAX_AUDIENCE_GROUPS = 100;

export class AudienceGroups {
  /** Group ids in the order joined; at most MAX_AUDIENCE_GROUPS. */
  readonly #groups = new Set<string>();
  readonly #userId: string;
  readonly #actors: Actors;
  readonly #log: Logger;
  readonly #rejoinMs: number;
  /** Runs while #groups is not empty. */
  #timer: NodeJS.Timeout | undefined;
  /** Who joined last (the device whose join is repeated). */
  #caller: Caller | undefined;

  constructor(userId: string, actors: Actors, log: Logger, rejoinMs: number) {
    this.#userId = userId;
    this.#actors = actors;
    this.#log = log;
    this.#rejoinMs = rejoinMs;
  }

  /** Notes a client operation of `caller` that succeeded: an audience joined (`group.join` answered `audience`) or quit. */
  noteOp(op: string, args: unknown, result: unknown, caller: Caller): void {
    const groupId = (args as { groupId?: unknown } | undefined)?.groupId;
    if (typeof groupId !== 'string') return;
    if (op === Op.QuitGroup) this.#forget(groupId);
    if (op !== Op.JoinGroup || !(result as JoinGroupResult | undefined)?.audience) return;
    this.#caller = caller;
    this.#groups.delete(groupId);
    this.#groups.add(groupId);
    this.#timer ??= setInterval(() => this.#rejoinAll(), this.#rejoinMs).unref();
    if (this.#groups.size > MAX_AUDIENCE_GROUPS) {
      const oldest = this.#groups.values().next().value as string;
      this.#forget(oldest);
      this.#leave(oldest);
    }
  }

  /** The user went offline: they leave every audience they joined (best effort, not awaited). */
  leaveAll(): void {
    for (const groupId of this.#groups) this.#leave(groupId);
    this.#groups.clear();
    this.#stop();
  }

  #forget(groupId: string): void {
    this.#groups.delete(groupId);
    if (this.#groups.size === 0) this.#stop();
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Joins every remembered audience again (joining one the user is in changes nothing); not awaited. */
  #rejoinAll(): void {
    const caller = this.#caller;
    if (!caller) return;
    for (const groupId of this.#groups) {
      this.#actors
        .group(groupId)
        .call({ op: 'join', userId: this.#userId, caller })
        .then(
          (r) => {
            if (!r.audience) this.#forget(groupId);
          },
          (e: unknown) => {
            // Refused for good (dismissed, DisableApply, full): forget it; anything else (a node going away) is tried next time.
            if (isImError(e)) this.#forget(groupId);
            else this.#log.debug({ err: e, userId: this.#userId, groupId }, 'joining an audience again failed');
          },
        );
    }
  }

  #leave(groupId: string): void {
    this.#actors
      .group(groupId)
      .call({ op: 'leaveAudience', userId: this.#userId })
      .catch((e: unknown) => this.#log.debug({ err: e, userId: this.#userId, groupId }, 'leaving an audience failed'));
  }
}
