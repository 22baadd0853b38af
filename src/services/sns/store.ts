/**
 * The SQL of SNS's topics, subscriptions, deliveries and records (platform applications,
 * endpoints and SMS settings keep theirs in platform-store.ts). Topics and subscriptions are
 * rows scoped by account and region; a topic's subscriptions are an index range, so a publish
 * reads them without a scan (and `SnsState` keeps them in memory between writes).
 *
 * - `sns_http_outbox`: HTTP(S) deliveries and confirmations, written in the transaction of the
 *   publish or subscribe that causes them and sent once it commits; a crash sends them after the
 *   restart. Retries move `due_at` by the delivery policy, on the Nimbus clock.
 * - `sns_records`: what Nimbus keeps for inspection in place of sending it (email, SMS, mobile
 *   push), listed at `/_nimbus/sns` and LocalStack's `/_aws/sns/*` paths.
 * - `sns_dedup`: FIFO topics' deduplication ids for their 5-minute window.
 */
import type { Database, Migration, Statement } from '../../state/database.js';

export const snsMigrations: Migration[] = [
  {
    version: 1,
    sql: `
    CREATE TABLE sns_topics (
      id INTEGER PRIMARY KEY,
      arn TEXT NOT NULL UNIQUE,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      fifo INTEGER NOT NULL,
      attributes TEXT NOT NULL,
      tags TEXT NOT NULL,
      data_protection TEXT,
      next_sequence INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX sns_topics_listing ON sns_topics (account, region, arn);

    CREATE TABLE sns_subscriptions (
      id INTEGER PRIMARY KEY,
      arn TEXT NOT NULL UNIQUE,
      topic_arn TEXT NOT NULL,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      protocol TEXT NOT NULL,
      endpoint TEXT NOT NULL,
      owner TEXT NOT NULL,
      principal TEXT NOT NULL,
      attributes TEXT NOT NULL,
      pending INTEGER NOT NULL,
      token TEXT,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX sns_subscriptions_by_topic ON sns_subscriptions (topic_arn, id);
    CREATE INDEX sns_subscriptions_listing ON sns_subscriptions (account, region, id);
    CREATE INDEX sns_subscriptions_by_token ON sns_subscriptions (token) WHERE token IS NOT NULL;

    CREATE TABLE sns_dedup (
      topic_id INTEGER NOT NULL,
      dedup_id TEXT NOT NULL,
      message_id TEXT NOT NULL,
      sequence_number TEXT,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (topic_id, dedup_id)
    ) WITHOUT ROWID;

    CREATE TABLE sns_http_outbox (
      id INTEGER PRIMARY KEY,
      subscription_arn TEXT NOT NULL,
      topic_arn TEXT NOT NULL,
      endpoint TEXT NOT NULL,
      message_type TEXT NOT NULL,
      message_id TEXT NOT NULL,
      body TEXT NOT NULL,
      content_type TEXT NOT NULL,
      attempt INTEGER NOT NULL DEFAULT 0,
      due_at INTEGER NOT NULL
    );
    CREATE INDEX sns_http_outbox_due ON sns_http_outbox (due_at);

    CREATE TABLE sns_records (
      id INTEGER PRIMARY KEY,
      account TEXT NOT NULL,
      region TEXT NOT NULL,
      kind TEXT NOT NULL,
      target TEXT NOT NULL,
      record TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX sns_records_by_kind ON sns_records (kind, account, region, target, id);

    CREATE TABLE sns_signing (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      cert_id TEXT NOT NULL,
      private_key TEXT NOT NULL,
      certificate TEXT NOT NULL
    );
    `,
  },
];

export interface TopicRow {
  id: number;
  arn: string;
  account: string;
  region: string;
  name: string;
  fifo: number;
  attributes: string;
  tags: string;
  data_protection: string | null;
  next_sequence: number;
  created_at: number;
}

export interface SubscriptionRow {
  id: number;
  arn: string;
  topic_arn: string;
  account: string;
  region: string;
  protocol: string;
  endpoint: string;
  owner: string;
  principal: string;
  attributes: string;
  pending: number;
  token: string | null;
  created_at: number;
}

export interface OutboxRow {
  id: number;
  subscription_arn: string;
  topic_arn: string;
  endpoint: string;
  message_type: string;
  message_id: string;
  body: string;
  content_type: string;
  attempt: number;
  due_at: number;
}

export interface RecordRow {
  id: number;
  account: string;
  region: string;
  kind: string;
  target: string;
  record: string;
  created_at: number;
}

export interface SigningRow {
  cert_id: string;
  private_key: string;
  certificate: string;
}

