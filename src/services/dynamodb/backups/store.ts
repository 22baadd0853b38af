/**
 * The SQL of point-in-time recovery, on-demand backups and exports (the rest of DynamoDB's is in
 * ../store.ts and ../streams/store.ts):
 *
 * - `dynamodb_pitr`: one row per table with point-in-time recovery on (its id, since when, and
 *   for how many days).
 * - `dynamodb_pitr_log`: while recovery is on, each item change of the table leaves the item's
 *   previous image (NULL when there was none), written in the change's transaction. The table
 *   as it was at a time T is then its current items, less those changed after T, plus the old
 *   image of each key's first change after T: two INSERT ... SELECTs, never a walk in JS.
 * - `dynamodb_backups` with `dynamodb_backup_items` and `dynamodb_backup_index_items`: a backup
 *   is a copy of the table's rows and index entries made by one statement each in the
 *   CreateBackup request's transaction, so it is the table at one moment.
 * - `dynamodb_exports`: each export's description (JSON) and ClientToken.
 */
import type { Database, Migration } from '../../../state/database.js';

export const backupsMigrations: Migration[] = [
  {
    version: 3,
    sql: `
    CREATE TABLE dynamodb_pitr (
      table_id INTEGER PRIMARY KEY,
      enabled_at INTEGER NOT NULL,
      period_days INTEGER NOT NULL
    );

    CREATE TABLE dynamodb_pitr_log (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      table_id INTEGER NOT NULL,
      at INTEGER NOT NULL,
      h INTEGER NOT NULL,
      pk BLOB NOT NULL,
      sk BLOB NOT NULL,
      old_item TEXT,
      old_size INTEGER
    );
    CREATE INDEX dynamodb_pitr_log_by_key ON dynamodb_pitr_log (table_id, h, pk, sk, at);
    CREATE INDEX dynamodb_pitr_log_by_time ON dynamodb_pitr_log (table_id, at);

    CREATE TABLE dynamodb_backups (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      arn TEXT NOT NULL,
      name TEXT NOT NULL,
      table_name TEXT NOT NULL,
      source TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      size_bytes INTEGER NOT NULL,
      item_count INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX dynamodb_backups_by_arn ON dynamodb_backups (arn);
    CREATE INDEX dynamodb_backups_by_region ON dynamodb_backups (account, region, created_at, id);

    CREATE TABLE dynamodb_backup_items (
      backup_id INTEGER NOT NULL,
      h INTEGER NOT NULL,
      pk BLOB NOT NULL,
      sk BLOB NOT NULL,
      item TEXT NOT NULL,
      size INTEGER NOT NULL,
      PRIMARY KEY (backup_id, h, pk, sk)
    ) WITHOUT ROWID;

    CREATE TABLE dynamodb_backup_index_items (
      backup_id INTEGER NOT NULL,
      index_name TEXT NOT NULL,
      h INTEGER NOT NULL,
      pk BLOB NOT NULL,
      sk BLOB NOT NULL,
      tpk BLOB NOT NULL,
      tsk BLOB NOT NULL,
      item TEXT NOT NULL,
      size INTEGER NOT NULL,
      PRIMARY KEY (backup_id, index_name, h, pk, sk, tpk, tsk)
    ) WITHOUT ROWID;

    CREATE TABLE dynamodb_exports (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      arn TEXT NOT NULL,
      table_arn TEXT NOT NULL,
      client_token TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      description TEXT NOT NULL
    );
    CREATE UNIQUE INDEX dynamodb_exports_by_arn ON dynamodb_exports (arn);
    CREATE INDEX dynamodb_exports_by_region ON dynamodb_exports (account, region, id);
    CREATE INDEX dynamodb_exports_by_token ON dynamodb_exports (account, region, client_token);
    `,
  },
];

export interface PitrRow {
  table_id: number;
  enabled_at: number;
  period_days: number;
}

export interface BackupRow {
  id: number;
  account: string;
  region: string;
  arn: string;
  name: string;
  table_name: string;
  /** JSON of the BackupSource (backups.ts). */
  source: string;
  created_at: number;
  size_bytes: number;
  item_count: number;
}

export interface ExportRow {
  id: number;
  arn: string;
  table_arn: string;
  client_token: string;
  fingerprint: string;
  /** JSON of the stored export (exports.ts). */
  description: string;
}

export interface Counts {
  n: number;
  bytes: number;
}

/** The items of a table at time `at`: what is there now, unless changed since, else the old image. */
const itemsAtSql = `
  SELECT i.h, i.pk, i.sk, i.item, i.size FROM dynamodb_items i
   WHERE i.table_id = :table AND NOT EXISTS (
     SELECT 1 FROM dynamodb_pitr_log l
      WHERE l.table_id = :table AND l.h = i.h AND l.pk = i.pk AND l.sk = i.sk AND l.at > :at)
  UNION ALL
  SELECT l.h, l.pk, l.sk, l.old_item, l.old_size FROM dynamodb_pitr_log l
   WHERE l.table_id = :table AND l.at > :at AND l.old_item IS NOT NULL
     AND l.seq = (SELECT min(m.seq) FROM dynamodb_pitr_log m
                   WHERE m.table_id = :table AND m.h = l.h AND m.pk = l.pk AND m.sk = l.sk AND m.at > :at)`;

