/**
 * Node 20 has no global WebSocket and @colyseus/sdk reads `WebSocket.OPEN`; the bench's client
 * processes import this first. (Parley's SDK installs the same shim itself; the bench keeps its own
 * so it does not depend on where src/ keeps it.)
 */
import { WebSocket as NodeWebSocket } from 'ws';

const g = globalThis as { WebSocket?: unknown };
g.WebSocket ??= NodeWebSocket;
