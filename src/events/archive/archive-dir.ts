/**
 * The archive directory of one node (`<dataDir>/archive/`): its node id, the journals of open hours
 * under `open/`, and the finalized files with their id lists.
 *
 *   node-id                               this node's archive id: random, kept with the data dir
 *   open/<ChatType>-<YYYYMMDDHH>-<node>-<part>.jsonl   journal of an open hour (one JSON line per message)
 *   <ChatType>-<YYYYMMDDHH>-<node>-<part>.json.gz       finalized file, served at /archive/<name>
 *   <ChatType>-<YYYYMMDDHH>-<node>-<part>.ids           the event ids in it (dedupe of late events)
 *
 * `part` is 0 for an hour's file; events arriving after it was finalized go to parts 1, 2, …
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveChatType } from '../../../storage/store.ts';
import { formatMsgTime, parseMsgTime } from './record-format.ts';

/** One file of an hour, as named on disk. */
export interface PartKey {
  readonly chatType: ArchiveChatType;
  /** Hour start, Unix ms. */
  readonly hour: number;
  readonly part: number;
}

const NAME = /^(C2C|Group)-(\d{10})-([a-z0-9]{1,32})-(\d{1,6})\.(jsonl|json\.gz|ids)$/;

export type ArchiveFileKind = 'jsonl' | 'json.gz' | 'ids';

/** `C2C-2015120121-<node>-0.json.gz` and its siblings. */
export function partFileName(key: PartKey, node: string, kind: ArchiveFileKind): string {
  return `${key.chatType}-${formatMsgTime(key.hour)}-${node}-${key.part}.${kind}`;
}

/** The key, node and kind a file name stands for; undefined for any other name (so nothing else is ever served). */
export function parsePartFileName(name: string): { key: PartKey; node: string; kind: ArchiveFileKind } | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const hour = parseMsgTime(m[2]);
  if (hour === undefined) return undefined;
  return { key: { chatType: m[1] as ArchiveChatType, hour, part: Number(m[4]) }, node: m[3], kind: m[5] as ArchiveFileKind };
}

/** `C2C/<hour>`: one slot per chat type and hour. */
export const slotOf = (k: { chatType: ArchiveChatType; hour: number }): string => `${k.chatType}/${k.hour}`;

export class ArchiveDir {
  readonly root: string;
  readonly node: string;

  private constructor(root: string, node: string) {
    this.root = root;
    this.node = node;
  }

  /** Creates the directories and the node id on first use. */
  static async open(root: string): Promise<ArchiveDir> {
    await mkdir(join(root, 'open'), { recursive: true });
    const idFile = join(root, 'node-id');
    let node = await readFile(idFile, 'utf8').then((s) => s.trim(), () => '');
    if (!/^[a-z0-9]{1,32}$/.test(node)) {
      node = randomBytes(4).toString('hex');
      await writeFile(idFile, `${node}\n`);
    }
    return new ArchiveDir(root, node);
  }

  journalPath(key: PartKey): string {
    return join(this.root, 'open', partFileName(key, this.node, 'jsonl'));
  }

  finalName(key: PartKey): string {
    return partFileName(key, this.node, 'json.gz');
  }

  /** Path of a finalized file or its id list. */
  path(key: PartKey, kind: 'json.gz' | 'ids'): string {
    return join(this.root, partFileName(key, this.node, kind));
  }

  /** Journals of this node's open hours. */
  async journals(): Promise<PartKey[]> {
    return this.#keys(join(this.root, 'open'), 'jsonl');
  }

  /** This node's finalized files. */
  async finals(): Promise<PartKey[]> {
    return this.#keys(this.root, 'json.gz');
  }

  async #keys(dir: string, kind: ArchiveFileKind): Promise<PartKey[]> {
    const out: PartKey[] = [];
    for (const name of await readdir(dir)) {
      const p = parsePartFileName(name);
      if (p && p.kind === kind && p.node === this.node) out.push(p.key);
    }
    return out;
  }
}
