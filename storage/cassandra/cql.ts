/** Small helpers shared by the Cassandra adapters: number conversion and prepared execution. */
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

export interface CqlOptions {
  readonly keyspace: string;
  readonly consistency: number;
  readonly serialConsistency: number;
}

/** Executes a prepared statement with the configured consistency. */
export async function run(client: CqlClient, o: CqlOptions, query: string, params: unknown[], idempotent = false): Promise<cassandra.types.ResultSet> {
  return client.execute(query, params, { prepare: true, consistency: o.consistency, serialConsistency: o.serialConsistency, isIdempotent: idempotent });
}

/** Whether a conditional (LWT) statement or batch applied. */
export function applied(rs: cassandra.types.ResultSet): boolean {
  return rs.wasApplied();
}
