/**
 * The `parley import <file|dir>… [--url URL] [--progress FILE]` command: finds the chat-record
 * files, signs an App admin UserSig with this data dir's app key (as `parley usersig` does), and
 * runs importHistory against the server at `--url` (default: this config's port on 127.0.0.1),
 * drawing its progress on stderr.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { loadAppIdentity } from '../auth/app-identity.ts';
import { signUserSig } from '../auth/user-sig.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { type AdminRest, type ImportProgress, importHistory } from './import-history.ts';

export const IMPORT_USAGE = 'parley import <file|dir>... [--url http://host:port] [--progress FILE]';

/** Files named directly, and the regular files of named directories (not hidden ones: progress files live there). */
async function expand(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    if ((await stat(p)).isDirectory()) {
      for (const name of (await readdir(p)).sort()) {
        if (!name.startsWith('.') && (await stat(join(p, name))).isFile()) out.push(join(p, name));
      }
    } else out.push(p);
  }
  return out;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new ConfigError(`${name} needs a value\nusage: ${IMPORT_USAGE}`);
  args.splice(i, 2);
  return v;
}

function adminRest(url: string): AdminRest {
  const config = loadConfig();
  const identity = loadAppIdentity(config.app);
  const identifier = config.app.admins[0];
  const usersig = signUserSig({ sdkAppId: identity.sdkAppId, key: identity.secretKey, identifier, expire: 86_400 });
  return async (path, body) => {
    const q = new URLSearchParams({ sdkappid: String(identity.sdkAppId), identifier, usersig, random: String(randomInt(0, 2 ** 32)), contenttype: 'json' });
    const res = await fetch(`${url}/v4/${path}?${q}`, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  };
}

const line = (p: ImportProgress): string => `files ${p.filesDone}/${p.files}, messages imported ${p.imported}, skipped ${p.skipped} (done before), failed ${p.failed}`;

export async function importCommand(argv: readonly string[]): Promise<number> {
  const args = [...argv];
  const url = option(args, '--url') ?? `http://127.0.0.1:${loadConfig().server.port}`;
  const progressFile = option(args, '--progress') ?? '.parley-import.json';
  if (args.length === 0 || args.some((a) => a.startsWith('--'))) throw new ConfigError(`usage: ${IMPORT_USAGE}`);
  const files = await expand(args);
  const tty = process.stderr.isTTY;
  const final = await importHistory({
    files,
    rest: adminRest(url),
    progressFile,
    // A terminal sees the figures move; a log gets the last line only.
    onProgress: (p) => void (tty && process.stderr.write(`\r${line(p)}`)),
  });
  process.stderr.write(`${tty ? '\r' : ''}${line(final)}\n`);
  if (final.failed > 0) process.stderr.write(`refused lines, with the server's codes: ${progressFile}.failed.jsonl\n`);
  return final.failed > 0 ? 1 : 0;
}
