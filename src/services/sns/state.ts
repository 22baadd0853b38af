/**
 * What every SNS operation works with: the store, the clock, the other services, and topics and
 * subscriptions parsed once per stored row. A publish reads its topic's subscriptions from
 * memory: the list of each topic is kept until a write to that topic's subscriptions (or a
 * rollback, reset or import: `Database.onReplaced`) forgets it.
 */
import type { Clock } from '../../core/clock.js';
import { compileFilterPolicy, type FilterPolicy } from '../../core/filter-policy/index.js';
import type { Logger } from '../../core/logger.js';
import type { RequestContext, ServiceDeps } from '../service-types.js';
import { Signer } from './signing.js';
import { type OutboxRow, SnsStore, type SubscriptionRow, type TopicRow } from './store.js';

export interface Topic {
  row: TopicRow;
  id: number;
  arn: string;
  account: string;
  region: string;
  name: string;
  fifo: boolean;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  contentBasedDeduplication: boolean;
  signatureVersion: '1' | '2';
}

export interface Subscription {
  row: SubscriptionRow;
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  owner: string;
  pending: boolean;
  attributes: Record<string, string>;
  raw: boolean;
  filter: FilterPolicy | undefined;
  filterOnBody: boolean;
}

const matchNothing: FilterPolicy = {
  matchesAttributes: () => false,
  matchesBody: () => false,
  matchesParsedBody: () => false,
};

export class SnsState {
  readonly store: SnsStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly deps: ServiceDeps;
  readonly signer: Signer;
  /** Set by the provider: wakes the HTTP outbox after a write to it. */
  httpDelivery: { schedule(): void } | undefined;
  readonly #topics = new WeakMap<TopicRow, Topic>();
  /** Each topic's subscriptions, in subscription order, by topic ARN. */
  readonly #subscriptions = new Map<string, Subscription[]>();
  /** Topic rows by ARN (null: none), written through by this class's writers. */
  readonly #topicRows = new Map<string, TopicRow | null>();

  constructor(deps: ServiceDeps) {
    this.deps = deps;
    this.store = new SnsStore(deps.db);
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.signer = new Signer(this.store);
    deps.db.onReplaced(() => {
      this.#subscriptions.clear();
      this.#topicRows.clear();
      this.signer.forget();
    });
  }

  now(): number {
    return this.clock.now();
  }

  topicRow(arn: string): TopicRow | undefined {
    let row = this.#topicRows.get(arn);
    if (row === undefined) {
      row = this.store.topic(arn) ?? null;
      if (this.#topicRows.size > 4096) this.#topicRows.clear();
      this.#topicRows.set(arn, row);
    }
    return row ?? undefined;
  }

  topic(arn: string): Topic | undefined {
    const row = this.topicRow(arn);
    return row ? this.parseTopic(row) : undefined;
  }

  /** Forgets what is cached of a topic after a write to its row or its subscriptions. */
  changedTopic(arn: string): void {
    this.#topicRows.delete(arn);
    this.#subscriptions.delete(arn);
  }

  parseTopic(row: TopicRow): Topic {
    let topic = this.#topics.get(row);
    if (topic) return topic;
    const attributes = JSON.parse(row.attributes) as Record<string, string>;
    topic = {
      row,
      id: row.id,
      arn: row.arn,
      account: row.account,
      region: row.region,
      name: row.name,
      fifo: row.fifo === 1,
      attributes,
      tags: JSON.parse(row.tags) as Record<string, string>,
      contentBasedDeduplication: attributes.ContentBasedDeduplication === 'true',
      signatureVersion: attributes.SignatureVersion === '2' ? '2' : '1',
    };
    this.#topics.set(row, topic);
    return topic;
  }

  parseSubscription(row: SubscriptionRow): Subscription {
    const attributes = JSON.parse(row.attributes) as Record<string, string>;
    const filterOnBody = attributes.FilterPolicyScope === 'MessageBody';
    let filter: FilterPolicy | undefined;
    if (attributes.FilterPolicy) {
      try {
        filter = compileFilterPolicy(attributes.FilterPolicy, filterOnBody ? 'MessageBody' : 'MessageAttributes');
      } catch {
        // Checked when it was set; a policy that no longer compiles matches nothing.
        filter = matchNothing;
      }
    }
    return {
      row,
      arn: row.arn,
      topicArn: row.topic_arn,
      protocol: row.protocol,
      endpoint: row.endpoint,
      owner: row.owner,
      pending: row.pending === 1,
      attributes,
      raw: attributes.RawMessageDelivery === 'true',
      filter,
      filterOnBody,
    };
  }

  /** The topic's subscriptions, parsed, from memory when nothing changed them. */
  subscriptionsOf(topicArn: string): Subscription[] {
    let list = this.#subscriptions.get(topicArn);
    if (!list) {
      list = this.store.subscriptionsOf(topicArn).map((row) => this.parseSubscription(row));
      if (this.#subscriptions.size > 1024) this.#subscriptions.clear();
      this.#subscriptions.set(topicArn, list);
    }
    return list;
  }

  /**
   * Queues a delivery that goes out once the current transaction commits (HTTP POSTs, Lambda
   * invocations, Firehose records, confirmations: http-delivery.ts), due now.
   */
  queueOutbox(row: Omit<OutboxRow, 'id' | 'attempt' | 'due_at'>): void {
    this.store.queueHttp({ ...row, due_at: this.now() });
    this.httpDelivery?.schedule();
  }

  /** The base URL for the links SNS hands out (SubscribeURL, UnsubscribeURL, SigningCertURL). */
  baseUrl(ctx: Pick<RequestContext, 'endpoint'>): string {
    return ctx.endpoint;
  }
}
