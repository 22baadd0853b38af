/**
 * A stream event source mapping's poller for one shard (DynamoDB Streams, Kinesis;
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html): it reads the shard in order
 * from the position it keeps, woken by the feed's `onRecords` (never by a timer that spins), and
 * invokes the function with batches of up to BatchSize records, gathered for at most
 * MaximumBatchingWindowInSeconds by the Nimbus clock. A failed batch is retried, in order, before
 * anything after it: MaximumRetryAttempts times (-1: until the records expire), with
 * BisectBatchOnFunctionError splitting it in halves first, and ReportBatchItemFailures resuming
 * from the first failed record. Records older than MaximumRecordAgeInSeconds are not sent. A batch
 * given up goes to DestinationConfig.OnFailure as AWS's failure record
 * (test_dynamodb_event_source_mapping_with_on_failure_destination_config,
 * test_kinesis_event_source_mapping_with_on_failure_destination_config). The position moves in the
 * transaction that ends a batch, so that a restart resumes after the last batch handled.
 * ParallelizationFactor is kept only: one batch of a shard runs at a time.
 */
import { randomUUID } from 'node:crypto';
import type { ClockTimer } from '../../../core/clock.js';
import type { Destinations } from '../destinations.js';
import { runInvocation } from '../invoke.js';
import { latest } from '../names.js';
import type { LambdaState } from '../state.js';
import { compileFilters, type RecordFilter } from './filters.js';
import type { StoredMapping } from './store.js';

/** Pauses between retries of a failing batch (real time), doubling up to the last. */
const retryPausesMs = [100, 200, 400, 800, 1_600, 3_200, 6_400, 10_000];

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type EventRecord = { [key: string]: Json };

