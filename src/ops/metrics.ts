/**
 * Prometheus metrics (`GET /metrics`), one registry per server. Names and labels are part of the ops
 * interface: dashboards and the bench kit read them.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Latency buckets in seconds, from 0.1 ms to 5 s. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface Metrics {
  readonly registry: Registry;
  /** Entries committed to a stream, by stream kind (`u` inbox, `g` group). */
  readonly entriesStored: Counter<'kind'>;
  /** Events handed to connected devices. */
  readonly deliveries: Counter;
  /** A commit of one batch of appends, seconds. */
  readonly storeAppend: Histogram;
  /** Entries per committed batch. */
  readonly batchSize: Histogram;
  /** A send from request to acknowledgement, seconds, by path (`c2c`, `group`) and transport (`rest`, `client`). */
  readonly sendDuration: Histogram<'path' | 'transport'>;
  /** A REST command from request to answer, by command and error code (0 = ok). */
  readonly restDuration: Histogram<'command' | 'code'>;
  /** Client operations refused by flood control (rooms/inbox/flood-guard.ts). */
  readonly clientRefused: Counter;
  /** REST calls refused over a rate, by command and which rate (`command` or `app`). */
  readonly restRefused: Counter<'command' | 'limit'>;
  /** A client operation from request to answer, by op and error code. */
  readonly clientOpDuration: Histogram<'op' | 'code'>;
  /** Active actors on this node, by type. */
  readonly actorsActive: Gauge<'type'>;
  /** Connected devices on this node. */
  readonly connections: Gauge;
  /** Messages this node published on the node bus, by type (`call`, `reply`, `deliver`, `presence`, `node-down`). */
  readonly busMessages: Counter<'type'>;
  /** Events on the stream not yet committed by this node's chat-record archiver (`parley-archive` group). */
  readonly archiveLag: Gauge;
  /** Messages written to chat-record journals on this node, by chat type (`C2C`, `Group`). */
  readonly archivedMessages: Counter<'chat_type'>;
  /** Chat-record files finalized (gzipped and catalogued) on this node, by chat type. */
  readonly archiveFiles: Counter<'chat_type'>;
  /** Start of the newest hour this node finalized a chat-record file for, Unix seconds (0 = none yet). */
  readonly archiveLastFinalizedHour: Gauge;
  /** Offline-push jobs planned by this node's dispatcher, by provider (`apns`, `fcm`, `webpush`). */
  readonly pushPlanned: Counter<'provider'>;
  /** Offline pushes the provider accepted, by provider. */
  readonly pushSent: Counter<'provider'>;
  /** Offline pushes not sent, by provider, what was done (`drop-token`, `retry`, `drop-message`, `fix-config`, `skipped`, `expired`) and the provider's reason. */
  readonly pushFailed: Counter<'provider' | 'action' | 'reason'>;
  /** One accepted push from request to the provider's answer, seconds. */
  readonly pushLatency: Histogram<'provider'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_process_' });
  const reg = { registers: [registry] };
  return {
    registry,
    entriesStored: new Counter({ name: 'parley_entries_stored_total', help: 'Entries committed to streams', labelNames: ['kind'], ...reg }),
    deliveries: new Counter({ name: 'parley_deliveries_total', help: 'Events pushed to connected devices', ...reg }),
    storeAppend: new Histogram({ name: 'parley_store_append_seconds', help: 'Commit of one batch of appends', buckets: LATENCY_BUCKETS, ...reg }),
    batchSize: new Histogram({ name: 'parley_store_batch_entries', help: 'Entries per committed batch', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], ...reg }),
    sendDuration: new Histogram({ name: 'parley_send_seconds', help: 'Send from request to acknowledgement', labelNames: ['path', 'transport'], buckets: LATENCY_BUCKETS, ...reg }),
    restDuration: new Histogram({ name: 'parley_rest_seconds', help: 'REST command duration', labelNames: ['command', 'code'], buckets: LATENCY_BUCKETS, ...reg }),
    clientRefused: new Counter({ name: 'parley_client_refused_total', help: 'Client operations refused by flood control', ...reg }),
    restRefused: new Counter({ name: 'parley_rest_refused_total', help: 'REST calls refused over a rate limit', labelNames: ['command', 'limit'], ...reg }),
    clientOpDuration: new Histogram({ name: 'parley_client_op_seconds', help: 'Client operation duration', labelNames: ['op', 'code'], buckets: LATENCY_BUCKETS, ...reg }),
    actorsActive: new Gauge({ name: 'parley_actors_active', help: 'Active actors on this node', labelNames: ['type'], ...reg }),
    connections: new Gauge({ name: 'parley_connections', help: 'Connected devices on this node', ...reg }),
    busMessages: new Counter({ name: 'parley_bus_messages_total', help: 'Messages published on the node bus', labelNames: ['type'], ...reg }),
    archiveLag: new Gauge({ name: 'parley_archive_lag_events', help: 'Events not yet committed by the chat-record archiver', ...reg }),
    archivedMessages: new Counter({ name: 'parley_archive_messages_total', help: 'Messages written to chat-record files', labelNames: ['chat_type'], ...reg }),
    archiveFiles: new Counter({ name: 'parley_archive_files_total', help: 'Chat-record files finalized', labelNames: ['chat_type'], ...reg }),
    pushPlanned: new Counter({ name: 'parley_push_planned_total', help: 'Offline-push jobs planned', labelNames: ['provider'], ...reg }),
    pushSent: new Counter({ name: 'parley_push_sent_total', help: 'Offline pushes accepted by their provider', labelNames: ['provider'], ...reg }),
    pushFailed: new Counter({ name: 'parley_push_failed_total', help: 'Offline pushes not sent', labelNames: ['provider', 'action', 'reason'], ...reg }),
    pushLatency: new Histogram({ name: 'parley_push_seconds', help: 'Offline push request to provider answer', labelNames: ['provider'], buckets: LATENCY_BUCKETS, ...reg }),
    archiveLastFinalizedHour: new Gauge({ name: 'parley_archive_last_finalized_hour_seconds', help: 'Start of the newest finalized chat-record hour, Unix seconds', ...reg }),
  };
}

/** Seconds since `start` (a `performance.now()` reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
