/**
 * SubscribeToShard: enhanced fan-out. https://docs.aws.amazon.com/kinesis/latest/APIReference/API_SubscribeToShard.html
 * and https://docs.aws.amazon.com/streams/latest/dev/building-enhanced-consumers-api.html
 *
 * The request is checked at once (consumer, shard, starting position, the 5-second rule), so that
 * its errors are ordinary 400 answers; the answer is then an event stream that the JSON protocol
 * frames (protocol/json/index.ts): the provider hands over a Subscription, an AsyncIterator of
 * `{ SubscribeToShardEvent }` values. Each `next()` reads the shard from where the last event
 * ended (records.ts `readShard`, the GetRecords read path) and, when nothing is new, waits for the
 * feed's wake-up after a put commits (from-services.ts `onRecords`), so records are pushed as they
 * arrive. Reads happen only when the reader wants the next event, so HTTP/2 flow control holds
 * the subscription back rather than a buffer growing in memory.
 *
 * AWS's rules kept here: a subscription lasts 5 minutes (of Nimbus time, `deps.clock`) and then
 * the stream ends; a second call for the same consumer and shard within 5 seconds of a successful
 * one is a ResourceInUseException, a later one takes over and the earlier stream ends with that
 * exception; at the end of a closed shard the last event carries ChildShards and no
 * ContinuationSequenceNumber (KCL and Flink's enhanced fan-out readers take a missing
 * ContinuationSequenceNumber as the shard's end), and the stream ends. An idle subscription
 * sends an event without records every 5 seconds, so that ContinuationSequenceNumber
 * "captures your shard progress even when no data is written to the shard"
 * (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_SubscribeToShardEvent.html); the
 * 5-second period is our choice. A consumer deregistered, or a stream deleted, mid-stream ends it
 * with a ResourceNotFoundException message (the stream's deletion is seen at the next read or
 * idle event). A client that hangs up (resets the HTTP/2 stream, closes the connection), and the
 * server's stop, end the subscription at once. SDK v3's `break` out of `for await` does neither:
 * its event-stream iterator does not pass `return()` on to the response body (@smithy/core
 * event-streams `deserializeEventStream`), so such a subscription is held, read no further than
 * flow control lets it, until its 5 minutes end, the client aborts it (`abortSignal`) or its
 * process exits (`client.destroy()` leaves the connection it opened for the stream alone).
 */
import type { ClockTimer } from '../../core/clock.js';
import type { KinesisOperations } from '../../generated/kinesis/operations.js';
import type {
  StartingPosition,
  SubscribeToShardEvent,
  SubscribeToShardEventStream,
} from '../../generated/kinesis/types.js';
import type { RequestContext } from '../service-types.js';
import { findConsumer } from './consumers.js';
import { consumerNotFound, sequenceOfOtherShard, shardDoesNotExist, streamNotFound } from './errors.js';
import type { Feed } from './from-services.js';
import { childShards, findShard, readShard } from './records.js';
import { formatSequence, parseSequence, shardIdOf } from './sequence-numbers.js';
import type { KinesisState, Shard } from './state.js';
import type { StreamRow } from './store.js';
import {
  invalidSequenceForShard,
  sequenceFromOtherStream,
  sequenceNumberRequired,
  subscriptionActive,
  timestampRequiredForPosition,
} from './subscribe-errors.js';

/** "for up to 5 minutes" (API_SubscribeToShard.html). */
export const subscriptionLifetimeMs = 5 * 60_000;
/** "within 5 seconds of a successful call, you'll get a ResourceInUseException" (API_SubscribeToShard.html). */
const resubscribeGapMs = 5_000;
/** How long an idle subscription waits before it sends an event without records. */
const idleEventMs = 5_000;
/** Records read for one event at most (and at most 10 MiB: `readShard`'s page). */
const recordsPerEvent = 10_000;

/** Where a subscription starts: after this seq, and from this arrival time (AT_TIMESTAMP). */
interface Start {
  afterSeq: number;
  since: number;
}

