import type { ServiceDefinition } from '../service-types.js';
import { FirehoseStore } from './store.js';

/** Amazon Data Firehose: JSON 1.1, target prefix Firehose_20150804. */
export const firehose: ServiceDefinition = {
  name: 'firehose',
  models: ['firehose'],
  // Buffered records are delivered on the clock, and Kinesis sources read, without a request to
  // wake the provider: start it with Nimbus when there is such work (from before a restart).
  startAtBoot: (db) => FirehoseStore.hasWork(db),
  load: () => import('./provider.js'),
};
