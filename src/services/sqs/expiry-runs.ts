/**
 * Where retention will end, without an index on `expires_at`. Messages are rows in send order
 * (`seq`), and nearly all of them expire a fixed time after they are sent, so the rows that
 * expire within one second lie together: a run. `sqs_expiry_runs` keeps one row per run, its
 * first seq and that second; a run reaches up to the next run's first seq. A send writes a run
 * row only when its expiry second differs from the last send's: once a second on a busy queue,
 * once a message at worst (queues of different retention sent to in turn).
 *
 * Why not the index: SQLite's index b-trees rebalance their last three leaves on nearly every
 * append, so `sqs_messages_expiring (expires_at)` rewrote four of the 17 pages an SQS send
 * batch wrote (WAL frames read off a running server), and its insert and delete cost about 1 µs
 * of a send and of a delete.
 *
 * A sweep reads the runs whose second has come, deletes what in each run's range expired by
 * then (each row's own `expires_at` decides; a range that holds rows of other seconds only
 * costs their reading), and drops the runs whose second is wholly past. Ranges stay right when
 * seqs are reused (SQLite gives a new row the largest seq plus one, so a deleted last row's seq
 * comes back): a run that starts there has lost every row it had, and is replaced.
 */
import type { Database, Statement } from '../../state/database.js';

export interface ExpiredRun {
  firstSeq: number;
  /** The first seq of the next run, or undefined for the last run. */
  endSeq: number | undefined;
  second: number;
}

export class ExpiryRuns {
  readonly #db: Database;
  readonly #insert: Statement;
  /** The expiry second of the last run written this process, NaN when unknown. */
  #second = Number.NaN;

  constructor(db: Database) {
    this.#db = db;
    this.#insert = db.prepare('INSERT OR REPLACE INTO sqs_expiry_runs (first_seq, second) VALUES (?, ?)');
    // After a rollback or an import, the last run written may not be there: write the next.
    db.onReplaced(() => {
      this.#second = Number.NaN;
    });
  }

  /** A message was stored at `seq`, to expire at `expiresAt`; the caller holds the transaction. */
  note(seq: number | bigint, expiresAt: number): void {
    const second = Math.floor(expiresAt / 1000);
    if (second === this.#second) return;
    this.#insert.run(seq, second);
    this.#second = second;
  }

  /** The runs whose expiry second is at or before `now`'s, earliest first. */
  due(now: number): ExpiredRun[] {
    const rows = this.#db
      .prepare(
        `SELECT r.first_seq, r.second,
           (SELECT min(n.first_seq) FROM sqs_expiry_runs n WHERE n.first_seq > r.first_seq) AS end_seq
         FROM sqs_expiry_runs r WHERE r.second <= ? ORDER BY r.second`,
      )
      .raw(true)
      .all(Math.floor(now / 1000)) as Array<[number, number, number | null]>;
    return rows.map(([firstSeq, second, endSeq]) => ({ firstSeq, second, endSeq: endSeq ?? undefined }));
  }

  /** Drops the runs of seconds wholly past at `now`: every row in them has expired. */
  dropPast(now: number): void {
    // Second s holds expiries s*1000 .. s*1000+999.
    this.#db.prepare('DELETE FROM sqs_expiry_runs WHERE second <= ?').run(Math.floor((now + 1) / 1000) - 1);
    this.#second = Number.NaN;
  }

  /** The earliest time a message may expire, or undefined when none is kept. */
  next(): number | undefined {
    const row = this.#db.prepare('SELECT min(second) AS second FROM sqs_expiry_runs').get() as {
      second: number | null;
    };
    return row.second === null ? undefined : row.second * 1000;
  }
}
