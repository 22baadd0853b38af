/**
 * The only SQL of DynamoDB. Tables are rows scoped by account and region; their definitions are
 * JSON (what DescribeTable shows, less the counts); items are rows of one key-ordered table:
 *
 * - `dynamodb_items (table_id, h, pk, sk)`, WITHOUT ROWID: `h` is a 32-bit hash of the partition
 *   key's bytes, `pk` those bytes, `sk` the sort key in DynamoDB's order (numbers by
 *   `encodeSortableNumber`, strings as UTF-8, binary as is: SQLite compares blobs with memcmp, so
 *   byte order is DynamoDB's order). A Query fixes (table_id, h, pk) and reads a range of `sk`:
 *   an index range whatever the table's size. A Scan walks (h, pk, sk), so that the order looks
 *   hashed as AWS's does and a parallel Scan's segment is a range of `h`.
 * - `dynamodb_index_items (index_id, h, pk, sk, tpk, tsk)`: each GSI and LSI entry with its
 *   projected item, written in the same transaction as its item; the table key ends the primary
 *   key because index keys need not be unique.
 *
 * Tables and indexes keep running counts of their items and bytes (ItemCount, TableSizeBytes,
 * IndexSizeBytes), changed by each write, never counted again.
 */
import type { Database, Migration, Statement } from '../../state/database.js';

export const dynamodbMigrations: Migration[] = [
  {
    version: 1,
    sql: `
    CREATE TABLE dynamodb_tables (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      definition TEXT NOT NULL,
      tags TEXT NOT NULL DEFAULT '[]',
      item_count INTEGER NOT NULL DEFAULT 0,
      size_bytes INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX dynamodb_tables_by_name ON dynamodb_tables (account, region, name);

    CREATE TABLE dynamodb_indexes (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      table_id INTEGER NOT NULL,
      name TEXT NOT NULL,
      item_count INTEGER NOT NULL DEFAULT 0,
      size_bytes INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX dynamodb_indexes_by_table ON dynamodb_indexes (table_id);

    CREATE TABLE dynamodb_items (
      table_id INTEGER NOT NULL,
      h INTEGER NOT NULL,
      pk BLOB NOT NULL,
      sk BLOB NOT NULL,
      item TEXT NOT NULL,
      size INTEGER NOT NULL,
      PRIMARY KEY (table_id, h, pk, sk)
    ) WITHOUT ROWID;

    CREATE TABLE dynamodb_index_items (
      index_id INTEGER NOT NULL,
      h INTEGER NOT NULL,
      pk BLOB NOT NULL,
      sk BLOB NOT NULL,
      tpk BLOB NOT NULL,
      tsk BLOB NOT NULL,
      item TEXT NOT NULL,
      size INTEGER NOT NULL,
      PRIMARY KEY (index_id, h, pk, sk, tpk, tsk)
    ) WITHOUT ROWID;

    CREATE TABLE dynamodb_transactions (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      token TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (account, region, token)
    ) WITHOUT ROWID;
    CREATE INDEX dynamodb_transactions_expiring ON dynamodb_transactions (expires_at);

    CREATE TABLE dynamodb_dropped (
      kind TEXT NOT NULL,
      id INTEGER NOT NULL,
      PRIMARY KEY (kind, id)
    ) WITHOUT ROWID;
    `,
  },
];

export interface TableRow {
  id: number;
  account: string;
  region: string;
  name: string;
  /** JSON of the TableDefinition (tables.ts). */
  definition: string;
  /** JSON of the tags, a list of {Key, Value} in the order they were added. */
  tags: string;
}

export interface Counts {
  item_count: number;
  size_bytes: number;
}

/** Where an item sits: its partition key's hash and bytes, its sort key's bytes (empty without one). */
export interface StoredKey {
  h: number;
  pk: Buffer;
  sk: Buffer;
}

/** Where an index entry sits: the index key, then the table key of its item. */
export interface IndexKey extends StoredKey {
  tpk: Buffer;
  tsk: Buffer;
}

export interface ItemRow {
  item: string;
  size: number;
}

export interface ScannedRow extends ItemRow {
  h: number;
  pk: Buffer;
  sk: Buffer;
}

/**
 * A row of a Query or Scan page, raw: the item's text and size, and for an index read whose
 * items come from the table, the item's table key.
 */
export type PageRow = [item: string, size: number] | [item: string, size: number, tpk: Buffer, tsk: Buffer];