/** Binary values as a Lambda event carries them (base64 text), times as epoch seconds. */
export function eventJson(value: unknown): Json {
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

/** One shard of a stream, as a poller reads it. */
export interface ShardReader {
  shardId: string;
  /** What AWS's failure record names the batch: `DDBStreamBatchInfo`, `KinesisBatchInfo`. */
  batchInfoKey: string;
  /** Up to `limit` records after `position` (undefined: where the mapping starts); undefined if the shard is gone. */
  read(
    position: string | undefined,
    limit: number,
  ): { records: EventRecord[]; position: string; ended: boolean } | undefined;
  /** Calls `listener` when records may have arrived; returns a function that stops it. */
  listen(listener: () => void): () => void;
  sequenceOf(record: EventRecord): string;
  /** When the record arrived, in epoch seconds. */
  arrivalOf(record: EventRecord): number;
  /** That time as the failure record writes it. */
  arrivalText(seconds: number): string;
  /** The JSON text a filter sees for `field` (Kinesis `data`), if any. */
  filterView?(record: EventRecord): object;
}

interface Outcome {
  ok: boolean;
  /** With ReportBatchItemFailures: the sequence number to resume from. */
  resumeFrom?: string;
  requestId: string;
  functionError?: string;
  invoked: boolean;
}

export class StreamPoller {
  readonly #state: LambdaState;
  readonly #mapping: StoredMapping;
  readonly #reader: () => Promise<ShardReader | undefined>;
  readonly #save: (shardId: string, position: string) => void;
  readonly #destinations: Destinations;
  readonly #filter: RecordFilter | undefined;
  readonly #onEnded: (() => void) | undefined;
  #position: string | undefined;
  #stopped = false;
  #woken = false;
  #wake: (() => void) | undefined;
  #unlisten: (() => void) | undefined;
  #timer: ClockTimer | undefined;

  constructor(options: {
    state: LambdaState;
    mapping: StoredMapping;
    reader: () => Promise<ShardReader | undefined>;
    position: string | undefined;
    /** Keeps the position (called in a transaction). */
    save: (shardId: string, position: string) => void;
    destinations: Destinations;
    /** The shard is closed and read to its end. */
    onEnded?: () => void;
  }) {
    this.#state = options.state;
    this.#mapping = options.mapping;
    this.#reader = options.reader;
    this.#position = options.position;
    this.#save = options.save;
    this.#destinations = options.destinations;
    this.#onEnded = options.onEnded;
    this.#filter = compileFilters(options.mapping.config.FilterCriteria);
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
    let reader: ShardReader | undefined;
    try {
      reader = await this.#reader();
    } catch (error) {
      this.#state.deps.logger.warn(`lambda: mapping ${mapping.uuid} cannot read its stream: ${error}`);
      return;
    }
    if (this.#stopped || !reader) return;
    const shard = reader;
    this.#unlisten = shard.listen(() => {
      this.#woken = true;
      this.#wake?.();
    });
    const batchSize = mapping.config.BatchSize ?? 100;
    const windowMs = (mapping.config.MaximumBatchingWindowInSeconds ?? 0) * 1000;
    while (!this.#stopped) {
      let read = shard.read(this.#position, batchSize);
      if (!read || read.records.length === 0) {
        if (read?.ended) {
          this.#onEnded?.();
          return;
        }
        await this.#sleep();
        continue;
      }
      if (windowMs > 0 && read.records.length < batchSize && !read.ended) {
        const windowEnd = this.#state.now() + windowMs;
        while (!this.#stopped && this.#state.now() < windowEnd && (read?.records.length ?? 0) < batchSize) {
          await this.#sleep(windowEnd);
          read = shard.read(this.#position, batchSize) ?? read;
        }
        if (this.#stopped || !read) return;
      }
      await this.#deliver(shard, read.records);
      if (this.#stopped) return;
      const moved = read.position;
      this.#position = moved;
      this.#state.store.transaction(() => this.#save(shard.shardId, moved));
    }
  }

  /** Sends a batch, with its retries, until it succeeds or is given up. */
  async #deliver(shard: ShardReader, all: EventRecord[]): Promise<void> {
    const config = this.#mapping.config;
    const filter = this.#filter;
    let records = filter ? all.filter((record) => filter(shard.filterView?.(record) ?? record)) : all;
    const maxAge = config.MaximumRecordAgeInSeconds ?? -1;
    if (maxAge !== -1) {
      const oldest = this.#state.now() / 1000 - maxAge;
      const expired = records.filter((record) => shard.arrivalOf(record) < oldest);
      if (expired.length > 0) {
        records = records.filter((record) => shard.arrivalOf(record) >= oldest);
        const outcome = { ok: false, requestId: randomUUID(), invoked: false };
        await this.#giveUp(shard, expired, 'RecordAgeExceeded', outcome, 0);
      }
    }
    if (records.length > 0) await this.#attempt(shard, records, 0);
  }

  async #attempt(shard: ShardReader, batch: EventRecord[], retriesUsed: number): Promise<void> {
    const config = this.#mapping.config;
    const maxRetries = config.MaximumRetryAttempts ?? -1;
    let records = batch;
    let retries = retriesUsed;
    for (;;) {
      if (this.#stopped) return;
      const outcome = await this.#invoke(shard, records);
      if (outcome.ok) return;
      if (outcome.resumeFrom !== undefined) {
        const from = records.findIndex((record) => shard.sequenceOf(record) === outcome.resumeFrom);
        if (from > 0) records = records.slice(from);
      }
      if (maxRetries !== -1 && retries >= maxRetries) {
        await this.#giveUp(shard, records, 'RetryAttemptsExhausted', outcome, retries + 1);
        return;
      }
      retries++;
      if (config.BisectBatchOnFunctionError && records.length > 1) {
        const half = Math.ceil(records.length / 2);
        await this.#attempt(shard, records.slice(0, half), retries);
        await this.#attempt(shard, records.slice(half), retries);
        return;
      }
      const pause = retryPausesMs[Math.min(retries - 1, retryPausesMs.length - 1)] as number;
      await new Promise((resolve) => setTimeout(resolve, pause).unref());
    }
  }

  async #invoke(shard: ShardReader, records: EventRecord[]): Promise<Outcome> {
    const state = this.#state;
    const mapping = this.#mapping;
    const requestId = randomUUID();
    const fn = state.store.get(mapping.account, mapping.region, mapping.functionName);
    if (!fn) return { ok: false, requestId, invoked: false };
    try {
      const payload = Buffer.from(JSON.stringify({ Records: records }));
      const result = await runInvocation(state, fn, requestId, payload, undefined, false);
      if (result.functionError) return { ok: false, requestId, functionError: result.functionError, invoked: true };
      if (!mapping.config.FunctionResponseTypes?.includes('ReportBatchItemFailures')) {
        return { ok: true, requestId, invoked: true };
      }
      return this.#partial(shard, result.payload, records, requestId);
    } catch (error) {
      state.deps.logger.warn(`lambda: mapping ${mapping.uuid} could not invoke ${mapping.functionName}: ${error}`);
      return { ok: false, requestId, invoked: false };
    }
  }

  /**
   * A ReportBatchItemFailures answer: success when it names nothing; else the batch resumes from
   * the lowest sequence number named; an identifier that is empty, null or not in the batch fails
   * it whole (test_dynamodb_report_batch_item_failure_scenarios, test_kinesis_report_batch_item_*).
   */
  #partial(shard: ShardReader, payload: Buffer, records: EventRecord[], requestId: string): Outcome {
    const failed = { ok: false, requestId, invoked: true };
    const text = payload.toString('utf8').trim();
    if (text === '' || text === 'null') return { ok: true, requestId, invoked: true };
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      return failed;
    }
    if (answer === null || typeof answer !== 'object') return failed;
    const failures = (answer as { batchItemFailures?: unknown }).batchItemFailures;
    if (failures === undefined || failures === null) return { ok: true, requestId, invoked: true };
    if (!Array.isArray(failures)) return failed;
    if (failures.length === 0) return { ok: true, requestId, invoked: true };
    const sequences = records.map((record) => shard.sequenceOf(record));
    let first = -1;
    for (const failure of failures) {
      const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      const index = typeof id === 'string' ? sequences.indexOf(id) : -1;
      if (index < 0) return failed;
      if (first < 0 || index < first) first = index;
    }
    return { ...failed, resumeFrom: sequences[first] as string };
  }

  async #giveUp(
    shard: ShardReader,
    records: EventRecord[],
    condition: string,
    outcome: Outcome,
    invokeCount: number,
  ): Promise<void> {
    const destination = this.#mapping.config.DestinationConfig?.OnFailure?.Destination;
    if (!destination || records.length === 0) return;
    const first = records[0] as EventRecord;
    const last = records[records.length - 1] as EventRecord;
    const responseContext: Record<string, unknown> = { statusCode: 200, executedVersion: latest };
    // A function that answered, but named failures, has null here (test_kinesis_report_batch_item_failure_scenarios).
    if (outcome.invoked) responseContext.functionError = outcome.functionError ?? null;
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
      [shard.batchInfoKey]: {
        shardId: shard.shardId,
        startSequenceNumber: shard.sequenceOf(first),
        endSequenceNumber: shard.sequenceOf(last),
        approximateArrivalOfFirstRecord: shard.arrivalText(shard.arrivalOf(first)),
        approximateArrivalOfLastRecord: shard.arrivalText(shard.arrivalOf(last)),
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
