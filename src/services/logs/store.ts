/**
 * The only SQL of CloudWatch Logs. Log groups are rows scoped by account and region; streams
 * belong to a group; events are rows of one table whose two indexes make every read a range:
 *
 * - `logs_events_by_stream (group_id, stream_id, timestamp, seq)`: GetLogEvents, and
 *   FilterLogEvents over a few named streams, read one stream's events in time order from a
 *   position, forwards or backwards.
 * - `logs_events_by_group (group_id, timestamp, seq)`: FilterLogEvents over a whole group reads
 *   its events interleaved in time order, and retention deletes a group's oldest events as one
 *   range.
 *
 * `seq` (the rowid) orders events of equal timestamp in ingestion order, and with the timestamp
 * is the position that paging tokens name. Each group keeps a running count of the bytes it
 * stores (storedBytes) and each stream its first and last event times, so that describing them
 * reads no event. Times are epoch milliseconds of the Nimbus clock.
 */
import type { Database, Migration, Statement } from '../../state/database.js';

export const logsMigrations: Migration[] = [
  {
    version: 1,
    sql: `
    CREATE TABLE logs_groups (
      id INTEGER PRIMARY KEY,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      retention_days INTEGER,
      kms_key_id TEXT,
      log_group_class TEXT NOT NULL,
      deletion_protection INTEGER NOT NULL DEFAULT 0,
      tags TEXT NOT NULL,
      stored_bytes INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX logs_groups_by_name ON logs_groups (account, region, name);
    CREATE INDEX logs_groups_with_retention ON logs_groups (retention_days) WHERE retention_days IS NOT NULL;

    CREATE TABLE logs_streams (
      id INTEGER PRIMARY KEY,
      group_id INTEGER NOT NULL,
      name TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      first_event_at INTEGER,
      last_event_at INTEGER,
      last_ingestion_at INTEGER,
      uploads INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX logs_streams_by_name ON logs_streams (group_id, name);
    CREATE INDEX logs_streams_by_last_event ON logs_streams (group_id, ifnull(last_event_at, -1), name);

    CREATE TABLE logs_events (
      seq INTEGER PRIMARY KEY,
      group_id INTEGER NOT NULL,
      stream_id INTEGER NOT NULL,
      timestamp INTEGER NOT NULL,
      ingested_at INTEGER NOT NULL,
      message TEXT NOT NULL
    );
    CREATE INDEX logs_events_by_stream ON logs_events (group_id, stream_id, timestamp, seq);
    CREATE INDEX logs_events_by_group ON logs_events (group_id, timestamp, seq);
    `,
  },
];

export interface GroupRow {
  id: number;
  account: string;
  region: string;
  name: string;
  created_at: number;
  retention_days: number | null;
  kms_key_id: string | null;
  log_group_class: string;
  deletion_protection: number;
  /** JSON of its tags. */
  tags: string;
  stored_bytes: number;
}

export interface StreamRow {
  id: number;
  group_id: number;
  name: string;
  created_at: number;
  first_event_at: number | null;
  last_event_at: number | null;
  last_ingestion_at: number | null;
  /** How many PutLogEvents calls it has taken: its upload sequence token is made from this. */
  uploads: number;
}

export interface EventRow {
  seq: number;
  stream_id: number;
  timestamp: number;
  ingested_at: number;
  message: string;
}

/** A position in time order: an event's (timestamp, seq). */
export interface Position {
  timestamp: number;
  seq: number;
}

const groupColumns =
  'id, account, region, name, created_at, retention_days, kms_key_id, log_group_class, deletion_protection, tags, stored_bytes';
const eventColumns = 'seq, stream_id, timestamp, ingested_at, message';

