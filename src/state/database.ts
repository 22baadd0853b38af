/**
 * The one embedded database: better-sqlite3 in WAL mode, one file in the data directory (or in
 * memory with --ephemeral). Every store's tables live here, named `<owner>_<table>` so that
 * reset and export can find them by owner; schema changes are numbered migrations per owner.
 *
 * Durability: no answer is written before the writes behind it are committed. In WAL mode a
 * committed transaction is in the WAL file (the OS page cache) when `COMMIT` returns, so it
 * survives `kill -9` of the server; `synchronous = FULL` (the `--durability full` option) also
 * fsyncs each commit, for power loss. https://www.sqlite.org/wal.html,
 * https://www.sqlite.org/pragma.html#pragma_synchronous
 *
 * Group commit: the requests handled in two turns of the event loop share one transaction (the
 * batch), committed by a setImmediate once the second turn's I/O is done; each request is a savepoint
 * inside it, rolled back alone when it fails, and each answer waits for the batch's commit
 * (`settled()`). A commit writes each touched page once for the whole batch instead of once per
 * request, which is most of the cost of a small write. A rollback of any kind tells the stores
 * that cache rows (`onReplaced`), since what they read may be gone.
 */
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

export type Statement = BetterSqlite3.Statement;
export type SqlValue = string | number | bigint | Buffer | null;

export interface Migration {
  /** 1, 2, 3...: applied in order, each once. */
  version: number;
  sql: string;
}

export interface TableDump {
  columns: string[];
  rows: SqlValue[][];
}

interface Batch {
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class Database {
  readonly sqlite: BetterSqlite3.Database;
  readonly #statements = new Map<string, Statement>();
  readonly #owners = new Map<string, number>();
  readonly #replacedListeners: Array<() => void> = [];
  readonly #boundaryWrites: Array<() => void> = [];
  #batch: Batch | undefined;
  #savepoints = 0;
  readonly #savepointStatements: Array<{ open: Statement; release: Statement; rollback: Statement }> = [];
  readonly #file: string | undefined;
  readonly #synchronous: 'NORMAL' | 'FULL';
  #checkpointer: Worker | undefined;

  constructor(file: string | undefined, options: { durability?: 'normal' | 'full' } = {}) {
    this.sqlite = new BetterSqlite3(file ?? ':memory:');
    this.#file = file;
    this.#synchronous = options.durability === 'full' ? 'FULL' : 'NORMAL';
    if (file) {
      // 8 MiB of page cache (SQLite's default is 2 MiB): the hot index pages of a queue with a
      // large backlog stay in memory instead of being read back from the file on each batch
      // (send rate with 1M queued 0.97 of an empty queue's). Not more: when a b-tree split
      // reorders sibling pages, SQLite parks one under the pending-byte page number (1 GiB in),
      // and the commit after it walks the whole cache to drop pages "past the end" (pcache1.c,
      // pcache1TruncateUnsafe). With 32 MiB that walk was 4% of a 1 KB S3 PUT; with 8 MiB, 0.8%.
      this.sqlite.pragma('cache_size = -8192');
      this.sqlite.pragma('journal_mode = WAL');
      this.sqlite.pragma(`synchronous = ${this.#synchronous}`);
      // The WAL file is truncated back to this size once checkpointed (it would keep its peak).
      this.sqlite.pragma('journal_size_limit = 67108864');
      // Statement journals (a request's savepoint past 64 KiB of pages: an SNS fan-out to ten
      // queues) and temporary b-trees stay in memory instead of a temporary file: measured, 3,000
      // publishes made 77k pwrite calls instead of 224k. They hold one transaction's pages at most
      // and are never needed after a crash (https://sqlite.org/tempfiles.html).
      this.sqlite.pragma('temp_store = MEMORY');
    }
    this.sqlite.pragma('foreign_keys = ON');
    this.sqlite.exec(
      'CREATE TABLE IF NOT EXISTS _migrations (owner TEXT PRIMARY KEY, version INTEGER NOT NULL);' +
        'CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);',
    );
    for (const row of this.sqlite.prepare('SELECT owner, version FROM _migrations').all() as Array<{
      owner: string;
      version: number;
    }>) {
      this.#owners.set(row.owner, row.version);
    }
  }

  /** Brings an owner's tables to its newest schema; each migration runs once, in a transaction. */
  migrate(owner: string, migrations: readonly Migration[]): void {
    let current = this.#owners.get(owner) ?? 0;
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (migration.version <= current) continue;
      this.sqlite.transaction(() => {
        this.sqlite.exec(migration.sql);
        this.sqlite
          .prepare(
            'INSERT INTO _migrations (owner, version) VALUES (?, ?) ON CONFLICT (owner) DO UPDATE SET version = excluded.version',
          )
          .run(owner, migration.version);
      })();
      current = migration.version;
      this.#owners.set(owner, current);
    }
  }

