/** ArchiveCatalog on SQLite: one row per chat-record file, keyed by (chat type, hour, file). */
import type { Database, Statement } from 'better-sqlite3';
import type { ArchiveCatalog, ArchiveChatType, ArchiveFileRecord } from '../store.ts';

interface FileRow {
  chat_type: ArchiveChatType;
  hour: number;
  file: string;
  base_url: string;
  file_size: number;
  file_md5: string;
  gzip_size: number;
  gzip_md5: string;
}

export class SqliteArchiveCatalog implements ArchiveCatalog {
  readonly #record: Statement;
  readonly #list: Statement;
  readonly #delete: Statement;

  constructor(db: Database) {
    this.#record = db.prepare(
      `INSERT OR REPLACE INTO archive_files (chat_type, hour, file, base_url, file_size, file_md5, gzip_size, gzip_md5)
       VALUES (@chatType, @hour, @file, @baseUrl, @fileSize, @fileMd5, @gzipSize, @gzipMd5)`,
    );
    this.#list = db.prepare('SELECT * FROM archive_files WHERE chat_type = ? AND hour = ? ORDER BY file');
    this.#delete = db.prepare('DELETE FROM archive_files WHERE hour < ?');
  }

  async recordFile(f: ArchiveFileRecord): Promise<void> {
    this.#record.run({ ...f });
  }

  async listFiles(chatType: ArchiveChatType, hour: number): Promise<ArchiveFileRecord[]> {
    return (this.#list.all(chatType, hour) as FileRow[]).map((r) => ({
      chatType: r.chat_type,
      hour: r.hour,
      file: r.file,
      baseUrl: r.base_url,
      fileSize: r.file_size,
      fileMd5: r.file_md5,
      gzipSize: r.gzip_size,
      gzipMd5: r.gzip_md5,
    }));
  }

  async deleteBefore(time: number): Promise<number> {
    return this.#delete.run(time).changes;
  }
}
