/** What the Cassandra adapters share: number conversion and prepared execution with Parley's options. */
import cassandra from 'cassandra-driver';

export type CqlClient = cassandra.Client;
export type Row = cassandra.types.Row;

/** A bigint/int column as a JS number (the driver returns bigint as Long). */
export function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return (v as cassandra.types.Long).toNumber();
}

/** A bigint column exactly (a partition token, say, beyond a JS number's 2^53); pass it back as its decimal string. */
export function big(v: unknown): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'bigint') return v;
  return BigInt(String(v));
}

export interface CqlOptions {
  readonly keyspace: string;
  readonly consistency: number;
  readonly serialConsistency: number;
}

/** The client with Parley's keyspace and consistency: what every Cassandra adapter executes through. */
export class Cql {
  constructor(
    readonly client: CqlClient,
    readonly options: CqlOptions,
  ) {}

  get keyspace(): string {
    return this.options.keyspace;
  }

  /** Executes a prepared statement with the configured consistency. */
  run(query: string, params: unknown[], idempotent = false): Promise<cassandra.types.ResultSet> {
    const o = this.options;
    return this.client.execute(query, params, { prepare: true, consistency: o.consistency, serialConsistency: o.serialConsistency, isIdempotent: idempotent });
  }

  /** Reads at the serial consistency: completes (or voids) any Paxos round in flight on the row first. */
  readSerial(query: string, params: unknown[]): Promise<cassandra.types.ResultSet> {
    return this.client.execute(query, params, { prepare: true, consistency: this.options.serialConsistency, isIdempotent: true });
  }

  /** A query whose result is iterated page by page (`fetchSize` rows a page, 1,000 unless told). */
  paged(query: string, params: unknown[], fetchSize = 1000): Promise<AsyncIterable<Row>> {
    return this.client.execute(query, params, { prepare: true, consistency: this.options.consistency, fetchSize });
  }
}

/**
 * Whether `e` is a conditional write (LWT) that timed out in its Paxos round: it may or may not
 * have applied, and a serial read (`Cql.readSerial`) decides which.
 */
export function isCasTimeout(e: unknown): boolean {
  const err = e as { code?: number; writeType?: string };
  return err?.code === cassandra.types.responseErrorCodes.writeTimeout && err.writeType === 'CAS';
}

/** Whether a conditional (LWT) statement or batch applied. */
export function applied(rs: cassandra.types.ResultSet): boolean {
  return rs.wasApplied();
}
