/**
 * What the side benchmarks (`bench:cluster`, `bench:events`) share: a free loopback port, their
 * results (`<kind>-<time>.json` and `<kind>-latest.md` in bench/results), and the process exit.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../servers/server-process.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Writes the run's JSON and Markdown, and prints the Markdown. */
export function writeSideRun(kind: string, time: string, result: unknown, md: string): void {
  const dir = join(ROOT, 'bench', 'results');
  const stamp = time.replace(/[-:]/g, '').slice(0, 15);
  writeFileSync(join(dir, `${kind}-${stamp}.json`), JSON.stringify(result, null, 2));
  writeFileSync(join(dir, `${kind}-latest.md`), md);
  process.stdout.write(md);
}

/** Runs `main` and exits: 0 when it resolves, 1 with the error printed when it throws. */
export function runToExit(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
