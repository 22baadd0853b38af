/**
 * A stream event source mapping's poller (DynamoDB Streams;
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html): it reads the stream in order from
 * the position it keeps, woken by the feed's `onRecords` (never by a timer that spins), and
 * invokes the function with batches of up to BatchSize records, gathered for at most
 * MaximumBatchingWindowInSeconds by the Nimbus clock. A failed batch is retried, in order, before
 * anything after it: MaximumRetryAttempts times (-1: until the records expire), with
 * BisectBatchOnFunctionError splitting it in halves first, and ReportBatchItemFailures resuming
 * from the first failed record. Records older than MaximumRecordAgeInSeconds are not sent. A batch
 * given up goes to DestinationConfig.OnFailure as AWS's failure record (test_dynamodb_event_source_
 * mapping_with_on_failure_destination_config). The position moves in the transaction that ends a
 * batch, so that a restart resumes after the last batch handled. ParallelizationFactor is kept
 * only: one batch of a stream runs at a time.
 */
import { randomUUID } from 'node:crypto';
import type { ClockTimer } from '../../../core/clock.js';
import type { StreamFeed } from '../../dynamodb/streams/feed.js';
import type { Destinations } from '../destinations.js';
import { runInvocation } from '../invoke.js';
import { latest } from '../names.js';
import type { LambdaState } from '../state.js';
import { compileFilters, type RecordFilter } from './filters.js';
import type { EventSourceStore, StoredMapping } from './store.js';

/** Pauses between retries of a failing batch (real time), doubling up to the last. */
const retryPausesMs = [100, 200, 400, 800, 1_600, 3_200, 6_400, 10_000];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Binary values as a Lambda event carries them: base64 text. */
function eventJson(value: unknown): Json {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(eventJson);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [key, each] of Object.entries(value)) if (each !== undefined) out[key] = eventJson(each);
    return out;
  }
  return value as Json;
}

/** A stream record as Lambda's DynamoDB event shows it (test_dynamodb_event_source_mapping). */
export function dynamodbRecord(record: Record<string, unknown>, streamArn: string): { [key: string]: Json } {
  const out: { [key: string]: Json } = {
    eventID: record.eventID as string,
    eventName: record.eventName as string,
    eventVersion: record.eventVersion as string,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion as string,
    dynamodb: eventJson(record.dynamodb),
    eventSourceARN: streamArn,
  };
  const identity = record.userIdentity as { Type?: string; PrincipalId?: string } | undefined;
  // Lambda events spell the identity in lower camel case, where GetRecords has Type and PrincipalId.
  if (identity) out.userIdentity = { type: identity.Type ?? null, principalId: identity.PrincipalId ?? null };
  return out;
}

interface Outcome {
  ok: boolean;
  /** With ReportBatchItemFailures: the sequence number to resume from. */
  resumeFrom?: string;
  requestId: string;
  functionError?: string;
}

function sequenceOf(record: { [key: string]: Json }): string {
  return ((record.dynamodb as { SequenceNumber?: string } | null)?.SequenceNumber ?? '') as string;
}

function arrivalOf(record: { [key: string]: Json }): number {
  return ((record.dynamodb as { ApproximateCreationDateTime?: number } | null)?.ApproximateCreationDateTime ??
    0) as number;
}

export class StreamPoller {
  readonly #state: LambdaState;
  readonly #store: EventSourceStore;
  readonly #mapping: StoredMapping;
  readonly #feed: () => Promise<StreamFeed>;
  readonly #destinations: Destinations;
  readonly #filter: RecordFilter | undefined;
  #stopped = false;
  #woken = false;
  #wake: (() => void) | undefined;
  #unlisten: (() => void) | undefined;
  #timer: ClockTimer | undefined;

  constructor(
    state: LambdaState,
    store: EventSourceStore,
    mapping: StoredMapping,
    feed: () => Promise<StreamFeed>,
    destinations: Destinations,
  ) {
    this.#state = state;
    this.#store = store;
    this.#mapping = mapping;
    this.#feed = feed;
    this.#destinations = destinations;
    this.#filter = compileFilters(mapping.config.FilterCriteria);
  }