function startOf(
  state: KinesisState,
  ctx: RequestContext,
  stream: StreamRow,
  shard: Shard,
  at: StartingPosition,
): Start {
  switch (at.Type) {
    case 'TRIM_HORIZON':
      return { afterSeq: shard.start_seq - 1, since: 0 };
    case 'LATEST':
      return {
        afterSeq: Math.min(state.store.takeSeqs(stream.id, 0) - 1, shard.end_seq ?? Number.MAX_SAFE_INTEGER),
        since: 0,
      };
    case 'AT_TIMESTAMP':
      if (at.Timestamp === undefined) throw timestampRequiredForPosition();
      return { afterSeq: shard.start_seq - 1, since: at.Timestamp.getTime() };
    default: {
      const text = at.SequenceNumber;
      if (text === undefined) throw sequenceNumberRequired(at.Type);
      const parsed = parseSequence(text);
      if (!parsed) throw invalidSequenceForShard(text, shard.id, stream.name, ctx.account);
      // KCL #391 (subscribe-errors.ts): SubscribeToShard answers this with GetShardIterator's words.
      if (parsed.shardIndex !== shard.shard_index) throw sequenceOfOtherShard(shardIdOf(parsed.shardIndex), shard.id);
      if (parsed.streamId !== stream.id) throw sequenceFromOtherStream(text, shard.id, stream.name, ctx.account);
      return { afterSeq: at.Type === 'AT_SEQUENCE_NUMBER' ? parsed.seq - 1 : parsed.seq, since: 0 };
    }
  }
}

interface Waiter {
  resolve(result: IteratorResult<SubscribeToShardEventStream>): void;
  reject(error: unknown): void;
}

const done: IteratorResult<SubscribeToShardEventStream> = { done: true, value: undefined };

interface SubscriptionTarget {
  account: string;
  streamId: number;
  streamName: string;
  streamArn: string;
  consumerArn: string;
  consumerName: string;
  consumerCreatedAt: number;
  shardId: string;
  key: string;
}

/** One open subscription: the event source the JSON protocol frames. */
export class Subscription implements AsyncIterableIterator<SubscribeToShardEventStream> {
  readonly target: SubscriptionTarget;
  readonly #state: KinesisState;
  readonly #onClose: (subscription: Subscription) => void;
  #afterSeq: number;
  /** The ContinuationSequenceNumber of the last event with records (events without repeat it). */
  #continuation: string | undefined;
  readonly #since: number;
  #lastEventAt: number;
  #waiter: Waiter | undefined;
  /** An error to end with (a takeover), given at the next `next()` when none is waiting. */
  #failure: unknown;
  #closed = false;
  /** The last event (the shard's end) has been sent. */
  #ended = false;
  readonly #endTimer: ClockTimer;
  #idleTimer: ClockTimer | undefined;
  readonly #stopListening: () => void;

