/** The one mapping from a thrown error to the client RPC error: catalogue errors pass, anything else is internal. */
import type { Logger } from 'pino';
import { type WireError, errors, isImError } from '../../src/protocol/errors.ts';

export function toRpcError(e: unknown, log: Logger, op: string): WireError {
  if (isImError(e)) return { code: e.code, info: e.info };
  log.error({ err: e, op }, 'client operation failed');
  return { code: errors.C2CInternal.code, info: 'internal error' };
}
