/**
 * Which real back ends the tests can use. Service-backed tests run when the service's env var is set
 * (the service scripts export them: `eval "$(scripts/services/services.sh env)"`); otherwise they are
 * skipped with the printed reason — unless PARLEY_REQUIRE_SERVICES=1 (set by .ci/run), which turns
 * every such skip into a failure.
 */
export type Service = 'cassandra' | 'kafka' | 'redis';

const VARS: Record<Service, string> = {
  cassandra: 'CASSANDRA_CONTACT_POINTS',
  kafka: 'KAFKA_BROKERS',
  redis: 'REDIS_URL',
};

const required = process.env.PARLEY_REQUIRE_SERVICES === '1';

/** undefined when the service is configured; otherwise why the tests that need it cannot run. */
export function unavailable(service: Service): string | undefined {
  if (process.env[VARS[service]]) return undefined;
  const reason = `${VARS[service]} is not set (start the services: npm run services:up, then eval "$(scripts/services/services.sh env)")`;
  if (required) throw new Error(`PARLEY_REQUIRE_SERVICES=1 but ${service} is not available: ${reason}`);
  process.stdout.write(`skipping ${service}-backed tests: ${reason}\n`);
  return reason;
}

let keyspaceCounter = 0;

/** A keyspace name unique to this test process and call, so suites never see each other's data. */
export function freshKeyspace(prefix = 'parley_test'): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${keyspaceCounter++}`;
}

/** Env for a Parley server on Cassandra with a fresh keyspace. */
export function cassandraEnv(): Record<string, string> {
  return {
    CASSANDRA_CONTACT_POINTS: process.env.CASSANDRA_CONTACT_POINTS ?? '',
    CASSANDRA_LOCAL_DC: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1',
    CASSANDRA_KEYSPACE: freshKeyspace(),
    CASSANDRA_CONSISTENCY: 'LOCAL_QUORUM',
  };
}

export type StoreMode = 'sqlite' | 'cassandra';

/** The store modes end-to-end suites run in: SQLite always, Cassandra when it is available. */
export function storeModes(): StoreMode[] {
  return unavailable('cassandra') === undefined ? ['sqlite', 'cassandra'] : ['sqlite'];
}

export function storeEnv(mode: StoreMode): Record<string, string> {
  return mode === 'cassandra' ? cassandraEnv() : {};
}

/** Drops a keyspace the tests created (Cassandra keeps memtables per table, so keyspaces are not left behind). */
export async function dropKeyspace(keyspace: string): Promise<void> {
  if (!keyspace.startsWith('parley_test_') && !keyspace.startsWith('parley_contract_')) return;
  const { default: cassandra } = await import('cassandra-driver');
  const client = new cassandra.Client({
    contactPoints: (process.env.CASSANDRA_CONTACT_POINTS ?? '').split(','),
    localDataCenter: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1',
    protocolOptions: { maxVersion: 4 },
  });
  try {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  } finally {
    await client.shutdown();
  }
}