  constructor(
    state: KinesisState,
    feed: Feed,
    target: SubscriptionTarget,
    start: Start,
    onClose: (subscription: Subscription) => void,
  ) {
    this.#state = state;
    this.target = target;
    this.#onClose = onClose;
    this.#afterSeq = start.afterSeq;
    this.#since = start.since;
    const now = state.now();
    // The first read is an event at once, records or not: the reader learns where it stands.
    this.#lastEventAt = now - idleEventMs;
    this.#endTimer = state.clock.schedule(now + subscriptionLifetimeMs, () => this.close());
    this.#stopListening = feed.onRecords(target.streamArn, () => this.#wake());
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<SubscribeToShardEventStream>> {
    if (this.#failure !== undefined) {
      const failure = this.#failure;
      this.#failure = undefined;
      return Promise.reject(failure);
    }
    if (this.#closed || this.#ended) {
      this.close();
      return Promise.resolve(done);
    }
    // Reads see the open batch's writes; only committed records may be pushed (a put that rolls
    // back must not have been sent), so a read waits for the batch to settle.
    const pending = this.#state.db.settled();
    if (pending) {
      const retry = () => this.next();
      return pending.then(retry, retry);
    }
    try {
      const event = this.#read();
      if (event) return Promise.resolve({ done: false, value: event });
    } catch (error) {
      this.close();
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<SubscribeToShardEventStream>> {
    this.close();
    return Promise.resolve(done);
  }

  /** Ends the stream: at once for a waiting reader, at its next read otherwise. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#endTimer.cancel();
    this.#idleTimer?.cancel();
    this.#stopListening();
    this.#onClose(this);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.resolve(done);
  }

  /** Ends the stream with `error` as its last message. */
  fail(error: unknown): void {
    if (this.#closed) return;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter) waiter.reject(error);
    else this.#failure = error;
    this.close();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** New records, an idle period's end, or a resource gone: answer a waiting reader if there is news. */
  #wake(): void {
    const waiter = this.#waiter;
    if (!waiter || this.#closed) return;
    const pending = this.#state.db.settled();
    if (pending) {
      const retry = () => this.#wake();
      pending.then(retry, retry);
      return;
    }
    let event: SubscribeToShardEventStream | undefined;
    try {
      event = this.#read();
    } catch (error) {
      this.fail(error);
      return;
    }
    if (!event) return;
    this.#waiter = undefined;
    waiter.resolve({ done: false, value: event });
  }

  /** The next event, or undefined when there are no records and no idle event is due yet. */
  #read(): SubscribeToShardEventStream | undefined {
    const { account, streamId, streamName, consumerArn, consumerName, consumerCreatedAt, shardId } = this.target;
    const state = this.#state;
    const stream = state.store.streamById(streamId);
    if (!stream) throw streamNotFound(streamName, account);
    const consumer = state.store.consumer(streamId, consumerName);
    if (!consumer || consumer.created_at !== consumerCreatedAt) throw consumerNotFound(consumerArn, account);
    const shard = findShard(state, stream, shardId);
    if (!shard) throw shardDoesNotExist(shardId, streamName, account);
    const now = state.now();
    const read = readShard(state, stream, shard, this.#afterSeq, this.#since, recordsPerEvent);
    if (read.records.length === 0 && !read.ended && now < this.#lastEventAt + idleEventMs) {
      this.#armIdle();
      return undefined;
    }
    this.#afterSeq = read.afterSeq;
    this.#lastEventAt = now;
    const event = { Records: read.records, MillisBehindLatest: read.millisBehindLatest } as SubscribeToShardEvent;
    if (read.ended) {
      event.ChildShards = childShards(state, stream, shard);
      this.#ended = true;
    } else {
      const last = read.records[read.records.length - 1];
      if (last) this.#continuation = last.SequenceNumber;
      this.#continuation ??= formatSequence(streamId, read.afterSeq, shard.shard_index, 0);
      event.ContinuationSequenceNumber = this.#continuation;
      this.#armIdle();
    }
    return { SubscribeToShardEvent: event };
  }

  #armIdle(): void {
    const at = this.#lastEventAt + idleEventMs;
    if (this.#idleTimer && this.#idleTimer.at === at) return;
    this.#idleTimer?.cancel();
    this.#idleTimer = this.#state.clock.schedule(at, () => this.#wake());
  }
}

/** The open subscriptions, and when each consumer and shard last subscribed (the 5-second rule). */
export class Subscriptions {
  readonly #state: KinesisState;
  readonly #feed: Feed;
  readonly #open = new Map<string, Subscription>();
  readonly #subscribedAt = new Map<string, number>();

  constructor(state: KinesisState, feed: Feed) {
    this.#state = state;
    this.#feed = feed;
  }

  open(ctx: RequestContext, target: SubscriptionTarget, start: Start): Subscription {
    const now = this.#state.now();
    for (const [key, at] of this.#subscribedAt) if (now - at >= resubscribeGapMs) this.#subscribedAt.delete(key);
    const error = subscriptionActive(target.account, target.streamName, target.shardId, target.consumerName);
    if (this.#subscribedAt.has(target.key)) throw error;
    this.#open.get(target.key)?.fail(error);
    const subscription = new Subscription(this.#state, this.#feed, target, start, (closed) => {
      if (this.#open.get(closed.target.key) === closed) this.#open.delete(closed.target.key);
    });
    this.#open.set(target.key, subscription);
    this.#subscribedAt.set(target.key, now);
    ctx.onClientGone(() => subscription.close());
    return subscription;
  }

  /** A consumer was deregistered: its subscriptions end with ResourceNotFoundException. */
  consumerGone(streamId: number, consumerName: string): void {
    for (const subscription of [...this.#open.values()]) {
      const { target } = subscription;
      if (target.streamId === streamId && target.consumerName === consumerName) {
        subscription.fail(consumerNotFound(target.consumerArn, target.account));
      }
    }
  }

  get size(): number {
    return this.#open.size;
  }

  /** The server stops: every stream ends. */
  dispose(): void {
    for (const subscription of [...this.#open.values()]) subscription.close();
    this.#subscribedAt.clear();
  }
}

export function subscribeOperations(state: KinesisState, subscriptions: Subscriptions) {
  return {
    subscribeToShard(ctx, input) {
      const { stream, streamArn, row } = findConsumer(state, ctx, { ConsumerARN: input.ConsumerARN });
      const shard = findShard(state, stream, input.ShardId);
      if (!shard) throw shardDoesNotExist(input.ShardId, stream.name, ctx.account);
      const start = startOf(state, ctx, stream, shard, input.StartingPosition);
      const subscription = subscriptions.open(
        ctx,
        {
          account: ctx.account,
          streamId: stream.id,
          streamName: stream.name,
          streamArn,
          consumerArn: input.ConsumerARN,
          consumerName: row.name,
          consumerCreatedAt: row.created_at,
          shardId: shard.id,
          key: `${stream.id}/${row.name}/${shard.shard_index}`,
        },
        start,
      );
      return { EventStream: subscription };
    },
  } satisfies Partial<KinesisOperations<RequestContext>>;
}
