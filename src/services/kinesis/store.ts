/**
 * The only SQL of Kinesis Data Streams. Streams are rows scoped by account and region; their
 * shards are rows keyed by (stream, shard index); records are rows of a rowid table, appended in
 * arrival order, with the unique index `kinesis_records_by_seq (stream, shard index, seq)`, so that
 * a GetRecords page is one range of that index (schema 2; see the migration for why not WITHOUT
 * ROWID). `seq` is a counter of the stream (not of the shard), so that a child shard's
 * records come after its parents' and one number orders a shard's records; the 56-digit
 * SequenceNumber AWS shows is made from it (sequence-numbers.ts).
 *
 * A shard's records arrive in seq order, so retention deletes each shard's oldest records as one
 * range of seqs (`deleteRecordsBefore`). Times are epoch milliseconds of the Nimbus clock.
 *
 * A record is kept as the JSON object GetRecords answers (`json`, built once by the put, with its
 * Data in base64) and its data's length (`size`), so that a GetRecords page is one
 * `group_concat` in SQLite spliced into the answer: 10,000 records without a Buffer or an object
 * each. Schema 1 kept the bytes in `data`; the store rewrites such rows on start.
 */
import type { Database, Migration, Statement } from '../../state/database.js';

export const kinesisMigrations: Migration[] = [
  {
    version: 1,
    sql: `
    CREATE TABLE kinesis_streams (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      retention_hours INTEGER NOT NULL,
      mode TEXT NOT NULL,
      encryption TEXT NOT NULL DEFAULT 'NONE',
      key_id TEXT,
      monitoring TEXT NOT NULL DEFAULT '[]',
      tags TEXT NOT NULL DEFAULT '{}',
      max_record_kib INTEGER NOT NULL DEFAULT 1024,
      next_seq INTEGER NOT NULL DEFAULT 1,
      next_shard INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX kinesis_streams_by_name ON kinesis_streams (account, region, name);

    CREATE TABLE kinesis_shards (
      stream_id INTEGER NOT NULL,
      shard_index INTEGER NOT NULL,
      parent INTEGER,
      adjacent_parent INTEGER,
      start_hash TEXT NOT NULL,
      end_hash TEXT NOT NULL,
      start_seq INTEGER NOT NULL,
      end_seq INTEGER,
      created_at INTEGER NOT NULL,
      closed_at INTEGER,
      PRIMARY KEY (stream_id, shard_index)
    ) WITHOUT ROWID;

    CREATE TABLE kinesis_records (
      stream_id INTEGER NOT NULL,
      shard_index INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      arrival INTEGER NOT NULL,
      partition_key TEXT NOT NULL,
      data BLOB NOT NULL,
      PRIMARY KEY (stream_id, shard_index, seq)
    ) WITHOUT ROWID;
    CREATE INDEX kinesis_records_by_arrival ON kinesis_records (stream_id, arrival);

    CREATE TABLE kinesis_consumers (
      stream_id INTEGER NOT NULL,
      name TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (stream_id, name)
    ) WITHOUT ROWID;
    `,
  },
  {
    // Records move to a rowid table: a record of 1 KB is larger than a WITHOUT ROWID row keeps in
    // its b-tree page (about 1,000 bytes of a 4 KiB page: https://sqlite.org/fileformat2.html#b_tree_pages),
    // so each took an overflow page of its own; a rowid table keeps up to 4 KiB in the page and
    // appends in arrival order. `partition_key` and `data` remain only for schema 1's rows until
    // the store rewrites them (KinesisStore.upgradeRecords).
    version: 2,
    sql: `
    CREATE TABLE kinesis_records_v2 (
      stream_id INTEGER NOT NULL,
      shard_index INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      arrival INTEGER NOT NULL,
      json TEXT,
      size INTEGER NOT NULL DEFAULT 0,
      partition_key TEXT,
      data BLOB
    );
    INSERT INTO kinesis_records_v2 (stream_id, shard_index, seq, arrival, partition_key, data)
      SELECT stream_id, shard_index, seq, arrival, partition_key, data FROM kinesis_records ORDER BY arrival, seq;
    DROP TABLE kinesis_records;
    ALTER TABLE kinesis_records_v2 RENAME TO kinesis_records;
    CREATE UNIQUE INDEX kinesis_records_by_seq ON kinesis_records (stream_id, shard_index, seq);
    `,
  },
];

export interface StreamRow {
  id: number;
  account: string;
  region: string;
  name: string;
  created_at: number;
  retention_hours: number;
  mode: string;
  encryption: string;
  key_id: string | null;
  /** JSON list of the shard-level metrics enabled. */
  monitoring: string;
  /** JSON of its tags. */
  tags: string;
  max_record_kib: number;
  next_seq: number;
  next_shard: number;
}