/** A bound of a sort key range: the bytes and whether they are in the range. */
export interface Bound {
  value: Buffer;
  inclusive: boolean;
}

/** How many table rows the cache keeps before it starts again. */
const cachedTableLimit = 10_000;
/** How many rows one step of a dropped table's purge deletes. */
const purgeStep = 5_000;

function boundSql(column: string, bound: Bound | undefined, lower: boolean): string {
  if (!bound) return '';
  const op = lower ? (bound.inclusive ? '>=' : '>') : bound.inclusive ? '<=' : '<';
  return ` AND ${column} ${op} ?`;
}

export class DynamodbStore {
  readonly #db: Database;
  /** `#firstChunk` hints by table id (an index by its id negated). */
  readonly #chunkHints = new Map<number, { rows: number; at: number }>();
  /**
   * Table rows by (account, region, name): every item operation looks its table up first. Every
   * write to dynamodb_tables goes through this class and drops the entry; a rollback, reset or
   * state import clears them all (Database.onReplaced). Counts are not part of the row.
   */
  readonly #tables = new Map<string, TableRow | null>();
  readonly #getItem: Statement;
  readonly #putItem: Statement;
  readonly #deleteItem: Statement;
  readonly #count: Statement;
  readonly #putIndexItem: Statement;
  readonly #deleteIndexItem: Statement;
  readonly #countIndex: Statement;

