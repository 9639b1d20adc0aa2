/**
 * Parameters of the k6 scripts: the shared bench/scenarios.json (read by the entry script with
 * `open()` in the init context) overridden by environment variables (`k6 run -e NAME=value`).
 */
import { signUserSig } from './usersig.ts';

export interface RateParams {
  readonly startRate: number;
  readonly p99BoundMs: number;
}

/** The subset of bench/scenarios.json the k6 scripts use. */
export interface SharedScenarios {
  readonly payloadBytes: number;
  readonly knee: { readonly growth: number };
  readonly full: ModeBlock;
  readonly quick: ModeBlock;
}

interface ModeBlock {
  readonly stepSeconds: number;
  readonly maxSteps: number;
  readonly c2c: RateParams & { readonly users: number };
  readonly restSend: RateParams & { readonly receivers: number; readonly groupMembers: number };
}

export interface K6Params {
  readonly baseUrl: string;
  readonly sdkAppId: number;
  /** Signing key; empty when `ADMIN_SIG` is given instead (then only the admin can be used). */
  readonly secretKey: string;
  readonly adminSig: string;
  readonly admin: string;
  readonly prefix: string;
  /** `constant` (one rate with thresholds) or `knee` (rate ×growth per step, abort at the bound). */
  readonly profile: 'constant' | 'knee';
  readonly rate: number;
  readonly duration: string;
  readonly p99Ms: number;
  readonly payloadBytes: number;
  readonly growth: number;
  readonly stepSeconds: number;
  readonly maxSteps: number;
}

const env = (name: string, fallback: string): string => (__ENV[name] !== undefined && __ENV[name] !== '' ? __ENV[name] : fallback);

export function modeBlock(shared: SharedScenarios): ModeBlock {
  return env('MODE', 'full') === 'quick' ? shared.quick : shared.full;
}

export function loadParams(shared: SharedScenarios, scenario: RateParams): K6Params {
  const m = modeBlock(shared);
  const sdkAppId = Number(env('SDKAPPID', '0'));
  const secretKey = env('SECRET_KEY', '');
  const admin = env('ADMIN', 'administrator');
  if (!sdkAppId || (!secretKey && !__ENV.ADMIN_SIG)) throw new Error('set SDKAPPID and SECRET_KEY (or ADMIN_SIG)');
  return {
    baseUrl: env('BASE_URL', 'http://127.0.0.1:2567').replace(/\/$/, ''),
    sdkAppId,
    secretKey,
    adminSig: env('ADMIN_SIG', '') || signUserSig({ sdkAppId, key: secretKey, identifier: admin }),
    admin,
    prefix: env('PREFIX', 'k6_'),
    profile: env('PROFILE', 'constant') === 'knee' ? 'knee' : 'constant',
    rate: Number(env('RATE', String(scenario.startRate))),
    duration: env('DURATION', '60s'),
    p99Ms: Number(env('P99_MS', String(scenario.p99BoundMs))),
    payloadBytes: Number(env('PAYLOAD_BYTES', String(shared.payloadBytes))),
    growth: Number(env('GROWTH', String(shared.knee.growth))),
    stepSeconds: Number(env('STEP_SECONDS', String(m.stepSeconds))),
    maxSteps: Number(env('MAX_STEPS', String(m.maxSteps))),
  };
}

/** The bench payload: `k6|<vu>|<n>|<sent ms>|` padded to `bytes`, read back by receivers. */
export function payload(vu: number, n: number, bytes: number): string {
  const head = `k6|${vu}|${n}|${Date.now()}|`;
  return head.length >= bytes ? head : head + 'x'.repeat(bytes - head.length);
}

export function sentAt(data: unknown): number | undefined {
  if (typeof data !== 'string' || !data.startsWith('k6|')) return undefined;
  const parts = data.split('|');
  return Number(parts[3]);
}

/** Stages of a ramping-arrival-rate executor that grows the rate by `growth` per step. */
export function kneeStages(p: K6Params): { target: number; duration: string }[] {
  const stages: { target: number; duration: string }[] = [];
  let rate = p.rate;
  for (let i = 0; i < p.maxSteps; i++, rate *= p.growth) {
    stages.push({ target: Math.round(rate), duration: '1s' }, { target: Math.round(rate), duration: `${p.stepSeconds}s` });
  }
  return stages;
}
