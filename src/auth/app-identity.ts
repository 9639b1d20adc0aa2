/**
 * The app's identity: SDKAppID, secret key and admin accounts. Values fixed by config win; missing
 * ones are generated on first start and kept in `<dataDir>/app-identity.json` (mode 0600), so a
 * restarted server keeps accepting the UserSigs it issued. The key is never logged.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AppIdentity {
  readonly sdkAppId: number;
  readonly secretKey: string;
  readonly admins: ReadonlySet<string>;
}

export interface AppIdentityConfig {
  readonly dataDir: string;
  readonly sdkAppId?: number;
  readonly secretKey?: string;
  readonly admins: readonly string[];
}

interface StoredIdentity {
  sdkAppId: number;
  secretKey: string;
}

export function identityFile(dataDir: string): string {
  return join(dataDir, 'app-identity.json');
}

export function loadAppIdentity(cfg: AppIdentityConfig): AppIdentity {
  mkdirSync(cfg.dataDir, { recursive: true });
  const file = identityFile(cfg.dataDir);
  const stored: Partial<StoredIdentity> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const kept: Partial<StoredIdentity> = { ...stored };
  if (cfg.sdkAppId === undefined) kept.sdkAppId ??= randomInt(1_400_000_000, 1_499_999_999);
  if (cfg.secretKey === undefined) kept.secretKey ??= randomBytes(32).toString('hex');
  if (kept.sdkAppId !== stored.sdkAppId || kept.secretKey !== stored.secretKey) {
    writeFileSync(file, JSON.stringify(kept, null, 2), { mode: 0o600 });
  }
  const identity: StoredIdentity = {
    sdkAppId: cfg.sdkAppId ?? (kept.sdkAppId as number),
    secretKey: cfg.secretKey ?? (kept.secretKey as string),
  };
  return { ...identity, admins: new Set(cfg.admins) };
}
