/**
 * Amazon SQS. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/
 *
 * One provider answers both wire forms: the JSON protocol (model `sqs`) and the query protocol
 * of older clients (model `sqs-query`); both name the same operations with the same members.
 * The operations live with their resources (queues.ts, messages.ts, permissions.ts,
 * move-tasks.ts), each a table checked against the generated interface.
 */
import { type SqsOperations, sqsOperations } from '../../generated/sqs/operations.js';
import type { Migration } from '../../state/database.js';
import type { Provider, RequestContext, ServiceDeps } from '../service-types.js';
import { fromServicesOperations } from './from-services.js';
import { messageOperations } from './messages.js';
import { MoveTasks } from './move-tasks.js';
import { permissionOperations } from './permissions.js';
import { queueOperations } from './queues.js';
import { sqsMigrations } from './schema.js';
import { SqsState } from './state.js';
import { Sweeper } from './sweeper.js';

export const operations = sqsOperations;
export const migrations: Migration[] = sqsMigrations;

/**
 * The message operations make every check before they write (store.ts `atomic` says why), and a
 * batch's entries catch their own AwsErrors: they run without a savepoint of their own.
 */
export const checksBeforeWrites: ReadonlySet<string> = new Set([
  'SendMessage',
  'SendMessageBatch',
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
]);

export function createProvider(deps: ServiceDeps): Provider {
  const state = new SqsState(deps);
  const sweeper = new Sweeper(state);
  const moveTasks = new MoveTasks(state);
  const provider = {
    ...queueOperations(state),
    ...messageOperations(state, sweeper),
    ...permissionOperations(state),
    ...moveTasks.operations(),
    ...fromServicesOperations(state, sweeper),
    dispose() {
      state.waiters.stopAll();
      sweeper.dispose();
      moveTasks.dispose();
    },
  } satisfies SqsOperations<RequestContext> & { dispose(): void };
  return provider;
}
