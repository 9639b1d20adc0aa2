/**
 * Node 20 has no global WebSocket, and Colyseus reads `WebSocket.OPEN` when a session resumes — the
 * server (`Room._onJoin`) as well as the SDK. Importing this module first installs the `ws`
 * implementation as the global (Node 22+ and browsers already have one, and are left alone).
 */
import { WebSocket as NodeWebSocket } from 'ws';

const g = globalThis as { WebSocket?: unknown };
g.WebSocket ??= NodeWebSocket;
