import type { ServiceDefinition } from '../service-types.js';

/** Amazon Data Firehose: JSON 1.1, target prefix Firehose_20150804. */
export const firehose: ServiceDefinition = {
  name: 'firehose',
  models: ['firehose'],
  load: () => import('./provider.js'),
};
