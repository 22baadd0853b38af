/**
 * Amazon DynamoDB. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/
 *
 * Tables, items, Query and Scan, batches and transactions. The operations live with their
 * resources (tables.ts, tags.ts, items.ts, query.ts, scan.ts, batch.ts, transactions.ts), each a
 * table checked against the generated interface. Streams (which this provider answers too) and
 * TTL expiry live in streams/ and ttl.ts; point-in-time recovery, backups and exports in backups/.
 * What no table has (imports, global tables) answers 501 from the dispatcher, naming the operation.
 */
import { type DynamodbOperations, dynamodbOperations } from '../../generated/dynamodb/operations.js';
import {
  type DynamodbstreamsOperations,
  dynamodbstreamsOperations,
} from '../../generated/dynamodbstreams/operations.js';
import type { Migration } from '../../state/database.js';
import type { Provider, RequestContext, ServiceDeps } from '../service-types.js';
import { backupOperations, backupsMigrations } from './backups/index.js';
import { batchOperations } from './batch.js';
import { itemOperations } from './items.js';
import { partiqlOperations } from './partiql/index.js';
import { Purger } from './purger.js';
import { queryOperations } from './query.js';
import { scanOperations } from './scan.js';
import { DynamodbState } from './state.js';
import { dynamodbMigrations } from './store.js';
import { attachStreams, type StreamFeed, streamsMigrations } from './streams/attach.js';
import { tableOperations } from './tables.js';
import { tagOperations } from './tags.js';
import { transactionOperations } from './transactions.js';

/** One provider answers both models: DynamoDB and DynamoDB Streams (streams/operations.ts). */
export const operations = { ...dynamodbOperations, ...dynamodbstreamsOperations };
export const migrations: Migration[] = [...dynamodbMigrations, ...streamsMigrations, ...backupsMigrations];

/** Operations that never write, which need no savepoint (service-types.ts). */
export const readOnlyOperations: ReadonlySet<string> = new Set([
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'TransactGetItems',
  'DescribeTable',
  'ListTables',
  'ListTagsOfResource',
  'DescribeLimits',
  'DescribeEndpoints',
  'DescribeTimeToLive',
  'ListStreams',
  'DescribeStream',
  'GetShardIterator',
  'GetRecords',
  'DescribeContinuousBackups',
  'DescribeBackup',
  'ListBackups',
  'DescribeExport',
  'ListExports',
]);

export function createProvider(deps: ServiceDeps): Provider {
  const state = new DynamodbState(deps);
  const purger = new Purger(state);
  const streams = attachStreams(state);
  // What a crash left of deleted tables is purged after the start.
  if (state.store.hasDropped()) purger.wake();
  const provider = {
    ...tableOperations(state, purger),
    ...tagOperations(state),
    ...itemOperations(state),
    ...queryOperations(state),
    ...scanOperations(state),
    ...batchOperations(state),
    ...transactionOperations(state),
    ...partiqlOperations(state),
    ...backupOperations(state, purger, deps),
    ...streams.operations,
    /** Stream records for Lambda's event source mappings, in process (streams/feed.ts). */
    streamFeed: streams.feed,
    dispose() {
      purger.dispose();
      streams.dispose();
    },
  } satisfies Partial<DynamodbOperations<RequestContext>> &
    DynamodbstreamsOperations<RequestContext> & { streamFeed: StreamFeed; dispose(): void };
  return provider;
}
