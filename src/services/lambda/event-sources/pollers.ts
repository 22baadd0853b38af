/**
 * The running pollers of event source mappings: one per enabled mapping, started when the
 * provider starts (so that a restart resumes them, streams from the position they kept), made
 * again when a mapping changes, stopped when it is disabled or deleted and when the provider is
 * disposed. DynamoDB Streams and Kinesis are read through their services' in-process feeds.
 */
import type { StreamFeed } from '../../dynamodb/streams/feed.js';
import type { KinesisFeed } from '../../kinesis/from-services.js';
import type { SqsFromServices } from '../../sqs/from-services.js';
import type { Destinations } from '../destinations.js';
import { invalidParameter } from '../errors.js';
import type { LambdaState } from '../state.js';
import { dynamodbReader } from './dynamodb-source.js';
import { KinesisPoller, kinesisStart } from './kinesis-source.js';
import type { SourceChecks } from './mappings.js';
import { SqsPoller } from './sqs-poller.js';
import type { EventSourceStore } from './store.js';
import { StreamPoller } from './stream-poller.js';

interface Running {
  stop(): void;
}

export class Pollers {
  readonly #state: LambdaState;
  readonly #store: EventSourceStore;
  readonly #destinations: Destinations;
  readonly #running = new Map<string, Running>();
  #stopped = false;

  constructor(state: LambdaState, store: EventSourceStore, destinations: Destinations) {
    this.#state = state;
    this.#store = store;
    this.#destinations = destinations;
  }

  sqs = async (): Promise<SqsFromServices> => (await this.#state.deps.provider('sqs')) as unknown as SqsFromServices;

  feed = async (): Promise<StreamFeed> =>
    ((await this.#state.deps.provider('dynamodb')) as unknown as { streamFeed: StreamFeed }).streamFeed;

  kinesis = async (): Promise<KinesisFeed> =>
    ((await this.#state.deps.provider('kinesis')) as unknown as { kinesisFeed: KinesisFeed }).kinesisFeed;

  /** Starts every enabled mapping's poller. */
  startAll(): void {
    for (const mapping of this.#store.allMappings()) this.sync(mapping.uuid);
  }

  /** Makes the poller of a mapping match its row: (re)started if enabled, stopped if disabled or gone. */
  sync(uuid: string): void {
    this.#running.get(uuid)?.stop();
    this.#running.delete(uuid);
    if (this.#stopped) return;
    const mapping = this.#store.mapping(uuid);
    if (!mapping?.enabled) return;
    let poller: Running & { start(): void };
    if (mapping.kind === 'sqs') poller = new SqsPoller(this.#state, mapping, this.sqs);
    else if (mapping.kind === 'kinesis') {
      poller = new KinesisPoller(this.#state, this.#store, mapping, this.kinesis, this.#destinations);
    } else {
      poller = new StreamPoller({
        state: this.#state,
        mapping,
        reader: async () => dynamodbReader(await this.feed(), mapping.sourceArn),
        position: mapping.position,
        save: (_shard, position) => this.#store.setPosition(mapping.uuid, position, 'OK'),
        destinations: this.#destinations,
      });
    }
    this.#running.set(uuid, poller);
    // After the turn: the row is written in this request's batch, which commits first.
    const started = poller;
    setImmediate(() => {
      if (this.#running.get(uuid) === started) started.start();
    });
  }

  stopAll(): void {
    this.#stopped = true;
    for (const poller of this.#running.values()) poller.stop();
    this.#running.clear();
  }

  /** What CreateEventSourceMapping checks of a source, through the services' in-process interfaces. */
  checks(): SourceChecks {
    return {
      check: async (kind, arn) => {
        if (kind === 'sqs') {
          const sqs = await this.sqs();
          if (sqs.queueKind(arn) === undefined) {
            // test_esm_with_not_existing_sqs_queue.
            throw invalidParameter(
              'Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.',
            );
          }
        } else if (kind === 'dynamodb') {
          const feed = await this.feed();
          // test_esm_with_not_existing_dynamodb_stream.
          if (!feed.readStream(arn, undefined, 1)) throw invalidParameter(`Stream not found: ${arn}`);
        } else {
          const feed = await this.kinesis();
          // test_esm_with_not_existing_kinesis_stream.
          if (!feed.shards(arn)) throw invalidParameter(`Stream not found: ${arn}`);
        }
      },
      startPosition: async (kind, arn, position, timestamp) => {
        if (kind === 'kinesis') return kinesisStart(await this.kinesis(), arn, position, timestamp);
        if (kind !== 'dynamodb' || position !== 'LATEST') return undefined;
        // LATEST: after the last record the stream holds now.
        const feed = await this.feed();
        let at: string | undefined;
        for (;;) {
          const read = feed.readStream(arn, at, 10_000);
          if (!read || read.records.length === 0) return at ?? read?.position;
          at = read.position;
        }
      },
    };
  }
}
