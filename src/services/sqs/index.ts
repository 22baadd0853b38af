import type { ServiceDefinition } from '../service-types.js';

/**
 * Amazon Simple Queue Service: the JSON protocol of current SDKs and the query protocol of older
 * clients (AWS CLI 2.9, boto3 1.26), one state. Queue URLs may also name the region in their
 * host (`sqs.eu-west-1.localhost`).
 */
export const sqs: ServiceDefinition = {
  name: 'sqs',
  models: ['sqs', 'sqs-query'],
  hints: { hosts: [/^sqs(\.[a-z0-9-]+)?\.localhost$/] },
  load: () => import('./provider.js'),
};
