/**
 * The SQL of DynamoDB Streams and of TTL's expiry index (the rest of DynamoDB's is in ../store.ts):
 *
 * - `dynamodb_streams`: one row per stream a table ever had (a new enable is a new stream with
 *   a new label), kept after the stream is disabled or its table deleted until its records have
 *   passed retention. Each stream has one shard.
 * - `dynamodb_stream_records`: every record of every stream, written in the transaction of the
 *   item write it describes. `seq` is the record's sequence number (AUTOINCREMENT: never reused,
 *   so sequence numbers only grow, also after a trim); `(stream_id, seq)` reads a shard in order.
 *   The images are kept as the stream's view type needs them, in the item store's text form.
 * - `dynamodb_ttl (expires_at, table_id, h, pk, sk)`: the expiry index, one entry per item whose
 *   TTL attribute holds a number while its table has TTL enabled, written in the item's
 *   transaction. The sweeper reads it from the start up to now: it never scans a table.
 */
import type { Database, Migration, Statement } from '../../../state/database.js';
import type { StoredKey } from '../store.js';

export const streamsMigrations: Migration[] = [
  {
    version: 2,
    sql: `
    CREATE TABLE dynamodb_streams (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      table_id INTEGER NOT NULL,
      table_name TEXT NOT NULL,
      arn TEXT NOT NULL,
      label TEXT NOT NULL,
      view_type TEXT NOT NULL,
      key_schema TEXT NOT NULL,
      shard_id TEXT NOT NULL,
      start_seq INTEGER NOT NULL,
      end_seq INTEGER,
      created_at INTEGER NOT NULL,
      disabled_at INTEGER,
      trimmed_seq INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX dynamodb_streams_by_arn ON dynamodb_streams (arn);
    CREATE INDEX dynamodb_streams_by_region ON dynamodb_streams (account, region, id);
    CREATE INDEX dynamodb_streams_open ON dynamodb_streams (table_id) WHERE disabled_at IS NULL;

    CREATE TABLE dynamodb_stream_records (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      stream_id INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      event_name TEXT NOT NULL,
      event_id TEXT NOT NULL,
      keys TEXT NOT NULL,
      new_image TEXT,
      old_image TEXT,
      size INTEGER NOT NULL,
      principal TEXT
    );
    CREATE INDEX dynamodb_stream_records_by_stream ON dynamodb_stream_records (stream_id, seq);

    CREATE TABLE dynamodb_ttl (
      expires_at REAL NOT NULL,
      table_id INTEGER NOT NULL,
      h INTEGER NOT NULL,
      pk BLOB NOT NULL,
      sk BLOB NOT NULL,
      PRIMARY KEY (expires_at, table_id, h, pk, sk)
    ) WITHOUT ROWID;
    `,
  },
];

export interface StreamRow {
  id: number;
  account: string;
  region: string;
  table_id: number;
  table_name: string;
  arn: string;
  label: string;
  view_type: string;
  /** JSON of the table's KeySchema when the stream was enabled. */
  key_schema: string;
  shard_id: string;
  start_seq: number;
  /** The last sequence number the shard can hold, once the stream is disabled. */
  end_seq: number | null;
  created_at: number;
  disabled_at: number | null;
  /** Records up to this sequence number have been trimmed. */
  trimmed_seq: number;
}

export interface RecordRow {
  seq: number;
  created_at: number;
  event_name: 'INSERT' | 'MODIFY' | 'REMOVE';
  event_id: string;
  keys: string;
  new_image: string | null;
  old_image: string | null;
  size: number;
  principal: string | null;
}

export type NewRecord = Omit<RecordRow, 'seq'> & { stream_id: number };

export interface ExpiryRow extends StoredKey {
  expires_at: number;
  table_id: number;
}

const streamColumns =
  'id, account, region, table_id, table_name, arn, label, view_type, key_schema, shard_id, start_seq, end_seq, created_at, disabled_at, trimmed_seq';

export class StreamStore {
  readonly #db: Database;
  /** Streams by ARN: every write to a table with a stream finds its stream here. */
  readonly #byArn = new Map<string, StreamRow | null>();
  readonly #insertRecord: Statement;
  readonly #putExpiry: Statement;
  readonly #deleteExpiry: Statement;

