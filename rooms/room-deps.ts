/** What actor rooms receive from the composition root (as the room handler's default options). */
import type { LoginLimits } from '../src/im/devices/login-policy.ts';
import type { Authenticator } from '../src/auth/authenticator.ts';
import type { FanOut } from '../src/cluster/fan-out.ts';
import type { LocalActors } from '../src/cluster/local-actors.ts';
import type { ImContext } from '../src/im/context.ts';
import type { EventBus } from '../src/im/event-bus.ts';
import type { InFlight } from '../src/ops/in-flight.ts';
import type { FloodLimits } from './inbox/flood-guard.ts';

export interface RoomDeps {
  readonly im: ImContext;
  /** Where the actors' stream emitters publish (nothing else publishes on it). */
  readonly bus: EventBus;
  readonly fanOut: FanOut;
  /** Where active actors register, for the ownership audit. */
  readonly localActors: LocalActors;
  readonly auth: Authenticator;
  /** Where closing streams leave their last writes (the emission position), so shutdown waits for them. */
  readonly closing: InFlight;
  readonly settings: {
    /** An actor with no clients and no calls for this long passivates, ms. */
    readonly idlePassivateMs: number;
    /** How long a dropped device may resume its session, seconds. */
    readonly reconnectWindowS: number;
    /** How often an inbox joins its user's AVChatRoom audiences again, seconds. */
    readonly audienceRejoinS: number;
    /** Which of a user's devices may be online together. */
    readonly logins: LoginLimits;
    /** Tell a user's mutual friends online when the user comes online or goes offline. */
    readonly friendStatusPush: boolean;
    /** Keep conversation lists (PARLEY_CONVERSATIONS). */
    readonly conversations: boolean;
    /** Client flood control, per device and per user. */
    readonly flood: FloodLimits;
  };
}

/** Options every actor room is created with: its id (from the caller) and deps (from the handler). */
export interface ActorRoomOptions {
  readonly id: string;
  readonly deps: RoomDeps;
}
