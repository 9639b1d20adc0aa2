/** The app's message controls built from configuration: the group rate and the dirty-word filter (its list read once, at start). */
import { readFile } from 'node:fs/promises';
import type { Config } from '../config.ts';
import type { Moderation } from './context.ts';
import { WordFilter } from './word-filter.ts';

/** One word per line of `file` (blank lines and lines starting with `#` skipped), with the inline words. */
export async function loadModeration(c: Config['moderation']): Promise<Moderation> {
  const fromFile = c.dirtyWordsFile
    ? (await readFile(c.dirtyWordsFile, 'utf8'))
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'))
    : [];
  const filter = new WordFilter([...c.dirtyWords, ...fromFile]);
  return { groupMsgRate: c.groupMsgRate, ...(filter.size > 0 ? { words: { filter, action: c.dirtyWordsAction } } : {}) };
}
