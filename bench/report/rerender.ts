/**
 * `tsx bench/report/rerender.ts bench/results/<run>-<mode>.json`: rewrites a run's Markdown, plots
 * and latest.md from its JSON after the report code changed, re-summarising the CPU profiles from
 * their `.cpuprofile` files when those are still on disk.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type CpuProfile, summarizeProfile } from '../profile/cpu-profile.ts';
import { type BenchResult, ran } from './result.ts';
import { writeResults } from './write-results.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function resummarize<T extends { file: string; summary: unknown }>(p: T | undefined): void {
  if (!p || !existsSync(p.file)) return;
  (p as Mutable<T>).summary = summarizeProfile(JSON.parse(readFileSync(p.file, 'utf8')) as CpuProfile);
}

const file = process.argv[2];
if (!file) throw new Error('usage: tsx bench/report/rerender.ts <results json>');
const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
for (const s of Object.values(result.rate)) resummarize(ran(s?.parley)?.profile);
for (const p of ran(result.connect?.parley)?.profiles ?? []) resummarize(p);
process.stdout.write(`rewrote ${writeResults(dirname(file), result).join(', ')}\n`);
