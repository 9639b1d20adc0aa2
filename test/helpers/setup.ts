// Every test file may use the real client SDK on Node 20: install the global WebSocket first.
import '../../src/shims/node-websocket.ts';
