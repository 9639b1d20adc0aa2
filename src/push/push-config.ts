/**
 * The offline-push part of the configuration (config.ts reads the environment and hands the parsed
 * values here): which providers are on and their credentials. Credentials come from a variable or
 * from a file a variable names (`…_FILE`); they are never logged. Push is off unless at least one
 * provider is configured; a provider half-configured is an error at start, not a silent skip.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();
const url = z.string().regex(/^https?:\/\/[^\s/]+(:\d+)?\/?$/, 'must be an https:// origin (scheme, host and port only)');

export const pushEnv = {
  /** How long after its message a push is still worth sending, seconds (providers keep it this long too). */
  PARLEY_PUSH_TTL_S: positiveInt.default(86_400),
  PARLEY_PUSH_RETRIES: z.coerce.number().int().min(0).max(20).default(5),
  /** A PEM file of extra certificate authorities trusted for provider connections (private deployments, tests). */
  PARLEY_PUSH_CA_FILE: z.string().optional(),
  PARLEY_APNS_KEY: z.string().optional(),
  PARLEY_APNS_KEY_FILE: z.string().optional(),
  PARLEY_APNS_KEY_ID: z.string().regex(/^[A-Z0-9]{10}$/, 'must be the 10-character Key ID').optional(),
  PARLEY_APNS_TEAM_ID: z.string().regex(/^[A-Z0-9]{10}$/, 'must be the 10-character Team ID').optional(),
  PARLEY_APNS_URL: url.default('https://api.push.apple.com'),
  PARLEY_APNS_SANDBOX_URL: url.default('https://api.sandbox.push.apple.com'),
  PARLEY_FCM_SERVICE_ACCOUNT: z.string().optional(),
  PARLEY_FCM_SERVICE_ACCOUNT_FILE: z.string().optional(),
  PARLEY_FCM_URL: url.default('https://fcm.googleapis.com'),
  PARLEY_VAPID_PUBLIC_KEY: z.string().optional(),
  PARLEY_VAPID_PRIVATE_KEY: z.string().optional(),
  PARLEY_VAPID_PRIVATE_KEY_FILE: z.string().optional(),
  PARLEY_VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)\S+$/, 'must be a mailto: or https:// contact').optional(),
};

type PushEnv = z.output<z.ZodObject<typeof pushEnv>>;

export interface PushConfig {
  readonly ttlS: number;
  readonly retries: number;
  /** Extra trusted CAs (PEM), for providers' TLS. */
  readonly ca?: string;
  readonly apns?: { readonly keyPem: string; readonly keyId: string; readonly teamId: string; readonly endpoints: { readonly production: string; readonly sandbox: string } };
  /** The service account JSON as Google issues it (project_id, client_email, private_key, token_uri). */
  readonly fcm?: { readonly serviceAccountJson: string; readonly baseUrl: string };
  readonly webpush?: { readonly subject: string; readonly publicKey: string; readonly privateKey: string };
}

/** The push configuration, undefined when no provider is set; a list of problems when one is half set. */
export function pushConfigOf(e: PushEnv): { config?: PushConfig; problems: string[] } {
  const problems: string[] = [];
  const read = (fileName: keyof PushEnv): string | undefined => {
    const file = e[fileName] as string | undefined;
    if (file === undefined) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      problems.push(`${fileName}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      return undefined;
    }
  };
  const secret = (name: keyof PushEnv, fileName: keyof PushEnv): string | undefined => {
    const inline = e[name] as string | undefined;
    if (inline !== undefined && e[fileName] !== undefined) problems.push(`${name} and ${fileName}: set one, not both`);
    return inline ?? read(fileName);
  };
  const need = (what: string, values: Record<string, unknown>): boolean => {
    const missing = Object.entries(values).filter(([, v]) => v === undefined).map(([k]) => k);
    if (missing.length > 0 && missing.length < Object.keys(values).length) problems.push(`${what} needs ${missing.join(', ')} too`);
    return missing.length === 0;
  };
  const apnsKey = secret('PARLEY_APNS_KEY', 'PARLEY_APNS_KEY_FILE');
  const apns = need('APNs', { 'PARLEY_APNS_KEY(_FILE)': apnsKey, PARLEY_APNS_KEY_ID: e.PARLEY_APNS_KEY_ID, PARLEY_APNS_TEAM_ID: e.PARLEY_APNS_TEAM_ID })
    ? { keyPem: apnsKey!, keyId: e.PARLEY_APNS_KEY_ID!, teamId: e.PARLEY_APNS_TEAM_ID!, endpoints: { production: e.PARLEY_APNS_URL, sandbox: e.PARLEY_APNS_SANDBOX_URL } }
    : undefined;
  const account = secret('PARLEY_FCM_SERVICE_ACCOUNT', 'PARLEY_FCM_SERVICE_ACCOUNT_FILE');
  const fcm = account !== undefined ? { serviceAccountJson: account, baseUrl: e.PARLEY_FCM_URL } : undefined;
  const vapidKey = secret('PARLEY_VAPID_PRIVATE_KEY', 'PARLEY_VAPID_PRIVATE_KEY_FILE');
  const webpush = need('Web Push', { PARLEY_VAPID_PUBLIC_KEY: e.PARLEY_VAPID_PUBLIC_KEY, 'PARLEY_VAPID_PRIVATE_KEY(_FILE)': vapidKey, PARLEY_VAPID_SUBJECT: e.PARLEY_VAPID_SUBJECT })
    ? { subject: e.PARLEY_VAPID_SUBJECT!, publicKey: e.PARLEY_VAPID_PUBLIC_KEY!, privateKey: vapidKey!.trim() }
    : undefined;
  const ca = read('PARLEY_PUSH_CA_FILE');
  if (!apns && !fcm && !webpush) return { problems };
  return { config: { ttlS: e.PARLEY_PUSH_TTL_S, retries: e.PARLEY_PUSH_RETRIES, ...(ca ? { ca } : {}), ...(apns ? { apns } : {}), ...(fcm ? { fcm } : {}), ...(webpush ? { webpush } : {}) }, problems };
}
