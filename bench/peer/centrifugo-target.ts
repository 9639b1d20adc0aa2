/**
 * The peer target: Centrifugo (a Go pub/sub server) measured by the same driver. Clients speak its
 * bidirectional JSON protocol over WebSocket (connect with an HS256 JWT, subscribe to the group's
 * channel, answer the server's empty-object pings); senders publish through its HTTP API, as an app
 * backend does. Only the group fan-out shape has a counterpart there.
 */
import { createHmac } from 'node:crypto';
import type { Target } from '../driver/target.ts';
import type { TargetSpec } from '../driver/protocol.ts';

/** A channel name without ':' (Centrifugo's namespace separator). */
export const channelOf = (groupId: string): string => `fanout_${groupId.replace(/[^A-Za-z0-9_-]/g, '_')}`;

const b64url = (s: string | Buffer): string => Buffer.from(s).toString('base64url');

/** A connection token: HS256 JWT with `sub` = the user. */
export function connectionToken(user: string, secret: string): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ sub: user }));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

interface Reply {
  readonly id?: number;
  readonly error?: { readonly code: number; readonly message: string };
  readonly push?: { readonly channel: string; readonly pub?: { readonly data?: { readonly data?: string } } };
}

export function centrifugoTarget(spec: TargetSpec): Target {
  const wsUrl = `${spec.endpoint.replace(/^http/, 'ws')}/connection/websocket`;
  const secret = spec.identity.secretKey;
  return {
    async login(user, role, sink) {
      if (role.kind !== 'group') throw new Error('the Centrifugo target runs the group fan-out only');
      const channel = channelOf(role.groupId);
      const ws = new WebSocket(wsUrl);
      const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
      ws.onmessage = (m: MessageEvent) => {
        // Several replies may share one frame, one JSON object per line; `{}` is a ping.
        for (const line of String(m.data).split('\n')) {
          if (line === '') continue;
          const r = JSON.parse(line) as Reply;
          if (r.push?.pub) sink({ device: user, stream: r.push.channel, seq: 0, data: r.push.pub.data?.data, from: undefined });
          else if (r.id !== undefined) {
            const w = waiting.get(r.id);
            waiting.delete(r.id);
            if (r.error) w?.reject(new Error(`centrifugo ${r.error.code}: ${r.error.message}`));
            else w?.resolve();
          } else if (line === '{}') ws.send('{}');
        }
      };
      await new Promise<void>((resolve, reject) => {
        ws.onopen = () => resolve();
        ws.onerror = () => reject(new Error(`centrifugo: cannot connect to ${wsUrl}`));
      });
      // A closed connection answers nothing more: fail what still waits for an answer.
      ws.onclose = (e: { readonly code: number; readonly reason: string }) => {
        for (const w of waiting.values()) w.reject(new Error(`centrifugo closed the connection: ${e.code} ${e.reason}`));
        waiting.clear();
      };
      let nextId = 0;
      const command = (body: Record<string, unknown>): Promise<void> =>
        new Promise((resolve, reject) => {
          const id = ++nextId;
          waiting.set(id, { resolve, reject });
          ws.send(JSON.stringify({ id, ...body }));
        });
      await command({ connect: { token: connectionToken(user, secret), name: 'parley-bench' } });
      await command({ subscribe: { channel } });
      return {
        async send(data) {
          const res = await fetch(`${spec.endpoint}/api/publish`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': secret },
            body: JSON.stringify({ channel, data: { data } }),
          });
          const body = (await res.json()) as { error?: { code: number; message: string } };
          if (!res.ok || body.error) throw new Error(`centrifugo publish: ${res.status} ${body.error?.message ?? ''}`);
          return 0;
        },
        async close() {
          ws.close();
        },
      };
    },
    stream: (_user, role) => (role.kind === 'group' ? channelOf(role.groupId) : ''),
  };
}