  /**
   * Called after rows change behind the stores' backs (reset, state import), so that a store
   * that keeps a cache in memory can drop it.
   */
  onReplaced(listener: () => void): void {
    this.#replacedListeners.push(listener);
  }

  #replaced(): void {
    for (const listener of this.#replacedListeners) listener();
  }

  /**
   * A write a store keeps in memory until the transaction's next boundary: before a savepoint
   * opens or is released, and before a commit, `write` runs. So what piles up between two
   * boundaries belongs to one savepoint, and a rollback, which calls the onReplaced listeners,
   * is the store's cue to forget it. SQS's message counts use it: a queue's count row took an
   * UPDATE per message sent, received or deleted, and now takes one per boundary.
   */
  onBoundary(write: () => void): void {
    this.#boundaryWrites.push(write);
  }

  #boundary(): void {
    for (const write of this.#boundaryWrites) write();
  }

  /** The schema version of every owner that has tables here. */
  schemaVersions(): Record<string, number> {
    return Object.fromEntries(this.#owners);
  }

  /** A prepared statement, made once per SQL text. */
  prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.sqlite.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Runs `work` in one transaction: a savepoint inside the open transaction (a batch, or an
   * outer call), else a transaction of its own. On a throw its writes are undone.
   */
  transaction<T>(work: () => T): T {
    if (this.sqlite.inTransaction) {
      this.#boundary();
      const depth = ++this.#savepoints;
      const savepoint = this.#savepoint(depth);
      savepoint.open.run();
      try {
        const result = work();
        this.#boundary();
        savepoint.release.run();
        return result;
      } catch (error) {
        if (this.sqlite.inTransaction) {
          savepoint.rollback.run();
          savepoint.release.run();
        }
        this.#replaced();
        throw error;
      } finally {
        this.#savepoints--;
      }
    }
    this.prepare('BEGIN').run();
    try {
      const result = work();
      this.#boundary();
      this.prepare('COMMIT').run();
      return result;
    } catch (error) {
      if (this.sqlite.inTransaction) this.prepare('ROLLBACK').run();
      this.#replaced();
      throw error;
    }
  }

  /** The statements of the savepoint at one nesting depth, prepared once. */
  #savepoint(depth: number): { open: Statement; release: Statement; rollback: Statement } {
    let statements = this.#savepointStatements[depth];
    if (!statements) {
      const name = `nimbus_${depth}`;
      statements = {
        open: this.sqlite.prepare(`SAVEPOINT ${name}`),
        release: this.sqlite.prepare(`RELEASE ${name}`),
        rollback: this.sqlite.prepare(`ROLLBACK TO ${name}`),
      };
      this.#savepointStatements[depth] = statements;
    }
    return statements;
  }