  start(): void {
    void this.#run();
  }

  stop(): void {
    this.#stopped = true;
    this.#unlisten?.();
    this.#timer?.cancel();
    this.#wake?.();
  }

  /** Sleeps until the feed has news, the clock reaches `until`, or the poller stops. */
  #sleep(until?: number): Promise<void> {
    if (this.#woken || this.#stopped) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#wake = () => {
        this.#wake = undefined;
        this.#timer?.cancel();
        this.#timer = undefined;
        this.#woken = false;
        resolve();
      };
      if (until !== undefined) this.#timer = this.#state.deps.clock.schedule(until, () => this.#wake?.());
    });
  }

  async #run(): Promise<void> {
    const mapping = this.#mapping;
    let feed: StreamFeed;
    try {
      feed = await this.#feed();
    } catch (error) {
      this.#state.deps.logger.warn(`lambda: mapping ${mapping.uuid} cannot read its stream: ${error}`);
      return;
    }
    if (this.#stopped) return;
    this.#unlisten = feed.onRecords(mapping.sourceArn, () => {
      this.#woken = true;
      this.#wake?.();
    });
    const batchSize = mapping.config.BatchSize ?? 100;
    const windowMs = (mapping.config.MaximumBatchingWindowInSeconds ?? 0) * 1000;
    let position = mapping.position;
    while (!this.#stopped) {
      let read = feed.readStream(mapping.sourceArn, position, batchSize);
      if (!read || read.records.length === 0) {
        await this.#sleep();
        continue;
      }
      if (windowMs > 0 && read.records.length < batchSize) {
        const windowEnd = this.#state.now() + windowMs;
        while (!this.#stopped && this.#state.now() < windowEnd && (read?.records.length ?? 0) < batchSize) {
          await this.#sleep(windowEnd);
          read = feed.readStream(mapping.sourceArn, position, batchSize) ?? read;
        }
        if (this.#stopped || !read) return;
      }
      const records = read.records.map((record) =>
        dynamodbRecord(record as Record<string, unknown>, mapping.sourceArn),
      );
      await this.#deliver(records);
      if (this.#stopped) return;
      position = read.position;
      const moved = position;
      this.#store.transaction(() => this.#store.setPosition(mapping.uuid, moved, 'OK'));
    }
  }

  /** Sends a batch, with its retries, until it succeeds or is given up. */
  async #deliver(all: Array<{ [key: string]: Json }>): Promise<void> {
    const config = this.#mapping.config;
    const filter = this.#filter;
    let records = filter ? all.filter((record) => filter(record)) : all;
    const maxAge = config.MaximumRecordAgeInSeconds ?? -1;
    if (maxAge !== -1) {
      const oldest = this.#state.now() / 1000 - maxAge;
      const expired = records.filter((record) => arrivalOf(record) < oldest);
      if (expired.length > 0) {
        records = records.filter((record) => arrivalOf(record) >= oldest);
        await this.#giveUp(expired, 'RecordAgeExceeded', { ok: false, requestId: randomUUID() }, 0);
      }
    }
    if (records.length > 0) await this.#attempt(records, 0);
  }

  async #attempt(batch: Array<{ [key: string]: Json }>, retriesUsed: number): Promise<void> {
    const config = this.#mapping.config;
    const maxRetries = config.MaximumRetryAttempts ?? -1;
    let records = batch;
    let retries = retriesUsed;
    for (;;) {
      if (this.#stopped) return;
      const outcome = await this.#invoke(records);
      if (outcome.ok) return;
      if (outcome.resumeFrom !== undefined) {
        const from = records.findIndex((record) => sequenceOf(record) === outcome.resumeFrom);
        if (from > 0) records = records.slice(from);
      }
      if (maxRetries !== -1 && retries >= maxRetries) {
        await this.#giveUp(records, 'RetryAttemptsExhausted', outcome, retries + 1);
        return;
      }
      retries++;
      if (config.BisectBatchOnFunctionError && records.length > 1) {
        const half = Math.ceil(records.length / 2);
        await this.#attempt(records.slice(0, half), retries);
        await this.#attempt(records.slice(half), retries);
        return;
      }
      const pause = retryPausesMs[Math.min(retries - 1, retryPausesMs.length - 1)] as number;
      await new Promise((resolve) => setTimeout(resolve, pause).unref());
    }
  }

  async #invoke(records: Array<{ [key: string]: Json }>): Promise<Outcome> {
    const state = this.#state;
    const mapping = this.#mapping;
    const requestId = randomUUID();
    const fn = state.store.get(mapping.account, mapping.region, mapping.functionName);
    if (!fn) return { ok: false, requestId };
    try {
      const payload = Buffer.from(JSON.stringify({ Records: records }));
      const result = await runInvocation(state, fn, requestId, payload, undefined, false);
      if (result.functionError) return { ok: false, requestId, functionError: result.functionError };
      if (!mapping.config.FunctionResponseTypes?.includes('ReportBatchItemFailures')) return { ok: true, requestId };
      return this.#partial(result.payload, records, requestId);
    } catch (error) {
      state.deps.logger.warn(`lambda: mapping ${mapping.uuid} could not invoke ${mapping.functionName}: ${error}`);
      return { ok: false, requestId };
    }
  }

  /**
   * A ReportBatchItemFailures answer: success when it names nothing; else the batch resumes from
   * the lowest sequence number named; an identifier that is empty, null or not in the batch fails
   * it whole (test_dynamodb_report_batch_item_failure_scenarios).
   */
  #partial(payload: Buffer, records: Array<{ [key: string]: Json }>, requestId: string): Outcome {
    const text = payload.toString('utf8').trim();
    if (text === '' || text === 'null') return { ok: true, requestId };
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      return { ok: false, requestId };
    }
    if (answer === null || typeof answer !== 'object') return { ok: false, requestId };
    const failures = (answer as { batchItemFailures?: unknown }).batchItemFailures;
    if (failures === undefined || failures === null) return { ok: true, requestId };
    if (!Array.isArray(failures)) return { ok: false, requestId };
    if (failures.length === 0) return { ok: true, requestId };
    const sequences = records.map(sequenceOf);
    let first = -1;
    for (const failure of failures) {
      const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      const index = typeof id === 'string' ? sequences.indexOf(id) : -1;
      if (index < 0) return { ok: false, requestId };
      if (first < 0 || index < first) first = index;
    }
    return { ok: false, requestId, resumeFrom: sequences[first] as string };
  }

  async #giveUp(
    records: Array<{ [key: string]: Json }>,
    condition: string,
    outcome: Outcome,
    invokeCount: number,
  ): Promise<void> {
    const destination = this.#mapping.config.DestinationConfig?.OnFailure?.Destination;
    if (!destination || records.length === 0) return;
    const first = records[0] as { [key: string]: Json };
    const last = records[records.length - 1] as { [key: string]: Json };
    const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const responseContext: Record<string, unknown> = { statusCode: 200, executedVersion: latest };
    if (outcome.functionError) responseContext.functionError = outcome.functionError;
    const failure = {
      requestContext: {
        requestId: outcome.requestId,
        functionArn: this.#mapping.config.FunctionArn,
        condition,
        approximateInvokeCount: invokeCount,
      },
      responseContext,
      version: '1.0',
      timestamp: new Date(this.#state.now()).toISOString(),
      DDBStreamBatchInfo: {
        shardId: this.#mapping.sourceArn.slice(this.#mapping.sourceArn.lastIndexOf('/') + 1),
        startSequenceNumber: sequenceOf(first),
        endSequenceNumber: sequenceOf(last),
        approximateArrivalOfFirstRecord: iso(arrivalOf(first)),
        approximateArrivalOfLastRecord: iso(arrivalOf(last)),
        batchSize: records.length,
        streamArn: this.#mapping.sourceArn,
      },
    };
    try {
      await this.#destinations.deliver(destination, JSON.stringify(failure), this.#mapping.account);
    } catch (error) {
      this.#state.deps.logger.warn(`lambda: mapping ${this.#mapping.uuid} could not send its failure record: ${error}`);
    }
  }
}
