/**
 * The only SQL of Firehose. A delivery stream is a row scoped by account and region, its
 * configuration JSON; the records put to it wait in `firehose_records`, written in the put's own
 * transaction (an answered put survives kill -9), until a delivery to S3 deletes them in the
 * transaction that follows the S3 write. Each stream keeps its buffer's running size and the
 * arrival time of its oldest record, so that deciding when to deliver reads no record.
 * Times are epoch milliseconds of the Nimbus clock.
 */
import type { Database, Migration } from '../../state/database.js';

export const firehoseMigrations: Migration[] = [
  {
    version: 1,
    sql: `
    CREATE TABLE firehose_streams (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      type TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      version INTEGER NOT NULL,
      config TEXT NOT NULL,
      encryption TEXT,
      tags TEXT NOT NULL,
      buffered_bytes INTEGER NOT NULL DEFAULT 0,
      oldest_at INTEGER,
      retry_at INTEGER,
      failing_since INTEGER
    );
    CREATE UNIQUE INDEX firehose_streams_by_name ON firehose_streams (account, region, name);

    CREATE TABLE firehose_records (
      seq INTEGER PRIMARY KEY,
      stream_id INTEGER NOT NULL,
      record_id TEXT NOT NULL,
      arrived_at INTEGER NOT NULL,
      data BLOB NOT NULL
    );
    CREATE INDEX firehose_records_by_stream ON firehose_records (stream_id, seq);
    `,
  },
  {
    // Where a Kinesis-sourced stream has read each shard to (kinesis-source.ts).
    version: 2,
    sql: `
    CREATE TABLE firehose_shard_positions (
      stream_id INTEGER NOT NULL,
      shard_id TEXT NOT NULL,
      position TEXT NOT NULL,
      PRIMARY KEY (stream_id, shard_id)
    ) WITHOUT ROWID;
    `,
  },
];

export interface StreamRow {
  id: number;
  account: string;
  region: string;
  name: string;
  type: string;
  created_at: number;
  updated_at: number;
  version: number;
  /** JSON of StreamConfig (destinations.ts). */
  config: string;
  /** JSON of the encryption configuration, or null when none was ever asked for. */
  encryption: string | null;
  /** JSON of [{Key, Value}]. */
  tags: string;
  buffered_bytes: number;
  oldest_at: number | null;
  retry_at: number | null;
  failing_since: number | null;
}

export interface RecordRow {
  seq: number;
  record_id: string;
  arrived_at: number;
  data: Buffer;
}

export interface NewStream {
  account: string;
  region: string;
  name: string;
  type: string;
  config: string;
  encryption: string | null;
  tags: string;
  now: number;
}

const streamColumns =
  'id, account, region, name, type, created_at, updated_at, version, config, encryption, tags, buffered_bytes, oldest_at, retry_at, failing_since';

export class FirehoseStore {
  readonly #db: Database;

  /**
   * Whether any stream holds records or reads a Kinesis stream: then the provider starts with
   * Nimbus, to deliver them and to go on reading.
   */
  static hasWork(db: Database): boolean {
    if (!db.tablesOf('firehose').includes('firehose_streams')) return false;
    const sql = "SELECT 1 FROM firehose_streams WHERE oldest_at IS NOT NULL OR type = 'KinesisStreamAsSource' LIMIT 1";
    return db.prepare(sql).get() !== undefined;
  }

  constructor(db: Database) {
    this.#db = db;
  }

  transaction<T>(work: () => T): T {
    return this.#db.transaction(work);
  }

  /** Resolves when what was written so far is committed (undefined when nothing is pending). */
  settled(): Promise<void> | undefined {
    return this.#db.settled();
  }

  stream(account: string, region: string, name: string): StreamRow | undefined {
    return this.#db
      .prepare(`SELECT ${streamColumns} FROM firehose_streams WHERE account = ? AND region = ? AND name = ?`)
      .get(account, region, name) as StreamRow | undefined;
  }

  streamById(id: number): StreamRow | undefined {
    return this.#db.prepare(`SELECT ${streamColumns} FROM firehose_streams WHERE id = ?`).get(id) as
      | StreamRow
      | undefined;
  }

