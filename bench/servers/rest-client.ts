/**
 * Tencent-style REST calls (`POST /v4/<service>/<command>?sdkappid=…`) over keep-alive HTTP, as an
 * app server would make them: one admin UserSig signed once and reused, a bounded socket pool.
 */
import { Agent, request } from 'node:http';
import { signUserSig } from '../../src/auth/user-sig.ts';
import type { AppIdentity } from './server-process.ts';

export interface RestAnswer {
  readonly ActionStatus: string;
  readonly ErrorCode: number;
  readonly ErrorInfo: string;
  readonly [field: string]: unknown;
}

export const ADMIN = 'administrator';

export class RestClient {
  readonly #host: string;
  readonly #port: number;
  readonly #agent: Agent;
  readonly #query: string;

  /** `sockets` bounds the connections kept to the server; further requests queue in the agent. */
  constructor(baseUrl: string, identity: AppIdentity, sockets = 16) {
    const u = new URL(baseUrl);
    this.#host = u.hostname;
    this.#port = Number(u.port);
    this.#agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
    const sig = signUserSig({ sdkAppId: identity.sdkAppId, key: identity.secretKey, identifier: ADMIN });
    this.#query = `sdkappid=${identity.sdkAppId}&identifier=${ADMIN}&usersig=${encodeURIComponent(sig)}&contenttype=json`;
  }

  /** Calls `v4/<path>` as the admin; rejects only on transport errors (Tencent errors are answers). */
  call(path: string, body: unknown): Promise<RestAnswer> {
    const payload = JSON.stringify(body);
    const random = (Math.random() * 0xffffffff) >>> 0;
    return new Promise<RestAnswer>((resolve, reject) => {
      const req = request(
        {
          host: this.#host,
          port: this.#port,
          method: 'POST',
          path: `/v4/${path}?${this.#query}&random=${random}`,
          agent: this.#agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as RestAnswer);
            } catch (e) {
              reject(e instanceof Error ? e : new Error(String(e)));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Calls and throws unless the answer is OK. */
  async ok(path: string, body: unknown): Promise<RestAnswer> {
    const r = await this.call(path, body);
    if (r.ErrorCode !== 0) throw new Error(`${path} failed: ${r.ErrorCode} ${r.ErrorInfo}`);
    return r;
  }

  close(): void {
    this.#agent.destroy();
  }
}
