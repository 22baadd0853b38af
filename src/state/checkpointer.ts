/**
 * The WAL checkpointer, in a worker thread with its own connection: it copies committed WAL
 * frames into the database file (and fsyncs them) every 200 ms with a PASSIVE checkpoint,
 * which never blocks the main connection's readers or writer. Left to SQLite's automatic
 * checkpoints, that copy and its fsync ran inside a commit on the event loop and cost a third of
 * a durable write; here they run beside it. Durability is unchanged: a commit is in the WAL
 * before its answer is written, whether or not a checkpoint has copied it yet.
 * https://www.sqlite.org/wal.html#checkpointing
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const { file, synchronous } = workerData as { file: string; synchronous: 'NORMAL' | 'FULL' };
const db = new BetterSqlite3(file);
// This connection only checkpoints: it needs no cache of its own.
db.pragma('cache_size = -512');
db.pragma(`synchronous = ${synchronous}`);

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // A busy or failed checkpoint is retried on the next tick; the WAL keeps every commit.
  }
}, 200);

parentPort?.on('message', (message: unknown) => {
  if (message !== 'close') return;
  clearInterval(timer);
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } finally {
    db.close();
    parentPort?.postMessage('closed');
  }
});
