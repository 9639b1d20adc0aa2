// Every test file may use the real client SDK on Node 20: install the global WebSocket first.
import '../../src/shims/node-websocket.ts';
import { afterAll } from 'vitest';
import { killLeftoverServers } from './parley-process.ts';

// Registered first, so it runs after the file's own afterAll hooks (vitest runs them as a stack).
afterAll(killLeftoverServers);
