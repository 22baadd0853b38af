/**
 * Amazon Kinesis Data Streams. https://docs.aws.amazon.com/kinesis/latest/APIReference/
 *
 * The operations live with their resources (streams.ts, shards.ts, records.ts, tags.ts,
 * consumers.ts), each a table checked against the generated interface. from-services.ts is the
 * in-process feed Lambda event source mappings read. Records past a stream's retention are
 * skipped by reads at once and deleted by a sweep every minute of Nimbus time.
 * SubscribeToShard (subscribe.ts) answers an event stream of the shard's records, pushed as they
 * are committed. Resource policies, account settings and warm throughput answer 501 naming the
 * operation.
 */
import { PeriodicSweep } from '../../core/periodic-sweep.js';
import { type KinesisOperations, kinesisOperations } from '../../generated/kinesis/operations.js';
import type { Migration } from '../../state/database.js';
import type { Provider, RequestContext, ServiceDeps } from '../service-types.js';
import { consumerOperations } from './consumers.js';
import { Feed } from './from-services.js';
import { recordOperations } from './records.js';
import { shardOperations } from './shards.js';
import { KinesisState } from './state.js';
import { kinesisMigrations } from './store.js';
import { retentionStart, streamOperations } from './streams.js';
import { Subscriptions, subscribeOperations } from './subscribe.js';
import { tagOperations } from './tags.js';
import { ShardThrottle } from './throttle.js';

export const operations = kinesisOperations;
export const migrations: Migration[] = kinesisMigrations;
export const readOnlyOperations: ReadonlySet<string> = new Set([
  'DescribeStream',
  'DescribeStreamSummary',
  'ListStreams',
  'ListShards',
  'ListTagsForStream',
  'ListTagsForResource',
  'GetShardIterator',
  'GetRecords',
  'DescribeStreamConsumer',
  'ListStreamConsumers',
  'DescribeLimits',
]);

const sweepBatch = 5000;

export function createProvider(deps: ServiceDeps): Provider {
  const state = new KinesisState(deps);
  const feed = new Feed(state);
  const subscriptions = new Subscriptions(state, feed);
  const throttle = new ShardThrottle(process.env.NIMBUS_KINESIS_THROTTLE === '1');
  const sweep = new PeriodicSweep(
    deps.clock,
    60_000,
    () => {
      let more = false;
      deps.db.transaction(() => {
        const now = state.now();
        for (const stream of state.store.allStreams()) {
          if (state.store.deleteRecordsBefore(stream.id, retentionStart(stream, now), sweepBatch)) more = true;
        }
      });
      return more;
    },
    (error) => deps.logger.warn(`kinesis: the retention sweep failed: ${error}`),
  );
  const provider = {
    ...streamOperations(state),
    ...shardOperations(state),
    ...recordOperations(state, throttle, (streamId) => feed.touched(streamId)),
    ...tagOperations(state),
    ...consumerOperations(state, (streamId, name) => subscriptions.consumerGone(streamId, name)),
    ...subscribeOperations(state, subscriptions),
    kinesisFeed: feed,
    /** How many SubscribeToShard streams are open (for tests: a cancelled one must not linger). */
    openSubscriptions: () => subscriptions.size,
    dispose() {
      subscriptions.dispose();
      sweep.dispose();
      feed.dispose();
      throttle.clear();
    },
  } satisfies Partial<KinesisOperations<RequestContext>> & {
    kinesisFeed: Feed;
    openSubscriptions(): number;
    dispose(): void;
  };
  return provider;
}