  constructor(db: Database) {
    this.#db = db;
    db.onReplaced(() => this.#byArn.clear());
    this.#insertRecord = db.prepare(
      `INSERT INTO dynamodb_stream_records (stream_id, created_at, event_name, event_id, keys, new_image, old_image, size, principal)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#putExpiry = db.prepare(
      'INSERT OR IGNORE INTO dynamodb_ttl (expires_at, table_id, h, pk, sk) VALUES (?, ?, ?, ?, ?)',
    );
    this.#deleteExpiry = db.prepare(
      'DELETE FROM dynamodb_ttl WHERE expires_at = ? AND table_id = ? AND h = ? AND pk = ? AND sk = ?',
    );
  }

  // Streams

  stream(arn: string): StreamRow | undefined {
    const cached = this.#byArn.get(arn);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.#db.prepare(`SELECT ${streamColumns} FROM dynamodb_streams WHERE arn = ?`).get(arn) as
      | StreamRow
      | undefined;
    if (this.#byArn.size >= 10_000) this.#byArn.clear();
    this.#byArn.set(arn, row ?? null);
    return row;
  }

  /** The sequence number the next record will get (AUTOINCREMENT's counter, plus one). */
  nextSeq(): number {
    const row = this.#db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'dynamodb_stream_records'").get() as
      | { seq: number }
      | undefined;
    return (row?.seq ?? 0) + 1;
  }

  insertStream(row: Omit<StreamRow, 'id' | 'end_seq' | 'disabled_at' | 'trimmed_seq'>): void {
    this.#byArn.delete(row.arn);
    this.#db
      .prepare(
        `INSERT INTO dynamodb_streams (account, region, table_id, table_name, arn, label, view_type, key_schema, shard_id, start_seq, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        row.account,
        row.region,
        row.table_id,
        row.table_name,
        row.arn,
        row.label,
        row.view_type,
        row.key_schema,
        row.shard_id,
        row.start_seq,
        row.created_at,
      );
  }

  /** The enabled streams of a table (at most one, unless something went wrong). */
  openStreams(tableId: number): StreamRow[] {
    return this.#db
      .prepare(`SELECT ${streamColumns} FROM dynamodb_streams WHERE table_id = ? AND disabled_at IS NULL`)
      .all(tableId) as StreamRow[];
  }

  /** Closes a stream: its shard ends at the last record it has. */
  disableStream(stream: StreamRow, now: number): void {
    this.#byArn.delete(stream.arn);
    const last = this.lastSeq(stream.id) ?? stream.start_seq - 1;
    this.#db
      .prepare('UPDATE dynamodb_streams SET disabled_at = ?, end_seq = ? WHERE id = ?')
      .run(now, Math.max(last, stream.trimmed_seq), stream.id);
  }

  /** A page of the streams of a region that are still readable, after the stream `afterId`. */
  listStreams(
    account: string,
    region: string,
    tableName: string | undefined,
    afterId: number,
    disabledSince: number,
    limit: number,
  ): StreamRow[] {
    const sql =
      `SELECT ${streamColumns} FROM dynamodb_streams WHERE account = ? AND region = ? AND id > ?` +
      ' AND (disabled_at IS NULL OR disabled_at > ?)' +
      (tableName !== undefined ? ' AND table_name = ?' : '') +
      ' ORDER BY id LIMIT ?';
    const params: unknown[] = [account, region, afterId, disabledSince];
    if (tableName !== undefined) params.push(tableName);
    params.push(limit);
    return this.#db.prepare(sql).all(...params) as StreamRow[];
  }

  /** Streams disabled before `before`, whose records have all passed retention. */
  retiredStreams(before: number, limit: number): StreamRow[] {
    return this.#db
      .prepare(
        `SELECT ${streamColumns} FROM dynamodb_streams WHERE disabled_at IS NOT NULL AND disabled_at < ? LIMIT ?`,
      )
      .all(before, limit) as StreamRow[];
  }

  /** Deletes up to `limit` records of a retired stream, then the stream once none are left. */
  deleteStream(stream: StreamRow, limit: number): boolean {
    this.#byArn.delete(stream.arn);
    const done = this.#db
      .prepare(
        'DELETE FROM dynamodb_stream_records WHERE seq IN (SELECT seq FROM dynamodb_stream_records WHERE stream_id = ? ORDER BY seq LIMIT ?)',
      )
      .run(stream.id, limit);
    if (done.changes < limit) {
      this.#db.prepare('DELETE FROM dynamodb_streams WHERE id = ?').run(stream.id);
      return true;
    }
    return false;
  }

  // Records

  /** Appends a record; returns its sequence number. */
  insertRecord(record: NewRecord): number {
    const result = this.#insertRecord.run(
      record.stream_id,
      record.created_at,
      record.event_name,
      record.event_id,
      record.keys,
      record.new_image,
      record.old_image,
      record.size,
      record.principal,
    );
    return Number(result.lastInsertRowid);
  }

