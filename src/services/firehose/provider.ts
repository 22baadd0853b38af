/**
 * Amazon Data Firehose. https://docs.aws.amazon.com/firehose/latest/APIReference/
 *
 * DirectPut delivery streams to Amazon S3 (S3 and ExtendedS3 destinations): streams.ts holds the
 * stream operations, records.ts the puts, delivery.ts the buffering and the writes to S3 on the
 * Nimbus clock, processing.ts the Lambda transform and dynamic partitioning, naming.ts AWS's
 * object names and prefix expressions, kinesis-source.ts Kinesis streams as a source. Other
 * destinations and sources answer
 * InvalidArgumentException naming what is not supported.
 */
import { type FirehoseOperations, firehoseOperations } from '../../generated/firehose/operations.js';
import type { Migration } from '../../state/database.js';
import type { Provider, RequestContext, ServiceDeps } from '../service-types.js';
import { Delivery } from './delivery.js';
import { fromServicesOperations } from './from-services.js';
import { KinesisSource } from './kinesis-source.js';
import { recordOperations } from './records.js';
import { FirehoseState } from './state.js';
import { firehoseMigrations } from './store.js';
import { streamOperations } from './streams.js';

export const operations = firehoseOperations;
export const migrations: Migration[] = firehoseMigrations;
export const readOnlyOperations: ReadonlySet<string> = new Set([
  'DescribeDeliveryStream',
  'ListDeliveryStreams',
  'ListTagsForDeliveryStream',
]);

export function createProvider(deps: ServiceDeps): Provider {
  const state = new FirehoseState(deps);
  const delivery = new Delivery(state);
  const kinesis = new KinesisSource(state, delivery);
  const provider = {
    ...streamOperations(state, delivery, kinesis),
    ...recordOperations(state, delivery),
    ...fromServicesOperations(state, delivery),
    /** Resolves once no delivery is running: what a test awaits after moving the clock. */
    deliveriesIdle(): Promise<void> {
      return delivery.idle();
    },
    dispose() {
      kinesis.dispose();
      delivery.dispose();
    },
  } satisfies FirehoseOperations<RequestContext> & { dispose(): void; deliveriesIdle: unknown };
  return provider;
}
