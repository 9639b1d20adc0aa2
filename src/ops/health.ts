/**
 * `/health` and `/ready`. Health reports each dependency (store, Redis, Kafka) with its error;
 * ready is true once the server has started and until it begins to shut down, and only while every
 * dependency answers.
 */
import type express from 'express';

export interface DependencyCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects with the reason otherwise. */
  readonly check: () => Promise<void>;
}

export interface HealthReport {
  readonly status: 'ok' | 'fail';
  readonly checks: Record<string, 'ok' | string>;
  /** This node's id in the cluster (its Colyseus processId), so ops can tell which node answered. */
  readonly node?: string;
  /** The nodes this one sees alive, itself included. */
  readonly nodes?: readonly string[];
}

export async function healthReport(checks: readonly DependencyCheck[]): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async (c): Promise<[string, string]> => {
      try {
        await c.check();
        return [c.name, 'ok'];
      } catch (e) {
        return [c.name, e instanceof Error ? e.message : String(e)];
      }
    }),
  );
  return { status: results.every(([, r]) => r === 'ok') ? 'ok' : 'fail', checks: Object.fromEntries(results) };
}

/** Who this node is in its cluster, for the health report. */
export interface NodeIdentity {
  readonly node: string;
  readonly nodes: readonly string[];
}

/**
 * `features` reports optional parts that may fail without the node being unhealthy (offline-push
 * providers with bad credentials): shown on /health, never turning it 503.
 */
export function healthRoutes(app: express.Application, checks: readonly DependencyCheck[], accepting: () => boolean, identity: () => NodeIdentity, features: () => Record<string, unknown> = () => ({})): void {
  app.get('/health', (_req, res) => {
    void healthReport(checks).then((r) => res.status(r.status === 'ok' ? 200 : 503).json({ ...r, ...identity(), ...features() }));
  });
  app.get('/ready', (_req, res) => {
    if (!accepting()) {
      res.status(503).json({ ready: false, reason: 'shutting down' });
      return;
    }
    void healthReport(checks).then((r) => res.status(r.status === 'ok' ? 200 : 503).json({ ready: r.status === 'ok', checks: r.checks }));
  });
}
