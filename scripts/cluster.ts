/**
 * `npm run cluster -- --nodes 3 [--base-port 2567]`: a local Parley cluster on loopback. Brings the
 * services up (Cassandra, Redis, Kafka — scripts/services), then starts N nodes on consecutive
 * ports sharing one app identity (kept in .run/cluster/identity.json), each with its public
 * address. Ctrl-C stops the nodes gracefully; `npm run services:down` stops the services.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const RUN = join(ROOT, '.run', 'cluster');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} takes a positive integer`);
  return v;
}

/** The env lines `services.sh env` prints, as an object. */
function servicesEnv(): Record<string, string> {
  const script = join(ROOT, 'scripts', 'services', 'services.sh');
  execFileSync(script, ['up'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const out = execFileSync(script, ['env'], { encoding: 'utf8' });
  return Object.fromEntries([...out.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2].replace(/^['"]|['"]$/g, '')]));
}

function identity(): { PARLEY_SDKAPPID: string; PARLEY_SECRET_KEY: string } {
  mkdirSync(RUN, { recursive: true });
  const file = join(RUN, 'identity.json');
  if (!existsSync(file)) {
    const id = { PARLEY_SDKAPPID: String(randomInt(1_400_000_000, 1_499_999_999)), PARLEY_SECRET_KEY: randomBytes(32).toString('hex') };
    writeFileSync(file, JSON.stringify(id, null, 2), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as { PARLEY_SDKAPPID: string; PARLEY_SECRET_KEY: string };
}

function main(): void {
  const nodes = option('nodes', 3);
  const basePort = option('base-port', 2567);
  const services = servicesEnv();
  const shared = { ...services, ...identity(), CASSANDRA_KEYSPACE: 'parley_local', PARLEY_CLUSTER_NAME: 'local' };
  const children: ChildProcess[] = [];
  for (let i = 0; i < nodes; i++) {
    const port = basePort + i;
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...shared, PARLEY_PORT: String(port), PARLEY_PUBLIC_ADDRESS: `127.0.0.1:${port}`, PARLEY_DATA_DIR: join(RUN, `node-${i + 1}`) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const prefix = `[node-${i + 1} :${port}] `;
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (d: Buffer) => process.stdout.write(d.toString().replace(/^(?=.)/gm, prefix)));
    }
    child.on('exit', (code, signal) => process.stdout.write(`${prefix}exited (${signal ?? code})\n`));
    children.push(child);
  }
  process.stdout.write(`cluster of ${nodes} nodes on ports ${basePort}..${basePort + nodes - 1}; Ctrl-C stops them\n`);
  const stop = (): void => {
    for (const c of children) c.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main();
