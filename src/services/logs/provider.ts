/**
 * Amazon CloudWatch Logs. https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/
 *
 * The operations live with their resources (groups.ts, tags.ts, streams.ts, events.ts,
 * filter.ts), each a table checked against the generated interface; from-services.ts is what
 * Lambda writes function logs through. Retention runs on the Nimbus clock (retention.ts).
 * Everything else the model lists (metric and subscription filters, StartLiveTail, Insights
 * queries, deliveries, ...) answers 501 naming the operation.
 */
import { type LogsOperations, logsOperations } from '../../generated/logs/operations.js';
import type { Migration } from '../../state/database.js';
import type { Provider, RequestContext, ServiceDeps } from '../service-types.js';
import { eventOperations } from './events.js';
import { filterOperations } from './filter.js';
import { fromServicesOperations } from './from-services.js';
import { groupOperations } from './groups.js';
import { Retention } from './retention.js';
import { LogsState } from './state.js';
import { logsMigrations } from './store.js';
import { streamOperations } from './streams.js';
import { tagOperations } from './tags.js';

export const operations = logsOperations;
export const migrations: Migration[] = logsMigrations;
export const readOnlyOperations: ReadonlySet<string> = new Set([
  'DescribeLogGroups',
  'ListLogGroups',
  'DescribeLogStreams',
  'GetLogEvents',
  'FilterLogEvents',
  'ListTagsLogGroup',
  'ListTagsForResource',
]);

export function createProvider(deps: ServiceDeps): Provider {
  const state = new LogsState(deps);
  const retention = new Retention(state);
  const provider = {
    ...groupOperations(state, retention),
    ...tagOperations(state),
    ...streamOperations(state),
    ...eventOperations(state, retention),
    ...filterOperations(state),
    ...fromServicesOperations(state, retention),
    dispose() {
      retention.dispose();
    },
  } satisfies Partial<LogsOperations<RequestContext>> & { dispose(): void };
  return provider;
}
