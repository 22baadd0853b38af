import type { ServiceDefinition } from '../service-types.js';

/** Amazon Kinesis Data Streams: JSON 1.1, target prefix Kinesis_20131202. */
export const kinesis: ServiceDefinition = {
  name: 'kinesis',
  models: ['kinesis'],
  load: () => import('./provider.js'),
};
