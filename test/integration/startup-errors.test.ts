import { describe, expect, it } from 'vitest';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { cassandraEnv, unavailable } from '../helpers/services.ts';

/** Starting must fail with a message naming the dependency, not hang: the test's own timeout bounds it. */
async function startFailure(env: Record<string, string>): Promise<string> {
  try {
    const p = await ParleyProcess.start({ env: { PARLEY_CONNECT_TIMEOUT_S: '3', ...env } });
    await p.stop();
    return 'started';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('start-up with bad configuration', () => {
  it('names every invalid variable', async () => {
    const out = await startFailure({ PARLEY_PORT: 'eighty', PARLEY_SQLITE_SYNC: 'SOMETIMES' });
    expect(out).toContain('cannot start: invalid configuration');
    expect(out).toContain('PARLEY_PORT');
    expect(out).toContain('PARLEY_SQLITE_SYNC');
  });

  it('fails with a clear message when Cassandra does not answer', async () => {
    expect(await startFailure({ CASSANDRA_CONTACT_POINTS: '127.0.0.1:1' })).toMatch(/cannot start: Cassandra at 127\.0\.0\.1:1/);
  });

  it('refuses a malformed keyspace name before connecting', async () => {
    expect(await startFailure({ CASSANDRA_CONTACT_POINTS: '127.0.0.1:1', CASSANDRA_KEYSPACE: 'bad-name' })).toMatch(/CASSANDRA_KEYSPACE "bad-name" is not a valid keyspace name/);
  });

  it('fails with a clear message when Kafka does not answer', async () => {
    expect(await startFailure({ KAFKA_BROKERS: '127.0.0.1:1' })).toMatch(/cannot start: Kafka at 127\.0\.0\.1:1/);
  });

  it('refuses Redis (a cluster) without the shared Cassandra store', async () => {
    expect(await startFailure({ REDIS_URL: 'redis://127.0.0.1:1' })).toMatch(/REDIS_URL makes this node part of a cluster, which needs the shared Cassandra store/);
  });

  it.skipIf(unavailable('cassandra') !== undefined)('fails with a clear message when Redis does not answer', async () => {
    expect(await startFailure({ ...cassandraEnv(), REDIS_URL: 'redis://127.0.0.1:1' })).toMatch(/cannot start: Redis at redis:\/\/127\.0\.0\.1:1/);
  });
});
