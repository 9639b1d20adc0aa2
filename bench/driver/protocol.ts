/**
 * Messages between the bench orchestrator (bench/run.ts) and its load workers (worker.ts), sent
 * over the child-process IPC channel with structured-clone serialisation. Every request carries an
 * id and is answered once, with a result or an error text.
 */
import type { IntegrityReport } from '../integrity.ts';
import type { HistogramSnapshot } from '../lib/histogram.ts';
import type { AppIdentity } from '../servers/server-process.ts';

/** Parley, the bare Colyseus baseline, or the peer (Centrifugo, group fan-out only). */
export type TargetKind = 'parley' | 'bare' | 'centrifugo';

export interface TargetSpec {
  readonly kind: TargetKind;
  readonly endpoint: string;
  readonly identity: AppIdentity;
  readonly payloadBytes: number;
}

/** The clients one worker runs for one scenario; user lists are this worker's share. */
export type SessionSpec =
  /** Each user of a pair sends to the other and receives from it. */
  | { readonly kind: 'c2c'; readonly pairs: readonly (readonly [string, string])[] }
  /** Online members of one group (all logged in); `senders` among them send to the group. */
  | { readonly kind: 'group'; readonly groupId: string; readonly online: readonly string[]; readonly senders: readonly string[] }
  /**
   * The live audience of an AVChatRoom: every user logs in and joins it from the client
   * (`joinGroup`, answered `{audience: true}`); `senders` among them send to it. Its messages are
   * live only (SEQ 0), so integrity is checked by message id.
   */
  | { readonly kind: 'audience'; readonly groupId: string; readonly audience: readonly string[]; readonly senders: readonly string[] }
  /** REST `sendmsg` from offline `senders` (round robin) to online `receivers` (round robin). */
  | { readonly kind: 'rest-c2c'; readonly receivers: readonly string[]; readonly senders: readonly string[]; readonly httpConnections: number }
  /** REST `send_group_msg` as `from` to a group whose online members are `receivers`. */
  | { readonly kind: 'rest-group'; readonly groupId: string; readonly receivers: readonly string[]; readonly from: string; readonly httpConnections: number }
  /** Idle connections, logged in `concurrency` at a time. */
  | { readonly kind: 'idle'; readonly users: readonly string[]; readonly concurrency: number };

export type SessionKind = SessionSpec['kind'];

export interface OpenResult {
  readonly clients: number;
  readonly failures: number;
  readonly firstError?: string;
  /** Login (HTTP /connect + WebSocket join + initial sync) durations. */
  readonly login: HistogramSnapshot;
  readonly durationMs: number;
  /** Resident memory of the worker after opening. */
  readonly workerRssBytes: number;
}

export interface StepRequest {
  readonly index: number;
  /** Messages per second this worker offers. */
  readonly rate: number;
  readonly durationMs: number;
  /** Longest wait after the window for this worker's sends to be answered and deliveries to go quiet. */
  readonly drainTimeoutMs: number;
}

export interface StepReport {
  readonly index: number;
  readonly windowMs: number;
  /** Messages due by the pacer in the window. */
  readonly offered: number;
  readonly sent: number;
  /** Sends not made because too many were already in flight. */
  readonly skipped: number;
  readonly acked: number;
  readonly failed: number;
  readonly firstError?: string;
  /** Send request → answer (client op or REST call). */
  readonly ack: HistogramSnapshot;
  /** Send → delivery, for this step's messages received by a device in the sender's process. */
  readonly delivery: HistogramSnapshot;
  /** Deliveries (any step's messages) received during the window. */
  readonly deliveredInWindow: number;
  /** Whether the worker's sends were all answered and deliveries went quiet before the drain timeout. */
  readonly drained: boolean;
}

/** Columnar log of one worker's sends (names are indexes into `names`). */
export interface SentLog {
  readonly worker: number;
  readonly names: readonly string[];
  readonly ids: readonly number[];
  readonly from: readonly number[];
  readonly to: readonly number[];
  /** SEQ the server acknowledged (0 = none given). */
  readonly seqs: readonly number[];
  /** 0 = acknowledged, 1 = refused or failed (may still have been stored if it timed out). */
  readonly status: readonly number[];
}

export interface SyncRequest {
  readonly user: string;
  readonly senders: readonly string[];
  readonly messages: number;
  readonly restConcurrency: number;
  readonly repeats: number;
  readonly pageSizes: readonly number[];
}

export interface SyncReport {
  readonly messages: number;
  /** REST sends while the user was offline (closed loop at `restConcurrency`). */
  readonly fillMs: number;
  readonly fillFailures: number;
  readonly fillAck: HistogramSnapshot;
  /** Per page size: login → all messages delivered, one entry per repeat. */
  readonly runs: readonly { readonly pageSize: number; readonly ms: readonly number[]; readonly received: readonly number[] }[];
  readonly integrity: IntegrityReport;
}

export type WorkerRequest =
  | { readonly op: 'open'; readonly target: TargetSpec; readonly session: SessionSpec }
  | { readonly op: 'step'; readonly step: StepRequest }
  | { readonly op: 'sentLog' }
  | { readonly op: 'integrity'; readonly logs: readonly SentLog[] }
  | { readonly op: 'close' }
  | { readonly op: 'sync'; readonly target: TargetSpec; readonly sync: SyncRequest }
  | { readonly op: 'rss' };

export interface WorkerResults {
  open: OpenResult;
  step: StepReport;
  sentLog: SentLog;
  integrity: IntegrityReport;
  close: { readonly closed: number };
  sync: SyncReport;
  rss: { readonly rssBytes: number };
}

export interface RequestEnvelope {
  readonly id: number;
  readonly request: WorkerRequest;
}

export type ResponseEnvelope =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };
