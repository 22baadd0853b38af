/**
 * The tables of SQS (store.ts explains how their indexes answer each question), as numbered
 * migrations.
 */
import type { Migration } from '../../state/database.js';

export const sqsMigrations: Migration[] = [
  {
    version: 1,
    sql: `
    CREATE TABLE sqs_queues (
      id INTEGER PRIMARY KEY,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      fifo INTEGER NOT NULL,
      attributes TEXT NOT NULL,
      tags TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      modified_at INTEGER NOT NULL,
      purged_at INTEGER,
      message_count INTEGER NOT NULL DEFAULT 0,
      next_sequence INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX sqs_queues_by_name ON sqs_queues (account, region, name);

    CREATE TABLE sqs_deleted_queues (
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      deleted_at INTEGER NOT NULL,
      PRIMARY KEY (account, region, name)
    ) WITHOUT ROWID;

    CREATE TABLE sqs_messages (
      seq INTEGER PRIMARY KEY,
      queue_id INTEGER NOT NULL,
      message_id TEXT NOT NULL,
      body TEXT NOT NULL,
      md5_body TEXT NOT NULL,
      attributes TEXT,
      md5_attributes TEXT,
      system_attributes TEXT,
      md5_system_attributes TEXT,
      sender_id TEXT NOT NULL,
      sent_at INTEGER NOT NULL,
      visible_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      receive_count INTEGER NOT NULL DEFAULT 0,
      first_received_at INTEGER,
      received_at INTEGER,
      receipt TEXT,
      group_id TEXT,
      dedup_id TEXT,
      sequence_number TEXT,
      source_arn TEXT
    );
    CREATE INDEX sqs_messages_visible ON sqs_messages (queue_id, visible_at, receive_count);
    CREATE INDEX sqs_messages_by_group ON sqs_messages (queue_id, group_id, seq) WHERE group_id IS NOT NULL;
    CREATE INDEX sqs_messages_expiring ON sqs_messages (expires_at);

    CREATE TABLE sqs_groups (
      queue_id INTEGER NOT NULL,
      group_id TEXT NOT NULL,
      head_seq INTEGER NOT NULL,
      PRIMARY KEY (queue_id, group_id)
    ) WITHOUT ROWID;
    CREATE INDEX sqs_groups_by_head ON sqs_groups (queue_id, head_seq);

    CREATE TABLE sqs_dedup (
      queue_id INTEGER NOT NULL,
      scope_key TEXT NOT NULL,
      message_id TEXT NOT NULL,
      sequence_number TEXT,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (queue_id, scope_key)
    ) WITHOUT ROWID;
    CREATE INDEX sqs_dedup_expiring ON sqs_dedup (expires_at);

    CREATE TABLE sqs_receive_attempts (
      queue_id INTEGER NOT NULL,
      attempt_id TEXT NOT NULL,
      received TEXT NOT NULL,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (queue_id, attempt_id)
    ) WITHOUT ROWID;

    CREATE TABLE sqs_move_tasks (
      task_handle TEXT PRIMARY KEY,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      source_arn TEXT NOT NULL,
      destination_arn TEXT,
      max_per_second INTEGER,
      status TEXT NOT NULL,
      moved INTEGER NOT NULL DEFAULT 0,
      to_move INTEGER NOT NULL,
      failure_reason TEXT,
      started_at INTEGER NOT NULL
    );
    CREATE INDEX sqs_move_tasks_by_source ON sqs_move_tasks (account, region, source_arn, started_at);
    `,
  },
  {
    // Shared bodies: an SNS fan-out's envelopes differ only in the subscription ARN inside
    // UnsubscribeURL, so one row keeps what they share and each message's `body` only its own part.
    // A delete of any kind lets go of the shared row (the trigger); reads go through the view.
    version: 2,
    sql: `
    CREATE TABLE sqs_shared_bodies (
      id INTEGER PRIMARY KEY,
      head TEXT NOT NULL,
      tail TEXT NOT NULL,
      refs INTEGER NOT NULL
    );
    ALTER TABLE sqs_messages ADD COLUMN body_id INTEGER;
    CREATE TRIGGER sqs_messages_release_body AFTER DELETE ON sqs_messages WHEN old.body_id IS NOT NULL
    BEGIN
      UPDATE sqs_shared_bodies SET refs = refs - 1 WHERE id = old.body_id;
      DELETE FROM sqs_shared_bodies WHERE id = old.body_id AND refs <= 0;
    END;
    CREATE VIEW sqs_messages_full AS
      SELECT m.seq, m.queue_id, m.message_id,
        CASE WHEN m.body_id IS NULL THEN m.body ELSE b.head || m.body || b.tail END AS body,
        m.md5_body, m.attributes, m.md5_attributes, m.system_attributes, m.md5_system_attributes, m.sender_id,
        m.sent_at, m.visible_at, m.expires_at, m.receive_count, m.first_received_at, m.received_at, m.receipt,
        m.group_id, m.dedup_id, m.sequence_number, m.source_arn
      FROM sqs_messages m LEFT JOIN sqs_shared_bodies b ON b.id = m.body_id;
    `,
  },
  {
    // FIFO receives find the open groups from an index instead of walking the groups in flight
    // (store.ts openGroups): each group keeps its head's visible_at and whether it may be locked.
    version: 3,
    sql: `
    ALTER TABLE sqs_groups ADD COLUMN head_visible_at INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE sqs_groups ADD COLUMN locked INTEGER NOT NULL DEFAULT 1;
    UPDATE sqs_groups SET head_visible_at = coalesce((SELECT visible_at FROM sqs_messages WHERE seq = head_seq), 0);
    DROP INDEX sqs_groups_by_head;
    CREATE INDEX sqs_groups_open ON sqs_groups (queue_id, head_seq) WHERE locked = 0;
    CREATE INDEX sqs_groups_locked ON sqs_groups (queue_id, head_visible_at) WHERE locked = 1;
    `,
  },
  {
    // Retention by runs of messages that expire in the same second (expiry-runs.ts) instead of
    // an index on expires_at, which SQLite rebalanced on nearly every send. The runs of what is
    // kept now: a new run wherever the expiry second changes in seq order.
    version: 4,
    sql: `
    DROP INDEX sqs_messages_expiring;
    CREATE TABLE sqs_expiry_runs (
      first_seq INTEGER PRIMARY KEY,
      second INTEGER NOT NULL
    );
    CREATE INDEX sqs_expiry_runs_by_second ON sqs_expiry_runs (second);
    INSERT INTO sqs_expiry_runs (first_seq, second)
      SELECT seq, second FROM (
        SELECT seq, CAST(expires_at / 1000 AS INTEGER) AS second,
          lag(CAST(expires_at / 1000 AS INTEGER)) OVER (ORDER BY seq) AS previous
        FROM sqs_messages
      ) WHERE previous IS NULL OR previous != second;
    `,
  },
];
