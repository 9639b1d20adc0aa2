/**
 * Writes a run to bench/results: `<run>-<kind>.json`, `<run>-<kind>.md` and one SVG per plot
 * (`<run>-<kind>-<plot>.svg`), where kind is `full`, `quick` or `partial`. Only a run of record — a
 * full run of every scenario on both targets with default parameters on the embedded store — writes
 * `latest.md` and moves older full runs to `results/archive/` (ignored by git), so the committed
 * files are always the latest full run and a narrowed run never displaces it.
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
  const ofRecord = isOfRecord(r);
  const kind = ofRecord || r.meta.mode === 'quick' ? r.meta.mode : 'partial';
  const stem = `${r.meta.runId}-${kind}`;
  if (ofRecord) archiveOlderFullRuns(dir, r.meta.runId);
  const plots = plotsOf(r);
  const files = new Map(plots.map((p) => [p.name, `${stem}-${p.name}.svg`]));
  for (const p of plots) writeFileSync(join(dir, files.get(p.name)!), p.svg);
  writeFileSync(join(dir, `${stem}.json`), `${JSON.stringify(r, null, 1)}\n`);
  const md = markdownOf(r, plots, files);
  writeFileSync(join(dir, `${stem}.md`), md);
  if (ofRecord) writeFileSync(join(dir, 'latest.md'), md);
  return [`${stem}.json`, `${stem}.md`, ...(ofRecord ? ['latest.md'] : []), ...files.values()];
}

function isOfRecord(r: BenchResult): boolean {
  return r.meta.mode === 'full' && (r.meta.narrowedBy?.length ?? 0) === 0 && r.meta.store === 'sqlite';
}
