/**
 * Amazon DynamoDB. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/
 *
 * Tables, items, Query and Scan, batches and transactions. The operations live with their
 * resources (tables.ts, tags.ts, items.ts, query.ts, scan.ts, batch.ts, transactions.ts), each a
 * table checked against the generated interface; what no table has (Streams, PartiQL, backups,
 * exports, global tables) answers 501 from the dispatcher, naming the operation.
 */
import { type DynamodbOperations, dynamodbOperations } from '../../generated/dynamodb/operations.js';
import type { Migration } from '../../state/database.js';
import type { Provider, RequestContext, ServiceDeps } from '../service-types.js';
import { batchOperations } from './batch.js';
import { itemOperations } from './items.js';
import { partiqlOperations } from './partiql/index.js';
import { Purger } from './purger.js';
import { queryOperations } from './query.js';
import { scanOperations } from './scan.js';
import { DynamodbState } from './state.js';
import { dynamodbMigrations } from './store.js';
import { tableOperations } from './tables.js';
import { tagOperations } from './tags.js';
import { transactionOperations } from './transactions.js';

export const operations = dynamodbOperations;
export const migrations: Migration[] = dynamodbMigrations;

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
]);

export function createProvider(deps: ServiceDeps): Provider {
  const state = new DynamodbState(deps);
  const purger = new Purger(state);
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
    dispose() {
      purger.dispose();
    },
  } satisfies Partial<DynamodbOperations<RequestContext>> & { dispose(): void };
  return provider;
}
