/**
 * The cluster Store on Cassandra 5 (driver protocol v4). Opening connects (failing within the
 * connect timeout when nothing answers), applies schema.cql, and prepares statements on first use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import cassandra from 'cassandra-driver';
import type { Store } from '../store.ts';
import { CassandraArchiveCatalog } from './cassandra-archive-catalog.ts';
import { CassandraAccountStore } from './cassandra-account-store.ts';
import { CassandraGroupStore } from './cassandra-group-store.ts';
import { CassandraMessageLog } from './cassandra-message-log.ts';
import { CassandraRelationStore } from './cassandra-relation-store.ts';
import { CassandraReceiptStore } from './cassandra-receipt-store.ts';
import { CassandraPushDeviceStore } from './cassandra-push-device-store.ts';
import { CassandraStatusSubscriptionStore } from './cassandra-status-subscription-store.ts';
import { CassandraPushTargetStore } from './cassandra-push-target-store.ts';
import { Cql } from './cql.ts';

export interface CassandraStoreOptions {
  /** `host` or `host:port` entries. */
  readonly contactPoints: readonly string[];
  readonly localDataCenter: string;
  readonly keyspace: string;
  /** A CQL replication map, e.g. `{'class': 'SimpleStrategy', 'replication_factor': 1}`. */
  readonly replication: string;
  /** Consistency of reads and writes (`LOCAL_QUORUM` by default); LWTs use the matching serial level. */
  readonly consistency: 'ONE' | 'LOCAL_ONE' | 'QUORUM' | 'LOCAL_QUORUM' | 'ALL';
  readonly connectTimeoutMs?: number;
  readonly now?: () => number;
}

const CONSISTENCY: Record<CassandraStoreOptions['consistency'], number> = {
  ONE: cassandra.types.consistencies.one,
  LOCAL_ONE: cassandra.types.consistencies.localOne,
  QUORUM: cassandra.types.consistencies.quorum,
  LOCAL_QUORUM: cassandra.types.consistencies.localQuorum,
  ALL: cassandra.types.consistencies.all,
};

export class StoreUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** The statements of schema.cql for a keyspace and replication. */
export function schemaStatements(keyspace: string, replication: string): string[] {
  const text = readFileSync(join(import.meta.dirname, 'schema.cql'), 'utf8')
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join('\n');
  return text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => s.replaceAll('{keyspace}', keyspace).replaceAll('{replication}', replication));
}

export async function openCassandraStore(o: CassandraStoreOptions): Promise<Store> {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,47}$/.test(o.keyspace)) {
    throw new StoreUnavailableError(`CASSANDRA_KEYSPACE "${o.keyspace}" is not a valid keyspace name (letters, digits, _; starts with a letter; ≤ 48)`);
  }
  const timeout = o.connectTimeoutMs ?? 10_000;
  const client = new cassandra.Client({
    contactPoints: [...o.contactPoints],
    localDataCenter: o.localDataCenter,
    protocolOptions: { maxVersion: 4 },
    socketOptions: { connectTimeout: timeout, readTimeout: 15_000 },
    queryOptions: { consistency: CONSISTENCY[o.consistency] },
  });
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeout} ms`)), timeout).unref()),
    ]);
    for (const statement of schemaStatements(o.keyspace, o.replication)) await client.execute(statement);
  } catch (e) {
    await client.shutdown().catch(() => undefined);
    throw new StoreUnavailableError(`Cassandra at ${o.contactPoints.join(', ')} (dc ${o.localDataCenter}, keyspace ${o.keyspace}): ${e instanceof Error ? e.message : String(e)}`, e);
  }
  const local = o.consistency.startsWith('LOCAL');
  const cql = new Cql(client, {
    keyspace: o.keyspace,
    consistency: CONSISTENCY[o.consistency],
    serialConsistency: local ? cassandra.types.consistencies.localSerial : cassandra.types.consistencies.serial,
  });
  const now = o.now ?? Date.now;
  const messages = new CassandraMessageLog(cql, now);
  return {
    messages,
    accounts: new CassandraAccountStore(cql, messages, now),
    groups: new CassandraGroupStore(cql, messages),
    relations: new CassandraRelationStore(cql, messages),
    receipts: new CassandraReceiptStore(cql),
    pushDevices: new CassandraPushDeviceStore(cql),
    statusSubscriptions: new CassandraStatusSubscriptionStore(cql),
    pushTargets: new CassandraPushTargetStore(cql),
    archive: new CassandraArchiveCatalog(cql),
    async ping() {
      await client.execute('SELECT release_version FROM system.local');
    },
    async close() {
      await client.shutdown();
    },
  };
}
