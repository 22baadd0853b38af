/**
 * Delivery to S3 on the Nimbus clock. A stream's buffer is delivered when it reaches
 * BufferingHints.SizeInMBs or when its oldest record has waited IntervalInSeconds (5 MiB and
 * 300 s by default), whichever comes first
 * (https://docs.aws.amazon.com/firehose/latest/dev/buffering-hints.html); a test moves the
 * clock instead of waiting. One timer per stream that holds records, re-armed after each commit
 * that adds to it; after a restart every stream with records is armed again, so an answered put
 * is delivered even across kill -9.
 *
 * A delivery reads the oldest records (up to the size hint), processes them (processing.ts),
 * writes one object per partition through S3's in-process writer and the failed records to the
 * error output, then deletes what it read in a transaction of its own: at least once, as AWS's.
 * A write that fails (the bucket is gone) leaves the records buffered and is tried again every
 * 5 seconds; "If the destination is Amazon S3 and delivery fails ... Firehose keeps retrying
 * until the retention period ends", 24 hours for DirectPut, after which the records are dropped
 * (https://docs.aws.amazon.com/firehose/latest/dev/troubleshooting.html).
 *
 * An HTTP endpoint destination (http-endpoint.ts) is posted to instead, its S3 configuration
 * being the backup: failed records after RetryOptions, or all of them with S3BackupMode AllData.
 */
import { gzipSync } from 'node:zlib';
import type { ClockTimer } from '../../core/clock.js';
import type * as T from '../../generated/firehose/types.js';
import type { S3FromServices } from '../s3/from-services.js';
import { bucketOf, deliveryBuffering, type StoredDestination } from './destinations.js';
import { postRecords } from './http-endpoint.js';
import { evaluatePrefix, objectSuffix } from './naming.js';
import { type Failed, type Processed, processRecords } from './processing.js';
import { configOf, type FirehoseState, streamArn } from './state.js';
import type { StreamRow } from './store.js';

const mib = 1024 * 1024;
/** "Firehose retries every 5 seconds" a failed S3 write (https://docs.aws.amazon.com/firehose/latest/dev/basic-deliver.html). */
export const retryDelayMs = 5000;
/** DirectPut streams keep records 24 hours (https://docs.aws.amazon.com/firehose/latest/dev/troubleshooting.html). */
export const retentionMs = 24 * 3600 * 1000;

interface NewObject {
  key: string;
  bytes: Buffer;
}

export class Delivery {
  readonly #state: FirehoseState;
  readonly #timers = new Map<number, ClockTimer>();
  readonly #running = new Set<number>();
  readonly #again = new Set<number>();
  readonly #idle: Array<() => void> = [];
  #disposed = false;
  #warnedCompression = new Set<string>();

  constructor(state: FirehoseState) {
    this.#state = state;
    for (const id of state.store.bufferedStreams()) this.changed(id);
  }

  /** A put added records: arm the stream's timer once they are committed. */
  afterCommit(id: number): void {
    const pending = this.#state.store.settled();
    if (pending)
      pending.then(
        () => this.changed(id),
        () => {},
      );
    else setImmediate(() => this.changed(id));
  }