  insertStream(stream: NewStream): number {
    const result = this.#db
      .prepare(
        `INSERT INTO firehose_streams (account, region, name, type, created_at, updated_at, version, config, encryption, tags)
         VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
      )
      .run(
        stream.account,
        stream.region,
        stream.name,
        stream.type,
        stream.now,
        stream.now,
        stream.config,
        stream.encryption,
        stream.tags,
      );
    return Number(result.lastInsertRowid);
  }

  deleteStream(id: number): void {
    this.#db.prepare('DELETE FROM firehose_records WHERE stream_id = ?').run(id);
    this.#db.prepare('DELETE FROM firehose_shard_positions WHERE stream_id = ?').run(id);
    this.#db.prepare('DELETE FROM firehose_streams WHERE id = ?').run(id);
  }

  /** Names after `after` (exclusive), in name order, of one type or all. */
  names(account: string, region: string, type: string | undefined, after: string, limit: number): string[] {
    const rows = this.#db
      .prepare(
        `SELECT name FROM firehose_streams WHERE account = ? AND region = ? AND name > ? AND (? IS NULL OR type = ?)
         ORDER BY name LIMIT ?`,
      )
      .all(account, region, after, type ?? null, type ?? null, limit) as Array<{ name: string }>;
    return rows.map((row) => row.name);
  }

  updateConfig(id: number, config: string, now: number): void {
    this.#db
      .prepare('UPDATE firehose_streams SET config = ?, version = version + 1, updated_at = ? WHERE id = ?')
      .run(config, now, id);
  }

  setEncryption(id: number, encryption: string): void {
    this.#db.prepare('UPDATE firehose_streams SET encryption = ? WHERE id = ?').run(encryption, id);
  }

  setTags(id: number, tags: string): void {
    this.#db.prepare('UPDATE firehose_streams SET tags = ? WHERE id = ?').run(tags, id);
  }

  insertRecord(streamId: number, recordId: string, arrivedAt: number, data: Buffer): void {
    this.#db
      .prepare('INSERT INTO firehose_records (stream_id, record_id, arrived_at, data) VALUES (?, ?, ?, ?)')
      .run(streamId, recordId, arrivedAt, data);
  }

  /** Adds records' bytes to a stream's buffer, and its oldest arrival if the buffer was empty. */
  addBuffered(id: number, bytes: number, arrivedAt: number): void {
    this.#db
      .prepare(
        'UPDATE firehose_streams SET buffered_bytes = buffered_bytes + ?, oldest_at = ifnull(oldest_at, ?) WHERE id = ?',
      )
      .run(bytes, arrivedAt, id);
  }

  /** The oldest records of a stream, in arrival order, until their data reach `maxBytes` (at least one). */
  oldestRecords(streamId: number, maxBytes: number): RecordRow[] {
    const rows: RecordRow[] = [];
    let bytes = 0;
    const statement = this.#db.prepare(
      'SELECT seq, record_id, arrived_at, data FROM firehose_records WHERE stream_id = ? ORDER BY seq',
    );
    for (const row of statement.iterate(streamId) as Iterable<RecordRow>) {
      if (rows.length > 0 && bytes + row.data.length > maxBytes) break;
      rows.push(row);
      bytes += row.data.length;
    }
    return rows;
  }

  /** Deletes delivered (or discarded) records, up to `lastSeq`, and recounts the buffer. */
  deleteRecordsThrough(streamId: number, lastSeq: number): void {
    this.#db.prepare('DELETE FROM firehose_records WHERE stream_id = ? AND seq <= ?').run(streamId, lastSeq);
    const rest = this.#db
      .prepare(
        'SELECT ifnull(sum(length(data)), 0) AS bytes, min(arrived_at) AS oldest FROM firehose_records WHERE stream_id = ?',
      )
      .get(streamId) as { bytes: number; oldest: number | null };
    this.#db
      .prepare(
        'UPDATE firehose_streams SET buffered_bytes = ?, oldest_at = ?, retry_at = NULL, failing_since = NULL WHERE id = ?',
      )
      .run(rest.bytes, rest.oldest, streamId);
  }

  setRetry(id: number, retryAt: number, failingSince: number): void {
    this.#db
      .prepare('UPDATE firehose_streams SET retry_at = ?, failing_since = ? WHERE id = ?')
      .run(retryAt, failingSince, id);
  }

  /** Streams that hold records: what a restart must deliver. */
  bufferedStreams(): number[] {
    const rows = this.#db
      .prepare('SELECT id FROM firehose_streams WHERE buffered_bytes > 0 OR oldest_at IS NOT NULL')
      .all() as Array<{
      id: number;
    }>;
    return rows.map((row) => row.id);
  }

  kinesisSourced(): number[] {
    const rows = this.#db
      .prepare("SELECT id FROM firehose_streams WHERE type = 'KinesisStreamAsSource'")
      .all() as Array<{
      id: number;
    }>;
    return rows.map((row) => row.id);
  }

  shardPositions(streamId: number): Map<string, string> {
    const rows = this.#db
      .prepare('SELECT shard_id, position FROM firehose_shard_positions WHERE stream_id = ?')
      .all(streamId) as Array<{ shard_id: string; position: string }>;
    return new Map(rows.map((row) => [row.shard_id, row.position]));
  }

  setShardPosition(streamId: number, shardId: string, position: string): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO firehose_shard_positions (stream_id, shard_id, position) VALUES (?, ?, ?)')
      .run(streamId, shardId, position);
  }
}
