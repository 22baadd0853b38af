/**
 * What every SQS operation works with: the store, the clock, the long-poll waiters, and the
 * queue a request names, parsed once per stored row.
 *
 * Queue URLs are `{endpoint}/{account}/{name}`, where the endpoint is the one the client
 * addressed (`http://localhost:4566`, `http://sqs.eu-west-1.localhost:4566`); any host is
 * accepted back, only the path names the queue. A region in the host wins over the signature's,
 * as a real queue URL's host names its region.
 */
import type { Clock } from '../../core/clock.js';
import { InvalidAddress } from '../../generated/sqs/errors.js';
import { regionFromHost } from '../../resolve/region.js';
import type { RequestContext, ServiceDeps } from '../service-types.js';
import { queueDoesNotExist } from './errors.js';
import { type QueueAttributes, seconds } from './queue-attributes.js';
import { type QueueRow, SqsStore } from './store.js';
import { Waiters } from './waiters.js';

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** A queue as the domain code sees it: its row, parsed. */
export interface Queue {
  row: QueueRow;
  id: number;
  account: string;
  region: string;
  name: string;
  fifo: boolean;
  arn: string;
  attributes: QueueAttributes;
  tags: Record<string, string>;
  visibilityTimeout: number;
  delaySeconds: number;
  retentionSeconds: number;
  maximumMessageSize: number;
  receiveWaitSeconds: number;
  contentBasedDeduplication: boolean;
  dedupByGroup: boolean;
  redrive: RedrivePolicy | undefined;
}

export function queueArn(region: string, account: string, name: string): string {
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

/** `arn:aws:sqs:region:account:name` -> its parts, or undefined. */
export function parseQueueArn(arn: string): { region: string; account: string; name: string } | undefined {
  const match = /^arn:aws[\w-]*:sqs:([a-z0-9-]+):(\d{12}):([\w.-]+)$/.exec(arn);
  return match ? { region: match[1] as string, account: match[2] as string, name: match[3] as string } : undefined;
}

function parseRedrive(text: string | undefined): RedrivePolicy | undefined {
  if (!text) return undefined;
  try {
    const policy = JSON.parse(text) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
    if (!policy.deadLetterTargetArn) return undefined;
    return { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount: Number(policy.maxReceiveCount) };
  } catch {
    return undefined;
  }
}

export class SqsState {
  readonly store: SqsStore;
  readonly clock: Clock;
  readonly waiters = new Waiters();
  readonly #parsed = new WeakMap<QueueRow, Queue>();
  /** Parsed queue URLs, by URL and the region they default to: clients send the same few. */
  readonly #located = new Map<string, { account: string; region: string; name: string }>();
  /** Parsed queue ARNs (null: not one): SNS names each subscribed queue by its ARN on every publish. */
  readonly #arns = new Map<string, { region: string; account: string; name: string } | null>();

  constructor(deps: ServiceDeps) {
    this.store = new SqsStore(deps.db);
    this.clock = deps.clock;
  }

  now(): number {
    return this.clock.now();
  }

  url(ctx: RequestContext, queue: { account: string; name: string }): string {
    return `${ctx.endpoint}/${queue.account}/${queue.name}`;
  }

  parse(row: QueueRow): Queue {
    let queue = this.#parsed.get(row);
    if (queue) return queue;
    const attributes = JSON.parse(row.attributes) as QueueAttributes;
    queue = {
      row,
      id: row.id,
      account: row.account,
      region: row.region,
      name: row.name,
      fifo: row.fifo === 1,
      arn: queueArn(row.region, row.account, row.name),
      attributes,
      tags: JSON.parse(row.tags) as Record<string, string>,
      visibilityTimeout: seconds(attributes, 'VisibilityTimeout'),
      delaySeconds: seconds(attributes, 'DelaySeconds'),
      retentionSeconds: seconds(attributes, 'MessageRetentionPeriod'),
      maximumMessageSize: seconds(attributes, 'MaximumMessageSize'),
      receiveWaitSeconds: seconds(attributes, 'ReceiveMessageWaitTimeSeconds'),
      contentBasedDeduplication: attributes.ContentBasedDeduplication === 'true',
      dedupByGroup: attributes.DeduplicationScope === 'messageGroup',
      redrive: parseRedrive(attributes.RedrivePolicy),
    };
    this.#parsed.set(row, queue);
    return queue;
  }

  /** The queue a QueueUrl names; QueueDoesNotExist when there is none. */
  queueByUrl(ctx: RequestContext, queueUrl: string): Queue {
    const { account, region, name } = this.locate(ctx, queueUrl);
    const row = this.store.queue(account, region, name);
    if (!row) throw queueDoesNotExist();
    return this.parse(row);
  }

  /** The queue an ARN names, if it exists. */
  queueByArn(arn: string): Queue | undefined {
    let parts = this.#arns.get(arn);
    if (parts === undefined) {
      parts = parseQueueArn(arn) ?? null;
      if (this.#arns.size >= 10_000) this.#arns.clear();
      this.#arns.set(arn, parts);
    }
    if (!parts) return undefined;
    const row = this.store.queue(parts.account, parts.region, parts.name);
    return row ? this.parse(row) : undefined;
  }

  queueById(id: number): Queue | undefined {
    const row = this.store.queueById(id);
    return row ? this.parse(this.store.queue(row.account, row.region, row.name) ?? row) : undefined;
  }

  /** Account, region and name from a queue URL (`http://host/123456789012/name`). */
  locate(ctx: RequestContext, queueUrl: string): { account: string; region: string; name: string } {
    const key = `${ctx.region} ${ctx.account} ${queueUrl}`;
    let located = this.#located.get(key);
    if (!located) {
      located = this.#parseUrl(ctx, queueUrl);
      if (this.#located.size >= 10_000) this.#located.clear();
      this.#located.set(key, located);
    }
    return located;
  }

  #parseUrl(ctx: RequestContext, queueUrl: string): { account: string; region: string; name: string } {
    let path = queueUrl;
    let region = ctx.region;
    const scheme = queueUrl.indexOf('://');
    if (scheme >= 0) {
      const slash = queueUrl.indexOf('/', scheme + 3);
      const host = slash >= 0 ? queueUrl.slice(scheme + 3, slash) : queueUrl.slice(scheme + 3);
      region = regionFromHost(host) ?? region;
      path = slash >= 0 ? queueUrl.slice(slash) : '';
    }
    const parts = path.split('/').filter((part) => part !== '');
    if (parts.length === 2 && /^\d{12}$/.test(parts[0] as string)) {
      return { account: parts[0] as string, region, name: decodeURIComponent(parts[1] as string) };
    }
    // A bare queue name (some scripts pass one) is the caller's own queue.
    if (parts.length === 1 && scheme < 0) return { account: ctx.account, region, name: parts[0] as string };
    throw new InvalidAddress(`The address ${queueUrl} is not valid for this endpoint.`);
  }
}
