import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Database } from '../../src/state/database.js';

class Expected extends Error {}
const expected = (error: unknown) => error instanceof Expected;

function fresh(): Database {
  const db = new Database(undefined);
  db.sqlite.exec('CREATE TABLE t (v TEXT)');
  return db;
}

function values(db: Database): string[] {
  return (db.sqlite.prepare('SELECT v FROM t ORDER BY rowid').all() as Array<{ v: string }>).map((row) => row.v);
}

describe('Database.unguarded', () => {
  test('commits its writes with the rest of the batch, without a savepoint', async () => {
    const db = fresh();
    db.request(() => db.sqlite.exec("INSERT INTO t VALUES ('a')"));
    db.unguarded(() => db.sqlite.exec("INSERT INTO t VALUES ('b')"), expected);
    await db.settled();
    assert.deepEqual(values(db), ['a', 'b']);
  });

  test('an expected error (thrown before any write) leaves the batch to commit', async () => {
    const db = fresh();
    db.request(() => db.sqlite.exec("INSERT INTO t VALUES ('a')"));
    assert.throws(
      () =>
        db.unguarded(() => {
          throw new Expected('checked');
        }, expected),
      Expected,
    );
    await db.settled();
    assert.deepEqual(values(db), ['a']);
  });

  test('any other error rolls back the whole batch and fails every request waiting on it', async () => {
    const db = fresh();
    db.request(() => db.sqlite.exec("INSERT INTO t VALUES ('a')"));
    const earlier = db.settled();
    assert.throws(
      () =>
        db.unguarded(() => {
          db.sqlite.exec("INSERT INTO t VALUES ('half')");
          throw new Error('a statement failed part-way');
        }, expected),
      /part-way/,
    );
    await assert.rejects(earlier as Promise<void>, /part-way/);
    // A request after the failure starts a batch of its own, which commits.
    db.request(() => db.sqlite.exec("INSERT INTO t VALUES ('c')"));
    await db.settled();
    assert.deepEqual(values(db), ['c']);
  });

  test("inside a caller's own transaction it keeps a savepoint, so a failure undoes only its writes", () => {
    const db = fresh();
    db.transaction(() => {
      db.sqlite.exec("INSERT INTO t VALUES ('outer')");
      assert.throws(() =>
        db.unguarded(() => {
          db.sqlite.exec("INSERT INTO t VALUES ('inner')");
          throw new Error('failed');
        }, expected),
      );
    });
    assert.deepEqual(values(db), ['outer']);
  });
});

describe('Database.onBoundary', () => {
  /** A store that counts in memory and writes its count at each boundary, as SQS's message counts do. */
  function counter(db: Database) {
    db.sqlite.exec('CREATE TABLE c (n INTEGER NOT NULL); INSERT INTO c VALUES (0)');
    let pending = 0;
    let writes = 0;
    db.onReplaced(() => {
      pending = 0;
    });
    db.onBoundary(() => {
      if (pending === 0) return;
      db.sqlite.prepare('UPDATE c SET n = n + ?').run(pending);
      pending = 0;
      writes++;
    });
    return {
      add: () => {
        pending++;
      },
      stored: () => (db.sqlite.prepare('SELECT n FROM c').get() as { n: number }).n,
      writes: () => writes,
    };
  }

  test('writes what unguarded requests kept in memory once, before the batch commits', async () => {
    const db = fresh();
    const count = counter(db);
    for (let i = 0; i < 5; i++) db.unguarded(count.add, expected);
    await db.settled();
    assert.equal(count.stored(), 5);
    assert.equal(count.writes(), 1);
  });

  test('forgets what a failed request kept, and keeps what the requests around it kept', async () => {
    const db = fresh();
    const count = counter(db);
    db.unguarded(count.add, expected);
    assert.throws(
      () =>
        db.request(() => {
          count.add();
          throw new Expected('refused');
        }),
      Expected,
    );
    db.request(count.add);
    await db.settled();
    assert.equal(count.stored(), 2);
  });

  test('forgets everything a rolled-back batch kept', async () => {
    const db = fresh();
    const count = counter(db);
    db.unguarded(count.add, expected);
    const settled = db.settled();
    assert.throws(
      () =>
        db.unguarded(() => {
          count.add();
          throw new Error('a statement failed part-way');
        }, expected),
      /part-way/,
    );
    await assert.rejects(settled as Promise<void>, /part-way/);
    db.request(count.add);
    await db.settled();
    assert.equal(count.stored(), 1);
  });
});
