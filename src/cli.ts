/**
 * `npx parley <command>`: operator commands.
 *   usersig <userId> [--expire seconds]   prints a UserSig signed with this data dir's app key
 *   import <file|dir>… [--url] [--progress]  imports chat-record files (migration; src/migrate)
 */
import { loadAppIdentity } from './auth/app-identity.ts';
import { DEFAULT_EXPIRE_SECONDS, signUserSig } from './auth/user-sig.ts';
import { ConfigError, loadConfig } from './config.ts';
import { IMPORT_USAGE, importCommand } from './migrate/import-command.ts';

const USAGE = `usage: parley usersig <userId> [--expire seconds]\n       ${IMPORT_USAGE}\n`;

function usersig(args: string[]): void {
  const userId = args[0];
  if (!userId || userId.startsWith('--')) throw new ConfigError(USAGE.trimEnd());
  const i = args.indexOf('--expire');
  const expire = i >= 0 ? Number(args[i + 1]) : DEFAULT_EXPIRE_SECONDS;
  if (!Number.isInteger(expire) || expire <= 0) throw new ConfigError('--expire takes a positive number of seconds');
  const identity = loadAppIdentity(loadConfig().app);
  process.stdout.write(`${signUserSig({ sdkAppId: identity.sdkAppId, key: identity.secretKey, identifier: userId, expire })}\n`);
}

try {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'usersig') usersig(rest);
  else if (command === 'import') process.exitCode = await importCommand(rest);
  else {
    process.stderr.write(USAGE);
    process.exit(2);
  }
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
