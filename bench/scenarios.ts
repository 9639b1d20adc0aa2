/**
 * Typed view of bench/scenarios.json, the one file of scenario parameters shared by the Node
 * driver and the k6 scripts (which read the same JSON with `open()`).
 */
import raw from './scenarios.json' with { type: 'json' };

export type Mode = 'full' | 'quick';

/** How the rate ladder decides that a step is still good (see bench/README.md, "The knee"). */
export interface KneeRules {
  /** Each step offers this many times the previous step's rate. */
  readonly growth: number;
  /** Deliveries received during a step must reach this fraction of the deliveries offered. */
  readonly deliveredFraction: number;
  /** Clients must have sent this fraction of the offered messages (else the client was the limit). */
  readonly sentFraction: number;
  /** Sends answered with an error, as a fraction of sends, above which a step is bad. */
  readonly maxErrorFraction: number;
}

export interface RateScenario {
  readonly startRate: number;
  readonly p99BoundMs: number;
  /** Extra single steps run at these rates (e.g. the 5,000 msg/s target), reported apart from the ladder. */
  readonly checkRates?: readonly number[];
}

export interface ModeParams {
  readonly workers: number;
  readonly stepSeconds: number;
  readonly maxSteps: number;
  readonly drainTimeoutSeconds: number;
  /** Record a CPU profile of the Parley server for one saturating step per scenario. */
  readonly profile: boolean;
  readonly c2c: RateScenario & { readonly users: number };
  readonly groupFanout: RateScenario & { readonly members: number; readonly online: number; readonly senders: number };
  /** A 10,000-member Public group with `online` members logged in (Tencent's large-group case). */
  readonly groupLarge: RateScenario & { readonly members: number; readonly online: number; readonly senders: number };
  /** An AVChatRoom whose whole audience joins from the client (`joinGroup`); messages are live only (SEQ 0). */
  readonly avchatroom: RateScenario & { readonly audience: number; readonly senders: number };
  readonly restSend: RateScenario & { readonly receivers: number; readonly groupMembers: number; readonly httpConnections: number };
  readonly connect: { readonly connections: number; readonly concurrency: number; readonly idleSeconds: number };
  readonly sync: {
    readonly messages: number;
    readonly senders: number;
    readonly restConcurrency: number;
    readonly repeats: number;
    readonly pageSizes: readonly number[];
  };
}

export interface ScenarioFile {
  /** Bytes of the TIMCustomElem `Data` each bench message carries (timestamp, id and padding). */
  readonly payloadBytes: number;
  readonly knee: KneeRules;
  readonly full: ModeParams;
  readonly quick: ModeParams;
}

export const scenarios: ScenarioFile = raw;
