/**
 * ArchiveCatalog on Cassandra: `archive_files`, one partition per chat type, clustered by hour and
 * file. Expired files are found with a slice read and deleted row by row (no range tombstones).
 */
import type { ArchiveCatalog, ArchiveChatType, ArchiveFileRecord } from '../store.ts';
import { type Cql, type Row, num } from './cql.ts';

const CHAT_TYPES: readonly ArchiveChatType[] = ['C2C', 'Group'];

const toRecord = (r: Row): ArchiveFileRecord => ({
  chatType: r.get('chat_type') as ArchiveChatType,
  hour: num(r.get('hour')),
  file: r.get('file') as string,
  baseUrl: r.get('base_url') as string,
  fileSize: num(r.get('file_size')),
  fileMd5: r.get('file_md5') as string,
  gzipSize: num(r.get('gzip_size')),
  gzipMd5: r.get('gzip_md5') as string,
});

export class CassandraArchiveCatalog implements ArchiveCatalog {
  readonly #cql: Cql;
  readonly #q: Record<string, string>;

  constructor(cql: Cql) {
    this.#cql = cql;
    const ks = cql.keyspace;
    const cols = 'chat_type, hour, file, base_url, file_size, file_md5, gzip_size, gzip_md5';
    this.#q = {
      record: `INSERT INTO ${ks}.archive_files (${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      list: `SELECT ${cols} FROM ${ks}.archive_files WHERE chat_type = ? AND hour = ?`,
      older: `SELECT hour, file FROM ${ks}.archive_files WHERE chat_type = ? AND hour < ?`,
      delete: `DELETE FROM ${ks}.archive_files WHERE chat_type = ? AND hour = ? AND file = ?`,
    };
  }

  async recordFile(f: ArchiveFileRecord): Promise<void> {
    await this.#cql.run(this.#q.record, [f.chatType, f.hour, f.file, f.baseUrl, f.fileSize, f.fileMd5, f.gzipSize, f.gzipMd5], true);
  }

  async listFiles(chatType: ArchiveChatType, hour: number): Promise<ArchiveFileRecord[]> {
    // Clustering order (hour, file) already sorts one hour's rows by file name.
    return (await this.#cql.run(this.#q.list, [chatType, hour], true)).rows.map(toRecord);
  }

  async deleteBefore(time: number): Promise<number> {
    let removed = 0;
    for (const chatType of CHAT_TYPES) {
      // Paged: after a long pause of the retention sweep there may be more than one page of expired rows.
      const older = await this.#cql.paged(this.#q.older, [chatType, time]);
      for await (const r of older) {
        await this.#cql.run(this.#q.delete, [chatType, r.get('hour'), r.get('file')], true);
        removed++;
      }
    }
    return removed;
  }
}
