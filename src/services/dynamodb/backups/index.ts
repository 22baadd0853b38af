/**
 * What backups add to the DynamoDB provider: point-in-time recovery (its settings and the item
 * history kept while it is on, pitr.ts), on-demand backups and restores (backups.ts,
 * restore.ts), and exports to S3 (exports.ts). Their SQL is store.ts's, their schema migration 3
 * of owner dynamodb.
 */
import type { DynamodbOperations } from '../../../generated/dynamodb/operations.js';
import type { S3FromServices } from '../../s3/from-services.js';
import type { RequestContext, ServiceDeps } from '../../service-types.js';
import type { Purger } from '../purger.js';
import type { DynamodbState } from '../state.js';
import { tableOperations } from '../tables.js';
import { backupOperations as onDemandOperations } from './backups.js';
import { exportOperations } from './exports.js';
import { logChanges, pitrOperations } from './pitr.js';
import { BackupStore } from './store.js';

export { backupsMigrations } from './store.js';

export function backupOperations(state: DynamodbState, purger: Purger, deps: Pick<ServiceDeps, 'provider'>) {
  const store = new BackupStore(state.db);
  state.changeListeners.push(logChanges(state, store));
  const tables = tableOperations(state, purger);
  let s3: Promise<S3FromServices> | undefined;
  const s3Provider = () => {
    s3 ??= deps.provider('s3') as Promise<unknown> as Promise<S3FromServices>;
    return s3;
  };
  return {
    ...pitrOperations(state, store),
    ...onDemandOperations(state, store, (ctx, input) => tables.createTable(ctx, input)),
    ...exportOperations(state, store, s3Provider),
  } satisfies Partial<DynamodbOperations<RequestContext>>;
}
