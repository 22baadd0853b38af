/**
 * Kinesis streams as a mapping reads them (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html):
 * one poller per shard through Kinesis's in-process feed (`kinesisFeed`), each keeping its own
 * position (the mapping's position is a JSON object of shard id -> sequence number). A shard
 * closed by a reshard ends its poller, which then looks for the shards that follow it. Shards a
 * mapping has not read yet start at TRIM_HORIZON, but for LATEST and AT_TIMESTAMP, whose
 * positions CreateEventSourceMapping fixes. Records are written as Lambda's Kinesis event has
 * them (test_create_kinesis_event_source_mapping).
 */
import type { Record as KinesisRecord } from '../../../generated/kinesis/types.js';
import type { KinesisFeed } from '../../kinesis/from-services.js';
import type { Destinations } from '../destinations.js';
import type { LambdaState } from '../state.js';
import { filterView } from './filters.js';
import type { EventSourceStore, StoredMapping } from './store.js';
import { type EventRecord, type ShardReader, StreamPoller } from './stream-poller.js';

export function kinesisRecord(
  record: KinesisRecord,
  shardId: string,
  streamArn: string,
  region: string,
  role: string,
): EventRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey,
      sequenceNumber: record.SequenceNumber,
      data: Buffer.from(record.Data).toString('base64'),
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${record.SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: role,
    awsRegion: region,
    eventSourceARN: streamArn,
  };
}

function kinesisReader(feed: KinesisFeed, mapping: StoredMapping, shardId: string, role: string): ShardReader {
  const arn = mapping.sourceArn;
  return {
    shardId,
    batchInfoKey: 'KinesisBatchInfo',
    read(position, limit) {
      const from = position ?? feed.startPosition(arn, shardId, 'TRIM_HORIZON');
      if (from === undefined) return undefined;
      const read = feed.readShard(arn, shardId, from, limit);
      if (!read) return undefined;
      const records = read.records.map((record) => kinesisRecord(record, shardId, arn, mapping.region, role));
      return { records, position: read.position, ended: read.ended };
    },
    listen: (listener) => feed.onRecords(arn, listener),
    sequenceOf: (record) => (record.kinesis as { sequenceNumber: string }).sequenceNumber,
    arrivalOf: (record) => (record.kinesis as { approximateArrivalTimestamp: number }).approximateArrivalTimestamp,
    // test_kinesis_event_source_mapping_with_on_failure_destination_config: milliseconds shown.
    arrivalText: (seconds) => new Date(Math.floor(seconds * 1000)).toISOString(),
    filterView: (record) => {
      const data = (record.kinesis as { data: string }).data;
      const kinesis = filterView(
        record.kinesis as Record<string, unknown>,
        'data',
        Buffer.from(data, 'base64').toString('utf8'),
      );
      return { ...record, kinesis };
    },
  };
}

/** Where a new mapping starts in each shard, for LATEST and AT_TIMESTAMP (JSON of shard id -> position). */
export function kinesisStart(
  feed: KinesisFeed,
  arn: string,
  type: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP',
  timestamp: number | undefined,
): string | undefined {
  if (type === 'TRIM_HORIZON') return undefined;
  const positions: Record<string, string> = {};
  for (const shard of feed.shards(arn) ?? []) {
    const position = feed.startPosition(arn, shard.shardId, type, timestamp);
    if (position !== undefined) positions[shard.shardId] = position;
  }
  return JSON.stringify(positions);
}

export class KinesisPoller {
  readonly #state: LambdaState;
  readonly #store: EventSourceStore;
  readonly #mapping: StoredMapping;
  readonly #feed: () => Promise<KinesisFeed>;
  readonly #destinations: Destinations;
  readonly #shards = new Map<string, StreamPoller>();
  readonly #positions: Record<string, string>;
  #stopped = false;

  constructor(
    state: LambdaState,
    store: EventSourceStore,
    mapping: StoredMapping,
    feed: () => Promise<KinesisFeed>,
    destinations: Destinations,
  ) {
    this.#state = state;
    this.#store = store;
    this.#mapping = mapping;
    this.#feed = feed;
    this.#destinations = destinations;
    this.#positions = mapping.position ? (JSON.parse(mapping.position) as Record<string, string>) : {};
  }

  start(): void {
    void this.#startShards();
  }

  stop(): void {
    this.#stopped = true;
    for (const poller of this.#shards.values()) poller.stop();
    this.#shards.clear();
  }

  /** Starts a poller for every shard that has none yet (at start, and when a shard ends). */
  async #startShards(): Promise<void> {
    let feed: KinesisFeed;
    try {
      feed = await this.#feed();
    } catch (error) {
      this.#state.deps.logger.warn(`lambda: mapping ${this.#mapping.uuid} cannot read its stream: ${error}`);
      return;
    }
    if (this.#stopped) return;
    const role = this.#state.store.get(this.#mapping.account, this.#mapping.region, this.#mapping.functionName)?.config
      .Role;
    for (const shard of feed.shards(this.#mapping.sourceArn) ?? []) {
      if (this.#shards.has(shard.shardId)) continue;
      const poller = new StreamPoller({
        state: this.#state,
        mapping: this.#mapping,
        reader: async () => kinesisReader(feed, this.#mapping, shard.shardId, role ?? ''),
        position: this.#positions[shard.shardId],
        save: (shardId, position) => {
          this.#positions[shardId] = position;
          this.#store.setPosition(this.#mapping.uuid, JSON.stringify(this.#positions), 'OK');
        },
        destinations: this.#destinations,
        onEnded: () => void this.#startShards(),
      });
      this.#shards.set(shard.shardId, poller);
      poller.start();
    }
  }
}
