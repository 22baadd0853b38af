import type { ServiceDefinition } from '../service-types.js';

/**
 * Amazon DynamoDB: the JSON 1.0 protocol (`X-Amz-Target: DynamoDB_20120810.*`), one state per
 * account and region.
 */
export const dynamodb: ServiceDefinition = {
  name: 'dynamodb',
  models: ['dynamodb'],
  load: () => import('./provider.js'),
};
