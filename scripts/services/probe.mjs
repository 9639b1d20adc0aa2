#!/usr/bin/env node
// Readiness probes for the test services started by services.sh.
//
//   node probe.mjs cassandra|kafka|redis              one attempt; exit 0 = ready, 1 = not ready
//   node probe.mjs cassandra|kafka|redis --wait SECS [--pid PID]
//        retry until ready or SECS elapsed (exit 1); with --pid, give up at once when that
//        process (the server being waited for) has exited
//
// Endpoints come from the same variables the tests use (see `services.sh env`), defaulting to the
// ports services.sh starts the servers on. The client libraries are the project's own
// (node_modules of the repository root, found by Node's normal upward lookup).
import { readFileSync } from 'node:fs';
import cassandra from 'cassandra-driver';
import kafkajs from 'kafkajs';
import Redis from 'ioredis';

const { Kafka, logLevel } = kafkajs;

const CASSANDRA_CONTACT_POINTS = (process.env.CASSANDRA_CONTACT_POINTS ?? '127.0.0.1:9042').split(',');
const CASSANDRA_LOCAL_DC = process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1';
const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6380';

/** Rejects after ms, so a hung connect never blocks the loop. */
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function probeCassandra() {
  const client = new cassandra.Client({
    contactPoints: CASSANDRA_CONTACT_POINTS,
    localDataCenter: CASSANDRA_LOCAL_DC,
    // The driver speaks protocol <= v4 to Apache Cassandra; capping it skips the DSE-v2 probe.
    protocolOptions: { maxVersion: 4 },
    socketOptions: { connectTimeout: 5000, readTimeout: 15000 },
    // one attempt per probe: the retry loop lives in main()
    policies: { reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(60000) },
  });
  try {
    await withTimeout(client.connect(), 20000, 'cassandra connect');
    const rs = await withTimeout(
      client.execute('SELECT release_version FROM system.local'),
      20000,
      'cassandra query',
    );
    const version = rs.first()?.release_version;
    if (!version) throw new Error('system.local returned no release_version');
    return `Cassandra ${version} answers CQL`;
  } finally {
    await client.shutdown().catch(() => {});
  }
}

async function probeKafka() {
  const kafka = new Kafka({
    clientId: 'parley-services-probe',
    brokers: KAFKA_BROKERS,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5000,
    requestTimeout: 20000,
    retry: { retries: 2, initialRetryTime: 300 },
  });
  const admin = kafka.admin();
  try {
    await withTimeout(admin.connect(), 20000, 'kafka connect');
    const cluster = await withTimeout(admin.describeCluster(), 20000, 'kafka describeCluster');
    if (!cluster.brokers?.length) throw new Error('describeCluster returned no broker');
    // A broker that answers metadata may still have no active controller: creating a topic
    // (and waiting for its leader) proves the KRaft controller works too.
    const topic = `parley-probe-${process.pid}-${Date.now()}`;
    await withTimeout(
      admin.createTopics({
        topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
        waitForLeaders: true,
        timeout: 20000,
      }),
      30000,
      'kafka createTopics',
    );
    // Remove the probe topic so tests that list topics see only their own.
    await withTimeout(admin.deleteTopics({ topics: [topic], timeout: 20000 }), 30000, 'kafka deleteTopics');
    // Looking up a group's coordinator makes the broker create __consumer_offsets; until that
    // has a leader, consumers get GROUP_COORDINATOR_NOT_AVAILABLE. Doing it here means the
    // tests' first consumer group joins at once.
    await withTimeout(admin.describeGroups(['parley-probe']), 30000, 'kafka group coordinator');
    const ids = cluster.brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(',');
    return `Kafka brokers [${ids}] controller ${cluster.controller}; topic create/delete OK; group coordinator OK`;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function probeRedis() {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null, // one attempt per probe
    enableOfflineQueue: false,
  });
  let lastError;
  redis.on('error', (err) => {
    lastError = err; // reported through the rejected connect() below
  });
  try {
    await withTimeout(redis.connect(), 10000, 'redis connect').catch((err) => {
      throw lastError ?? err;
    });
    const pong = await withTimeout(redis.ping(), 10000, 'redis ping');
    if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    return `Redis ${version} answers PING with PONG`;
  } finally {
    redis.disconnect();
  }
}

const PROBES = { cassandra: probeCassandra, kafka: probeKafka, redis: probeRedis };

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  // a killed server stays a zombie until reaped, and kill(pid, 0) still succeeds on a zombie
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return true; // no /proc: trust kill(pid, 0)
  }
}

function parseArgs(argv) {
  const [name, ...rest] = argv;
  const opts = { name, waitSecs: 0, pid: 0 };
  for (let i = 0; i < rest.length; i += 2) {
    const value = Number(rest[i + 1]);
    if (!Number.isFinite(value) || value < 0) return null;
    if (rest[i] === '--wait') opts.waitSecs = value;
    else if (rest[i] === '--pid') opts.pid = value;
    else return null;
  }
  return PROBES[name] ? opts : null;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!opts) {
    console.error('usage: probe.mjs cassandra|kafka|redis [--wait SECONDS] [--pid PID]');
    return 2;
  }
  const { name, waitSecs, pid } = opts;
  const probe = PROBES[name];
  const start = Date.now();
  // services.sh passes the launch time, so that the report says how long the server took
  const since = Number(process.env.PROBE_T0_MS) || start;
  let lastReport = start;
  for (;;) {
    try {
      const msg = await probe();
      const took = ((Date.now() - since) / 1000).toFixed(1);
      const when = process.env.PROBE_T0_MS ? `${took}s after launch` : `waited ${took}s`;
      console.log(`[probe] ${name}: READY - ${msg}${waitSecs ? ` (${when})` : ''}`);
      return 0;
    } catch (err) {
      const elapsed = Date.now() - start;
      const reason = String(err?.message ?? err).split('\n')[0].slice(0, 200);
      if (pid && !isAlive(pid)) {
        console.log(`[probe] ${name}: NOT READY - server process ${pid} has exited`);
        return 1;
      }
      if (elapsed >= waitSecs * 1000) {
        console.log(`[probe] ${name}: NOT READY - ${reason}`);
        return 1;
      }
      if (Date.now() - lastReport >= 15000) {
        console.log(`[probe] ${name}: still waiting (${Math.round(elapsed / 1000)}s): ${reason}`);
        lastReport = Date.now();
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

process.exitCode = await main();
// kafkajs/cassandra-driver may leave timers behind; don't let them hold the process.
process.exit(process.exitCode);
