/** A real app server on loopback for callback tests: records every callback and answers by rule. */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';

/** One callback as the app server saw it. */
export interface Hit {
  readonly command: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
  readonly at: number;
}

interface Reply {
  readonly status?: number;
  readonly json?: unknown;
  readonly delayMs?: number;
}

interface Rule {
  readonly match: (h: Hit) => boolean;
  readonly reply: Reply;
  /** How often the rule applies; unlimited when undefined. */
  left?: number;
}

export const OK = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' };
export const answer = (ErrorCode: number, ErrorInfo = '', more: Record<string, unknown> = {}) => ({ ActionStatus: ErrorCode === 0 ? 'OK' : 'FAIL', ErrorCode, ErrorInfo, ...more });

/** A real app server on loopback: records every callback and answers by the first matching rule (HTTP 200 OK otherwise). */
export class Webhook {
  readonly hits: Hit[] = [];
  readonly #rules: Rule[] = [];
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<Webhook> {
    const server = createServer();
    const hook = new Webhook(server);
    server.on('request', (req, res) => void hook.#handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return hook;
  }

  get url(): string {
    const { port } = this.#server.address() as { port: number };
    return `http://127.0.0.1:${port}/im/callback`;
  }

  on(match: (h: Hit) => boolean, reply: Reply, times?: number): void {
    this.#rules.push({ match, reply, left: times });
  }

  of(command: string, match: (h: Hit) => boolean = () => true): Hit[] {
    return this.hits.filter((h) => h.command === command && match(h));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const url = new URL(req.url ?? '/', 'http://x');
    const body = JSON.parse(raw) as Record<string, unknown>;
    const hit: Hit = { command: String(body.CallbackCommand), query: Object.fromEntries(url.searchParams), body, at: Date.now() };
    this.hits.push(hit);
    const rule = this.#rules.find((r) => (r.left === undefined || r.left > 0) && r.match(hit));
    if (rule?.left !== undefined) rule.left--;
    const reply = rule?.reply ?? {};
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.json ?? OK));
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((r) => this.#server.close(r));
  }
}

