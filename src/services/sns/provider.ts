/**
 * Amazon SNS. https://docs.aws.amazon.com/sns/latest/api/
 *
 * The operations live with their resources (topics.ts, subscriptions.ts, publish.ts,
 * platform.ts, sms.ts), each a table checked against the generated interface. Deliveries:
 * delivery.ts (fan-out), http-delivery.ts (the HTTP outbox).
 */
import { type SnsOperations, snsOperations } from '../../generated/sns/operations.js';
import type { Migration } from '../../state/database.js';
import type { ControlRequest, Provider, RequestContext, ServiceControl, ServiceDeps } from '../service-types.js';
import { Fanout } from './delivery.js';
import { fromServicesOperations } from './from-services.js';
import { HttpDelivery } from './http-delivery.js';
import { inspect } from './inspection.js';
import { platformOperations, smsOperations } from './platform.js';
import { platformMigrations } from './platform-store.js';
import { publishOperations } from './publish.js';
import { SnsState } from './state.js';
import { snsMigrations } from './store.js';
import { subscriptionOperations } from './subscriptions.js';
import { topicOperations } from './topics.js';

export const operations = snsOperations;
export const migrations: Migration[] = [...snsMigrations, ...platformMigrations];
/**
 * Publish checks every message before it writes (a FIFO topic's sequence and deduplication id),
 * and each delivery catches its queue's refusal: it runs without a savepoint of its own.
 */
export const checksBeforeWrites: ReadonlySet<string> = new Set(['Publish', 'PublishBatch']);
export const readOnlyOperations: ReadonlySet<string> = new Set([
  'GetTopicAttributes',
  'ListTopics',
  'ListTagsForResource',
  'GetSubscriptionAttributes',
  'ListSubscriptions',
  'ListSubscriptionsByTopic',
  'GetDataProtectionPolicy',
  'GetPlatformApplicationAttributes',
  'ListPlatformApplications',
  'GetEndpointAttributes',
  'ListEndpointsByPlatformApplication',
  'GetSMSAttributes',
  'CheckIfPhoneNumberIsOptedOut',
  'ListPhoneNumbersOptedOut',
  'ListSMSSandboxPhoneNumbers',
  'GetSMSSandboxAccountStatus',
  'ListOriginationNumbers',
]);

export function createProvider(deps: ServiceDeps): Provider {
  const state = new SnsState(deps);
  const http = new HttpDelivery(state);
  state.httpDelivery = http;
  const fanout = new Fanout(state);
  // What a crash left in the outbox goes out now.
  http.schedule();
  const provider = {
    ...topicOperations(state),
    ...subscriptionOperations(state),
    ...publishOperations(state, fanout),
    ...platformOperations(state),
    ...smsOperations(state),
    ...fromServicesOperations(state, fanout),
    control: (request: ControlRequest) => inspect(state, request),
    dispose() {
      http.dispose();
    },
  } satisfies Partial<SnsOperations<RequestContext>> & ServiceControl & { dispose(): void };
  return provider;
}
