import type { Database } from 'better-sqlite3';
import { storedSearchKey } from '../account-search.ts';

/** The SQLite schema (mirrors storage/cassandra/schema.cql); applied idempotently at open, by applySchema. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS streams (
  stream_id    TEXT PRIMARY KEY,
  epoch        INTEGER NOT NULL,
  -- highest SEQ ever appended; survives expiry of the entries themselves, so SEQs are never reused
  last_seq     INTEGER NOT NULL DEFAULT 0,
  emitted_upto INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS entries (
  stream_id  TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  time       INTEGER NOT NULL,
  payload    TEXT NOT NULL,
  flags      INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (stream_id, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS conversation_index (
  stream_id  TEXT NOT NULL,
  peer       TEXT NOT NULL,
  time       INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (stream_id, peer, time, seq)
) WITHOUT ROWID;

-- A stream's projection (MessageLog.readProjection): rows its owner derives from the entries; the SEQ they are
-- folded through is streams.projected_upto.
CREATE TABLE IF NOT EXISTS projections (
  stream_id TEXT NOT NULL,
  key       TEXT NOT NULL,
  seq       INTEGER NOT NULL,
  state     TEXT NOT NULL,
  PRIMARY KEY (stream_id, key)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS idempotency (
  stream_id  TEXT NOT NULL,
  idem_key   TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (stream_id, idem_key)
) WITHOUT ROWID;

-- Columns added by COLUMNS_ADDED: the global mutes (c2c_mute_until, group_mute_until, Unix ms); nick_key, the
-- nick's search key (storedSearchKey) that searchAccounts matches prefixes of; key_changed_at, when nick_key last
-- changed or the account was made (anew), a ChangeClock tick (Unix µs); deleted, 1 for a deleted account (only
-- its id and sig_not_before left, its nick and nick_key '').
CREATE TABLE IF NOT EXISTS accounts (
  user_id        TEXT PRIMARY KEY,
  nick           TEXT NOT NULL,
  face_url       TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  sig_not_before INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Profile tags other than nick and face (AccountStore.setProfile): one row per user and tag, value as JSON.
CREATE TABLE IF NOT EXISTS profile_tags (
  user_id TEXT NOT NULL,
  tag     TEXT NOT NULL,
  value   TEXT NOT NULL,
  PRIMARY KEY (user_id, tag)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS groups (
  group_id   TEXT PRIMARY KEY,
  type       TEXT NOT NULL,
  owner      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  profile    TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS members (
  group_id  TEXT NOT NULL,
  user_id   TEXT NOT NULL,
  role      TEXT NOT NULL,
  joined_at INTEGER NOT NULL,
  join_seq  INTEGER NOT NULL,
  profile   TEXT NOT NULL,
  PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;

-- the outbox: events that are not stream entries, until published (MessageLog.addPending)
CREATE TABLE IF NOT EXISTS pending_events (
  stream_id TEXT NOT NULL,
  id        TEXT NOT NULL,
  payload   TEXT NOT NULL,
  PRIMARY KEY (stream_id, id)
) WITHOUT ROWID;

-- chat-record files (open_msg_svc/get_history); mirrors archive_files in schema.cql
CREATE TABLE IF NOT EXISTS archive_files (
  chat_type TEXT NOT NULL,
  hour      INTEGER NOT NULL,
  file      TEXT NOT NULL,
  base_url  TEXT NOT NULL,
  file_size INTEGER NOT NULL,
  file_md5  TEXT NOT NULL,
  gzip_size INTEGER NOT NULL,
  gzip_md5  TEXT NOT NULL,
  PRIMARY KEY (chat_type, hour, file)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS user_groups (
  user_id   TEXT NOT NULL,
  group_id  TEXT NOT NULL,
  type      TEXT NOT NULL,
  join_seq  INTEGER NOT NULL,
  joined_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, group_id)
) WITHOUT ROWID;

-- Applications to join groups that need approval, and invitations awaiting approval, one per group and
-- applicant (GroupApplicationStore); mirrors group_applications in schema.cql. audience is a JSON array of
-- the users indexed for it. inviter and keep_until are added by COLUMNS_ADDED to files made before them.
CREATE TABLE IF NOT EXISTS group_applications (
  group_id        TEXT NOT NULL,
  applicant       TEXT NOT NULL,
  group_type      TEXT NOT NULL,
  inviter         TEXT NOT NULL DEFAULT '',
  message         TEXT NOT NULL,
  time            INTEGER NOT NULL,
  state           TEXT NOT NULL,
  handler         TEXT NOT NULL,
  handled_message TEXT NOT NULL,
  handled_at      INTEGER NOT NULL,
  -- Unix ms until which a decided application stays listed; 0 while pending
  keep_until      INTEGER NOT NULL DEFAULT 0,
  audience        TEXT NOT NULL,
  PRIMARY KEY (group_id, applicant)
) WITHOUT ROWID;

-- Who sees which application: its group's managers when it was applied, and the applicant.
CREATE TABLE IF NOT EXISTS user_applications (
  user_id   TEXT NOT NULL,
  group_id  TEXT NOT NULL,
  applicant TEXT NOT NULL,
  PRIMARY KEY (user_id, group_id, applicant)
) WITHOUT ROWID;

-- Each user's read marker of their application list (Unix ms).
CREATE TABLE IF NOT EXISTS application_reads (
  user_id   TEXT PRIMARY KEY,
  read_upto INTEGER NOT NULL
) WITHOUT ROWID;

-- Each user's read marker of the friend requests they received (RelationStore.markRequestsRead, Unix ms).
CREATE TABLE IF NOT EXISTS friend_request_reads (
  user_id   TEXT PRIMARY KEY,
  read_upto INTEGER NOT NULL
) WITHOUT ROWID;

-- The relationship chain (RelationStore); mirrors the tables of the same names in schema.cql.
-- One row per direction of a friendship; groups and custom are JSON.
CREATE TABLE IF NOT EXISTS friends (
  owner       TEXT NOT NULL,
  friend      TEXT NOT NULL,
  remark      TEXT NOT NULL,
  groups      TEXT NOT NULL,
  add_source  TEXT NOT NULL,
  add_wording TEXT NOT NULL,
  add_time    INTEGER NOT NULL,
  custom      TEXT NOT NULL,
  PRIMARY KEY (owner, friend)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS friend_requests (
  from_user   TEXT NOT NULL,
  to_user     TEXT NOT NULL,
  add_type    TEXT NOT NULL,
  remark      TEXT NOT NULL,
  group_name  TEXT NOT NULL,
  add_source  TEXT NOT NULL,
  add_wording TEXT NOT NULL,
  time        INTEGER NOT NULL,
  PRIMARY KEY (from_user, to_user)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS friend_requests_to ON friend_requests (to_user, from_user);

CREATE TABLE IF NOT EXISTS blacklist (
  owner  TEXT NOT NULL,
  target TEXT NOT NULL,
  time   INTEGER NOT NULL,
  PRIMARY KEY (owner, target)
) WITHOUT ROWID;

-- names: a JSON array, in order.
CREATE TABLE IF NOT EXISTS friend_groups (
  owner TEXT PRIMARY KEY,
  names TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS relation_sequences (
  owner     TEXT PRIMARY KEY,
  standard  INTEGER NOT NULL,
  custom    INTEGER NOT NULL,
  groups    INTEGER NOT NULL,
  blacklist INTEGER NOT NULL
) WITHOUT ROWID;

-- Read receipts of group messages (ReceiptStore), by group, message SEQ and reader; purged past expires_at.
CREATE TABLE IF NOT EXISTS group_receipts (
  group_id   TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  user_id    TEXT NOT NULL,
  time       INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (group_id, seq, user_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS group_receipts_expiry ON group_receipts (expires_at);

-- Offline-push registrations (PushDeviceStore), one per user and device; target and settings are JSON.
CREATE TABLE IF NOT EXISTS push_devices (
  user_id        TEXT NOT NULL,
  device_id      TEXT NOT NULL,
  platform       TEXT NOT NULL,
  provider       TEXT NOT NULL,
  target         TEXT NOT NULL,
  settings       TEXT NOT NULL,
  registered_at  INTEGER NOT NULL,
  last_active_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, device_id)
) WITHOUT ROWID;

-- Online-status subscriptions (StatusSubscriptionStore): read by subscriber and, through the index, by target.
CREATE TABLE IF NOT EXISTS status_subscriptions (
  subscriber TEXT NOT NULL,
  target     TEXT NOT NULL,
  time       INTEGER NOT NULL,
  PRIMARY KEY (subscriber, target)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS status_subscriptions_target ON status_subscriptions (target, subscriber);

-- All-member push audience (PushTargetStore): the app's attribute names by slot, each user's values
-- by slot and tags, indexed by value and by tag so a push condition reads only the users it matches.
CREATE TABLE IF NOT EXISTS push_attr_names (
  slot TEXT PRIMARY KEY,
  name TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS user_push_attrs (
  user_id TEXT NOT NULL,
  slot    TEXT NOT NULL,
  value   TEXT NOT NULL,
  PRIMARY KEY (user_id, slot)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS user_push_attrs_value ON user_push_attrs (slot, value, user_id);
CREATE TABLE IF NOT EXISTS user_push_tags (
  user_id TEXT NOT NULL,
  tag     TEXT NOT NULL,
  PRIMARY KEY (user_id, tag)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS user_push_tags_tag ON user_push_tags (tag, user_id);
-- Progress of all-member push tasks (JSON PushTaskProgress), kept 30 days after their last change.
CREATE TABLE IF NOT EXISTS push_tasks (
  task_id  TEXT PRIMARY KEY,
  progress TEXT NOT NULL,
  updated  INTEGER NOT NULL
) WITHOUT ROWID;

-- The order GroupStore.listGroups pages in (groups has no rowid): one row per group, numbered as created.
-- AUTOINCREMENT never reuses a number, so a group created during a listing always sorts after its cursor.
CREATE TABLE IF NOT EXISTS group_listing (
  pos      INTEGER PRIMARY KEY AUTOINCREMENT,
  group_id TEXT NOT NULL UNIQUE,
  type     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS group_listing_by_type ON group_listing (type, pos);
-- A file from before group_listing: its groups are numbered once, by creation time (only while the listing is empty).
INSERT INTO group_listing (group_id, type)
  SELECT group_id, type FROM groups WHERE NOT EXISTS (SELECT 1 FROM group_listing) ORDER BY created_at, group_id;
`;

/**
 * Columns added to tables after files with those tables existed: `[table, column, declaration]`,
 * added by `upgradeSchema` where missing (SQLite has no ADD COLUMN IF NOT EXISTS). A declaration
 * must carry a DEFAULT, which fills the rows already there.
 */
