import type { ServiceDefinition } from '../service-types.js';
import { EventSourceStore } from './event-sources/store.js';

/**
 * AWS Lambda (rest-json). Functions run as local processes behind a Runtime API server of
 * their own; no Docker. The path prefixes find unsigned requests; `/_nimbus/lambda` serves the
 * deployment packages GetFunction links to.
 */
export const lambda: ServiceDefinition = {
  name: 'lambda',
  models: ['lambda'],
  hints: {
    hosts: [/^lambda(\.[a-z0-9-]+)?\.localhost$/],
    pathPrefixes: [
      '/2015-03-31/functions',
      '/2017-10-31/functions',
      '/2019-09-30/functions',
      '/2017-03-31/tags',
      '/2016-08-19/account-settings',
      '/2018-10-31/layers',
      '/2021-10-31/functions',
      '/2021-11-15/functions',
      '/2015-03-31/event-source-mappings',
      '/2019-09-25/functions',
    ],
    controlPaths: ['/_nimbus/lambda'],
  },
  // Event source mappings poll without a request to wake them: start Lambda when some exist.
  startAtBoot: (db) => EventSourceStore.any(db),
  load: () => import('./provider.js'),
};