  /**
   * Joins the open batch, opening it if none is open: what runs next until the batch commits
   * (at the end of the next turn) is part of it. Outside a batch (timers, start-up), every transaction commits alone.
   */
  joinBatch(): void {
    if (this.#batch || this.sqlite.inTransaction) return;
    this.prepare('BEGIN').run();
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const done = new Promise<void>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    // An answer that nobody awaits (a request that failed before it joined) must not turn a
    // failed commit into an unhandled rejection.
    done.catch(() => {});
    this.#batch = { done, resolve, reject };
    // Committed one turn later: the next poll phase's requests join too (when idle, that poll
    // returns at once, as an immediate is pending). A batch of twice the requests rewrites the
    // half-filled pages at the ends of the indexes half as often: SQS sends cost 28 µs instead of
    // 32, a receive and delete 26 instead of 27. More turns gave nothing more.
    setImmediate(() => setImmediate(() => this.#commitBatch()));
  }

  #commitBatch(): void {
    const batch = this.#batch;
    this.#batch = undefined;
    if (!batch) return;
    try {
      if (this.sqlite.open && this.sqlite.inTransaction) {
        this.#boundary();
        this.prepare('COMMIT').run();
      }
      if (!this.#checkpointer && this.#file) this.#startCheckpointer(this.#file);
      batch.resolve();
    } catch (error) {
      if (this.sqlite.open && this.sqlite.inTransaction) this.prepare('ROLLBACK').run();
      this.#replaced();
      batch.reject(error);
    }
  }

  /**
   * Moves WAL checkpoints off the event loop (state/checkpointer.ts), from the first batch on,
   * so that a server that only reads never starts the thread. If the worker cannot start,
   * SQLite's automatic checkpoints stay on.
   */
  #startCheckpointer(file: string): void {
    try {
      const worker = new Worker(new URL('./checkpointer.js', import.meta.url), {
        workerData: { file, synchronous: this.#synchronous },
      });
      worker.unref();
      worker.on('error', () => {
        this.#checkpointer = undefined;
        if (this.sqlite.open) this.sqlite.pragma('wal_autocheckpoint = 1000');
      });
      this.#checkpointer = worker;
      // A backstop: under a steady stream of writes the worker never finds the WAL fully copied
      // at the moment a write begins, and only then can SQLite start the WAL over. Past 16 MiB
      // the committing connection checkpoints itself (finding most frames already copied, so
      // cheaply) and the WAL restarts; without this it grew to a gigabyte during a bulk load.
      this.sqlite.pragma('wal_autocheckpoint = 4096');
    } catch {
      // Automatic checkpoints remain.
    }
  }

  /** Resolves when what has been written so far is committed (at once when no batch is open). */
  settled(): Promise<void> | undefined {
    return this.#batch?.done;
  }

  /**
   * Runs one request's synchronous part as a savepoint of the batch: its writes are undone
   * alone if it throws.
   */
  request<T>(work: () => T): T {
    this.joinBatch();
    return this.transaction(work);
  }

  /**
   * Runs a request whose work makes all its checks before its first write (`expected` tells
   * their errors): in the batch, without a savepoint, which costs 2-3 µs of a 50 µs SQS
   * SendMessage. An expected error wrote nothing, so it needs no undoing. Any other error (a
   * statement that failed part-way) may leave writes that cannot be undone alone: the whole batch
   * is rolled back, and every request in it fails as a failed commit would fail it.
   */
  unguarded<T>(work: () => T, expected: (error: unknown) => boolean): T {
    this.joinBatch();
    const batch = this.#batch;
    // Inside a transaction that is not a batch (a caller's own), a savepoint keeps it whole.
    if (!batch) return this.transaction(work);
    try {
      return work();
    } catch (error) {
      if (!expected(error)) this.#abandon(batch, error);
      throw error;
    }
  }

  #abandon(batch: Batch, error: unknown): void {
    if (this.#batch === batch) this.#batch = undefined;
    if (this.sqlite.open && this.sqlite.inTransaction) this.prepare('ROLLBACK').run();
    this.#replaced();
    batch.reject(error);
  }

  /** Runs a request that only reads: in the batch (its read snapshot), with no savepoint. */
  read<T>(work: () => T): T {
    this.joinBatch();
    return work();
  }

  getMeta(key: string): string | undefined {
    const row = this.prepare('SELECT value FROM _meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.prepare(
      'INSERT INTO _meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
  }

  /** The tables an owner's migrations made (every table named `<owner>_...`). */
  tablesOf(owner?: string): string[] {
    const rows = this.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    ).all() as Array<{ name: string }>;
    const prefix = owner === undefined ? undefined : `${tableOwner(owner)}_`;
    return rows.map((row) => row.name).filter((name) => prefix === undefined || name.startsWith(prefix));
  }

  /** Deletes every row of an owner's tables, or of all tables; the schema stays. */
  reset(owner?: string): void {
    const tables = this.tablesOf(owner);
    this.transaction(() => {
      this.sqlite.pragma('defer_foreign_keys = ON');
      for (const table of tables) this.sqlite.exec(`DELETE FROM "${table}"`);
    });
    this.#replaced();
  }

  /** Every row of every table, for /_nimbus/state. */
  dump(): Record<string, TableDump> {
    const out: Record<string, TableDump> = {};
    for (const table of this.tablesOf()) {
      const statement = this.sqlite.prepare(`SELECT * FROM "${table}"`).raw(true);
      const columns = statement.columns().map((column) => column.name);
      out[table] = { columns, rows: statement.all() as SqlValue[][] };
    }
    return out;
  }

  /** Replaces the rows of the dumped tables (all tables are emptied first). */
  restore(tables: Record<string, TableDump>): void {
    const known = new Set(this.tablesOf());
    for (const name of Object.keys(tables)) {
      if (!known.has(name)) throw new Error(`unknown table ${name}`);
    }
    this.transaction(() => {
      this.sqlite.pragma('defer_foreign_keys = ON');
      for (const table of known) this.sqlite.exec(`DELETE FROM "${table}"`);
      for (const [table, dump] of Object.entries(tables)) {
        if (dump.rows.length === 0) continue;
        const columns = dump.columns.map((column) => `"${column.replace(/"/g, '""')}"`).join(', ');
        const placeholders = dump.columns.map(() => '?').join(', ');
        const insert = this.sqlite.prepare(`INSERT INTO "${table}" (${columns}) VALUES (${placeholders})`);
        for (const row of dump.rows) insert.run(...row);
      }
    });
    this.#replaced();
  }

  /** Commits what is open, stops the checkpointer (after its last checkpoint) and closes. */
  async close(): Promise<void> {
    this.#commitBatch();
    const worker = this.#checkpointer;
    this.#checkpointer = undefined;
    if (worker) {
      await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        worker.once('message', done);
        worker.once('exit', done);
        worker.once('error', done);
        worker.postMessage('close');
      });
      await worker.terminate();
    }
    this.#statements.clear();
    if (this.sqlite.open) this.sqlite.close();
  }
}

/** `cognito-idp` -> `cognito_idp`: an owner's name as a table prefix. */
export function tableOwner(owner: string): string {
  return owner.replace(/[^A-Za-z0-9]/g, '_');
}