const COLUMNS_ADDED: readonly (readonly [table: string, column: string, declaration: string])[] = [
  ['group_applications', 'inviter', "TEXT NOT NULL DEFAULT ''"],
  ['group_applications', 'keep_until', 'INTEGER NOT NULL DEFAULT 0'],
  ['accounts', 'c2c_mute_until', 'INTEGER NOT NULL DEFAULT 0'],
  ['accounts', 'group_mute_until', 'INTEGER NOT NULL DEFAULT 0'],
  ['accounts', 'nick_key', "TEXT NOT NULL DEFAULT ''"],
  ['accounts', 'key_changed_at', 'INTEGER NOT NULL DEFAULT 0'],
  ['accounts', 'deleted', 'INTEGER NOT NULL DEFAULT 0'],
  ['streams', 'projected_upto', 'INTEGER NOT NULL DEFAULT 0'],
];

/**
 * Fills a column just added where its DEFAULT is not the value (SQL cannot compute it), in the
 * transaction that added it, so it runs once per file: `table.column` → the fill.
 */
const BACKFILLS: Readonly<Partial<Record<string, (db: Database) => void>>> = {
  'accounts.nick_key': backfillNickKeys,
};

/** Statements that need the COLUMNS_ADDED, run after them. */
const AFTER_UPGRADE = `
CREATE INDEX IF NOT EXISTS group_applications_expiry ON group_applications (keep_until) WHERE keep_until > 0;
CREATE INDEX IF NOT EXISTS accounts_by_nick_key ON accounts (nick_key, user_id);
`;

