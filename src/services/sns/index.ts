import type { ServiceDefinition } from '../service-types.js';

/**
 * Amazon Simple Notification Service (query protocol). The links SNS hands out
 * (SubscribeURL, UnsubscribeURL) are unsigned GETs of `/?Action=...` with no Version: the
 * `queryActions` hint sends those to SNS.
 */
export const sns: ServiceDefinition = {
  name: 'sns',
  models: ['sns'],
  hints: {
    hosts: [/^sns(\.[a-z0-9-]+)?\.localhost$/],
    queryActions: ['ConfirmSubscription', 'Unsubscribe'],
    controlPaths: ['/_nimbus/sns', '/_aws/sns/'],
  },
  load: () => import('./provider.js'),
};
