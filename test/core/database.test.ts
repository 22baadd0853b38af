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