export class LogsStore {
  readonly #db: Database;
  readonly #insertEvent: Statement;
  readonly #streamAfter: Statement;
  readonly #streamBefore: Statement;
  readonly #groupAfter: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#insertEvent = db.prepare(
      'INSERT INTO logs_events (group_id, stream_id, timestamp, ingested_at, message) VALUES (?, ?, ?, ?, ?)',
    );
    // Row values compare (timestamp, seq) as one key, so each page is one index seek.
    this.#streamAfter = db.prepare(
      `SELECT ${eventColumns} FROM logs_events
       WHERE group_id = ? AND stream_id = ? AND (timestamp, seq) > (?, ?) AND timestamp < ?
       ORDER BY timestamp, seq LIMIT ?`,
    );
    this.#streamBefore = db.prepare(
      `SELECT ${eventColumns} FROM logs_events
       WHERE group_id = ? AND stream_id = ? AND (timestamp, seq) < (?, ?) AND timestamp >= ?
       ORDER BY timestamp DESC, seq DESC LIMIT ?`,
    );
    this.#groupAfter = db.prepare(
      `SELECT ${eventColumns} FROM logs_events
       WHERE group_id = ? AND (timestamp, seq) > (?, ?) AND timestamp < ?
       ORDER BY timestamp, seq LIMIT ?`,
    );
  }

  transaction<T>(work: () => T): T {
    return this.#db.transaction(work);
  }

  // Groups

  group(account: string, region: string, name: string): GroupRow | undefined {
    return this.#db
      .prepare(`SELECT ${groupColumns} FROM logs_groups WHERE account = ? AND region = ? AND name = ?`)
      .get(account, region, name) as GroupRow | undefined;
  }

  insertGroup(row: Omit<GroupRow, 'id' | 'stored_bytes'>): GroupRow {
    return this.#db
      .prepare(
        `INSERT INTO logs_groups (account, region, name, created_at, retention_days, kms_key_id, log_group_class,
           deletion_protection, tags)
         VALUES (@account, @region, @name, @created_at, @retention_days, @kms_key_id, @log_group_class,
           @deletion_protection, @tags)
         RETURNING ${groupColumns}`,
      )
      .get(row) as GroupRow;
  }

  deleteGroup(groupId: number): void {
    this.#db.prepare('DELETE FROM logs_events WHERE group_id = ?').run(groupId);
    this.#db.prepare('DELETE FROM logs_streams WHERE group_id = ?').run(groupId);
    this.#db.prepare('DELETE FROM logs_groups WHERE id = ?').run(groupId);
  }

  setRetention(groupId: number, days: number | null): void {
    this.#db.prepare('UPDATE logs_groups SET retention_days = ? WHERE id = ?').run(days, groupId);
  }

  setTags(groupId: number, tags: string): void {
    this.#db.prepare('UPDATE logs_groups SET tags = ? WHERE id = ?').run(tags, groupId);
  }

  setDeletionProtection(groupId: number, enabled: boolean): void {
    this.#db.prepare('UPDATE logs_groups SET deletion_protection = ? WHERE id = ?').run(enabled ? 1 : 0, groupId);
  }

  /** One page of groups in name order after `afterName`, whose names start with `prefix`. */
  groupsByPrefix(
    scope: { account: string; region: string },
    prefix: string,
    logGroupClass: string | null,
    afterName: string,
    limit: number,
  ): GroupRow[] {
    return this.#db
      .prepare(
        `SELECT ${groupColumns} FROM logs_groups
         WHERE account = ? AND region = ? AND name > ? AND substr(name, 1, ?) = ?
           AND (? IS NULL OR log_group_class = ?)
         ORDER BY name LIMIT ?`,
      )
      .all(
        scope.account,
        scope.region,
        afterName,
        prefix.length,
        prefix,
        logGroupClass,
        logGroupClass,
        limit,
      ) as GroupRow[];
  }

  /**
   * Groups in name order after `afterName` whose names contain `pattern`: a case-sensitive
   * substring search, as DescribeLogGroups's logGroupNamePattern is (instr is case-sensitive).
   */
  groupsContaining(
    scope: { account: string; region: string },
    pattern: string,
    logGroupClass: string | null,
    afterName: string,
    limit: number,
  ): GroupRow[] {
    return this.#db
      .prepare(
        `SELECT ${groupColumns} FROM logs_groups
         WHERE account = ? AND region = ? AND name > ? AND instr(name, ?) > 0
           AND (? IS NULL OR log_group_class = ?)
         ORDER BY name LIMIT ?`,
      )
      .all(scope.account, scope.region, afterName, pattern, logGroupClass, logGroupClass, limit) as GroupRow[];
  }

  /** Groups with a retention policy, and their oldest event's time (null when they have none). */
  groupsWithRetention(): Array<{ id: number; retention_days: number; oldest: number | null }> {
    return this.#db
      .prepare(
        `SELECT g.id, g.retention_days,
           (SELECT timestamp FROM logs_events e WHERE e.group_id = g.id ORDER BY timestamp, seq LIMIT 1) AS oldest
         FROM logs_groups g WHERE g.retention_days IS NOT NULL`,
      )
      .all() as Array<{ id: number; retention_days: number; oldest: number | null }>;
  }

  /** Deletes a group's events older than `before` (one range of the group index) and counts their bytes out. */
  deleteEventsBefore(groupId: number, before: number): void {
    const row = this.#db
      .prepare(
        `SELECT count(*) AS events, coalesce(sum(length(CAST(message AS BLOB))), 0) AS bytes FROM logs_events
         WHERE group_id = ? AND timestamp < ?`,
      )
      .get(groupId, before) as { events: number; bytes: number };
    if (row.events === 0) return;
    this.#db.prepare('DELETE FROM logs_events WHERE group_id = ? AND timestamp < ?').run(groupId, before);
    this.#db.prepare('UPDATE logs_groups SET stored_bytes = stored_bytes - ? WHERE id = ?').run(row.bytes, groupId);
  }

  // Streams

  stream(groupId: number, name: string): StreamRow | undefined {
    return this.#db.prepare('SELECT * FROM logs_streams WHERE group_id = ? AND name = ?').get(groupId, name) as
      | StreamRow
      | undefined;
  }

  insertStream(groupId: number, name: string, createdAt: number): StreamRow {
    return this.#db
      .prepare('INSERT INTO logs_streams (group_id, name, created_at) VALUES (?, ?, ?) RETURNING *')
      .get(groupId, name, createdAt) as StreamRow;
  }

  deleteStream(stream: StreamRow): void {
    const row = this.#db
      .prepare(
        `SELECT coalesce(sum(length(CAST(message AS BLOB))), 0) AS bytes FROM logs_events
         WHERE group_id = ? AND stream_id = ?`,
      )
      .get(stream.group_id, stream.id) as { bytes: number };
    this.#db.prepare('DELETE FROM logs_events WHERE group_id = ? AND stream_id = ?').run(stream.group_id, stream.id);
    this.#db.prepare('DELETE FROM logs_streams WHERE id = ?').run(stream.id);
    this.#db
      .prepare('UPDATE logs_groups SET stored_bytes = stored_bytes - ? WHERE id = ?')
      .run(row.bytes, stream.group_id);
  }

  /** One page of a group's streams in name order (or reversed), from after (or before) `from`. */
  streamsByName(groupId: number, prefix: string, from: string | undefined, descending: boolean, limit: number) {
    const sql = descending
      ? `SELECT * FROM logs_streams WHERE group_id = ? AND substr(name, 1, ?) = ? AND (? IS NULL OR name < ?)
         ORDER BY name DESC LIMIT ?`
      : `SELECT * FROM logs_streams WHERE group_id = ? AND substr(name, 1, ?) = ? AND (? IS NULL OR name > ?)
         ORDER BY name LIMIT ?`;
    return this.#db.prepare(sql).all(groupId, prefix.length, prefix, from ?? null, from ?? null, limit) as StreamRow[];
  }

  /** One page of a group's streams by last event time (streams without events first), then name. */
  streamsByLastEvent(
    groupId: number,
    from: { at: number; name: string } | undefined,
    descending: boolean,
    limit: number,
  ): StreamRow[] {
    const order = descending ? 'DESC' : '';
    const compare = descending ? '<' : '>';
    const after = from ? `AND (ifnull(last_event_at, -1), name) ${compare} (?, ?)` : '';
    const parameters: Array<number | string> = [groupId];
    if (from) parameters.push(from.at, from.name);
    parameters.push(limit);
    return this.#db
      .prepare(
        `SELECT * FROM logs_streams WHERE group_id = ? ${after}
         ORDER BY ifnull(last_event_at, -1) ${order}, name ${order} LIMIT ?`,
      )
      .all(...parameters) as StreamRow[];
  }

  /** Streams whose names start with `prefix`, at most `limit` of them (FilterLogEvents). */
  streamIdsByPrefix(groupId: number, prefix: string, limit: number): Array<{ id: number; name: string }> {
    return this.#db
      .prepare('SELECT id, name FROM logs_streams WHERE group_id = ? AND substr(name, 1, ?) = ? ORDER BY name LIMIT ?')
      .all(groupId, prefix.length, prefix, limit) as Array<{ id: number; name: string }>;
  }

  streamNames(groupId: number, ids: number[]): Map<number, string> {
    const names = new Map<number, string>();
    const select = this.#db.prepare('SELECT name FROM logs_streams WHERE id = ? AND group_id = ?');
    for (const id of ids) {
      const row = select.get(id, groupId) as { name: string } | undefined;
      if (row) names.set(id, row.name);
    }
    return names;
  }

  // Events

  /**
   * Appends events (already checked and in time order) to a stream, and moves the stream's
   * first and last event times, its ingestion time and upload count, and its group's bytes.
   */
  appendEvents(
    stream: StreamRow,
    events: ReadonlyArray<{ timestamp: number; message: string; bytes: number }>,
    ingestedAt: number,
  ): number {
    let bytes = 0;
    for (const event of events) {
      this.#insertEvent.run(stream.group_id, stream.id, event.timestamp, ingestedAt, event.message);
      bytes += event.bytes;
    }
    const first = events[0]?.timestamp ?? null;
    const last = events.at(-1)?.timestamp ?? null;
    // The events are in time order, so the first and last are the batch's extremes.
    const row = this.#db
      .prepare(
        `UPDATE logs_streams SET uploads = uploads + 1, last_ingestion_at = ?,
           first_event_at = CASE WHEN ? IS NULL THEN first_event_at ELSE min(ifnull(first_event_at, ?), ?) END,
           last_event_at = CASE WHEN ? IS NULL THEN last_event_at ELSE max(ifnull(last_event_at, ?), ?) END
         WHERE id = ? RETURNING uploads`,
      )
      .get(ingestedAt, first, first, first, last, last, last, stream.id) as { uploads: number };
    if (bytes > 0) {
      this.#db
        .prepare('UPDATE logs_groups SET stored_bytes = stored_bytes + ? WHERE id = ?')
        .run(bytes, stream.group_id);
    }
    return row.uploads;
  }

  /** A stream's events after `from` and before `end` (exclusive), in time order. */
  streamEventsAfter(stream: StreamRow, from: Position, end: number, limit: number): EventRow[] {
    return this.#streamAfter.all(stream.group_id, stream.id, from.timestamp, from.seq, end, limit) as EventRow[];
  }

  /** A stream's events before `from` and from `start` on, newest first. */
  streamEventsBefore(stream: StreamRow, from: Position, start: number, limit: number): EventRow[] {
    return this.#streamBefore.all(stream.group_id, stream.id, from.timestamp, from.seq, start, limit) as EventRow[];
  }

  /** A group's events after `from` and before `end` (exclusive), interleaved in time order. */
  groupEventsAfter(groupId: number, from: Position, end: number, limit: number): EventRow[] {
    return this.#groupAfter.all(groupId, from.timestamp, from.seq, end, limit) as EventRow[];
  }

  /** The events of one stream, by id, after `from` (FilterLogEvents over named streams). */
  streamIdEventsAfter(groupId: number, streamId: number, from: Position, end: number, limit: number): EventRow[] {
    return this.#streamAfter.all(groupId, streamId, from.timestamp, from.seq, end, limit) as EventRow[];
  }
}