  constructor(db: Database) {
    this.#db = db;
    db.onReplaced(() => {
      this.#tables.clear();
      this.#chunkHints.clear();
    });
    this.#getItem = db.prepare(
      'SELECT item, size FROM dynamodb_items WHERE table_id = ? AND h = ? AND pk = ? AND sk = ?',
    );
    this.#putItem = db.prepare(
      `INSERT INTO dynamodb_items (table_id, h, pk, sk, item, size) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (table_id, h, pk, sk) DO UPDATE SET item = excluded.item, size = excluded.size`,
    );
    this.#deleteItem = db.prepare('DELETE FROM dynamodb_items WHERE table_id = ? AND h = ? AND pk = ? AND sk = ?');
    this.#count = db.prepare(
      'UPDATE dynamodb_tables SET item_count = item_count + ?, size_bytes = size_bytes + ? WHERE id = ?',
    );
    this.#putIndexItem = db.prepare(
      `INSERT INTO dynamodb_index_items (index_id, h, pk, sk, tpk, tsk, item, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (index_id, h, pk, sk, tpk, tsk) DO UPDATE SET item = excluded.item, size = excluded.size`,
    );
    this.#deleteIndexItem = db.prepare(
      'DELETE FROM dynamodb_index_items WHERE index_id = ? AND h = ? AND pk = ? AND sk = ? AND tpk = ? AND tsk = ?',
    );
    this.#countIndex = db.prepare(
      'UPDATE dynamodb_indexes SET item_count = item_count + ?, size_bytes = size_bytes + ? WHERE id = ?',
    );
  }

  transaction<T>(work: () => T): T {
    return this.#db.transaction(work);
  }

  // Tables

  table(account: string, region: string, name: string): TableRow | undefined {
    const key = `${account}\u0000${region}\u0000${name}`;
    const cached = this.#tables.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.#db
      .prepare(
        'SELECT id, account, region, name, definition, tags FROM dynamodb_tables WHERE account = ? AND region = ? AND name = ?',
      )
      .get(account, region, name) as TableRow | undefined;
    if (this.#tables.size >= cachedTableLimit) this.#tables.clear();
    this.#tables.set(key, row ?? null);
    return row;
  }

  #forget(row: { account: string; region: string; name: string }): void {
    this.#tables.delete(`${row.account}\u0000${row.region}\u0000${row.name}`);
  }

  /** Inserts a table and returns its id. */
  insertTable(row: Omit<TableRow, 'id'>): number {
    this.#forget(row);
    const result = this.#db
      .prepare('INSERT INTO dynamodb_tables (account, region, name, definition, tags) VALUES (?, ?, ?, ?, ?)')
      .run(row.account, row.region, row.name, row.definition, row.tags);
    return Number(result.lastInsertRowid);
  }

  updateDefinition(table: TableRow, definition: string): void {
    this.#forget(table);
    this.#db.prepare('UPDATE dynamodb_tables SET definition = ? WHERE id = ?').run(definition, table.id);
  }

  updateTags(table: TableRow, tags: string): void {
    this.#forget(table);
    this.#db.prepare('UPDATE dynamodb_tables SET tags = ? WHERE id = ?').run(tags, table.id);
  }

  /**
   * How many rows the first chunk of a page of this table (or index) reads: as many of its
   * average items as fill half a 1 MB page, a power of two from 8 to 256. One chunk then reads
   * most pages whole (a 100-item Query of 150-byte items: one statement of 49 µs, where a first
   * chunk of 64 and a second of 128 at OFFSET 64 took 67 µs), while a table of 400 KB items
   * never joins hundreds of them into one text only to stop after the third. The average is
   * the table's ItemCount and TableSizeBytes, read again at most once a second: a hint, it
   * needs no more.
   */
  #firstChunk(id: number, index: boolean): number {
    const key = index ? -id : id;
    const now = performance.now();
    const known = this.#chunkHints.get(key);
    if (known && now - known.at < 1000) return known.rows;
    const { item_count: items, size_bytes: bytes } = index ? this.indexCounts(id) : this.counts(id);
    const fit = items > 0 && bytes > 0 ? (512 * 1024 * items) / bytes : 256;
    let rows = 8;
    while (rows < 256 && rows * 2 <= fit) rows *= 2;
    this.#chunkHints.set(key, { rows, at: now });
    return rows;
  }

  counts(tableId: number): Counts {
    return this.#db.prepare('SELECT item_count, size_bytes FROM dynamodb_tables WHERE id = ?').get(tableId) as Counts;
  }

  /**
   * Deletes a table's row and its indexes' rows; its items and index entries are left to
   * `purgeDropped`, a step at a time, so that deleting a table of a million items answers at once.
   */
  deleteTable(table: TableRow, indexIds: readonly number[]): void {
    this.#forget(table);
    this.#db.prepare('DELETE FROM dynamodb_tables WHERE id = ?').run(table.id);
    this.#db.prepare("INSERT OR IGNORE INTO dynamodb_dropped (id, kind) VALUES (?, 'table')").run(table.id);
    for (const id of indexIds) this.dropIndex(id);
  }

  /** One page of table names in name order, after `afterName`. */
  listTables(account: string, region: string, afterName: string, limit: number): string[] {
    const rows = this.#db
      .prepare('SELECT name FROM dynamodb_tables WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?')
      .all(account, region, afterName, limit) as Array<{ name: string }>;
    return rows.map((row) => row.name);
  }

  tableCount(account: string, region: string): number {
    const row = this.#db
      .prepare('SELECT count(*) AS n FROM dynamodb_tables WHERE account = ? AND region = ?')
      .get(account, region) as { n: number };
    return row.n;
  }

  // Indexes

  insertIndex(tableId: number, name: string): number {
    const result = this.#db.prepare('INSERT INTO dynamodb_indexes (table_id, name) VALUES (?, ?)').run(tableId, name);
    return Number(result.lastInsertRowid);
  }

  indexCounts(indexId: number): Counts {
    return (
      (this.#db.prepare('SELECT item_count, size_bytes FROM dynamodb_indexes WHERE id = ?').get(indexId) as
        | Counts
        | undefined) ?? { item_count: 0, size_bytes: 0 }
    );
  }

  dropIndex(indexId: number): void {
    this.#db.prepare('DELETE FROM dynamodb_indexes WHERE id = ?').run(indexId);
    this.#db.prepare("INSERT OR IGNORE INTO dynamodb_dropped (id, kind) VALUES (?, 'index')").run(indexId);
  }

  /** Whether a dropped table or index still has rows to purge. */
  hasDropped(): boolean {
    return this.#db.prepare('SELECT 1 FROM dynamodb_dropped LIMIT 1').get() !== undefined;
  }

  /**
   * Deletes up to one step of the rows of dropped tables and indexes; returns whether any are
   * left. Ids are never reused (AUTOINCREMENT), so a new table never meets an old one's rows.
   */
  purgeDropped(): boolean {
    const dropped = this.#db.prepare('SELECT id, kind FROM dynamodb_dropped LIMIT 1').get() as
      | { id: number; kind: 'table' | 'index' }
      | undefined;
    if (!dropped) return false;
    const deleted = this.#deleteStep(dropped.kind === 'table', dropped.id);
    if (deleted < purgeStep) {
      this.#db.prepare('DELETE FROM dynamodb_dropped WHERE kind = ? AND id = ?').run(dropped.kind, dropped.id);
    }
    return true;
  }

  /** Deletes the first `purgeStep` rows of a dropped table or index: one range, up to the last of them. */
  #deleteStep(isTable: boolean, id: number): number {
    const table = isTable ? 'dynamodb_items' : 'dynamodb_index_items';
    const column = isTable ? 'table_id' : 'index_id';
    const keys = isTable ? 'h, pk, sk' : 'h, pk, sk, tpk, tsk';
    const marks = isTable ? '?, ?, ?' : '?, ?, ?, ?, ?';
    const count = this.#db
      .prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM ${table} WHERE ${column} = ? LIMIT ${purgeStep})`)
      .get(id) as { n: number };
    if (count.n === 0) return 0;
    const last = this.#db
      .prepare(`SELECT ${keys} FROM ${table} WHERE ${column} = ? ORDER BY ${keys} LIMIT 1 OFFSET ?`)
      .raw(true)
      .get(id, count.n - 1) as unknown[];
    this.#db.prepare(`DELETE FROM ${table} WHERE ${column} = ? AND (${keys}) <= (${marks})`).run(id, ...last);
    return count.n;
  }

  // Items

  getItem(tableId: number, key: StoredKey): ItemRow | undefined {
    return this.#getItem.get(tableId, key.h, key.pk, key.sk) as ItemRow | undefined;
  }

  putItem(tableId: number, key: StoredKey, item: string, size: number): void {
    this.#putItem.run(tableId, key.h, key.pk, key.sk, item, size);
  }

  deleteItem(tableId: number, key: StoredKey): void {
    this.#deleteItem.run(tableId, key.h, key.pk, key.sk);
  }

  addCounts(tableId: number, items: number, bytes: number): void {
    this.#count.run(items, bytes, tableId);
  }

  putIndexItem(indexId: number, key: IndexKey, item: string, size: number): void {
    this.#putIndexItem.run(indexId, key.h, key.pk, key.sk, key.tpk, key.tsk, item, size);
  }

  deleteIndexItem(indexId: number, key: IndexKey): void {
    this.#deleteIndexItem.run(indexId, key.h, key.pk, key.sk, key.tpk, key.tsk);
  }

  addIndexCounts(indexId: number, items: number, bytes: number): void {
    this.#countIndex.run(items, bytes, indexId);
  }

  /**
   * The items of one partition whose sort keys lie between the bounds, in sort key order
   * (descending when `forward` is false), at most `limit` (-1: no limit).
   */
  queryTable(
    tableId: number,
    h: number,
    pk: Buffer,
    lower: Bound | undefined,
    upper: Bound | undefined,
    forward: boolean,
    limit: number,
  ): PageSource {
    const sql =
      'SELECT item, size FROM dynamodb_items WHERE table_id = ? AND h = ? AND pk = ?' +
      `${boundSql('sk', lower, true)}${boundSql('sk', upper, false)} ORDER BY sk ${forward ? 'ASC' : 'DESC'}`;
    const params: unknown[] = [tableId, h, pk];
    if (lower) params.push(lower.value);
    if (upper) params.push(upper.value);
    return new PageSource(this.#db, sql, params, limit, this.#firstChunk(tableId, false));
  }

  /**
   * The entries of one index partition between the sort key bounds, in (sk, table key) order,
   * after (or before, backwards) the entry `start`; with `tableKeys`, each row also names its
   * item's table key (to read the item from the table).
   */
  queryIndex(
    indexId: number,
    h: number,
    pk: Buffer,
    lower: Bound | undefined,
    upper: Bound | undefined,
    start: { sk: Buffer; tpk: Buffer; tsk: Buffer } | undefined,
    forward: boolean,
    limit: number,
    tableKeys: boolean,
  ): PageSource {
    const order = forward ? 'ASC' : 'DESC';
    const sql =
      `SELECT item, size${tableKeys ? ', tpk, tsk' : ''} FROM dynamodb_index_items WHERE index_id = ? AND h = ? AND pk = ?` +
      `${boundSql('sk', lower, true)}${boundSql('sk', upper, false)}` +
      (start ? ` AND (sk, tpk, tsk) ${forward ? '>' : '<'} (?, ?, ?)` : '') +
      ` ORDER BY sk ${order}, tpk ${order}, tsk ${order}`;
    const params: unknown[] = [indexId, h, pk];
    if (lower) params.push(lower.value);
    if (upper) params.push(upper.value);
    if (start) params.push(start.sk, start.tpk, start.tsk);
    return new PageSource(this.#db, sql, params, limit, this.#firstChunk(indexId, true));
  }

  /** A table's items in (h, pk, sk) order with h in [hFrom, hTo), after `start`. */
  scanTable(tableId: number, hFrom: number, hTo: number, start: StoredKey | undefined, limit: number): PageSource {
    const sql =
      'SELECT item, size FROM dynamodb_items WHERE table_id = ? AND h >= ? AND h < ?' +
      (start ? ' AND (h, pk, sk) > (?, ?, ?)' : '') +
      ' ORDER BY h, pk, sk';
    const params: unknown[] = [tableId, hFrom, hTo];
    if (start) params.push(start.h, start.pk, start.sk);
    return new PageSource(this.#db, sql, params, limit, this.#firstChunk(tableId, false));
  }

  /** An index's entries in key order with h in [hFrom, hTo), after `start`. */
  scanIndex(
    indexId: number,
    hFrom: number,
    hTo: number,
    start: IndexKey | undefined,
    limit: number,
    tableKeys: boolean,
  ): PageSource {
    const sql =
      `SELECT item, size${tableKeys ? ', tpk, tsk' : ''} FROM dynamodb_index_items WHERE index_id = ? AND h >= ? AND h < ?` +
      (start ? ' AND (h, pk, sk, tpk, tsk) > (?, ?, ?, ?, ?)' : '') +
      ' ORDER BY h, pk, sk, tpk, tsk';
    const params: unknown[] = [indexId, hFrom, hTo];
    if (start) params.push(start.h, start.pk, start.sk, start.tpk, start.tsk);
    return new PageSource(this.#db, sql, params, limit, this.#firstChunk(indexId, true));
  }

  /** Every item of a table, a page at a time in key order (to fill a new GSI). */
  tableItemsAfter(tableId: number, start: StoredKey | undefined, limit: number): ScannedRow[] {
    const sql =
      'SELECT h, pk, sk, item, size FROM dynamodb_items WHERE table_id = ?' +
      (start ? ' AND (h, pk, sk) > (?, ?, ?)' : '') +
      ' ORDER BY h, pk, sk LIMIT ?';
    const params: unknown[] = [tableId];
    if (start) params.push(start.h, start.pk, start.sk);
    params.push(limit);
    return this.#db.prepare(sql).all(...params) as ScannedRow[];
  }

  // Transactions

  /** The fingerprint of a TransactWriteItems token still within its idempotency window. */
  transactionToken(account: string, region: string, token: string, now: number): string | undefined {
    const row = this.#db
      .prepare(
        'SELECT fingerprint FROM dynamodb_transactions WHERE account = ? AND region = ? AND token = ? AND expires_at > ?',
      )
      .get(account, region, token, now) as { fingerprint: string } | undefined;
    return row?.fingerprint;
  }

  saveTransactionToken(account: string, region: string, token: string, fingerprint: string, expiresAt: number): void {
    this.#db.prepare('DELETE FROM dynamodb_transactions WHERE expires_at <= ?').run(expiresAt - 2 * 600_000);
    this.#db
      .prepare(
        `INSERT INTO dynamodb_transactions (account, region, token, fingerprint, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account, region, token) DO UPDATE SET fingerprint = excluded.fingerprint, expires_at = excluded.expires_at`,
      )
      .run(account, region, token, fingerprint, expiresAt);
  }
}

/** Where the next chunk of a page starts and how many rows it takes (`PageSource`). */
function* chunks(limit: number, first: number): IterableIterator<{ take: number; offset: number }> {
  let offset = 0;
  let left = limit < 0 ? Number.POSITIVE_INFINITY : limit;
  for (let chunk = first; left > 0; chunk *= 2) {
    let take = 1;
    while (take < Math.min(chunk, left)) take *= 2;
    yield { take, offset };
    offset += take;
    left -= take;
  }
}

/** A page read by SQLite as one text: `readPage`'s splice path. */
export interface JoinedPage {
  /** The items' JSON joined by commas ('' for none). */
  text: string;
  count: number;
  bytes: number;
  /** The last item read, when the page stopped at Limit or 1 MB. */
  last?: string;
}

/** The rows of one Query or Scan page: read row by row, or joined by SQLite. */
export class PageSource {
  readonly #db: Database;

  constructor(
    db: Database,
    readonly sql: string,
    readonly params: unknown[],
    /** At most this many rows (-1: all). */
    readonly limit: number,
    /** The rows of the first chunk, a power of two (see `firstChunk`). */
    readonly first = 64,
  ) {
    this.#db = db;
  }

  /**
   * The rows of an ordered SELECT, read in chunks that double (`first`, then twice as many, ...) up to `limit` rows
   * (-1: all), each chunk one `all()` of raw rows with LIMIT and OFFSET. A page stops at 1 MB
   * or at Limit, so most pages are read whole by the first chunk or two; the skipped rows of later
   * chunks total at most the rows read. Measured on 100-row partitions, `all()` of raw
   * (item, size) rows costs 0.9 µs a row against 2.4 µs for `iterate()` of the keyed rows
   * (every blob column is a Buffer to allocate). The reader consumes the rows synchronously,
   * inside one request, so no write falls between two chunks.
   *
   * LIMIT and OFFSET are written into the SQL, not bound: a bound LIMIT made the same 64-row
   * read take 86 µs against 46 µs, and SQLite prepares the statement again whenever its value
   * changes. Each chunk takes a power of two of rows (the last one at least what is left), so
   * the texts, and the statements cached for them, stay few whatever Limit a request gives.
   */
  *rows(): IterableIterator<PageRow> {
    const { sql, params, limit } = this;
    let left = limit < 0 ? Number.POSITIVE_INFINITY : limit;
    for (const { take, offset } of chunks(limit, this.first)) {
      const rows = this.#db
        .prepare(`${sql} LIMIT ${take} OFFSET ${offset}`)
        .raw(true)
        .all(...params) as PageRow[];
      const used = Math.min(rows.length, left);
      for (let i = 0; i < used; i++) yield rows[i] as PageRow;
      if (rows.length < take) return;
      left -= take;
    }
  }

  /**
   * The page an unfiltered, unprojected read answers, as one text: each chunk of `rows` is joined
   * by `group_concat` (a LIMIT-ed subquery under an aggregate is not flattened, so its order
   * holds: https://sqlite.org/optoverview.html#flattening), and only the chunk that crosses
   * `maxBytes` is read again row by row, to stop after the row that crosses it as `readPage` does.
   * A 100-item Query then costs one string, not 100.
   */
  joined(maxBytes: number): JoinedPage {
    const { sql, params, limit } = this;
    const parts: string[] = [];
    let count = 0;
    let bytes = 0;
    const page = (stopped: boolean): JoinedPage => {
      const text = parts.join(',');
      return stopped ? { text, count, bytes, last: this.#itemAt(count - 1) } : { text, count, bytes };
    };
    for (const { take, offset } of chunks(limit, this.first)) {
      const wanted = limit < 0 ? take : Math.min(take, limit - offset);
      const chunk = this.#db
        .prepare(
          `SELECT coalesce(group_concat(item, ','), '') AS text, count(*) AS n, coalesce(sum(size), 0) AS bytes
           FROM (${sql} LIMIT ${take} OFFSET ${offset})`,
        )
        .get(...params) as { text: string; n: number; bytes: number };
      if (chunk.n <= wanted && bytes + chunk.bytes < maxBytes) {
        if (chunk.n > 0) parts.push(chunk.text);
        count += chunk.n;
        bytes += chunk.bytes;
        if (count === limit) return page(true);
        if (chunk.n < take) return page(false);
        continue;
      }
      // This chunk ends the page (at 1 MB, or at Limit inside it): find the row that ends it.
      const sizes = this.#db
        .prepare(`SELECT size FROM (${sql} LIMIT ${take} OFFSET ${offset})`)
        .pluck()
        .all(...params) as number[];
      let used = 0;
      while (used < Math.min(sizes.length, wanted) && bytes < maxBytes) bytes += sizes[used++] as number;
      if (used > 0) {
        parts.push(
          this.#db
            .prepare(`SELECT coalesce(group_concat(item, ','), '') FROM (${sql} LIMIT ${used} OFFSET ${offset})`)
            .pluck()
            .get(...params) as string,
        );
      }
      count += used;
      return page(count === limit || bytes >= maxBytes);
    }
    return page(false);
  }

  #itemAt(position: number): string | undefined {
    if (position < 0) return undefined;
    return this.#db
      .prepare(`SELECT item FROM (${this.sql} LIMIT 1 OFFSET ${position})`)
      .pluck()
      .get(...this.params) as string | undefined;
  }
}