  /** Records of a stream after `afterSeq`, in order, at most `limit`. */
  records(streamId: number, afterSeq: number, limit: number): RecordRow[] {
    return this.#db
      .prepare(
        'SELECT seq, created_at, event_name, event_id, keys, new_image, old_image, size, principal FROM dynamodb_stream_records WHERE stream_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
      .all(streamId, afterSeq, limit) as RecordRow[];
  }

  lastSeq(streamId: number): number | undefined {
    const row = this.#db
      .prepare('SELECT seq FROM dynamodb_stream_records WHERE stream_id = ? ORDER BY seq DESC LIMIT 1')
      .get(streamId) as { seq: number } | undefined;
    return row?.seq;
  }

  /** The last record of a stream after `afterSeq` and before `beforeSeq` (when given). */
  lastSeqBetween(streamId: number, afterSeq: number, beforeSeq: number | undefined): number | undefined {
    const row = this.#db
      .prepare(
        'SELECT seq FROM dynamodb_stream_records WHERE stream_id = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT 1',
      )
      .get(streamId, afterSeq, beforeSeq ?? Number.MAX_SAFE_INTEGER) as { seq: number } | undefined;
    return row?.seq;
  }

  /**
   * The first record of a stream written at or after `since` (past the trimmed ones). Records
   * are written in clock order, so what comes before it has passed retention; the sweeper trims
   * it every minute, so this walks at most a minute's worth of old records.
   */
  firstSince(stream: StreamRow, since: number): number | undefined {
    const row = this.#db
      .prepare(
        'SELECT seq FROM dynamodb_stream_records WHERE stream_id = ? AND seq > ? AND created_at >= ? ORDER BY seq LIMIT 1',
      )
      .get(stream.id, stream.trimmed_seq, since) as { seq: number } | undefined;
    return row?.seq;
  }

  /**
   * Trims up to `limit` records written before `before`, across all streams, oldest first;
   * records each stream's new trim point. Returns how many went.
   */
  trimRecords(before: number, limit: number): number {
    const rows = this.#db
      .prepare(
        'SELECT stream_id, max(seq) AS seq, count(*) AS n FROM (SELECT stream_id, seq FROM dynamodb_stream_records WHERE created_at < ? ORDER BY seq LIMIT ?) GROUP BY stream_id',
      )
      .all(before, limit) as Array<{ stream_id: number; seq: number; n: number }>;
    let count = 0;
    for (const row of rows) {
      this.#db
        .prepare('DELETE FROM dynamodb_stream_records WHERE stream_id = ? AND seq <= ?')
        .run(row.stream_id, row.seq);
      this.#db
        .prepare('UPDATE dynamodb_streams SET trimmed_seq = max(trimmed_seq, ?) WHERE id = ?')
        .run(row.seq, row.stream_id);
      count += row.n;
    }
    if (rows.length > 0) this.#byArn.clear();
    return count;
  }

  // The expiry index (ttl.ts)

  putExpiry(tableId: number, key: StoredKey, expiresAt: number): void {
    this.#putExpiry.run(expiresAt, tableId, key.h, key.pk, key.sk);
  }

  deleteExpiry(tableId: number, key: StoredKey, expiresAt: number): void {
    this.#deleteExpiry.run(expiresAt, tableId, key.h, key.pk, key.sk);
  }

  /** Entries due by `now` (epoch seconds), earliest first. */
  dueExpiries(now: number, limit: number): ExpiryRow[] {
    return this.#db
      .prepare(
        'SELECT expires_at, table_id, h, pk, sk FROM dynamodb_ttl WHERE expires_at <= ? ORDER BY expires_at LIMIT ?',
      )
      .all(now, limit) as ExpiryRow[];
  }

  /** Where a table id points now, if the table still exists. */
  tableName(tableId: number): { account: string; region: string; name: string } | undefined {
    return this.#db.prepare('SELECT account, region, name FROM dynamodb_tables WHERE id = ?').get(tableId) as
      | { account: string; region: string; name: string }
      | undefined;
  }
}
