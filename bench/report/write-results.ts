/**
 * Writes a run to bench/results: `<run>-<mode>.json`, `<run>-<mode>.md`, one SVG per plot
 * (`<run>-<mode>-<plot>.svg`) and `latest.md`. After a full run, the files of older full runs move
 * to `results/archive/` (ignored by git), so the committed files are always the latest full run.
 */
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownOf } from './markdown.ts';
import { plotsOf } from './plots.ts';
import type { BenchResult } from './result.ts';

function archiveOlderFullRuns(dir: string, runId: string): void {
  const archive = join(dir, 'archive');
  for (const f of readdirSync(dir)) {
    if (/^\d{8}-\d{6}-full[.-]/.test(f) && !f.startsWith(runId)) {
      mkdirSync(archive, { recursive: true });
      renameSync(join(dir, f), join(archive, f));
    }
  }
}

/** Writes every file of the run; returns their paths relative to `dir`. */
export function writeResults(dir: string, r: BenchResult): string[] {
  mkdirSync(dir, { recursive: true });
  const stem = `${r.meta.runId}-${r.meta.mode}`;
  if (r.meta.mode === 'full') archiveOlderFullRuns(dir, r.meta.runId);
  const plots = plotsOf(r);
  const files = new Map(plots.map((p) => [p.name, `${stem}-${p.name}.svg`]));
  for (const p of plots) writeFileSync(join(dir, files.get(p.name)!), p.svg);
  writeFileSync(join(dir, `${stem}.json`), `${JSON.stringify(r, null, 1)}\n`);
  const md = markdownOf(r, plots, files);
  writeFileSync(join(dir, `${stem}.md`), md);
  writeFileSync(join(dir, 'latest.md'), md);
  return [`${stem}.json`, `${stem}.md`, 'latest.md', ...files.values()];
}
