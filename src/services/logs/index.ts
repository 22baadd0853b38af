import type { ServiceDefinition } from '../service-types.js';

/** Amazon CloudWatch Logs: JSON 1.1, target prefix Logs_20140328. */
export const logs: ServiceDefinition = {
  name: 'logs',
  models: ['logs'],
  load: () => import('./provider.js'),
};