export interface ShardRow {
  stream_id: number;
  shard_index: number;
  parent: number | null;
  adjacent_parent: number | null;
  /** Decimal text of the 128-bit hash keys. */
  start_hash: string;
  end_hash: string;
  /** The first seq the shard can hold, and its last once it is closed. */
  start_seq: number;
  end_seq: number | null;
  created_at: number;
  closed_at: number | null;
}

export interface RecordRow {
  seq: number;
  arrival: number;
  /** The record as GetRecords writes it. */
  json: string;
  /** Its data's length in bytes. */
  size: number;
}

export interface NewRecord {
  shard_index: number;
  seq: number;
  json: string;
  size: number;
}

/** A page of records as one JSON array (`json` joined by commas, in brackets). */
export interface RecordsText {
  /** `[{...},{...}]` in UTF-8: a BLOB, so 10,000 records never become a JavaScript string. */
  text: Buffer;
  count: number;
  /** The data bytes of the page's records. */
  bytes: number;
  /** The seq of the last record, if any. */
  lastSeq: number | null;
}

const streamColumns =
  'id, account, region, name, created_at, retention_hours, mode, encryption, key_id, monitoring, tags, max_record_kib, next_seq, next_shard';
const shardColumns =
  'stream_id, shard_index, parent, adjacent_parent, start_hash, end_hash, start_seq, end_seq, created_at, closed_at';

