import type { ServiceDefinition } from '../service-types.js';

/**
 * Amazon DynamoDB: the JSON 1.0 protocol (`X-Amz-Target: DynamoDB_20120810.*`), one state per
 * account and region. The same provider answers DynamoDB Streams (`DynamoDBStreams_20120810.*`,
 * model `dynamodbstreams`), whose records it writes with the items.
 */
export const dynamodb: ServiceDefinition = {
  name: 'dynamodb',
  models: ['dynamodb', 'dynamodbstreams'],
  load: () => import('./provider.js'),
};
