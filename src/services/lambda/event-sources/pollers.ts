/**
 * The running pollers of event source mappings: one per enabled mapping, started when the
 * provider starts (so that a restart resumes them, streams from the position they kept), made
 * again when a mapping changes, stopped when it is disabled or deleted and when the provider is
 * disposed. Kinesis mappings need Kinesis's in-process feed, which Nimbus does not have yet.
 */
import type { StreamFeed } from '../../dynamodb/streams/feed.js';
import type { SqsFromServices } from '../../sqs/from-services.js';
import type { Destinations } from '../destinations.js';
import { invalidParameter } from '../errors.js';
import type { LambdaState } from '../state.js';
import type { SourceChecks } from './mappings.js';
import { SqsPoller } from './sqs-poller.js';
import type { EventSourceStore, SourceKind } from './store.js';
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
    let poller: SqsPoller | StreamPoller | undefined;
    if (mapping.kind === 'sqs') poller = new SqsPoller(this.#state, mapping, this.sqs);
    else if (mapping.kind === 'dynamodb') {
      poller = new StreamPoller(this.#state, this.#store, mapping, this.feed, this.#destinations);
    }
    if (!poller) return;
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
      supported: (kind: SourceKind) => kind !== 'kinesis',
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
        }
      },
      startPosition: async (kind, arn, position) => {
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