  /** The stream's buffer or configuration changed: deliver when it is next due. */
  changed(id: number): void {
    if (this.#disposed) return;
    if (this.#running.has(id)) {
      this.#again.add(id);
      return;
    }
    const row = this.#state.store.streamById(id);
    if (!row || row.oldest_at === null) {
      this.forget(id);
      return;
    }
    const due = this.#dueAt(row);
    const timer = this.#timers.get(id);
    if (timer && timer.at === due) return;
    timer?.cancel();
    this.#timers.set(
      id,
      this.#state.clock.schedule(due, () => {
        this.#timers.delete(id);
        void this.#deliver(id);
      }),
    );
  }

  #dueAt(row: StreamRow): number {
    if (row.retry_at !== null) return row.retry_at;
    const hints = deliveryBuffering(configOf(row).destinations[0] as StoredDestination);
    if (row.buffered_bytes >= hints.SizeInMBs * mib) return this.#state.now();
    return (row.oldest_at as number) + hints.IntervalInSeconds * 1000;
  }

  forget(id: number): void {
    this.#timers.get(id)?.cancel();
    this.#timers.delete(id);
  }

  /** Resolves when no delivery is running (for tests and stop). */
  idle(): Promise<void> {
    if (this.#running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  dispose(): void {
    this.#disposed = true;
    for (const timer of this.#timers.values()) timer.cancel();
    this.#timers.clear();
  }

  async #deliver(id: number): Promise<void> {
    if (this.#running.has(id)) {
      this.#again.add(id);
      return;
    }
    this.#running.add(id);
    try {
      await this.#deliverOnce(id);
    } catch (error) {
      // Not the destination's refusal but ours (a service that would not load): try again later
      // rather than at once, which would spin.
      this.#state.logger.warn(`firehose: delivery failed: ${(error as Error).stack ?? String(error)}`);
      this.#retryLater(id);
    } finally {
      this.#running.delete(id);
      this.#again.delete(id);
      if (this.#running.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
      this.changed(id);
    }
  }

  #retryLater(id: number): void {
    const row = this.#state.store.streamById(id);
    if (!row) return;
    const now = this.#state.now();
    this.#state.store.transaction(() => this.#state.store.setRetry(id, now + retryDelayMs, row.failing_since ?? now));
  }

  async #deliverOnce(id: number): Promise<void> {
    const state = this.#state;
    const store = state.store;
    const row = store.streamById(id);
    if (!row || row.oldest_at === null) return;
    const destination = configOf(row).destinations[0] as StoredDestination;
    const s3 = destination.s3;
    const records = store.oldestRecords(id, deliveryBuffering(destination).SizeInMBs * mib);
    const now = state.now();
    const lastSeq = records.at(-1)?.seq ?? 0;
    if (records.length === 0 || (row.failing_since !== null && now - row.failing_since >= retentionMs)) {
      if (records.length > 0) {
        state.logger.warn(
          `firehose: ${row.name}: ${records.length} records dropped after 24 hours of failed deliveries`,
        );
      }
      store.transaction(() => store.deleteRecordsThrough(id, lastSeq));
      return;
    }
    const arn = streamArn(row, row.name);
    const http = destination.http;
    const processing = http ? { ...s3, ProcessingConfiguration: http.ProcessingConfiguration } : s3;
    const { ok, failed } = await processRecords(state, arn, row.region, processing, records);
    let written = ok;
    let posted = false;
    if (http) {
      const result =
        ok.length > 0
          ? await postRecords(
              http,
              arn,
              ok.map((item) => item.data),
              now,
            )
          : { ok: true as const };
      if (result.ok) {
        posted = true;
        written = http.S3BackupMode === 'AllData' ? ok : [];
      } else {
        const since = row.failing_since ?? now;
        if (now - since < (http.RetryOptions?.DurationInSeconds ?? 300) * 1000) {
          state.logger.info(
            `firehose: ${row.name}: ${http.EndpointConfiguration.Url}: ${result.errorMessage}; retrying`,
          );
          this.#retryLater(id);
          return;
        }
        const attempts = Math.floor((now - since) / retryDelayMs) + 1;
        for (const item of ok) {
          failed.push({
            record: item.record,
            outputType: 'http-endpoint-failed',
            errorCode: result.errorCode,
            errorMessage: result.errorMessage,
            attempts,
          });
        }
        written = [];
      }
    }
    const objects = this.#objects(row, s3, written, failed);
    const writer = (await state.deps.provider('s3')) as unknown as S3FromServices;
    const bucket = bucketOf(s3.BucketARN);
    try {
      for (const object of objects) {
        await writer.putObjectFromService(bucket, object.key, object.bytes, 'application/octet-stream');
      }
    } catch (error) {
      // After an HTTP endpoint took the records, only the backup is missing: trying again would
      // post them twice.
      if (!posted) {
        state.logger.info(
          `firehose: ${row.name}: delivery to ${bucket} failed, retrying in 5 s: ${(error as Error).message}`,
        );
        this.#retryLater(id);
        return;
      }
      state.logger.warn(`firehose: ${row.name}: the S3 backup to ${bucket} failed: ${(error as Error).message}`);
    }
    store.transaction(() => store.deleteRecordsThrough(id, lastSeq));
  }

  #objects(row: StreamRow, s3: T.ExtendedS3DestinationConfiguration, ok: Processed[], failed: Failed[]): NewObject[] {
    const objects: NewObject[] = [];
    const timeZone = s3.CustomTimeZone;
    const partitioned = s3.DynamicPartitioningConfiguration?.Enabled === true;
    const groups = new Map<string, Processed[]>();
    for (const item of ok) {
      const key = partitioned ? JSON.stringify(item.partitionKeys) : '';
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push(item);
    }
    for (const group of groups.values()) {
      const at = (group[0] as Processed).record.arrived_at;
      let prefix: string;
      try {
        prefix = evaluatePrefix(s3.Prefix, { at, timeZone, partitionKeys: (group[0] as Processed).partitionKeys });
      } catch (error) {
        for (const item of group) {
          failed.push({
            record: item.record,
            outputType: 'partitioning-failed',
            errorCode: 'DynamicPartitioning.PartitionKeyMissing',
            errorMessage: (error as Error).message,
            attempts: 1,
          });
        }
        continue;
      }
      const data = Buffer.concat(group.map((item) => item.data));
      objects.push(this.#object(row, s3, prefix, at, data));
    }
    const byType = new Map<string, Failed[]>();
    for (const item of failed) {
      let list = byType.get(item.outputType);
      if (!list) byType.set(item.outputType, (list = []));
      list.push(item);
    }
    const ended = this.#state.now();
    for (const [outputType, list] of byType) {
      list.sort((a, b) => a.record.seq - b.record.seq);
      const at = (list[0] as Failed).record.arrived_at;
      // Without an ErrorOutputPrefix, failed records go under their error type (guessed layout,
      // the one AWS used before error prefixes: processing-failed/yyyy/MM/dd/HH/).
      const template = s3.ErrorOutputPrefix || `${outputType}/`;
      const prefix = evaluatePrefix(template, { at, timeZone, errorOutputType: outputType });
      const lines = list.map((item) => {
        const line: Record<string, unknown> = {
          attemptsMade: item.attempts,
          arrivalTimestamp: item.record.arrived_at,
          errorCode: item.errorCode,
          errorMessage: item.errorMessage,
          attemptEndingTimestamp: ended,
          rawData: item.record.data.toString('base64'),
        };
        if (item.lambdaArn) line.lambdaArn = item.lambdaArn;
        return `${JSON.stringify(line)}\n`;
      });
      objects.push(this.#object(row, s3, prefix, at, Buffer.from(lines.join(''), 'utf8')));
    }
    return objects;
  }

  #object(
    row: StreamRow,
    s3: T.ExtendedS3DestinationConfiguration,
    prefix: string,
    at: number,
    data: Buffer,
  ): NewObject {
    const format = s3.CompressionFormat ?? 'UNCOMPRESSED';
    let bytes = data;
    let extension = '';
    if (format === 'GZIP') {
      bytes = gzipSync(data);
      extension = '.gz';
    } else if (format !== 'UNCOMPRESSED' && !this.#warnedCompression.has(row.name)) {
      this.#warnedCompression.add(row.name);
      this.#state.logger.warn(
        `firehose: ${row.name}: ${format} compression is not supported by Nimbus; objects are written uncompressed`,
      );
    }
    if (s3.FileExtension !== undefined) extension = s3.FileExtension;
    return { key: prefix + objectSuffix(row.name, row.version, at, s3.CustomTimeZone, extension), bytes };
  }
}
