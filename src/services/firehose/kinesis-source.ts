/**
 * Kinesis Data Streams as a source (DeliveryStreamType KinesisStreamAsSource): the stream's records
 * are read through Kinesis's in-process feed (kinesis/from-services.ts) into the delivery stream's
 * buffer, woken by each commit of records to the Kinesis stream, and then delivered as put records
 * are. Reading starts at LATEST when the delivery stream is created ("Firehose starts reading data
 * from the LATEST position of your Kinesis stream",
 * https://docs.aws.amazon.com/firehose/latest/dev/writing-with-kinesis-streams.html); a shard that
 * appears later (a reshard's child) is read from its start. Each shard's position is kept in the
 * transaction that buffers what was read, so a restart neither loses nor repeats records.
 */
import type { KinesisFeed } from '../kinesis/from-services.js';
import type { Delivery } from './delivery.js';
import { configOf, type FirehoseState } from './state.js';
import type { StreamRow } from './store.js';

interface Reader {
  kinesisArn: string;
  stop: () => void;
}

export class KinesisSource {
  readonly #state: FirehoseState;
  readonly #delivery: Delivery;
  readonly #readers = new Map<number, Reader>();
  #disposed = false;

  constructor(state: FirehoseState, delivery: Delivery) {
    this.#state = state;
    this.#delivery = delivery;
    const ids = state.store.kinesisSourced();
    if (ids.length > 0) {
      this.#feed()
        .then((feed) => {
          for (const id of ids) {
            const row = state.store.streamById(id);
            if (row) this.#listen(feed, row);
          }
        })
        .catch((error: unknown) => state.logger.warn(`firehose: could not resume Kinesis sources: ${error}`));
    }
  }

  async #feed(): Promise<KinesisFeed> {
    return ((await this.#state.deps.provider('kinesis')) as unknown as { kinesisFeed: KinesisFeed }).kinesisFeed;
  }

  /** The feed, once the Kinesis stream is known to exist (else undefined): CreateDeliveryStream asks first. */
  async feedFor(kinesisArn: string): Promise<KinesisFeed | undefined> {
    const feed = await this.#feed();
    return feed.shards(kinesisArn) ? feed : undefined;
  }

  /** A new delivery stream: remember LATEST of every shard, then read what comes after. */
  start(feed: KinesisFeed, row: StreamRow): void {
    const kinesisArn = this.#kinesisArnOf(row);
    const store = this.#state.store;
    store.transaction(() => {
      for (const shard of feed.shards(kinesisArn) ?? []) {
        const position = feed.startPosition(kinesisArn, shard.shardId, 'LATEST');
        if (position) store.setShardPosition(row.id, shard.shardId, position);
      }
    });
    this.#listen(feed, row);
  }

  #kinesisArnOf(row: StreamRow): string {
    return configOf(row).kinesisSource?.KinesisStreamARN as string;
  }

  #listen(feed: KinesisFeed, row: StreamRow): void {
    if (this.#disposed) return;
    const kinesisArn = this.#kinesisArnOf(row);
    const stop = feed.onRecords(kinesisArn, () => this.#read(feed, row.id));
    this.#readers.set(row.id, { kinesisArn, stop });
    this.#read(feed, row.id);
  }

  /** Reads every shard from its position to its end, into the buffer, in one transaction. */
  #read(feed: KinesisFeed, id: number): void {
    const reader = this.#readers.get(id);
    if (!reader || this.#disposed) return;
    const store = this.#state.store;
    let added = false;
    store.transaction(() => {
      const positions = store.shardPositions(id);
      for (const shard of feed.shards(reader.kinesisArn) ?? []) {
        let position =
          positions.get(shard.shardId) ?? feed.startPosition(reader.kinesisArn, shard.shardId, 'TRIM_HORIZON');
        if (!position) continue;
        for (;;) {
          const read = feed.readShard(reader.kinesisArn, shard.shardId, position, 10_000);
          if (!read) break;
          for (const record of read.records) {
            const data = Buffer.from(record.Data ?? new Uint8Array(0));
            const arrivedAt = record.ApproximateArrivalTimestamp?.getTime() ?? this.#state.now();
            store.insertRecord(id, `${shard.shardId}:${record.SequenceNumber}`, arrivedAt, data);
            store.addBuffered(id, data.length, arrivedAt);
            added = true;
          }
          position = read.position;
          if (read.records.length < 10_000) break;
        }
        store.setShardPosition(id, shard.shardId, position);
      }
    });
    if (added) this.#delivery.afterCommit(id);
  }

  forget(id: number): void {
    this.#readers.get(id)?.stop();
    this.#readers.delete(id);
  }

  dispose(): void {
    this.#disposed = true;
    for (const reader of this.#readers.values()) reader.stop();
    this.#readers.clear();
  }
}
