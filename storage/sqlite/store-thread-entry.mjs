// Entry of the store thread (store-thread.ts). A worker does not inherit the TypeScript loader when
// its parent runs under vitest rather than tsx, so it registers tsx itself before importing.
import { register } from 'tsx/esm/api';

register();
await import('./store-thread.ts');