export class SnsStore {
  readonly #db: Database;
  readonly #topicByArn: Statement;
  readonly #subscriptionsOf: Statement;
  readonly #insertRecord: Statement;
  readonly #insertOutbox: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#topicByArn = db.prepare('SELECT * FROM sns_topics WHERE arn = ?');
    this.#subscriptionsOf = db.prepare('SELECT * FROM sns_subscriptions WHERE topic_arn = ? ORDER BY id');
    this.#insertRecord = db.prepare(
      'INSERT INTO sns_records (account, region, kind, target, record, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#insertOutbox = db.prepare(
      `INSERT INTO sns_http_outbox (subscription_arn, topic_arn, endpoint, message_type, message_id, body, content_type, due_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  get db(): Database {
    return this.#db;
  }

  transaction<T>(work: () => T): T {
    return this.#db.transaction(work);
  }

  // Topics

  topic(arn: string): TopicRow | undefined {
    return this.#topicByArn.get(arn) as TopicRow | undefined;
  }

  insertTopic(row: Omit<TopicRow, 'id' | 'next_sequence'>): void {
    this.#db
      .prepare(
        `INSERT INTO sns_topics (arn, account, region, name, fifo, attributes, tags, data_protection, created_at)
         VALUES (@arn, @account, @region, @name, @fifo, @attributes, @tags, @data_protection, @created_at)`,
      )
      .run(row);
  }

  deleteTopic(arn: string): void {
    this.#db.prepare('DELETE FROM sns_topics WHERE arn = ?').run(arn);
    this.#db.prepare('DELETE FROM sns_subscriptions WHERE topic_arn = ?').run(arn);
  }

  setTopicAttributes(arn: string, attributes: string): void {
    this.#db.prepare('UPDATE sns_topics SET attributes = ? WHERE arn = ?').run(attributes, arn);
  }

  setTopicTags(arn: string, tags: string): void {
    this.#db.prepare('UPDATE sns_topics SET tags = ? WHERE arn = ?').run(tags, arn);
  }

  setDataProtection(arn: string, policy: string): void {
    this.#db.prepare('UPDATE sns_topics SET data_protection = ? WHERE arn = ?').run(policy, arn);
  }

  /** The next sequence number of a FIFO topic (1, 2, ...). */
  nextSequence(topicId: number): number {
    const row = this.#db
      .prepare('UPDATE sns_topics SET next_sequence = next_sequence + 1 WHERE id = ? RETURNING next_sequence')
      .get(topicId) as { next_sequence: number };
    return row.next_sequence;
  }

  /** A page of topic ARNs after `after`, in ARN order. */
  listTopics(account: string, region: string, after: string, limit: number): string[] {
    const rows = this.#db
      .prepare('SELECT arn FROM sns_topics WHERE account = ? AND region = ? AND arn > ? ORDER BY arn LIMIT ?')
      .all(account, region, after, limit) as Array<{ arn: string }>;
    return rows.map((row) => row.arn);
  }

  // Subscriptions

  subscription(arn: string): SubscriptionRow | undefined {
    return this.#db.prepare('SELECT * FROM sns_subscriptions WHERE arn = ?').get(arn) as SubscriptionRow | undefined;
  }

  subscriptionByToken(token: string): SubscriptionRow | undefined {
    return this.#db.prepare('SELECT * FROM sns_subscriptions WHERE token = ?').get(token) as
      | SubscriptionRow
      | undefined;
  }

  subscriptionsOf(topicArn: string): SubscriptionRow[] {
    return this.#subscriptionsOf.all(topicArn) as SubscriptionRow[];
  }

  insertSubscription(row: Omit<SubscriptionRow, 'id'>): void {
    this.#db
      .prepare(
        `INSERT INTO sns_subscriptions (arn, topic_arn, account, region, protocol, endpoint, owner, principal, attributes, pending, token, created_at)
         VALUES (@arn, @topic_arn, @account, @region, @protocol, @endpoint, @owner, @principal, @attributes, @pending, @token, @created_at)`,
      )
      .run(row);
  }

  setSubscriptionAttributes(arn: string, attributes: string): void {
    this.#db.prepare('UPDATE sns_subscriptions SET attributes = ? WHERE arn = ?').run(attributes, arn);
  }

  confirmSubscription(arn: string): void {
    this.#db.prepare('UPDATE sns_subscriptions SET pending = 0 WHERE arn = ?').run(arn);
  }

  deleteSubscription(arn: string): void {
    this.#db.prepare('DELETE FROM sns_subscriptions WHERE arn = ?').run(arn);
  }

  /** A page of subscriptions after row id `after`: of one account and region, or of one topic. */
  listSubscriptions(
    scope: { account: string; region: string } | { topicArn: string },
    after: number,
    limit: number,
  ): SubscriptionRow[] {
    if ('topicArn' in scope) {
      return this.#db
        .prepare('SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND id > ? ORDER BY id LIMIT ?')
        .all(scope.topicArn, after, limit) as SubscriptionRow[];
    }
    return this.#db
      .prepare('SELECT * FROM sns_subscriptions WHERE account = ? AND region = ? AND id > ? ORDER BY id LIMIT ?')
      .all(scope.account, scope.region, after, limit) as SubscriptionRow[];
  }

  /** Confirmed and pending subscription counts of a topic. */
  subscriptionCounts(topicArn: string): { confirmed: number; pending: number } {
    const row = this.#db
      .prepare(
        `SELECT COALESCE(SUM(pending = 0), 0) AS confirmed, COALESCE(SUM(pending = 1), 0) AS pending
         FROM sns_subscriptions WHERE topic_arn = ?`,
      )
      .get(topicArn) as { confirmed: number; pending: number };
    return row;
  }

  // FIFO deduplication

  dedup(
    topicId: number,
    dedupId: string,
    now: number,
  ): { message_id: string; sequence_number: string | null } | undefined {
    return this.#db
      .prepare(
        'SELECT message_id, sequence_number FROM sns_dedup WHERE topic_id = ? AND dedup_id = ? AND expires_at > ?',
      )
      .get(topicId, dedupId, now) as { message_id: string; sequence_number: string | null } | undefined;
  }

  rememberDedup(topicId: number, dedupId: string, messageId: string, sequence: string | null, expiresAt: number): void {
    this.#db
      .prepare(
        `INSERT INTO sns_dedup (topic_id, dedup_id, message_id, sequence_number, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (topic_id, dedup_id) DO UPDATE SET message_id = excluded.message_id,
           sequence_number = excluded.sequence_number, expires_at = excluded.expires_at`,
      )
      .run(topicId, dedupId, messageId, sequence, expiresAt);
  }

  forgetExpiredDedup(now: number): void {
    this.#db.prepare('DELETE FROM sns_dedup WHERE expires_at <= ?').run(now);
  }

  // HTTP deliveries

  queueHttp(row: Omit<OutboxRow, 'id' | 'attempt'>): void {
    this.#insertOutbox.run(
      row.subscription_arn,
      row.topic_arn,
      row.endpoint,
      row.message_type,
      row.message_id,
      row.body,
      row.content_type,
      row.due_at,
    );
  }

  dueHttp(now: number, limit: number): OutboxRow[] {
    return this.#db
      .prepare('SELECT * FROM sns_http_outbox WHERE due_at <= ? ORDER BY due_at, id LIMIT ?')
      .all(now, limit) as OutboxRow[];
  }

  nextHttpDue(): number | undefined {
    const row = this.#db.prepare('SELECT MIN(due_at) AS due FROM sns_http_outbox').get() as { due: number | null };
    return row.due ?? undefined;
  }

  retryHttp(id: number, attempt: number, dueAt: number): void {
    this.#db.prepare('UPDATE sns_http_outbox SET attempt = ?, due_at = ? WHERE id = ?').run(attempt, dueAt, id);
  }

  deleteHttp(id: number): void {
    this.#db.prepare('DELETE FROM sns_http_outbox WHERE id = ?').run(id);
  }

  // Records kept for inspection

  record(account: string, region: string, kind: string, target: string, record: unknown, now: number): void {
    this.#insertRecord.run(account, region, kind, target, JSON.stringify(record), now);
  }

  records(kind: string, scope: { account?: string; region?: string; target?: string }): RecordRow[] {
    const where = ['kind = ?'];
    const values: string[] = [kind];
    if (scope.account) {
      where.push('account = ?');
      values.push(scope.account);
    }
    if (scope.region) {
      where.push('region = ?');
      values.push(scope.region);
    }
    if (scope.target) {
      where.push('target = ?');
      values.push(scope.target);
    }
    return this.#db
      .prepare(`SELECT * FROM sns_records WHERE ${where.join(' AND ')} ORDER BY id`)
      .all(...values) as RecordRow[];
  }

  deleteRecords(kind: string, scope: { account?: string; region?: string; target?: string }): void {
    const where = ['kind = ?'];
    const values: string[] = [kind];
    for (const [column, value] of Object.entries(scope)) {
      if (!value) continue;
      where.push(`${column} = ?`);
      values.push(value);
    }
    this.#db.prepare(`DELETE FROM sns_records WHERE ${where.join(' AND ')}`).run(...values);
  }

  // The signing key

  signing(): SigningRow | undefined {
    return this.#db.prepare('SELECT cert_id, private_key, certificate FROM sns_signing WHERE id = 1').get() as
      | SigningRow
      | undefined;
  }

  saveSigning(row: SigningRow): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO sns_signing (id, cert_id, private_key, certificate) VALUES (1, ?, ?, ?)')
      .run(row.cert_id, row.private_key, row.certificate);
  }
}