/** Applies SCHEMA, then adds the COLUMNS_ADDED a file made before them lacks (with their BACKFILLS); idempotent, run at open. */
export function applySchema(db: Database): void {
  db.exec(SCHEMA);
  db.transaction(() => {
    for (const [table, column, declaration] of COLUMNS_ADDED) {
      const columns = db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[];
      if (columns.includes(column)) continue;
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${declaration}`);
      BACKFILLS[`${table}.${column}`]?.(db);
    }
    db.exec(AFTER_UPGRADE);
  })();
}

/** The search key of every account with a nick (NFKC is not SQL, so it is computed here), read 1,000 rows at a time. */
function backfillNickKeys(db: Database): void {
  const read = db.prepare("SELECT user_id, nick FROM accounts WHERE user_id > ? AND nick <> '' ORDER BY user_id LIMIT 1000");
  const set = db.prepare('UPDATE accounts SET nick_key = ? WHERE user_id = ?');
  for (let after = ''; ; ) {
    const rows = read.all(after) as { user_id: string; nick: string }[];
    for (const r of rows) set.run(storedSearchKey(r.nick), r.user_id);
    if (rows.length < 1000) return;
    after = rows[rows.length - 1].user_id;
  }
}

/** Records one outbox row (stream id, event id, payload); shared by every store write that carries its events. */
export const INSERT_PENDING = 'INSERT OR IGNORE INTO pending_events (stream_id, id, payload) VALUES (?, ?, ?)';
