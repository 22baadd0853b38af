import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sqsMigrations } from '../../../src/services/sqs/schema.js';
import { SqsStore } from '../../../src/services/sqs/store.js';
import { Database } from '../../../src/state/database.js';

describe('SQS FIFO group schema upgrade', () => {
  test('groups kept by schema 2 open when their oldest message is visible, and stay locked while it is in flight', () => {
    const db = new Database(undefined);
    db.migrate(
      'sqs',
      sqsMigrations.filter((migration) => migration.version <= 2),
    );
    const now = 1_764_600_000_000;
    const insert = db.sqlite.prepare(
      `INSERT INTO sqs_messages (seq, queue_id, message_id, body, md5_body, sender_id, sent_at, visible_at, expires_at,
         receive_count, group_id) VALUES (?, 1, ?, 'b', 'm', 's', ?, ?, ?, ?, ?)`,
    );
    // Group "busy": its oldest is in flight for another 30 s. Group "idle": nothing received yet.
    insert.run(1, 'a', now - 10, now + 30_000, now + 1e9, 1, 'busy');
    insert.run(2, 'b', now - 9, now - 9, now + 1e9, 0, 'busy');
    insert.run(3, 'c', now - 8, now - 8, now + 1e9, 0, 'idle');
    db.sqlite.exec("INSERT INTO sqs_groups (queue_id, group_id, head_seq) VALUES (1, 'busy', 1), (1, 'idle', 3)");
    db.migrate('sqs', sqsMigrations);
    const store = new SqsStore(db);
    assert.deepEqual(store.openGroups(1, now, new Set(), 10), ['idle']);
    assert.deepEqual(store.openGroups(1, now + 30_000, new Set(), 10), ['busy', 'idle']);
  });
});