export class KinesisStore {
  readonly #db: Database;
  readonly #streamByName: Statement;
  readonly #shards: Statement;
  readonly #takeSeqs: Statement;
  readonly #insertRecord: Statement;
  readonly #recordsAfter: Statement;
  readonly #recordsText: Statement;
  readonly #arrivalOf: Statement;
  readonly #lastRecord: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#streamByName = db.prepare(
      `SELECT ${streamColumns} FROM kinesis_streams WHERE account = ? AND region = ? AND name = ?`,
    );
    this.#shards = db.prepare(`SELECT ${shardColumns} FROM kinesis_shards WHERE stream_id = ? ORDER BY shard_index`);
    this.#takeSeqs = db.prepare('UPDATE kinesis_streams SET next_seq = next_seq + ? WHERE id = ? RETURNING next_seq');
    this.#insertRecord = db.prepare(
      'INSERT INTO kinesis_records (stream_id, shard_index, seq, arrival, json, size) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#recordsAfter = db.prepare(
      `SELECT seq, arrival, json, size FROM kinesis_records
       WHERE stream_id = ? AND shard_index = ? AND seq > ? AND seq <= ? AND arrival >= ?
       ORDER BY seq LIMIT ?`,
    );
    // The aggregate reads the subquery's rows as its LIMIT-ed ORDER BY yields them (a subquery
    // with a LIMIT under an aggregate is not flattened: https://sqlite.org/optoverview.html#flattening),
    // so the text is in seq order; `group_concat(... ORDER BY seq)` would sort them again in a
    // temporary b-tree, 2.6 times slower for 10,000 rows as measured here. kinesis tests check
    // the order of every page.
    this.#recordsText = db.prepare(
      `SELECT CAST('[' || coalesce(group_concat(json, ','), '') || ']' AS BLOB) AS text, count(*) AS count,
              coalesce(sum(size), 0) AS bytes, max(seq) AS lastSeq
       FROM (SELECT json, size, seq FROM kinesis_records
             WHERE stream_id = ? AND shard_index = ? AND seq > ? AND seq <= ? AND arrival >= ?
             ORDER BY seq LIMIT ?)`,
    );
    this.#arrivalOf = db.prepare(
      'SELECT arrival FROM kinesis_records WHERE stream_id = ? AND shard_index = ? AND seq = ?',
    );
    this.#lastRecord = db.prepare(
      `SELECT seq, arrival FROM kinesis_records WHERE stream_id = ? AND shard_index = ?
       ORDER BY seq DESC LIMIT 1`,
    );
  }

  // Streams

  stream(account: string, region: string, name: string): StreamRow | undefined {
    return this.#streamByName.get(account, region, name) as StreamRow | undefined;
  }

  streamById(id: number): StreamRow | undefined {
    return this.#db.prepare(`SELECT ${streamColumns} FROM kinesis_streams WHERE id = ?`).get(id) as
      | StreamRow
      | undefined;
  }

  insertStream(
    row: Pick<StreamRow, 'account' | 'region' | 'name' | 'created_at' | 'retention_hours' | 'mode' | 'tags'>,
  ): StreamRow {
    return this.#db
      .prepare(
        `INSERT INTO kinesis_streams (account, region, name, created_at, retention_hours, mode, tags)
         VALUES (@account, @region, @name, @created_at, @retention_hours, @mode, @tags) RETURNING ${streamColumns}`,
      )
      .get(row) as StreamRow;
  }

  deleteStream(id: number): void {
    this.#db.prepare('DELETE FROM kinesis_records WHERE stream_id = ?').run(id);
    this.#db.prepare('DELETE FROM kinesis_shards WHERE stream_id = ?').run(id);
    this.#db.prepare('DELETE FROM kinesis_consumers WHERE stream_id = ?').run(id);
    this.#db.prepare('DELETE FROM kinesis_streams WHERE id = ?').run(id);
  }

  /** One page of a scope's streams in name order after `afterName`. */
  streamsAfter(account: string, region: string, afterName: string, limit: number): StreamRow[] {
    return this.#db
      .prepare(
        `SELECT ${streamColumns} FROM kinesis_streams WHERE account = ? AND region = ? AND name > ?
         ORDER BY name LIMIT ?`,
      )
      .all(account, region, afterName, limit) as StreamRow[];
  }

  allStreams(): StreamRow[] {
    return this.#db.prepare(`SELECT ${streamColumns} FROM kinesis_streams`).all() as StreamRow[];
  }

  /** How many open shards an account has in a region (the shard limit counts those). */
  openShardCount(account: string, region: string): number {
    const row = this.#db
      .prepare(
        `SELECT count(*) AS n FROM kinesis_shards JOIN kinesis_streams ON kinesis_streams.id = kinesis_shards.stream_id
         WHERE account = ? AND region = ? AND end_seq IS NULL`,
      )
      .get(account, region) as { n: number };
    return row.n;
  }

  setStreamField(
    id: number,
    field: 'retention_hours' | 'encryption' | 'key_id' | 'monitoring' | 'tags' | 'mode' | 'max_record_kib',
    value: string | number | null,
  ): void {
    this.#db.prepare(`UPDATE kinesis_streams SET ${field} = ? WHERE id = ?`).run(value, id);
  }

  /** Reserves `count` seqs of the stream; returns the first. */
  takeSeqs(streamId: number, count: number): number {
    const row = this.#takeSeqs.get(count, streamId) as { next_seq: number };
    return row.next_seq - count;
  }

  /** Reserves `count` shard indexes of the stream; returns the first. */
  takeShardIndexes(streamId: number, count: number): number {
    const row = this.#db
      .prepare('UPDATE kinesis_streams SET next_shard = next_shard + ? WHERE id = ? RETURNING next_shard')
      .get(count, streamId) as { next_shard: number };
    return row.next_shard - count;
  }

  // Shards

  shards(streamId: number): ShardRow[] {
    return this.#shards.all(streamId) as ShardRow[];
  }

  insertShard(row: Omit<ShardRow, 'end_seq' | 'closed_at'>): void {
    this.#db
      .prepare(
        `INSERT INTO kinesis_shards (stream_id, shard_index, parent, adjacent_parent, start_hash, end_hash, start_seq, created_at)
         VALUES (@stream_id, @shard_index, @parent, @adjacent_parent, @start_hash, @end_hash, @start_seq, @created_at)`,
      )
      .run(row);
  }

  closeShard(streamId: number, shardIndex: number, endSeq: number, at: number): void {
    this.#db
      .prepare('UPDATE kinesis_shards SET end_seq = ?, closed_at = ? WHERE stream_id = ? AND shard_index = ?')
      .run(endSeq, at, streamId, shardIndex);
  }

  // Records

  insertRecords(streamId: number, arrival: number, records: readonly NewRecord[]): void {
    for (const record of records) {
      this.#insertRecord.run(streamId, record.shard_index, record.seq, arrival, record.json, record.size);
    }
  }

  /**
   * The same records as `records`, as one text made by SQLite. The caller checks `bytes`
   * against its page limit and reads row by row past it.
   */
  recordsText(
    streamId: number,
    shardIndex: number,
    afterSeq: number,
    untilSeq: number,
    since: number,
    limit: number,
  ): RecordsText {
    return this.#recordsText.get(streamId, shardIndex, afterSeq, untilSeq, since, limit) as RecordsText;
  }

  arrivalOf(streamId: number, shardIndex: number, seq: number): number | undefined {
    return (this.#arrivalOf.get(streamId, shardIndex, seq) as { arrival: number } | undefined)?.arrival;
  }

  /**
   * Rewrites schema 1's rows (bytes in `data`) as schema 2's (`json`, `size`), a thousand at a
   * time; `toJson` builds a row's JSON as a put does.
   */
  upgradeRecords(
    toJson: (row: {
      stream_id: number;
      shard_index: number;
      seq: number;
      arrival: number;
      partition_key: string;
      data: Buffer;
    }) => string,
  ): void {
    const select = this.#db.prepare(
      'SELECT stream_id, shard_index, seq, arrival, partition_key, data FROM kinesis_records WHERE json IS NULL LIMIT 1000',
    );
    const update = this.#db.prepare(
      `UPDATE kinesis_records SET json = ?, size = ?, data = NULL, partition_key = NULL
       WHERE stream_id = ? AND shard_index = ? AND seq = ?`,
    );
    for (;;) {
      const rows = select.all() as Array<Parameters<typeof toJson>[0]>;
      if (rows.length === 0) return;
      this.#db.transaction(() => {
        for (const row of rows) update.run(toJson(row), row.data.length, row.stream_id, row.shard_index, row.seq);
      });
    }
  }

  /** Up to `limit` records of a shard with `afterSeq < seq <= untilSeq` that arrived at or after `since`. */
  records(
    streamId: number,
    shardIndex: number,
    afterSeq: number,
    untilSeq: number,
    since: number,
    limit: number,
  ): RecordRow[] {
    return this.#recordsAfter.all(streamId, shardIndex, afterSeq, untilSeq, since, limit) as RecordRow[];
  }

  lastRecord(streamId: number, shardIndex: number): { seq: number; arrival: number } | undefined {
    return this.#lastRecord.get(streamId, shardIndex) as { seq: number; arrival: number } | undefined;
  }

  /** The first record of a shard at or after `since` with seq > afterSeq (AT_TIMESTAMP). */
  firstSeqSince(streamId: number, shardIndex: number, afterSeq: number, since: number): number | undefined {
    const row = this.#db
      .prepare(
        `SELECT seq FROM kinesis_records WHERE stream_id = ? AND shard_index = ? AND seq > ? AND arrival >= ?
         ORDER BY seq LIMIT 1`,
      )
      .get(streamId, shardIndex, afterSeq, since) as { seq: number } | undefined;
    return row?.seq;
  }

  /**
   * Deletes records of a stream that arrived before `before`, each shard's oldest first, at most
   * `limit` seqs of each shard in one call; returns whether any shard may hold more. A shard's
   * records arrive in seq order, so its old records are one range from its start, found through
   * `kinesis_records_by_seq` without an index on arrival (one index less for every put to keep).
   */
  deleteRecordsBefore(streamId: number, before: number, limit: number): boolean {
    const first = this.#db.prepare(
      'SELECT min(seq) AS seq FROM kinesis_records WHERE stream_id = ? AND shard_index = ?',
    );
    const firstKept = this.#db.prepare(
      `SELECT seq FROM kinesis_records WHERE stream_id = ? AND shard_index = ? AND seq >= ? AND seq < ? AND arrival >= ?
       ORDER BY seq LIMIT 1`,
    );
    const remove = this.#db.prepare(
      'DELETE FROM kinesis_records WHERE stream_id = ? AND shard_index = ? AND seq >= ? AND seq < ? AND arrival < ?',
    );
    let more = false;
    for (const { shard_index: shard } of this.#db
      .prepare('SELECT shard_index FROM kinesis_shards WHERE stream_id = ?')
      .all(streamId) as Array<{ shard_index: number }>) {
      const start = (first.get(streamId, shard) as { seq: number | null }).seq;
      if (start === null) continue;
      const cap = start + limit;
      const kept = (firstKept.get(streamId, shard, start, cap, before) as { seq: number } | undefined)?.seq;
      const removed = remove.run(streamId, shard, start, kept ?? cap, before).changes;
      if (kept === undefined && removed > 0) more = true;
    }
    return more;
  }

  // Consumers

  consumers(streamId: number): Array<{ name: string; created_at: number }> {
    return this.#db
      .prepare('SELECT name, created_at FROM kinesis_consumers WHERE stream_id = ? ORDER BY name')
      .all(streamId) as Array<{ name: string; created_at: number }>;
  }

  consumer(streamId: number, name: string): { name: string; created_at: number } | undefined {
    return this.#db
      .prepare('SELECT name, created_at FROM kinesis_consumers WHERE stream_id = ? AND name = ?')
      .get(streamId, name) as { name: string; created_at: number } | undefined;
  }

  insertConsumer(streamId: number, name: string, at: number): void {
    this.#db
      .prepare('INSERT INTO kinesis_consumers (stream_id, name, created_at) VALUES (?, ?, ?)')
      .run(streamId, name, at);
  }

  deleteConsumer(streamId: number, name: string): void {
    this.#db.prepare('DELETE FROM kinesis_consumers WHERE stream_id = ? AND name = ?').run(streamId, name);
  }
}