export class BackupStore {
  readonly #db: Database;
  /** Tables with recovery on, by id; cleared on rollback, reset and import (Database.onReplaced). */
  #pitr: Map<number, PitrRow> | undefined;

  constructor(db: Database) {
    this.#db = db;
    db.onReplaced(() => {
      this.#pitr = undefined;
    });
  }

  // Point-in-time recovery

  #pitrRows(): Map<number, PitrRow> {
    if (!this.#pitr) {
      const rows = this.#db.prepare('SELECT table_id, enabled_at, period_days FROM dynamodb_pitr').all() as PitrRow[];
      this.#pitr = new Map(rows.map((row) => [row.table_id, row]));
    }
    return this.#pitr;
  }

  pitr(tableId: number): PitrRow | undefined {
    return this.#pitrRows().get(tableId);
  }

  setPitr(row: PitrRow): void {
    this.#db
      .prepare(
        `INSERT INTO dynamodb_pitr (table_id, enabled_at, period_days) VALUES (?, ?, ?)
         ON CONFLICT (table_id) DO UPDATE SET period_days = excluded.period_days`,
      )
      .run(row.table_id, row.enabled_at, row.period_days);
    this.#pitr = undefined;
  }

  /** Turns recovery off and forgets the table's history. */
  clearPitr(tableId: number): void {
    this.#db.prepare('DELETE FROM dynamodb_pitr WHERE table_id = ?').run(tableId);
    this.#db.prepare('DELETE FROM dynamodb_pitr_log WHERE table_id = ?').run(tableId);
    this.#pitr = undefined;
  }

  logChange(tableId: number, at: number, h: number, pk: Buffer, sk: Buffer, oldItem: string | null, oldSize: number) {
    this.#db
      .prepare(
        'INSERT INTO dynamodb_pitr_log (table_id, at, h, pk, sk, old_item, old_size) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(tableId, at, h, pk, sk, oldItem, oldSize);
  }

  /** Drops history older than the window can reach, and that of tables no longer there. */
  trimLog(tableId: number, before: number): void {
    this.#db.prepare('DELETE FROM dynamodb_pitr_log WHERE table_id = ? AND at < ?').run(tableId, before);
  }

  /** Recovery rows (and history) of tables that were deleted. */
  dropOrphans(): void {
    const orphans = this.#db
      .prepare('SELECT table_id FROM dynamodb_pitr WHERE table_id NOT IN (SELECT id FROM dynamodb_tables)')
      .all() as Array<{ table_id: number }>;
    for (const row of orphans) this.clearPitr(row.table_id);
  }

  /** Copies the items of table `from` as they were at `at` into table `to`; returns their count and bytes. */
  copyItemsAt(from: number, to: number, at: number): Counts {
    this.#db
      .prepare(`INSERT INTO dynamodb_items (table_id, h, pk, sk, item, size) SELECT :to, * FROM (${itemsAtSql})`)
      .run({ table: from, at, to });
    return this.itemCounts(to);
  }

  /** The items of a table as they were at `at`, in key order, as stored text. */
  itemsAt(tableId: number, at: number): IterableIterator<{ item: string; size: number }> {
    return this.#db
      .prepare(`SELECT item, size FROM (${itemsAtSql}) ORDER BY h, pk, sk`)
      .iterate({ table: tableId, at }) as IterableIterator<{ item: string; size: number }>;
  }

  itemCounts(tableId: number): Counts {
    return this.#db
      .prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM dynamodb_items WHERE table_id = ?')
      .get(tableId) as Counts;
  }

  /** Copies the current entries of index `from` into index `to` (an unchanged index of the same items). */
  copyIndexEntries(from: number, to: number): Counts {
    this.#db
      .prepare(
        `INSERT INTO dynamodb_index_items (index_id, h, pk, sk, tpk, tsk, item, size)
         SELECT ?, h, pk, sk, tpk, tsk, item, size FROM dynamodb_index_items WHERE index_id = ?`,
      )
      .run(to, from);
    return this.#indexCounts(to);
  }

  #indexCounts(indexId: number): Counts {
    return this.#db
      .prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM dynamodb_index_items WHERE index_id = ?')
      .get(indexId) as Counts;
  }

  // Backups

  /** Inserts a backup and copies the table's rows and index entries into it; returns its id. */
  insertBackup(row: Omit<BackupRow, 'id'>, tableId: number, indexes: ReadonlyArray<{ id: number; name: string }>) {
    const result = this.#db
      .prepare(
        `INSERT INTO dynamodb_backups (account, region, arn, name, table_name, source, created_at, size_bytes, item_count)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        row.account,
        row.region,
        row.arn,
        row.name,
        row.table_name,
        row.source,
        row.created_at,
        row.size_bytes,
        row.item_count,
      );
    const id = Number(result.lastInsertRowid);
    this.#db
      .prepare(
        `INSERT INTO dynamodb_backup_items (backup_id, h, pk, sk, item, size)
         SELECT ?, h, pk, sk, item, size FROM dynamodb_items WHERE table_id = ?`,
      )
      .run(id, tableId);
    const copyIndex = this.#db.prepare(
      `INSERT INTO dynamodb_backup_index_items (backup_id, index_name, h, pk, sk, tpk, tsk, item, size)
       SELECT ?, ?, h, pk, sk, tpk, tsk, item, size FROM dynamodb_index_items WHERE index_id = ?`,
    );
    for (const index of indexes) copyIndex.run(id, index.name, index.id);
    return id;
  }

  backup(arn: string): BackupRow | undefined {
    return this.#db.prepare('SELECT * FROM dynamodb_backups WHERE arn = ?').get(arn) as BackupRow | undefined;
  }

  /** A region's backups in creation order, optionally of one table and within a time range. */
  listBackups(account: string, region: string, filter: { table?: string; from?: number; to?: number }): BackupRow[] {
    let sql = 'SELECT * FROM dynamodb_backups WHERE account = ? AND region = ?';
    const params: unknown[] = [account, region];
    if (filter.table !== undefined) {
      sql += ' AND table_name = ?';
      params.push(filter.table);
    }
    if (filter.from !== undefined) {
      sql += ' AND created_at >= ?';
      params.push(filter.from);
    }
    if (filter.to !== undefined) {
      sql += ' AND created_at <= ?';
      params.push(filter.to);
    }
    return this.#db.prepare(`${sql} ORDER BY created_at, id`).all(...params) as BackupRow[];
  }

  deleteBackup(id: number): void {
    this.#db.prepare('DELETE FROM dynamodb_backups WHERE id = ?').run(id);
    this.#db.prepare('DELETE FROM dynamodb_backup_items WHERE backup_id = ?').run(id);
    this.#db.prepare('DELETE FROM dynamodb_backup_index_items WHERE backup_id = ?').run(id);
  }

  /** Copies a backup's items into a table; returns their count and bytes. */
  restoreItems(backupId: number, tableId: number): Counts {
    this.#db
      .prepare(
        `INSERT INTO dynamodb_items (table_id, h, pk, sk, item, size)
         SELECT ?, h, pk, sk, item, size FROM dynamodb_backup_items WHERE backup_id = ?`,
      )
      .run(tableId, backupId);
    return this.itemCounts(tableId);
  }

  /** Copies a backup's entries of one index into an index of the restored table. */
  restoreIndexEntries(backupId: number, indexName: string, indexId: number): Counts {
    this.#db
      .prepare(
        `INSERT INTO dynamodb_index_items (index_id, h, pk, sk, tpk, tsk, item, size)
         SELECT ?, h, pk, sk, tpk, tsk, item, size FROM dynamodb_backup_index_items
          WHERE backup_id = ? AND index_name = ?`,
      )
      .run(indexId, backupId, indexName);
    return this.#indexCounts(indexId);
  }

  // Exports

  insertExport(account: string, region: string, row: Omit<ExportRow, 'id'>): void {
    this.#db
      .prepare(
        `INSERT INTO dynamodb_exports (account, region, arn, table_arn, client_token, fingerprint, description)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(account, region, row.arn, row.table_arn, row.client_token, row.fingerprint, row.description);
  }

  updateExport(arn: string, description: string): void {
    this.#db.prepare('UPDATE dynamodb_exports SET description = ? WHERE arn = ?').run(description, arn);
  }

  exportByArn(arn: string): ExportRow | undefined {
    return this.#db.prepare('SELECT * FROM dynamodb_exports WHERE arn = ?').get(arn) as ExportRow | undefined;
  }

  exportByToken(account: string, region: string, token: string): ExportRow | undefined {
    return this.#db
      .prepare('SELECT * FROM dynamodb_exports WHERE account = ? AND region = ? AND client_token = ?')
      .get(account, region, token) as ExportRow | undefined;
  }

  /** A page of a region's exports, newest first, before the id `beforeId`. */
  listExports(account: string, region: string, tableArn: string | undefined, beforeId: number, limit: number) {
    let sql = 'SELECT * FROM dynamodb_exports WHERE account = ? AND region = ? AND id < ?';
    const params: unknown[] = [account, region, beforeId];
    if (tableArn !== undefined) {
      sql += ' AND table_arn = ?';
      params.push(tableArn);
    }
    return this.#db.prepare(`${sql} ORDER BY id DESC LIMIT ?`).all(...params, limit) as ExportRow[];
  }
}
