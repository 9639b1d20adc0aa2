/** The one mapping from a thrown error to Tencent's REST envelope: catalogue errors pass, anything else is the service's internal error. */
import type { Logger } from 'pino';
import { type ErrorName, errors, isImError } from '../protocol/errors.ts';

export interface FailEnvelope {
  readonly ActionStatus: 'FAIL';
  readonly ErrorCode: number;
  readonly ErrorInfo: string;
}

export function toRestError(e: unknown, internal: ErrorName, log: Logger, where: string): FailEnvelope {
  if (isImError(e)) return { ActionStatus: 'FAIL', ErrorCode: e.code, ErrorInfo: e.info };
  log.error({ err: e, where }, 'REST command failed');
  return { ActionStatus: 'FAIL', ErrorCode: errors[internal].code, ErrorInfo: errors[internal].message };
}
