/**
 * The only SQL of Lambda. A function is one row per account, region and name: its
 * configuration as AWS shows it (JSON), its code (a blob id with its SHA-256 and size), its
 * revision and a generation that every change of code or configuration bumps, so that warm
 * execution environments of an older generation retire. Asynchronous invocations wait in
 * `lambda_event_queue` until they have run (or used up their attempts), so that an accepted
 * Event invocation survives a restart. Times are epoch milliseconds of the Nimbus clock.
 */
import type { FunctionConfiguration } from '../../generated/lambda/types.js';
import type { Database, Migration } from '../../state/database.js';

export const lambdaMigrations: Migration[] = [
  {
    version: 1,
    sql: `
    CREATE TABLE lambda_functions (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      config TEXT NOT NULL,
      code_blob TEXT NOT NULL,
      generation INTEGER NOT NULL,
      reserved_concurrency INTEGER,
      tags TEXT,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (account, region, name)
    ) WITHOUT ROWID;

    CREATE TABLE lambda_event_queue (
      id TEXT PRIMARY KEY,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      payload BLOB NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      due_at INTEGER NOT NULL,
      enqueued_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX lambda_event_queue_due ON lambda_event_queue (due_at);
    `,
  },
];

export interface FunctionRow {
  account: string;
  region: string;
  name: string;
  config: string;
  code_blob: string;
  generation: number;
  reserved_concurrency: number | null;
  tags: string | null;
  created_at: number;
}

/** A function as the domain code sees it: its row, with the configuration parsed. */
export interface StoredFunction {
  account: string;
  region: string;
  name: string;
  config: FunctionConfiguration;
  codeBlob: string;
  generation: number;
  reservedConcurrency: number | undefined;
  tags: Record<string, string>;
  /** Set when this is a published version seen as a function (versions.ts); never stored in this row. */
  version?: string;
}

export interface EventRow {
  id: string;
  account: string;
  region: string;
  name: string;
  payload: Buffer;
  attempts: number;
  due_at: number;
  enqueued_at: number;
  /** The published version an Event invocation of a version or alias runs; null for $LATEST. */
  version?: string | null;
}

function fromRow(row: FunctionRow): StoredFunction {
  return {
    account: row.account,
    region: row.region,
    name: row.name,
    config: JSON.parse(row.config) as FunctionConfiguration,
    codeBlob: row.code_blob,
    generation: row.generation,
    reservedConcurrency: row.reserved_concurrency ?? undefined,
    tags: row.tags ? (JSON.parse(row.tags) as Record<string, string>) : {},
  };
}

export class LambdaStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  transaction<T>(work: () => T): T {
    return this.#db.transaction(work);
  }

  get(account: string, region: string, name: string): StoredFunction | undefined {
    const row = this.#db
      .prepare('SELECT * FROM lambda_functions WHERE account = ? AND region = ? AND name = ?')
      .get(account, region, name) as FunctionRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** A page of functions after `after` (a name), in name order. */
  list(account: string, region: string, after: string, limit: number): StoredFunction[] {
    const rows = this.#db
      .prepare('SELECT * FROM lambda_functions WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?')
      .all(account, region, after, limit) as FunctionRow[];
    return rows.map(fromRow);
  }

  insert(fn: StoredFunction, createdAt: number): void {
    this.#db
      .prepare(
        `INSERT INTO lambda_functions (account, region, name, config, code_blob, generation, reserved_concurrency, tags, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        fn.account,
        fn.region,
        fn.name,
        JSON.stringify(fn.config),
        fn.codeBlob,
        fn.generation,
        fn.reservedConcurrency ?? null,
        Object.keys(fn.tags).length > 0 ? JSON.stringify(fn.tags) : null,
        createdAt,
      );
  }

  update(fn: StoredFunction): void {
    this.#db
      .prepare(
        `UPDATE lambda_functions SET config = ?, code_blob = ?, generation = ?, reserved_concurrency = ?, tags = ?
         WHERE account = ? AND region = ? AND name = ?`,
      )
      .run(
        JSON.stringify(fn.config),
        fn.codeBlob,
        fn.generation,
        fn.reservedConcurrency ?? null,
        Object.keys(fn.tags).length > 0 ? JSON.stringify(fn.tags) : null,
        fn.account,
        fn.region,
        fn.name,
      );
  }

  delete(account: string, region: string, name: string): void {
    this.#db
      .prepare('DELETE FROM lambda_functions WHERE account = ? AND region = ? AND name = ?')
      .run(account, region, name);
    this.#db
      .prepare('DELETE FROM lambda_event_queue WHERE account = ? AND region = ? AND name = ?')
      .run(account, region, name);
  }

  /** Every code blob a function names, for the download route and orphan checks. */
  codeBlobs(): Set<string> {
    const rows = this.#db.prepare('SELECT code_blob FROM lambda_functions').all() as Array<{ code_blob: string }>;
    return new Set(rows.map((row) => row.code_blob));
  }

  enqueueEvent(event: Omit<EventRow, 'attempts'>): void {
    this.#db
      .prepare(
        'INSERT INTO lambda_event_queue (id, account, region, name, payload, attempts, due_at, enqueued_at, version) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)',
      )
      .run(
        event.id,
        event.account,
        event.region,
        event.name,
        event.payload,
        event.due_at,
        event.enqueued_at,
        event.version ?? null,
      );
  }

  /** Events due by `now`, oldest first. */
  dueEvents(now: number, limit: number): EventRow[] {
    return this.#db
      .prepare('SELECT * FROM lambda_event_queue WHERE due_at <= ? ORDER BY due_at, enqueued_at LIMIT ?')
      .all(now, limit) as EventRow[];
  }

  /** The earliest due time of a waiting event (not one in flight, whose due time is `inFlight`). */
  nextEventDue(inFlight: number): number | undefined {
    const row = this.#db
      .prepare('SELECT MIN(due_at) AS due FROM lambda_event_queue WHERE due_at < ?')
      .get(inFlight) as {
      due: number | null;
    };
    return row.due ?? undefined;
  }

  /** Makes the events that were in flight when the last run stopped due at `now`. */
  resumeInFlight(inFlight: number, now: number): void {
    this.#db.prepare('UPDATE lambda_event_queue SET due_at = ? WHERE due_at = ?').run(now, inFlight);
  }

  /** The reserved concurrency of an account's functions in a region, but one. */
  reservedTotal(account: string, region: string, except: string): number {
    const row = this.#db
      .prepare(
        'SELECT COALESCE(SUM(reserved_concurrency), 0) AS total FROM lambda_functions WHERE account = ? AND region = ? AND name <> ?',
      )
      .get(account, region, except) as { total: number };
    return row.total;
  }

  /** Puts an event back for another attempt at `dueAt`. */
  retryEvent(id: string, attempts: number, dueAt: number): void {
    this.#db.prepare('UPDATE lambda_event_queue SET attempts = ?, due_at = ? WHERE id = ?').run(attempts, dueAt, id);
  }

  deleteEvent(id: string): void {
    this.#db.prepare('DELETE FROM lambda_event_queue WHERE id = ?').run(id);
  }
}
